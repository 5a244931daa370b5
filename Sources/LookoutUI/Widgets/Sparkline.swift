/// Values as a row of block characters (`▁▂▃▄▅▆▇█`), scaled from zero to the largest value shown.
public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The last `width` values as text.
    public static func text(_ values: some Collection<Double>, width: Int) -> String {
        let shown = values.suffix(max(0, width))
        guard let top = shown.max(), top > 0 else { return String(repeating: blocks[0], count: shown.count) }
        return String(shown.map { value in blocks[min(blocks.count - 1, max(0, Int((value / top) * Double(blocks.count - 1) + 0.5)))] })
    }
}
