import Foundation
import LookoutCore
import LookoutUI

// Fuzz targets for lookout's parsers of outside input (issue 15). One binary, the target chosen by
// LOOKOUT_FUZZ_TARGET: `exposition` (a /metrics body: read whole and in two chunks, which must agree), `logs` (bytes
// as a log source: the JSON scanner, logfmt and text under every mapping preset, and the hygiene mask), `config` (a
// YAML configuration), `readiness` (a health body), `sse` (a server-sent event stream, whole and cut in two, which
// must agree), `conditions` (a condition's first line, judged on the rest as a body), `theme` (a theme file).
//
// Built two ways:
// - by `scripts/fuzz.sh`, with -sanitize=fuzzer,address -DLOOKOUT_FUZZING: libFuzzer's driver calls the target with
//   each input (coverage-guided; a crash or a failed invariant is a finding, saved as a file);
// - by `swift build`, as a plain program that replays files (`lookout-fuzz TARGET FILE…`): the test suite replays
//   the seeds and every finding kept in Fuzz/corpus, so each finding stays a regression test.

enum FuzzTarget: String, CaseIterable {
    case exposition, logs, config, readiness, sse, conditions, theme

    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .exposition:
            // The same scrape read whole and cut in two must give the same result, twice in a row (the second read
            // takes deltas against the first).
            let cut = bytes.isEmpty ? 0 : Int(bytes[0]) * bytes.count / 256
            var whole = MetricsTracker(), split = MetricsTracker()
            for _ in 0 ..< 2 {
                let a = whole.read(bytes: bytes)
                let b = split.read { feed in
                    feed(UnsafeRawBufferPointer(rebasing: bytes[..<cut]))
                    feed(UnsafeRawBufferPointer(rebasing: bytes[cut...]))
                }
                if a != b { fatalError("exposition: whole and cut at \(cut) differ:\n\(a)\n\(b)") }
            }
            _ = PrometheusText.parse(bytes: bytes.assumingMemoryBound(to: UInt8.self))
        case .logs:
            for mapping in [nil] + LogMapping.presets {
                var pipeline = LogPipeline(mapping: mapping, maxLineBytes: 4096)
                var records = 0
                pipeline.feed(bytes.assumingMemoryBound(to: UInt8.self)) { _ in records += 1 }
                pipeline.finish { _ in records += 1 }
            }
            _ = LogHygiene.standard.mask(String(decoding: bytes, as: UTF8.self))
        case .config:
            _ = try? ConfigParser.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
        case .readiness:
            _ = ReadinessReport.judge(httpStatus: 200, body: Array(bytes))
        case .sse:
            let typed = bytes.assumingMemoryBound(to: UInt8.self)
            let cut = bytes.isEmpty ? 0 : Int(bytes[0]) * bytes.count / 256
            var whole = ServerSentEvents(), split = ServerSentEvents()
            let a = whole.feed(typed)
            let b = split.feed(UnsafeBufferPointer(rebasing: typed[..<cut])) + split.feed(UnsafeBufferPointer(rebasing: typed[cut...]))
            if a != b { fatalError("sse: whole and cut at \(cut) differ") }
        case .conditions:
            let text = String(decoding: bytes, as: UTF8.self)
            let expression = String(text.prefix { $0 != "\n" })
            let body = Array(text.drop { $0 != "\n" }.dropFirst().utf8)
            if let condition = try? Condition(expression) {
                let result = ProbeResult(service: "fuzz", kind: .readiness, startedAt: Date(timeIntervalSince1970: 1_800_000_000),
                                         httpStatus: 200, body: body, timings: ProbeTimings(totalMicros: 12_000))
                _ = condition.evaluate(result, now: Date(timeIntervalSince1970: 1_800_000_000))
            }
        case .theme:
            _ = try? ThemeParser.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
        }
    }

    static let chosen: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["LOOKOUT_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            fatalError("LOOKOUT_FUZZ_TARGET must be one of: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return target
    }()
}

/// The replay program: runs a target over files, as the fuzzer would, and says how many it read.
func replay(_ arguments: ArraySlice<String>) -> Int32 {
    guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("usage: lookout-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE…\n".utf8))
        return 2
    }
    var replayed = 0
    for path in arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("lookout-fuzz: cannot read \(path)\n".utf8))
            return 1
        }
        data.withUnsafeBytes { target.run($0) }
        replayed += 1
    }
    print("\(target.rawValue): \(replayed) inputs replayed")
    return 0
}

#if LOOKOUT_FUZZING
/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links): it parses libFuzzer's flags and calls back with
/// each input. Called from this program's own main, which SwiftPM's executable target requires.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argc, &argv) { data, size in
    FuzzTarget.chosen.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
})
#else
exit(replay(CommandLine.arguments.dropFirst()))
#endif
