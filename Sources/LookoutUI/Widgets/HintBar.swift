import LookoutCore

/// The bottom line: the key map's hint-bar bindings for the current screen, generated from the key map.
public struct HintBar: Sendable {
    public var bindings: [KeyBinding]

    public init(keyMap: KeyMap, screen: ScreenKind) {
        bindings = keyMap.bindings(on: screen).filter { $0.hint != nil }
    }

    public func render(in area: Rect, canvas: inout Canvas) {
        guard area.height > 0 else { return }
        canvas.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), with: Cell(" ", .hintBar))
        var x = area.x + 1
        for binding in bindings {
            let label = binding.keys.prefix(2).map(\.description).joined(separator: "/")
            let words = " " + (binding.hint ?? "") + "  "
            guard x + DisplayWidth.of(label) + DisplayWidth.of(words) <= area.maxX else { break }
            x += canvas.write(label, x: x, y: area.y, style: .hintBar)
            x += canvas.write(words, x: x, y: area.y, style: .hintBar)
        }
    }
}
