import Foundation
import LookoutUI
import Testing

/// Compares a canvas with `Snapshots/<name>.txt`, line by line, with a readable diff on failure.
/// Set LOOKOUT_RECORD_SNAPSHOTS=1 to write the files instead (then review them in the diff).
enum Snapshot {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func assert(_ canvas: Canvas, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        // A frame line makes trailing spaces and the canvas width visible in the file.
        assertText(canvas.lines.map { "|" + $0 + "|" }.joined(separator: "\n") + "\n", named: name, sourceLocation: sourceLocation)
    }

    /// Compares any text with `Snapshots/<name>.txt`.
    static func assertText(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = folder.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["LOOKOUT_RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("missing snapshot \(file.path); record with LOOKOUT_RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
            return
        }
        guard expected != actual else { return }
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let got = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var diff: [String] = []
        for index in 0..<max(want.count, got.count) {
            let w = index < want.count ? String(want[index]) : "<none>"
            let g = index < got.count ? String(got[index]) : "<none>"
            if w != g { diff.append("line \(index + 1):\n  expected \(w)\n  actual   \(g)") }
        }
        let message = "snapshot \(name) differs:\n" + diff.joined(separator: "\n")
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
}
