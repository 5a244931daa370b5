import LookoutCore

/// The bottom line: the key map's hint-bar bindings for the current screen, generated from the key map.
public struct HintBar: Sendable {
    public var bindings: [KeyBinding]

    public init(keyMap: KeyMap, screen: ScreenKind) {
        bindings = keyMap.bindings(on: screen).filter { $0.hint != nil }
    }

    /// Help and quit are pinned to the right end, so they show however narrow the terminal is.
    static let pinned: [Command] = [.help, .quit]

    public func render(in area: Rect, canvas: inout Canvas) {
        guard area.height > 0 else { return }
        canvas.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), with: Cell(" ", .hintBar))
        func text(_ binding: KeyBinding) -> String { (binding.keys.first?.description ?? "") + " " + (binding.hint ?? "") }
        let right = bindings.filter { Self.pinned.contains($0.command) }.map(text).joined(separator: "  ") + " "
        let rightX = max(area.x, area.maxX - DisplayWidth.of(right))
        canvas.write(right, x: rightX, y: area.y, style: .hintBar)
        var x = area.x + 1
        for binding in bindings where !Self.pinned.contains(binding.command) {
            let words = text(binding) + "  "
            guard x + DisplayWidth.of(words) <= rightX else { break }
            x += canvas.write(words, x: x, y: area.y, style: .hintBar)
        }
    }
}
