import Glibc

/// A child started from an argv (never a shell) with stdin on /dev/null, its stdout (and optionally its
/// stderr) on pipes, default signal handling and an empty signal mask (whatever lookout's threads block),
/// in a process group of its own so that stopping it reaches what it started too.
struct ChildProcess {
    let pid: pid_t
    /// Read ends; -1 for a stream not captured.
    let stdout: Int32
    let stderr: Int32

    /// Starts `argv`; throws the errno text when it cannot.
    static func start(_ argv: [String], captureStderr: Bool) throws(ChildError) -> ChildProcess {
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw ChildError(message: "pipe: \(String(cString: strerror(errno)))") }
        if captureStderr, pipe(&err) != 0 {
            close(out[0]); close(out[1])
            throw ChildError(message: "pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        if captureStderr { posix_spawn_file_actions_adddup2(&actions, err[1], 2) }
        else { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        for fd in out + err where fd >= 0 { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, environ)
        close(out[1])
        if err[1] >= 0 { close(err[1]) }
        guard rc == 0 else {
            close(out[0])
            if err[0] >= 0 { close(err[0]) }
            throw ChildError(message: String(cString: strerror(rc)))
        }
        return ChildProcess(pid: pid, stdout: out[0], stderr: err[0])
    }
}

/// Why a child could not be started.
struct ChildError: Error {
    let message: String
}
