import Foundation

/// Makes sure a crash never waits for a key: Swift's backtracer is interactive on a TTY unless told
/// otherwise, and it reads its settings when the process starts, so we re-exec once with them set. Registers are left
/// out: the backtracer prints the 16 bytes each one points at, and one may point into a resolved secret (a report is
/// pasted into tickets); paths are sanitized.
enum BacktraceSetup {
    static func ensureNonInteractive() {
        guard getenv("SWIFT_BACKTRACE") == nil else { return }
        setenv("SWIFT_BACKTRACE", "enable=yes,interactive=no,color=no,output-to=stderr,registers=none,sanitize=yes", 1)
        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // execv only returns on failure: carry on without the setting.
    }
}
