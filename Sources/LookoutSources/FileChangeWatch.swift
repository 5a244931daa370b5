import Glibc

/// What wakes the file tailer: inotify(7) watches on the directories its patterns name (a file that appears, is
/// renamed or removed) and on each file it follows (written, truncated — through a symlink too, as Kubernetes'
/// `/var/log/containers` links are). Only events a pattern cares about count: in a busy `/var/log`, other files'
/// writes do not wake it. A directory that cannot be watched (a glob in the directory part, a directory that does
/// not exist yet, inotify unavailable) leaves its pattern to be polled.
final class FileChangeWatch {
    /// The inotify descriptor, to poll; -1 when inotify is unavailable.
    let fd: Int32
    /// Watched directory → the basename patterns (fnmatch(3)) of the sources in it.
    private var directories: [Int32: [String]] = [:]
    /// Pattern → the watch on its directory.
    private var patternWatches: [String: Int32] = [:]
    /// Followed file path → its watch.
    private var files: [String: Int32] = [:]
    /// The events read, reused on every drain (the tailer drains on each wake-up).
    private let buffer = UnsafeMutableRawPointer.allocate(byteCount: 64 * 1024, alignment: MemoryLayout<inotify_event>.alignment)
    private let bufferSize = 64 * 1024

    init() {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// Watches the directory of `pattern` for names that match it; false when that is not possible (the pattern must
    /// then be polled). Watching twice is harmless.
    func watchDirectory(of pattern: String) -> Bool {
        guard fd >= 0 else { return false }
        let (directory, name) = Self.split(pattern)
        guard !Self.hasGlob(directory) else { return false }
        if patternWatches[pattern] != nil { return true }
        let mask = UInt32(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)
        let wd = inotify_add_watch(fd, directory, mask)
        guard wd >= 0 else { return false }
        directories[wd, default: []].append(name)
        patternWatches[pattern] = wd
        return true
    }

    /// Watches a followed file for writes and truncation (the symlink's target, when it is one).
    func watchFile(_ path: String) {
        guard fd >= 0, files[path] == nil else { return }
        let wd = inotify_add_watch(fd, path, UInt32(IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF))
        if wd >= 0 { files[path] = wd }
    }

    /// Stops watching a file that is no longer followed.
    func unwatchFile(_ path: String) {
        guard let wd = files.removeValue(forKey: path) else { return }
        // Another path may share the inode's watch (a hard link): keep it then.
        if !files.values.contains(wd) { inotify_rm_watch(fd, wd) }
    }

    /// What the pending events say: whether any concerns a followed file or a name a pattern matches, and whether a
    /// name appeared or went away (the patterns are expanded again then). Reads every pending event.
    func drain() -> (relevant: Bool, names: Bool) {
        guard fd >= 0 else { return (false, false) }
        var relevant = false, names = false
        while true {
            let count = read(fd, buffer, bufferSize)
            guard count > 0 else { break }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let nameStart = buffer.advanced(by: offset + MemoryLayout<inotify_event>.size)
                offset += MemoryLayout<inotify_event>.size + Int(event.len)
                if event.mask & UInt32(IN_Q_OVERFLOW) != 0 { relevant = true; names = true; continue }
                // A watch that is not a directory's is a followed file's.
                guard let patterns = directories[event.wd] else { relevant = relevant || event.wd >= 0; continue }
                if event.mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 {
                    // The directory itself went: its patterns are polled until it can be watched again.
                    forget(directory: event.wd)
                    relevant = true; names = true
                    continue
                }
                guard event.len > 0 else { continue }
                let name = String(cString: nameStart.assumingMemoryBound(to: CChar.self))
                if patterns.contains(where: { fnmatch($0, name, 0) == 0 }) { relevant = true; names = true }
            }
        }
        return (relevant, names)
    }

    private func forget(directory wd: Int32) {
        directories[wd] = nil
        patternWatches = patternWatches.filter { $0.value != wd }
    }

    /// `/var/log/app/*.log` → (`/var/log/app`, `*.log`); a bare name is in the working directory.
    static func split(_ pattern: String) -> (directory: String, name: String) {
        guard let slash = pattern.lastIndex(of: "/") else { return (".", pattern) }
        let directory = String(pattern[..<slash])
        return (directory.isEmpty ? "/" : directory, String(pattern[pattern.index(after: slash)...]))
    }

    static func hasGlob(_ text: String) -> Bool { text.contains { $0 == "*" || $0 == "?" || $0 == "[" } }
}
