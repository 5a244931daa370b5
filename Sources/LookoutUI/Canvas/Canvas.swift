import LookoutCore

/// One terminal cell: a character, the slot that styles it, and whether the selection bar covers it.
public struct Cell: Sendable, Equatable {
    /// The character; `nil` marks the right half of a wide character drawn in the cell before.
    public var character: Character?
    public var style: StyleSlot
    /// Under the selection bar: drawn in reverse video, keeping the slot's colour (a failing row stays red).
    public var highlighted: Bool

    public init(_ character: Character?, _ style: StyleSlot = .normal, highlighted: Bool = false) {
        self.character = character
        self.style = style
        self.highlighted = highlighted
    }

    public static let blank = Cell(" ")
}

/// A rectangle on the canvas.
public struct Rect: Sendable, Equatable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    /// The rectangle shrunk by `n` cells on every side.
    public func inset(by n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }

    /// Rows `from..<to` of this rectangle, relative to its top.
    public func rows(_ from: Int, _ count: Int) -> Rect {
        Rect(x: x, y: y + from, width: width, height: min(count, max(0, height - from)))
    }
}

/// An in-memory grid of cells that widgets draw into; the terminal backend copies it to the screen.
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    /// A canvas of `width`×`height` filled with `fill` (tests fill with `x` so blanks cannot pass by accident).
    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Fills `rect` (clipped to the canvas) with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let (xs, ys) = clip(rect)
        for y in ys { for x in xs { self[x, y] = cell } }
    }

    /// The columns and rows of `rect` that lie on the canvas — empty when it lies wholly off it (a screen laid out
    /// for more rows than a tiny terminal has), never an inverted range.
    private func clip(_ rect: Rect) -> (Range<Int>, Range<Int>) {
        let x0 = min(max(0, rect.x), width), y0 = min(max(0, rect.y), height)
        return (x0..<max(x0, min(width, rect.maxX)), y0..<max(y0, min(height, rect.maxY)))
    }

    /// Writes `text` from (x, y), clipped to `maxWidth` columns and the canvas; returns the columns used.
    /// This is the one door text takes to the screen, so it is the one sanitizer: a control character, ESC, a
    /// C1 control or a bidi override is drawn as its visible escape (`\e`, `\x07`, `\u{202e}`), whatever the
    /// caller forgot — no screen can send a terminal sequence. (`SafeText.escape` is idempotent: text escaped
    /// before is drawn the same.)
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: StyleSlot = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        // Printable ASCII — most of what any screen draws — is one safe column a byte: no grapheme breaking, no
        // width lookup (they were a third of drawing a frame).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            var column = x
            for byte in text.utf8 {
                guard column < limit else { break }
                if column >= 0 { cells[y * width + column] = Cell(Character(Unicode.Scalar(byte)), style) }
                column += 1
            }
            return column - x
        }
        var column = x
        func put(_ character: Character) -> Bool {
            let w = DisplayWidth.of(character)
            if column + w > limit { return false }
            if column >= 0 {
                self[column, y] = Cell(character, style)
                if w == 2 { self[column + 1, y] = Cell(nil, style) }
            }
            column += w
            return true
        }
        for character in text {
            if SafeText.isUnsafe(character) {
                for visible in SafeText.escape(String(character)) where !put(visible) { return column - x }
            } else if !put(character) {
                break
            }
        }
        return column - x
    }

    /// Puts the selection bar over `rect` without changing characters or styles.
    public mutating func highlight(_ rect: Rect) {
        let (xs, ys) = clip(rect)
        for y in ys { for x in xs { self[x, y].highlighted = true } }
    }

    /// The canvas as lines of text, trailing spaces kept, for snapshot tests.
    public var lines: [String] {
        (0..<height).map { y in String((0..<width).compactMap { self[$0, y].character }) }
    }

    /// The style of each cell of row `y`, for style assertions.
    public func styles(row y: Int) -> [StyleSlot] { (0..<width).map { self[$0, y].style } }
}
