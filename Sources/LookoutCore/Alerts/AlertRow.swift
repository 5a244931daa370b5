import Foundation

/// One row of the Alerts screen: lookout's own alert, or one Alertmanager holds. The screen lists lookout's first (in
/// `AlertBook.listed` order), then Alertmanager's — active before silenced or inhibited, oldest first —, so the
/// selection, the keys that act on it and the table agree on one list.
public enum AlertRow: Sendable, Equatable {
    case own(TrackedAlert)
    case remote(Alertmanager.RemoteAlert)
}

extension AppState {
    /// The Alerts screen's rows, in the order it shows them.
    public var alertRows: [AlertRow] {
        let own = alertBook.listed(at: now).map(AlertRow.own)
        let remote = (remoteAlerts?.alerts ?? []).sorted { a, b in
            (a.isQuiet ? 1 : 0, a.startsAt, a.fingerprint) < (b.isQuiet ? 1 : 0, b.startsAt, b.fingerprint)
        }
        return own + remote.map(AlertRow.remote)
    }
}

extension Alertmanager.RemoteAlert {
    /// Silenced, inhibited or not yet processed: not paging anyone.
    public var isQuiet: Bool { !silencedBy.isEmpty || state != "active" }
}
