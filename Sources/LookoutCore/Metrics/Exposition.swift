/// One scrape's samples in compact form: metric names and label strings are ids in a `SymbolTable` the reader
/// keeps across scrapes, labels are pairs in one array, and each sample knows its series — its name and labels,
/// whatever order they were written in — by an id that is the same in the next scrape. Nothing is allocated per
/// sample; `PrometheusText.parse` turns it into `MetricFamily` values where a caller wants those.
struct Exposition: Sendable {
    /// What a sample's name ends with: which part of a counter, histogram or summary it is.
    enum Suffix: UInt8, Sendable {
        case none, total, created, bucket, count, sum, gcount, gsum, info

        static let all: [(Suffix, String)] = [(.total, "_total"), (.created, "_created"), (.bucket, "_bucket"), (.count, "_count"),
                                              (.sum, "_sum"), (.gcount, "_gcount"), (.gsum, "_gsum"), (.info, "_info")]

        init(of name: String) {
            self = Self.all.first { name.hasSuffix($0.1) }?.0 ?? .none
        }
    }

    /// One label of one sample.
    struct Label: Sendable {
        var name: Int32
        var value: Int32
    }

    /// One sample: 32 bytes.
    struct Sample: Sendable {
        var name: Int32
        /// The series (name and sorted labels) in the reader's series table.
        var series: Int32
        var labelStart: Int32
        var labelCount: UInt16
        var suffix: Suffix
        var value: Double
        /// NaN when the line has none.
        var timestamp: Double

        var labelRange: Range<Int> { Int(labelStart) ..< Int(labelStart) + Int(labelCount) }
    }

    /// A metric family: its declared type and help, and its samples in the order read.
    struct Family: Sendable {
        var name: String
        var kind: MetricFamily.Kind
        var help: String?
        var samples: [Sample] = []
    }

    var families: [Family] = []
    /// Every sample's labels, sorted by name id within a sample.
    var labels: [Label] = []
    var issues: [MetricParseIssue] = []
    var sampleCount = 0

    /// The value id of label `name` on `sample`, nil when the sample has no such label.
    @inline(__always)
    func label(_ name: Int32, of sample: Sample) -> Int32? {
        var index = Int(sample.labelStart)
        let end = index + Int(sample.labelCount)
        while index < end {
            if labels[index].name == name { return labels[index].value }
            index += 1
        }
        return nil
    }

    /// The families as the public, dictionary-labelled `MetricFamily` values (declared families without samples
    /// kept, undeclared ones only with samples).
    func metricFamilies(_ symbols: SymbolTable) -> [MetricFamily] {
        families.filter { !$0.samples.isEmpty || $0.kind != .untyped }.map { family in
            MetricFamily(name: family.name, kind: family.kind, help: family.help, samples: family.samples.map { sample in
                var labels: [String: String] = [:]
                for label in self.labels[sample.labelRange] { labels[symbols.string(label.name)] = symbols.string(label.value) }
                return MetricSample(name: symbols.string(sample.name), labels: labels, value: sample.value,
                                    timestamp: sample.timestamp.isNaN ? nil : sample.timestamp)
            })
        }
    }
}
