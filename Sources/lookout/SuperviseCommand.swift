import ArgumentParser
import Foundation
import Glibc

/// `lookout supervise -- ARGV…` (hidden): how an action's command runs, so that it dies with the lookout that
/// started it. lookout starts it with a pipe as its standard input and keeps the pipe's other end open while the
/// action runs; if lookout dies — `kill -9`, a crash — the kernel closes that end, this process reads end-of-file,
/// and stops the command's process group (SIGTERM, SIGKILL 2 s later) instead of leaving a redeploy running with
/// nobody to see or audit it. Otherwise it waits for the command and ends as it did (its exit code, or its signal).
/// The command itself gets /dev/null as input, the same output, and default signal handling.
struct SuperviseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "supervise", abstract: "Run an action's command so it dies with lookout.",
                                                    shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough, help: "The command's argv, after --.")
    var argv: [String] = []

    func run() throws {
        let argv = argv.first == "--" ? Array(argv.dropFirst()) : argv
        guard !argv.isEmpty else { throw ValidationError("give the command after --") }
        // The group's SIGTERM (an action cancelled) is for the command: this process waits for it to end. A handler,
        // not SIG_IGN, so that the command does not inherit the signal ignored.
        for signal in [SIGTERM, SIGINT, SIGHUP] { Glibc.signal(signal, supervisorIgnore) }
        let child = try spawn(argv)
        let status = watch(child)
        if status.signalled {
            Glibc.signal(status.code, SIG_DFL)
            kill(getpid(), status.code)
        }
        Foundation.exit(status.code)
    }

    /// Starts the command in this process's group, its input /dev/null.
    private func spawn(_ argv: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var arguments = argv.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let failed = posix_spawnp(&pid, argv[0], &actions, nil, &arguments, environ)
        guard failed == 0 else {
            FileHandle.standardError.write(Data("cannot start \(argv[0]): \(String(cString: strerror(failed)))\n".utf8))
            Foundation.exit(127)
        }
        return pid
    }

    /// Waits for the command; if lookout's end of the pipe closes first, stops the process group. Returns how the
    /// command ended: its exit code, or the signal that ended it.
    private func watch(_ child: pid_t) -> (code: Int32, signalled: Bool) {
        var lifeline = true
        var stopAt: Date?
        var killed = false
        while true {
            var status: Int32 = 0
            let reaped = waitpid(child, &status, WNOHANG)
            if reaped == child {
                let signal = status & 0x7f
                return signal == 0 ? ((status >> 8) & 0xff, false) : (signal, true)
            }
            if lifeline {
                var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0)]
                _ = poll(&fds, 1, 100)
                if fds[0].revents != 0 {
                    var byte: UInt8 = 0
                    if read(0, &byte, 1) <= 0 {
                        // lookout is gone: the command must not run on without it.
                        lifeline = false
                        kill(0, SIGTERM)
                        stopAt = Date().addingTimeInterval(2)
                    }
                }
            } else {
                usleep(50_000)
                if !killed, let stopAt, Date() >= stopAt {
                    killed = true
                    kill(0, SIGKILL)
                }
            }
        }
    }
}

/// Does nothing: the supervisor outlives its group's SIGTERM and reports how the command ended.
private func supervisorIgnore(_: Int32) {}

extension SuperviseCommand {
    /// The argv an action's command runs behind: this very binary's `supervise --`.
    static var prefix: [String]? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return [String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self), "supervise", "--"]
    }
}
