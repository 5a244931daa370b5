import LookoutCore

/// Every log source of a set of services — files, commands, HTTP streams — started and stopped together,
/// each batch handed to `deliver`. Services come with their secrets resolved (stream headers use them).
public final class LogCollectors: Sendable {
    private let files: FileTailer
    private let commands: CommandTailer
    private let streams: HTTPStreamTailer

    /// - Parameters:
    ///   - mapping: resolves a source's mapping name (file-defined mappings, then presets).
    ///   - filesFromStart: read every file from its start (a snapshot), instead of each source's setting.
    ///   - hygiene: what is masked in every line (the context's `log-hygiene:`).
    public init(services: [ServiceConfig], mapping: @escaping (String?) -> LogMapping?, filesFromStart: Bool = false,
                hygiene: LogHygiene = .standard, deliver: @escaping @Sendable (LogBatch) -> Void) {
        files = FileTailer(sources: services.flatMap { service in
            service.logs.compactMap { source -> FileTailer.Source? in
                guard case let .file(path) = source.kind else { return nil }
                var file = FileTailer.Source(service: service.name, path: path, mapping: mapping(source.mapping),
                                             fromStart: filesFromStart || source.fromStart)
                file.hygiene = hygiene
                return file
            }
        }, deliver: deliver)
        commands = CommandTailer(sources: services.flatMap { service in
            service.logs.compactMap { source -> CommandTailer.Source? in
                guard case let .command(argv) = source.kind else { return nil }
                var command = CommandTailer.Source(service: service.name, argv: argv, mapping: mapping(source.mapping))
                command.hygiene = hygiene
                return command
            }
        }, deliver: deliver)
        streams = HTTPStreamTailer(sources: services.flatMap { service in
            service.logs.compactMap { source -> HTTPStreamTailer.Source? in
                guard case let .http(url) = source.kind else { return nil }
                var stream = HTTPStreamTailer.Source(service: service.name, url: url, headers: service.headers, mapping: mapping(source.mapping))
                stream.hygiene = hygiene
                return stream
            }
        }, deliver: deliver)
    }

    /// The least time between two passes over the log files, and the rest between two turns of an HTTP stream that
    /// read little (the Logs screen asks for a shorter one).
    public func pace(_ interval: Duration) {
        files.pace(interval)
        streams.pace(interval)
    }

    public func start() {
        files.start()
        commands.start()
        streams.start()
    }

    /// Stops every source and returns when each has let go of what it started (files, process groups, connections).
    public func stop() async {
        files.stop()
        await commands.stop()
        await streams.stop()
    }

    /// `stop()` from a thread outside the concurrency pool (the main thread); blocks.
    public func stop() {
        waitFor { await self.stop() }
    }
}
