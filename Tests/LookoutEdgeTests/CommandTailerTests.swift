import Foundation
import Glibc
import LookoutCore
import LookoutSources
import Testing

@Suite("Log commands as real subprocesses", .serialized)
struct CommandTailerTests {
    @Test func decodesStdoutShowsStderrAndRestartsWithBackoff() async throws {
        let script = #"printf '{"provider":"openai","latency_ms":12}\n{"provider":"anthropic","latency_ms":'; sleep 0.2; printf '30}\n'; echo 'error: token expired' >&2; exit 3"#
        let sink = BatchSink()
        let tailer = CommandTailer(sources: [.init(service: "chat-api", argv: ["/bin/sh", "-c", script])], initialBackoff: 0.3) { sink.add($0) }
        tailer.start()
        let records = await sink.waitFor(seconds: 10) { $0.count >= 4 }
        try #require(records.count >= 4, "it ran twice")
        #expect(records.prefix(4).map(\.provider) == ["openai", "anthropic", "openai", "anthropic"])
        #expect(records[1].latencyMs == 30, "a line split across writes is one record")
        #expect(sink.statuses.contains { $0.hasPrefix("running (pid ") })
        #expect(sink.statuses.contains("exited 3: error: token expired; restarting in 300ms"))
        await tailer.stop()
    }

    @Test func aMissingProgramIsAStatusNotACrash() async {
        let sink = BatchSink()
        let tailer = CommandTailer(sources: [.init(service: "s", argv: ["/nonexistent/kubectl", "logs"])]) { sink.add($0) }
        tailer.start()
        _ = await sink.waitFor(seconds: 5) { _ in !sink.statuses.isEmpty }
        #expect(sink.statuses.first == "cannot start /nonexistent/kubectl: No such file or directory")
        await tailer.stop()
    }

    @Test func stoppingEndsTheCommandAndWhatItStartedWithinASecond() async throws {
        let marker = NSTemporaryDirectory() + "lookout-cmd-\(UUID().uuidString.prefix(8))"
        let sink = BatchSink()
        let script = "sleep 60 & echo $$ $! > \(marker); wait"
        let tailer = CommandTailer(sources: [.init(service: "s", argv: ["/bin/sh", "-c", script])]) { sink.add($0) }
        tailer.start()
        var pids: [pid_t] = []
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline && pids.count < 2 {
            let text = (try? String(contentsOfFile: marker, encoding: .utf8)) ?? ""
            pids = text.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        #expect(pids.count == 2 && pids.allSatisfy(isRunning), "the shell and the sleep it started are running")
        let start = Date()
        await tailer.stop()
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(!isRunning(pids[0]) && kill(pids[0], 0) != 0, "the command is gone and reaped after stop")
        // The sleep is the shell's child, not ours: the group's signal reaches it at once, but it dies when the kernel
        // next runs it — under load a few milliseconds after stop returns (a clean-clone run caught it still there).
        let signalled = Date()
        while isRunning(pids[1]) && Date().timeIntervalSince(signalled) < 1 { try? await Task.sleep(for: .milliseconds(10)) }
        #expect(!isRunning(pids[1]), "what it started is gone too, within a second: its process group was signalled")
    }

    /// A command that floods stderr costs a status every 250 ms at most, the lines between counted; a key it prints
    /// there is masked like a log line's.
    @Test func aStderrFloodIsBoundedAndMasked() async throws {
        let key = "sk-proj-" + String(repeating: "Ab3dE", count: 8)
        let script = "echo 'auth with \(key)' >&2; sleep 0.3; seq 1 300000 | sed 's/^/err /' >&2; exit 4"
        let sink = BatchSink()
        let tailer = CommandTailer(sources: [.init(service: "s", argv: ["/bin/sh", "-c", script])], initialBackoff: 30) { sink.add($0) }
        tailer.start()
        _ = await sink.waitFor(seconds: 30) { _ in sink.statuses.contains { $0.hasPrefix("exited 4") } }
        let stderr = sink.statuses.filter { $0.hasPrefix("stderr: ") }
        #expect(stderr.first == "stderr: auth with [masked openai-key]", "\(stderr.prefix(2))")
        #expect(stderr.count < 100, "\(stderr.count) statuses for 300,001 lines")
        #expect(stderr.dropFirst().contains { $0.range(of: #"\(\+\d+ lines\)$"#, options: .regularExpression) != nil }, "the lines between are counted")
        #expect(sink.statuses.contains { $0.hasPrefix("exited 4: err 300000; restarting in ") }, "the last line is kept for the exit")
        #expect(!sink.statuses.joined().contains(key))
        await tailer.stop()
    }

}

/// Whether a process exists and is not a zombie (`/proc/PID/stat`'s state).
func isRunning(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}
