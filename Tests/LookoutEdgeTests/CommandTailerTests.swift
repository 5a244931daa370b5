import Foundation
import Glibc
import LookoutCore
import LookoutSources
import Testing

@Suite("Log commands as real subprocesses", .serialized)
struct CommandTailerTests {
    @Test func decodesStdoutShowsStderrAndRestartsWithBackoff() throws {
        let script = #"printf '{"provider":"openai","latency_ms":12}\n{"provider":"anthropic","latency_ms":'; sleep 0.2; printf '30}\n'; echo 'error: token expired' >&2; exit 3"#
        let sink = BatchSink()
        let tailer = CommandTailer(sources: [.init(service: "chat-api", argv: ["/bin/sh", "-c", script])], initialBackoff: 0.3) { sink.add($0) }
        tailer.start()
        defer { tailer.stop() }
        let records = sink.waitFor(seconds: 10) { $0.count >= 4 }
        #expect(records.prefix(4).map(\.provider) == ["openai", "anthropic", "openai", "anthropic"], "it ran twice")
        #expect(records[1].latencyMs == 30, "a line split across writes is one record")
        #expect(sink.statuses.contains { $0.hasPrefix("running (pid ") })
        #expect(sink.statuses.contains("exited 3: error: token expired; restarting in 300ms"))
    }

    @Test func aMissingProgramIsAStatusNotACrash() {
        let sink = BatchSink()
        let tailer = CommandTailer(sources: [.init(service: "s", argv: ["/nonexistent/kubectl", "logs"])]) { sink.add($0) }
        tailer.start()
        defer { tailer.stop() }
        _ = sink.waitFor(seconds: 5) { _ in !sink.statuses.isEmpty }
        #expect(sink.statuses.first == "cannot start /nonexistent/kubectl: No such file or directory")
    }

    @Test func stoppingEndsTheCommandWithinASecond() throws {
        let marker = NSTemporaryDirectory() + "lookout-cmd-\(UUID().uuidString.prefix(8))"
        let sink = BatchSink()
        let tailer = CommandTailer(sources: [.init(service: "s", argv: ["/bin/sh", "-c", "echo $$ > \(marker); sleep 60 & wait"])]) { sink.add($0) }
        tailer.start()
        var shell: pid_t = 0
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: marker, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                shell = pid
                break
            }
            usleep(20_000)
        }
        #expect(shell > 0)
        let start = Date()
        tailer.stop()
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(kill(shell, 0) != 0, "the command is gone (and reaped) after stop")
    }
}
