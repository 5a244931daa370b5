import Foundation
import LookoutCore

/// The Timeline screen (`7`): every change — health, alerts, acks and silences, actions, budget lines — newest first.
public struct TimelineView {
    let state: AppState

    public init(state: AppState) { self.state = state }

    /// Draws the screen; returns the entries the table showed.
    @discardableResult
    public func render(in area: Rect, canvas: inout Canvas) -> Int {
        var x = area.x
        x += canvas.write(" Timeline", x: x, y: area.y, style: .title)
        canvas.write("  every change, newest first (UTC) — kept across restarts", x: x, y: area.y, style: .dim, maxWidth: area.maxX - x)
        let columns = [
            TableColumn("TIME", width: 12),
            TableColumn("WHAT", width: 6),
            TableColumn("SUBJECT", width: 14, flex: 1),
            TableColumn("CHANGE", width: 40, flex: 6),
        ]
        let rows = state.timeline.entries.reversed().map { entry -> [TableCell] in
            let style: StyleSlot = switch entry.severity {
            case .critical: .bad
            case .warning: .warn
            case nil: entry.kind == .note ? .dim : .normal
            }
            return [TableCell(Self.time(entry.time, now: state.now), .dim), TableCell(entry.kind.rawValue, .dim),
                    TableCell(SafeText.escape(entry.subject)), TableCell(SafeText.escape(entry.text), style)]
        }
        return ScreenList(columns: columns, rows: rows, selection: state.timelineSelection,
                          empty: "nothing has changed yet: health, alerts, acks, silences, actions and budget lines land here")
            .render(in: area, canvas: &canvas)
    }

    /// `14:03:07` today (UTC), `Dec 3 14:03` another day.
    static func time(_ date: Date, now: Date) -> String {
        UTCClock.sameDay(date, now) ? UTCClock.seconds(date) : String(UTCClock.moment(date, now: now).dropLast())
    }
}
