/// The meaning of a cell's look. Views pick slots; the theme turns slots into colours,
/// so tests can check "a failing check is drawn as `.bad`" without knowing any colour.
public enum StyleSlot: String, Sendable, Equatable, Hashable, CaseIterable {
    case normal
    case dim
    case title
    case header
    case border
    case ok
    case warn
    case bad
    case unknown
    case key
    case hintBar
    case dialog
}
