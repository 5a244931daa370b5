import CNcursesw
import LookoutUI

/// Turns theme slots into curses colour pairs and attributes, degrading 256-colour indexes on 8/16-colour terminals.
struct CursesPalette {
    let theme: Theme
    private var pairs: [StyleSlot: (attr_t, Int16)] = [:]

    init(theme: Theme) { self.theme = theme }

    mutating func setUp() {
        guard has_colors() else {
            for slot in StyleSlot.allCases { pairs[slot] = (attributes(theme.style(slot)), 0) }
            return
        }
        start_color()
        use_default_colors()
        var pairOf: [[Int16]: Int16] = [:]
        for slot in StyleSlot.allCases {
            let style = theme.style(slot)
            let (fg, fgBright) = color(style.foreground)
            let (bg, _) = color(style.background)
            let key = [fg, bg]
            let pair: Int16
            if let existing = pairOf[key] {
                pair = existing
            } else {
                pair = Int16(pairOf.count + 1)
                init_pair(pair, fg, bg)
                pairOf[key] = pair
            }
            var attrs = attributes(style)
            if fgBright { attrs |= lo_attr_bold() }
            pairs[slot] = (attrs, pair)
        }
    }

    func attributes(for slot: StyleSlot) -> (attr_t, Int16) { pairs[slot] ?? (lo_attr_normal(), 0) }

    private func attributes(_ style: SlotStyle) -> attr_t {
        var attrs = lo_attr_normal()
        if style.bold { attrs |= lo_attr_bold() }
        if style.reverse { attrs |= lo_attr_reverse() }
        if style.underline { attrs |= lo_attr_underline() }
        return attrs
    }

    /// The curses colour number and whether brightness must come from bold instead (8-colour terminals).
    private func color(_ color: TermColor) -> (Int16, Bool) {
        switch color {
        case .default: return (-1, false)
        case .index, .rgb:
            let available = Int(lo_colors())
            // An RGB colour, or a 256-colour index on a 16-colour terminal: the nearest colour it has.
            let index = color.nearestIndex(among: available >= 256 ? 256 : 16) ?? 7
            if index < available { return (Int16(index), false) }
            if index < 16 { return (Int16(index - 8), true) }
            return (Int16(index % 8), false)
        }
    }
}
