import Foundation

/// What the selected provider's traffic would cost elsewhere: its observed token mix over the window, priced at
/// another provider's list price for the model that provider serves most (or its first priced model) — or, when
/// that provider has no list price but its own calls carried costs, at its observed cost per token.
public struct WhatIf: Sendable, Equatable {
    /// What the moved cost is priced with.
    public enum Basis: Sendable, Equatable {
        /// A price table's list price (`asOf`: the built-in table's date; nil for the configuration's prices).
        case listPrice(asOf: String?)
        /// The target's own calls in the window: their cost over their tokens.
        case observed
    }

    public var from: String
    public var to: String
    /// The model priced, or nil for the observed basis (the target's blend of models).
    public var model: String?
    /// The cost per hour now, and on `to` at its price.
    public var currentPerHour: Double
    public var movedPerHour: Double
    public var basis: Basis

    public static func estimates(board: ProviderBoard, provider: String, window: StatsWindow, now: Date) -> [WhatIf] {
        guard let source = board.summary(provider: provider, window: window, now: now, percentiles: false), source.requests > 0 else { return [] }
        let hours = source.seconds / 3600
        let tokens = source.inputTokens + source.outputTokens
        let excluded: Set<String> = [provider, ProviderBoard.otherLabel, LogMapping.gatewayLabel]
        let candidates = Set(board.providers + board.prices.prices.keys).subtracting(excluded).sorted()
        return candidates.compactMap { target -> WhatIf? in
            let used = (board.models[target] ?? []).sorted { a, b in
                (board.summary(provider: target, model: a, window: window, now: now, percentiles: false)?.requests ?? 0)
                    > (board.summary(provider: target, model: b, window: window, now: now, percentiles: false)?.requests ?? 0)
            }
            let priced = used.first { board.prices.price(provider: target, model: $0) != nil }
                ?? board.prices.prices[target]?.keys.sorted().first
            if let model = priced, let cost = board.prices.cost(provider: target, model: model,
                                                                inputTokens: source.inputTokens, outputTokens: source.outputTokens) {
                return WhatIf(from: provider, to: target, model: model, currentPerHour: source.costPerHour, movedPerHour: cost / hours,
                              basis: .listPrice(asOf: board.prices.asOf))
            }
            // No list price: the target's own calls, if they carried costs and tokens, give a cost per token.
            guard tokens > 0, let seen = board.summary(provider: target, window: window, now: now, percentiles: false),
                  seen.costUSD > 0, seen.inputTokens + seen.outputTokens > 0 else { return nil }
            let perToken = seen.costUSD / Double(seen.inputTokens + seen.outputTokens)
            return WhatIf(from: provider, to: target, model: nil, currentPerHour: source.costPerHour,
                          movedPerHour: perToken * Double(tokens) / hours, basis: .observed)
        }
    }
}
