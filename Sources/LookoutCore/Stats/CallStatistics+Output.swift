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
        let groups = groupNames.map { name -> JSONValue.Member in
            let g = group(name)!
            return JSONValue.Member(name, .object(CallStatistics.statsMembers(
                requests: g.requests, errors: g.errors, errorRate: g.errorRate, errorsByClass: g.errorsByClass,
                p50: g.latencyMs(atPercentile: 50), p95: g.latencyMs(atPercentile: 95), p99: g.latencyMs(atPercentile: 99),
                inputTokens: g.inputTokens, outputTokens: g.outputTokens, costUSD: g.costUSD)))
        }
        // The priced-call keys come after the groups, so readers of the original contract are not disturbed.
        return JSONValue.object([
            "lines": .int(lines), "malformed": .int(malformed), "records": .int(records), "llm_calls": .int(llmCalls),
            "groups": .object(groups), "priced_calls": .int(pricedCalls), "prices_as_of": .string(prices.asOf),
        ]).text
    }

    /// The fields of the stats contract for one group, in the contract's order; shared by `stats`, `metrics` and
    /// `snapshot`.
    public static func statsMembers(requests: Int, errors: Int, errorRate: Double, errorsByClass: [ErrorClass: Int],
                                    p50: Double?, p95: Double?, p99: Double?, inputTokens: Int, outputTokens: Int,
                                    costUSD: Double?) -> [JSONValue.Member] {
        let classes = ErrorClass.allCases.map { JSONValue.Member($0.rawValue, .int(errorsByClass[$0] ?? 0)) }
        return [.init("requests", .int(requests)), .init("errors", .int(errors)), .init("error_rate", .number(errorRate)),
                .init("errors_by_class", .object(classes)), .init("p50_ms", .number(p50)), .init("p95_ms", .number(p95)),
                .init("p99_ms", .number(p99)), .init("input_tokens", .int(inputTokens)), .init("output_tokens", .int(outputTokens)),
                .init("cost_usd", .number(costUSD))]
    }

    /// A fixed-width table for terminals, escaped (labels come from the logs).
    public func table() -> String {
        let header = [grouping.rawValue.uppercased(), "REQS", "ERRORS", "ERR%", "429", "5XX", "TIMEOUT", "CONN", "MOSTLY", "P50", "P95", "P99", "IN TOK", "OUT TOK", "COST $"]
        var rows = [header]
        for name in groupNames {
            let g = group(name)!
            func ms(_ p: Double) -> String { g.latencyMs(atPercentile: p).map { NumberText.fixed($0, 1) } ?? "-" }
            rows.append([SafeText.escape(name), "\(g.requests)", "\(g.errors)", NumberText.fixed(g.errorRate * 100, 1),
                         "\(g.errorsByClass[.rateLimit] ?? 0)", "\(g.errorsByClass[.server] ?? 0)", "\(g.errorsByClass[.timeout] ?? 0)",
                         "\(g.errorsByClass[.connection] ?? 0)", ErrorClass.main(of: g.errorsByClass)?.rawValue ?? "-",
                         ms(50), ms(95), ms(99), "\(g.inputTokens)", "\(g.outputTokens)",
                         g.costUSD.map { NumberText.fixed($0, 4) } ?? "-"])
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
}
