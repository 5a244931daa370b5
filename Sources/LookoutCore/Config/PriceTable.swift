/// List prices per provider and model, in USD per million input and output tokens, used to cost a call
/// whose log line carries no cost. The built-in table (`PriceTable.builtIn`) is used when the configuration has
/// no `prices:`; it carries the date its prices were copied, shown wherever a cost comes from it.
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
    /// When the prices were copied from the providers' price pages (the built-in table); nil for a configured one.
    public var asOf: String?

    public init(_ prices: [String: [String: Price]] = [:], asOf: String? = nil) {
        self.prices = prices
        self.asOf = asOf
    }

    /// Where costs priced from this table come from, for the screens and reports: `list prices of 2025-06-01
    /// (built in)` or `prices: of the configuration`.
    public var origin: String { asOf.map { "built-in list prices of \($0)" } ?? "the configuration's prices:" }

    public var isEmpty: Bool { prices.isEmpty }

    /// The price of `model` at `provider`: an exact name, else the longest configured name the model starts
    /// with (`gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`).
    public func price(provider: String, model: String) -> Price? {
        guard let models = prices[provider] else { return nil }
        if let exact = models[model] { return exact }
        return models.filter { model.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
    }

    /// The list-price cost of a logged call that carried no cost of its own, under `provider`; nil for a failed call
    /// (providers do not bill a rejected request) and for one whose model is not priced or reports no tokens.
    public func cost(of record: LogRecord, provider: String) -> Double? {
        guard !record.isError else { return nil }
        return cost(provider: provider, model: record.model, inputTokens: record.inputTokens, outputTokens: record.outputTokens)
    }

    /// The cost of a call, when its model is priced and it reports tokens.
    public func cost(provider: String?, model: String?, inputTokens: Int?, outputTokens: Int?) -> Double? {
        guard let provider, let model, inputTokens != nil || outputTokens != nil,
              let price = price(provider: provider, model: model) else { return nil }
        return (Double(inputTokens ?? 0) * price.inputPerMillion + Double(outputTokens ?? 0) * price.outputPerMillion) / 1_000_000
    }
}

extension PriceTable {
    /// When the built-in prices were copied from the providers' public price pages. Check them before relying on them.
    public static let builtInDate = "2025-06-01"

    /// List prices in USD per million input / output tokens, as published on `builtInDate`; used when the
    /// configuration has no `prices:` (which replaces this table whole).
    public static let builtIn = PriceTable([
        "openai": ["gpt-4o": .init(inputPerMillion: 2.50, outputPerMillion: 10.00),
                   "gpt-4o-mini": .init(inputPerMillion: 0.15, outputPerMillion: 0.60),
                   "gpt-4.1": .init(inputPerMillion: 2.00, outputPerMillion: 8.00),
                   "gpt-4.1-mini": .init(inputPerMillion: 0.40, outputPerMillion: 1.60)],
        "azure-openai": ["gpt-4o": .init(inputPerMillion: 2.50, outputPerMillion: 10.00),
                         "gpt-4o-mini": .init(inputPerMillion: 0.15, outputPerMillion: 0.60)],
        "anthropic": ["claude-3-5-haiku": .init(inputPerMillion: 0.80, outputPerMillion: 4.00),
                      "claude-3-5-sonnet": .init(inputPerMillion: 3.00, outputPerMillion: 15.00),
                      "claude-sonnet-4": .init(inputPerMillion: 3.00, outputPerMillion: 15.00)],
    ], asOf: builtInDate)
}
