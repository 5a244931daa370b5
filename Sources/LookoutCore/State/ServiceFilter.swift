import Foundation

/// The Overview's filter (`/`): words that must each appear in what a service's row says — name, platform, state,
/// health, readiness, reason; case does not matter —, a word starting with `!` must not (`gw- !healthy`: the gateways
/// that are not healthy). With a fleet of thousands (discovered from Prometheus), the way to the rows that matter.
public struct ServiceFilter: Sendable, Equatable {
    public let text: String
    private let wanted: [Substring]
    private let unwanted: [Substring]

    /// Nil for a text of spaces only (no filter).
    public init?(_ text: String) {
        let words = text.lowercased().split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else { return nil }
        self.text = words.joined(separator: " ")
        wanted = words.filter { !$0.hasPrefix("!") }
        unwanted = words.filter { $0.hasPrefix("!") && $0.count > 1 }.map { $0.dropFirst() }
    }

    public func matches(_ service: ServiceState) -> Bool {
        // What the row shows: name, platform, state, health (up/down), readiness, reason.
        let readiness = service.readiness.map { $0.state == .ready ? "ready" : $0.state == .notReady ? "not ready" : "unknown" } ?? ""
        let haystack = [service.name, service.config.platform, service.health.state?.rawValue ?? "unknown",
                        service.liveness.state.rawValue, readiness, service.reason ?? ""]
            .joined(separator: "\u{1F}").lowercased()
        return wanted.allSatisfy { haystack.contains($0) } && !unwanted.contains { haystack.contains($0) }
    }
}

extension AppState {
    /// The services the Overview lists, as indices into `services`: all of them, or those the filter keeps.
    public var listedServices: [Int] {
        guard let serviceFilter else { return Array(services.indices) }
        return services.indices.filter { serviceFilter.matches(services[$0]) }
    }

    /// How many services the Overview lists (without a filter, no list is made to count them).
    public var listedCount: Int { serviceFilter == nil ? services.count : listedServices.count }
}
