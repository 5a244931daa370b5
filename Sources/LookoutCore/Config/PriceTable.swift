/// List prices per provider and model, in USD per million input and output tokens, used to cost a call
/// whose log line carries no cost.
public struct PriceTable: Sendable, Equatable {
    public struct Price: Sendable, Equatable {
        public var inputPerMillion: Double
        public var outputPerMillion: Double

        public init(inputPerMillion: Double, outputPerMillion: Double) {
            self.inputPerMillion = inputPerMillion
            self.outputPerMillion = outputPerMillion
        }
    }

    /// provider → model → price.
    public var prices: [String: [String: Price]]

    public init(_ prices: [String: [String: Price]] = [:]) { self.prices = prices }

    public var isEmpty: Bool { prices.isEmpty }

    /// The price of `model` at `provider`: an exact name, else the longest configured name the model starts
    /// with (`gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`).
    public func price(provider: String, model: String) -> Price? {
        guard let models = prices[provider] else { return nil }
        if let exact = models[model] { return exact }
        return models.filter { model.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
    }

    /// The cost of a call, when its model is priced and it reports tokens.
    public func cost(provider: String?, model: String?, inputTokens: Int?, outputTokens: Int?) -> Double? {
        guard let provider, let model, inputTokens != nil || outputTokens != nil,
              let price = price(provider: provider, model: model) else { return nil }
        return (Double(inputTokens ?? 0) * price.inputPerMillion + Double(outputTokens ?? 0) * price.outputPerMillion) / 1_000_000
    }
}
