import Foundation

/// What the selected provider's traffic would cost elsewhere: its observed token mix over the window, priced at
/// another provider's list price for the model that provider serves most (or its first priced model).
public struct WhatIf: Sendable, Equatable {
    public var from: String
    public var to: String
    public var model: String
    /// The cost per hour now, and on `to` at its price.
    public var currentPerHour: Double
    public var movedPerHour: Double

    public static func estimates(board: ProviderBoard, provider: String, window: StatsWindow, now: Date) -> [WhatIf] {
        guard let source = board.summary(provider: provider, window: window, now: now), source.requests > 0 else { return [] }
        let hours = source.seconds / 3600
        let candidates = Set(board.providers + board.prices.prices.keys).subtracting([provider, ProviderBoard.otherLabel]).sorted()
        return candidates.compactMap { target -> WhatIf? in
            let used = (board.models[target] ?? []).sorted { a, b in
                (board.summary(provider: target, model: a, window: window, now: now)?.requests ?? 0)
                    > (board.summary(provider: target, model: b, window: window, now: now)?.requests ?? 0)
            }
            let priced = used.first { board.prices.price(provider: target, model: $0) != nil }
                ?? board.prices.prices[target]?.keys.sorted().first
            guard let model = priced, let cost = board.prices.cost(provider: target, model: model,
                                                                   inputTokens: source.inputTokens, outputTokens: source.outputTokens) else { return nil }
            return WhatIf(from: provider, to: target, model: model, currentPerHour: source.costPerHour, movedPerHour: cost / hours)
        }
    }
}
