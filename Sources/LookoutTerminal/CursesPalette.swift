import Foundation
import CNcursesw
import LookoutUI

/// Turns theme slots into curses colour pairs and attributes at the terminal's `ColorDepth` (terminfo's colour
/// count, `COLORTERM`, `NO_COLOR`): `Theme.resolved` picks the colours, this type only hands them to curses. An
/// 8-colour terminal draws the bright half as bold. Under a direct-colour terminfo (`TERM=xterm-direct`: colour
/// numbers are 0xRRGGBB) every colour is drawn as its RGB; with `COLORTERM=truecolor` on a 256-colour terminfo,
/// ncurses has no way to emit 24-bit colour, so the nearest of the 256 is drawn.
struct CursesPalette {
    let theme: Theme
    private var pairs: [StyleSlot: (attr_t, Int16)] = [:]
    /// What shows of each slot on a blank cell: its background, reverse and underline (foreground and bold do not).
    private var blankLooks: [StyleSlot: [Int32]] = [:]
    /// The depth the terminal was found to have.
    private(set) var depth = ColorDepth.none

    init(theme: Theme) { self.theme = theme }

    mutating func setUp(environment: [String: String] = ProcessInfo.processInfo.environment) {
        // COLORS is known only once colour is started.
        if has_colors() {
            start_color()
            use_default_colors()
        }
        depth = ColorDepth.detect(colors: has_colors() ? Int(lo_colors()) : 0, environment: environment)
        for slot in StyleSlot.allCases {
            let style = theme.resolved(slot, at: depth)
            blankLooks[slot] = [depth == .none ? -1 : color(style.background).0, style.reverse ? 1 : 0, style.underline ? 1 : 0]
        }
        guard depth != .none else {
            for slot in StyleSlot.allCases { pairs[slot] = (attributes(theme.resolved(slot, at: .none)), 0) }
            return
        }
        var pairOf: [[Int32]: Int16] = [:]
        for slot in StyleSlot.allCases {
            let style = theme.resolved(slot, at: depth)
            let (fg, fgBright) = color(style.foreground)
            let (bg, _) = color(style.background)
            let key = [fg, bg]
            let pair: Int16
            if let existing = pairOf[key] {
                pair = existing
            } else {
                pair = Int16(pairOf.count + 1)
                if direct { _ = lo_init_extended_pair(Int32(pair), fg, bg) } else { init_pair(pair, Int16(fg), Int16(bg)) }
                pairOf[key] = pair
            }
            var attrs = attributes(style)
            if fgBright { attrs |= lo_attr_bold() }
            pairs[slot] = (attrs, pair)
        }
    }

    func attributes(for slot: StyleSlot) -> (attr_t, Int16) { pairs[slot] ?? (lo_attr_normal(), 0) }

    /// Whether a blank cell looks the same in either slot — then it can be drawn in its neighbour's attributes, and
    /// the terminal is not sent two attribute changes for a space between two red numbers.
    func blankLooksSame(_ a: StyleSlot, _ b: StyleSlot) -> Bool { blankLooks[a] == blankLooks[b] }

    private func attributes(_ style: ResolvedStyle) -> attr_t {
        var attrs = lo_attr_normal()
        if style.bold { attrs |= lo_attr_bold() }
        if style.reverse { attrs |= lo_attr_reverse() }
        if style.underline { attrs |= lo_attr_underline() }
        return attrs
    }

    /// Under a direct-colour terminfo, colour numbers are RGB values.
    private var direct: Bool { lo_colors() >= 1 << 24 }

    /// The curses colour number and whether brightness must come from bold instead (8-colour terminals).
    private func color(_ color: ResolvedStyle.Color) -> (Int32, Bool) {
        if direct {
            switch color {
            case .default: return (-1, false)
            case let .rgb(r, g, b): return (Int32((r << 16) | (g << 8) | b), false)
            case let .index(value):
                // xterm-direct keeps 0–7 as the eight ANSI colours; the rest is drawn as xterm's RGB for the index.
                if value < 8 { return (Int32(value), false) }
                guard let rgb = TermColor.index(value).rgb else { return (-1, false) }
                return (Int32((rgb.r << 16) | (rgb.g << 8) | rgb.b), false)
            }
        }
        let index: Int
        switch color {
        case .default: return (-1, false)
        case let .index(value): index = value
        case let .rgb(r, g, b): index = TermColor.rgb(UInt8(r), UInt8(g), UInt8(b)).nearestIndex(among: 256) ?? 7
        }
        let available = Int(lo_colors())
        if index < available { return (Int32(index), false) }
        if index < 16 { return (Int32(index - 8), true) }
        return (Int32(index % 8), false)
    }
}
