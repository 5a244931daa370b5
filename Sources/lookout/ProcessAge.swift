import Foundation
import Glibc

/// How long ago this process started, as the kernel counts it (`/proc/self/stat`'s start time against the time since
/// boot): dynamic loading and everything before `main` included. Resolution: a clock tick (10 ms).
enum ProcessAge {
    static func milliseconds() -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces): state is field 3, start time field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        let uptime = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        return Int(((uptime - ticks / Double(sysconf(Int32(_SC_CLK_TCK)))) * 1000).rounded())
    }
}
