import ArgumentParser
import Foundation
import Glibc
import LookoutCore

/// `lookout stats`: per-provider (or model, service) statistics of log files or stdin, headless.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Statistics of LLM calls in log files or stdin: requests, errors by class, latency percentiles, tokens, cost.",
        discussion: """
        Every line is read; malformed lines are counted, never fatal. The mapping is detected from the first
        JSON line unless --mapping names one of: \(LogMapping.presets.map(\.name).joined(separator: ", ")).
        Kubernetes CRI and docker json-file envelopes, `aws logs tail` output, logfmt and OTLP/JSON are understood.
        """)

    @Option(name: .long, help: "Mapping preset (default: detected).")
    var mapping: String?

    @Option(name: .long, help: "Group by provider, model or service.")
    var by: StatsGrouping = .provider

    @Option(name: .long, help: "table or json.")
    var format: OutputFormat = .table

    @Argument(help: "Log files; - or nothing for stdin.")
    var files: [String] = []

    enum OutputFormat: String, ExpressibleByArgument { case table, json }

    func validate() throws {
        if let mapping, LogMapping.preset(named: mapping) == nil {
            throw ValidationError("unknown mapping \"\(mapping)\" (one of: \(LogMapping.presets.map(\.name).joined(separator: ", ")))")
        }
    }

    func run() throws {
        let preset = mapping.flatMap(LogMapping.preset(named:))
        var reader = StatsReader(mapping: preset, grouping: by)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        for file in files.isEmpty ? ["-"] : files {
            let fd = file == "-" ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw LookoutError("\(file): \(String(cString: strerror(errno)))") }
            defer { if fd != STDIN_FILENO { close(fd) } }
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else { throw LookoutError("\(file): \(String(cString: strerror(errno)))") }
                if count == 0 { break }
                buffer.withUnsafeBufferPointer { reader.feed(UnsafeBufferPointer(rebasing: $0[0..<count])) }
            }
            reader.finish()
        }
        let statistics = reader.statistics
        switch format {
        case .json: print(statistics.json())
        case .table: print(statistics.table(), terminator: "")
        }
    }
}

extension StatsGrouping: ExpressibleByArgument {}
