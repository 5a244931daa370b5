import Foundation

extension CallStatistics {
    /// The JSON contract of `lookout stats --format json` (other tools depend on it):
    /// `{"lines":N,"malformed":N,"records":N,"llm_calls":N,"groups":{"<name>":{"requests":N,"errors":N,
    /// "error_rate":F,"errors_by_class":{"rate_limit":N,"server":N,"timeout":N,"connection":N,"auth":N,
    /// "bad_request":N,"other":N},"p50_ms":F,
    /// "p95_ms":F,"p99_ms":F,"input_tokens":N,"output_tokens":N,"cost_usd":F}}}`.
    /// Percentiles and cost are `null` when no record of the group carried them. After the groups:
    /// `"priced_calls":N` (costed from the price table) and `"prices_as_of"` (the built-in table's date, or null).
    public func json() -> String {
        var out = "{\"lines\":\(lines),\"malformed\":\(malformed),\"records\":\(records),\"llm_calls\":\(llmCalls),\"groups\":{"
        out += groupNames.map { name in
            let g = group(name)!
            let classes = ErrorClass.allCases.map { "\"\($0.rawValue)\":\(g.errorsByClass[$0] ?? 0)" }.joined(separator: ",")
            func number(_ value: Double?) -> String { value.map { Self.jsonNumber($0) } ?? "null" }
            return "\(Self.jsonString(name)):{\"requests\":\(g.requests),\"errors\":\(g.errors),"
                + "\"error_rate\":\(Self.jsonNumber(g.errorRate)),\"errors_by_class\":{\(classes)},"
                + "\"p50_ms\":\(number(g.latencyMs(atPercentile: 50))),\"p95_ms\":\(number(g.latencyMs(atPercentile: 95))),"
                + "\"p99_ms\":\(number(g.latencyMs(atPercentile: 99))),\"input_tokens\":\(g.inputTokens),"
                + "\"output_tokens\":\(g.outputTokens),\"cost_usd\":\(number(g.costUSD))}"
        }.joined(separator: ",")
        // Added after the groups, so readers of the original contract are not disturbed.
        return out + "},\"priced_calls\":\(pricedCalls),\"prices_as_of\":\(prices.asOf.map(Self.jsonString) ?? "null")}"
    }

    /// A fixed-width table for terminals, escaped (labels come from the logs).
    public func table() -> String {
        let header = [grouping.rawValue.uppercased(), "REQS", "ERRORS", "ERR%", "429", "5XX", "TIMEOUT", "CONN", "MOSTLY", "P50", "P95", "P99", "IN TOK", "OUT TOK", "COST $"]
        var rows = [header]
        for name in groupNames {
            let g = group(name)!
            func ms(_ p: Double) -> String { g.latencyMs(atPercentile: p).map { String(format: "%.1f", $0) } ?? "-" }
            rows.append([SafeText.escape(name), "\(g.requests)", "\(g.errors)", String(format: "%.1f", g.errorRate * 100),
                         "\(g.errorsByClass[.rateLimit] ?? 0)", "\(g.errorsByClass[.server] ?? 0)", "\(g.errorsByClass[.timeout] ?? 0)",
                         "\(g.errorsByClass[.connection] ?? 0)", ErrorClass.main(of: g.errorsByClass)?.rawValue ?? "-",
                         ms(50), ms(95), ms(99), "\(g.inputTokens)", "\(g.outputTokens)",
                         g.costUSD.map { String(format: "%.4f", $0) } ?? "-"])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.append("")
        lines.append("\(lines_) lines, \(records) records, \(llmCalls) LLM calls, \(malformed) malformed")
        if pricedCalls > 0 {
            lines.append("\(pricedCalls) calls without a cost on their line were priced from \(prices.origin)")
        }
        if foldedRecords > 0 {
            lines.append("warning: more than \(maxGroups) distinct \(grouping.rawValue)s; \(foldedRecords) records folded into \"other\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var lines_: Int { lines }

    public static func jsonNumber(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += String(format: "\\u%04x", scalar.value) }
                else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
