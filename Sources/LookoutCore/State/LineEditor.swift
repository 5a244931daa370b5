/// A one-line text input with readline's keys, shared by every prompt (the Logs filter, the `:` palette, a silence,
/// a typed confirmation): Ctrl-A/Home and Ctrl-E/End to the ends, ←/→ and Ctrl-B/Ctrl-F by character, Alt-B/Alt-F by
/// word, Backspace and Delete/Ctrl-D, Ctrl-U (to the start), Ctrl-K (to the end) and Ctrl-W (the word before) kill,
/// Ctrl-Y yanks the last kill back, ↑/↓ walk the history. Enter and Esc are the caller's. Pure.
public struct LineEditor: Sendable, Equatable {
    public private(set) var text: String
    /// The cursor, in characters from the start (0…text.count).
    public private(set) var cursor: Int
    /// The most characters the line takes.
    public let limit: Int
    /// Earlier lines, oldest first; ↑ goes back through them.
    public private(set) var history: [String]
    private var historyIndex: Int?
    /// What was typed before ↑ went into the history, restored by ↓ past its end.
    private var draft = ""
    private var killed = ""

    public init(_ text: String = "", limit: Int = 200, history: [String] = []) {
        self.text = String(text.prefix(limit))
        cursor = self.text.count
        self.limit = limit
        self.history = history
    }

    /// The Alt keys the editor uses (word moves).
    public static let altKeys: Set<Character> = ["b", "f"]

    /// What a key did.
    public enum Outcome: Sendable, Equatable {
        /// The text or the cursor changed.
        case edited
        /// Enter, Esc or a key the editor does not use: the caller decides.
        case notHandled
    }

    /// Applies an editing key.
    @discardableResult
    public mutating func handle(_ key: Key) -> Outcome {
        var characters = Array(text)
        switch key {
        case let .char(c):
            guard characters.count < limit else { return .edited }
            characters.insert(c, at: cursor)
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return .edited }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < characters.count else { return .edited }
            characters.remove(at: cursor)
        case .ctrl("a"), .home: cursor = 0
        case .ctrl("e"), .end: cursor = characters.count
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(characters.count, cursor + 1)
        case .alt("b"): cursor = Self.wordStart(before: cursor, in: characters)
        case .alt("f"): cursor = Self.wordEnd(after: cursor, in: characters)
        case .ctrl("u"):
            killed = String(characters[..<cursor])
            characters.removeSubrange(..<cursor)
            cursor = 0
        case .ctrl("k"):
            killed = String(characters[cursor...])
            characters.removeSubrange(cursor...)
        case .ctrl("w"):
            let start = Self.wordStart(before: cursor, in: characters)
            killed = String(characters[start..<cursor])
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .ctrl("y"):
            let room = max(0, limit - characters.count)
            let yanked = Array(killed.prefix(room))
            characters.insert(contentsOf: yanked, at: cursor)
            cursor += yanked.count
        case .up, .ctrl("p"): return recall(older: true)
        case .down, .ctrl("n"): return recall(older: false)
        default:
            return .notHandled
        }
        text = String(characters)
        historyIndex = nil
        return .edited
    }

    /// Replaces the whole line (a completion), the cursor at its end.
    public mutating func set(_ line: String) {
        text = String(line.prefix(limit))
        cursor = text.count
    }

    /// Keeps `line` at the end of the history (not twice in a row; the last 50), for the next prompt.
    public static func remember(_ line: String, in history: [String]) -> [String] {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, history.last != trimmed else { return history }
        return Array((history + [trimmed]).suffix(50))
    }

    private mutating func recall(older: Bool) -> Outcome {
        guard !history.isEmpty else { return .edited }
        let index: Int?
        switch (historyIndex, older) {
        case (nil, true): draft = text; index = history.count - 1
        case (nil, false): return .edited
        case let (current?, true): index = max(0, current - 1)
        case let (current?, false): index = current + 1 < history.count ? current + 1 : nil
        }
        historyIndex = index
        set(index.map { history[$0] } ?? draft)
        return .edited
    }

    /// Where the word before `position` starts (spaces before it skipped), as readline's Alt-B and Ctrl-W.
    static func wordStart(before position: Int, in characters: [Character]) -> Int {
        var i = position
        while i > 0, characters[i - 1] == " " { i -= 1 }
        while i > 0, characters[i - 1] != " " { i -= 1 }
        return i
    }

    /// Where the word after `position` ends, as readline's Alt-F.
    static func wordEnd(after position: Int, in characters: [Character]) -> Int {
        var i = position
        while i < characters.count, characters[i] == " " { i += 1 }
        while i < characters.count, characters[i] != " " { i += 1 }
        return i
    }

    /// The line as drawn, with `▏` at the cursor: `error-ra▏te`.
    public var shown: String {
        let characters = Array(text)
        return String(characters[..<cursor]) + "▏" + String(characters[cursor...])
    }
}
