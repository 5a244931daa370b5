import ArgumentParser
import Foundation
import Glibc
import LookoutCore
import Synchronization

/// `lookout stats`: per-provider (or model, service) statistics of log files or stdin, headless.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Statistics of LLM calls in log files or stdin: requests, errors by class, latency percentiles, tokens, cost.",
        discussion: """
        Every line is read; malformed lines are counted, never fatal. The mapping is detected from the first
        JSON line unless --mapping names one of: \(LogMapping.presets.map(\.name).joined(separator: ", ")).
        Kubernetes CRI and docker json-file envelopes, `aws logs tail` output, logfmt and OTLP/JSON are understood.

        Examples:
          lookout stats /var/log/chat-api/app.log
          kubectl logs deploy/chat-api | lookout stats --by model -
        """)

    @Option(name: .long, help: "Mapping: a preset, or one defined in --config (default: detected).")
    var mapping: String?

    @Option(name: .long, help: "Configuration whose `mappings:` --mapping may name, and whose `prices:` cost calls logged without a cost.")
    var config: String?

    @Option(name: .long, help: "Group by provider, model or service.")
    var by: StatsGrouping = .provider

    @Option(name: .long, help: "table or json.")
    var format: OutputFormat = .table

    @Argument(help: "Log files; - or nothing for stdin.")
    var files: [String] = []

    enum OutputFormat: String, ExpressibleByArgument { case table, json }

    func run() throws {
        let loaded = try config.map(ConfigFile.load)
        let custom = loaded?.mappings ?? []
        let prices = loaded?.prices ?? PriceTable.builtIn
        var preset: LogMapping?
        if let mapping {
            preset = custom.first { $0.name == mapping } ?? LogMapping.preset(named: mapping)
            guard preset != nil else {
                let known = (custom.map(\.name) + LogMapping.presets.map(\.name)).joined(separator: ", ")
                throw LookoutError("unknown mapping \"\(mapping)\" (one of: \(known))")
            }
        }
        var statistics = CallStatistics(grouping: by, prices: prices)
        for file in files.isEmpty ? ["-"] : files {
            statistics.merge(try StatsRun.read(path: file, mapping: preset, grouping: by, prices: prices))
        }
        switch format {
        case .json: print(statistics.json())
        case .table: print(statistics.table(), terminator: "")
        }
    }
}

/// How `stats` reads one input: a regular file of one-line JSON objects is cut at clean line boundaries
/// into one part per core, each part read (pread, 1 MiB at a time: memory stays bounded) by its own
/// `StatsReader` on its own thread, and the parts merged in order (HdrHistograms merge exactly).
/// Standard input, pipes and other shapes are read in one pass.
enum StatsRun {
    static let chunk = 1 << 20

    static func read(path: String, mapping: LogMapping?, grouping: StatsGrouping, prices: PriceTable) throws -> CallStatistics {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LookoutError("\(path): \(String(cString: strerror(errno)))") }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var info = stat()
        let size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : 0
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard size > 4 * chunk, cores > 1 else { return try part(fd, 0..<Int.max, mapping: mapping, grouping: grouping, prices: prices) }

        let head = try pread(fd, at: 0, count: chunk)
        let detected = mapping ?? head.withUnsafeBufferPointer(StatsReader.detectMapping)
        guard let detected, detected.name != LogMapping.otlpName else {
            return try part(fd, 0..<Int.max, mapping: mapping, grouping: grouping, prices: prices)
        }
        var cuts: [Int] = []
        for index in 1..<cores {
            let target = size * index / cores
            let window = try pread(fd, at: target - 1, count: chunk)
            if let cut = window.withUnsafeBufferPointer(StatsSplitter.boundary(in:)), target - 1 + cut > (cuts.last ?? 0) {
                cuts.append(target - 1 + cut)
            }
        }
        let bounds = zip([0] + cuts, cuts + [size]).map { $0..<$1 }
        let results = Mutex<[Int: Result<CallStatistics, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: bounds.count) { index in
            // Every part but the first gets the mapping the start of the file calls for.
            let outcome = Result {
                try part(fd, bounds[index], mapping: index == 0 ? mapping : detected, grouping: grouping, prices: prices)
            }
            results.withLock { $0[index] = outcome }
        }
        var merged = CallStatistics(grouping: grouping, prices: prices)
        for index in bounds.indices {
            if let outcome = results.withLock({ $0[index] }) { merged.merge(try outcome.get()) }
        }
        return merged
    }

    /// Reads `range` of `fd` (to the end of the input for `..<Int.max`) through one `StatsReader`.
    static func part(_ fd: Int32, _ range: Range<Int>, mapping: LogMapping?, grouping: StatsGrouping,
                     prices: PriceTable) throws -> CallStatistics {
        var reader = StatsReader(mapping: mapping, grouping: grouping, prices: prices)
        var buffer = [UInt8](repeating: 0, count: chunk)
        var offset = range.lowerBound
        let positioned = range.upperBound != Int.max
        while offset < range.upperBound {
            let want = min(chunk, range.upperBound - offset)
            let count = buffer.withUnsafeMutableBytes { raw in
                positioned ? Glibc.pread(fd, raw.baseAddress, want, off_t(offset)) : Glibc.read(fd, raw.baseAddress, want)
            }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw LookoutError("read failed: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            buffer.withUnsafeBufferPointer { reader.feed(UnsafeBufferPointer(rebasing: $0[0..<count])) }
            offset += count
        }
        reader.finish()
        return reader.statistics
    }

    static func pread(_ fd: Int32, at offset: Int, count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress, count, off_t(offset)) }
        guard got >= 0 else { throw LookoutError("read failed: \(String(cString: strerror(errno)))") }
        return Array(buffer[0..<got])
    }
}

extension StatsGrouping: ExpressibleByArgument {}
