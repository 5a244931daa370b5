import CNcursesw
import Glibc
import LookoutCore
import LookoutRuntime
import LookoutUI

/// The ncursesw backend: owns the screen, copies canvases to it (only the rows that changed, then one refresh, which
/// ncurses turns into the smallest update it can), and decodes keys. Only the thread that created it may call it.
public final class CursesTerminal: TerminalDevice {
    private var previous: Canvas?
    private var palette: CursesPalette
    private var active = false
    /// Draws ASCII only (`AsciiFallback`): asked for, or the user's locale is not UTF-8.
    public let ascii: Bool

    /// Enters curses mode. Call `restore()` before the process exits.
    /// - Parameters:
    ///   - ascii: draw ASCII only; nil decides from the locale (not UTF-8: ASCII).
    ///   - mouse: report clicks and the wheel as keys (the terminal then stops selecting text with the mouse).
    public init(theme: Theme, ascii: Bool? = nil, mouse: Bool = false) {
        self.ascii = ascii ?? !CursesTerminal.userLocaleIsUTF8()
        CursesTerminal.setUTF8Locale()
        _ = initscr()
        palette = CursesPalette(theme: theme)
        active = true
        cbreak()
        noecho()
        nonl()
        keypad(lo_stdscr(), true)
        nodelay(lo_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        palette.setUp()
        if mouse { _ = lo_mouse(1) }
        clear()
        CursesTerminal.bufferWholeFrames()
    }

    /// ncurses 6.4 writes to the terminal at every cursor move until the screen has once been left and resumed
    /// (its `_endwin` stays "initial" until then): a frame of 17 changed cells went out in 17 `write`s, each a
    /// system call for lookout and a wake-up for tmux or sshd. Leaving and resuming once, before anything is drawn,
    /// makes every later `refresh` one `write` (measured with strace: 13 writes/s → 1 per frame).
    private static func bufferWholeFrames() {
        endwin()
        refresh()
    }

    deinit { restore() }

    /// Columns and rows of the terminal now.
    public var size: TerminalSize { TerminalSize(width: Int(lo_cols()), height: Int(lo_lines())) }

    /// The keyboard: standard input.
    public var inputFD: Int32 { STDIN_FILENO }

    /// Whether the terminal can show UTF-8 line-drawing (the locale's codeset is UTF-8).
    public static var utf8: Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        return String(cString: codeset).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
    }

    /// Leaves curses mode; safe to call more than once.
    public func restore() {
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
    }

    public func bell() { beep() }

    public func apply(_ theme: Theme) {
        palette = CursesPalette(theme: theme)
        palette.setUp()
        invalidate()
    }

    /// Writes the rows of `canvas` that differ from the last frame, then refreshes once.
    public func draw(_ drawn: Canvas) {
        let canvas = ascii ? AsciiFallback.canvas(drawn) : drawn
        let full = previous.map { $0.width != canvas.width || $0.height != canvas.height } ?? true
        if full { clear() }
        var changed = full
        for y in 0..<canvas.height {
            if !full, let previous, rowEqual(previous, canvas, y) { continue }
            changed = true
            drawRow(canvas, y)
        }
        previous = canvas
        if changed { refresh() }
    }

    /// Adopts the window's current size (after SIGWINCH) and forgets the last frame.
    public func adoptWindowSize() {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 {
            resizeterm(Int32(size.ws_row), Int32(size.ws_col))
        }
        invalidate()
    }

    /// Forgets the last frame so the next draw repaints everything (after a resize).
    public func invalidate() { previous = nil }

    /// Reads every key waiting, without blocking.
    public func readInput() -> KeyboardInput {
        var input = KeyboardInput()
        var code: Int32 = 0
        var reads = 0
        while true {
            let rc = lo_get_wch(&code)
            if rc == ERR { break }
            reads += 1
            if rc == KEY_CODE_YES {
                if code == KEY_RESIZE { input.resized = true; invalidate(); continue }
                if code == lo_key_mouse() {
                    if let event = CursesTerminal.mouseEvent() { input.keys.append(.mouse(event)) }
                    continue
                }
                if let key = CursesTerminal.functionKey(code) { input.keys.append(key) }
            } else if let key = CursesTerminal.characterKey(code) {
                input.keys.append(key)
            }
            if reads > 4096 { break }
        }
        input.closed = reads == 0
        input.keys = CursesTerminal.foldingAlt(input.keys)
        return input
    }

    /// The mouse event curses has decoded, as a key.
    static func mouseEvent() -> MouseEvent? {
        var x: Int32 = 0, y: Int32 = 0
        switch lo_mouse_event(&x, &y) {
        case 1: return .click(x: Int(x), y: Int(y))
        case 2: return .wheelUp
        case 3: return .wheelDown
        default: return nil
        }
    }

    private func rowEqual(_ a: Canvas, _ b: Canvas, _ y: Int) -> Bool {
        for x in 0..<b.width where a[x, y] != b[x, y] { return false }
        return true
    }

    private func drawRow(_ canvas: Canvas, _ y: Int) {
        var x = 0
        while x < canvas.width {
            let style = canvas[x, y].style
            let highlighted = canvas[x, y].highlighted
            var run = ""
            let start = x
            while x < canvas.width, canvas[x, y].highlighted == highlighted {
                let cell = canvas[x, y]
                // A blank in another slot joins the run when it looks the same in it (same background): a table's
                // gaps between two red cells cost no attribute changes (they were three quarters of the bytes sent).
                if cell.style != style, !(cell.character == " " && palette.blankLooksSame(cell.style, style)) { break }
                if let character = cell.character { run.append(character) }
                x += 1
            }
            let (attrs, pair) = palette.attributes(for: style)
            _ = lo_draw(Int32(y), Int32(start), run, highlighted ? attrs | lo_attr_reverse() : attrs, pair)
        }
    }

    /// Whether the locale the user runs in (`LANG`, `LC_ALL`, `LC_CTYPE`) is UTF-8 — before lookout sets its own.
    public static func userLocaleIsUTF8() -> Bool {
        setlocale(LC_ALL, "")
        return utf8
    }

    static func setUTF8Locale() {
        setlocale(LC_ALL, "")
        if !utf8 { setlocale(LC_CTYPE, "C.UTF-8") }
    }

    static func characterKey(_ code: Int32) -> Key? {
        switch code {
        case 10, 13: return .enter
        case 27: return .escape
        case 9: return .tab
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(UnicodeScalar(UInt8(code) + 96)))
        default:
            guard let scalar = UnicodeScalar(UInt32(code)) else { return nil }
            return .char(Character(scalar))
        }
    }

    /// ESC followed, in the same read, by a character is that character with Alt (how terminals send Meta).
    static func foldingAlt(_ keys: [Key]) -> [Key] {
        var folded: [Key] = []
        var index = 0
        while index < keys.count {
            if keys[index] == .escape, index + 1 < keys.count, case let .char(c) = keys[index + 1] {
                folded.append(.alt(c))
                index += 2
            } else {
                folded.append(keys[index])
                index += 1
            }
        }
        return folded
    }

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_NPAGE: return .pageDown
        case KEY_PPAGE: return .pageUp
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .tab
        default: return nil
        }
    }
}
