import Foundation
import LookoutCore
import Testing

@Suite("Readiness body parsing")
struct ReadinessReportTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let status: Int
        let body: String
        let expected: ReadinessReport
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "ready", status: 200,
             body: #"{"status":"ready","checks":{"database":"healthy","cache":"healthy","llm_api":"healthy"}}"#,
             expected: ReadinessReport(state: .ready, checks: [
                ReadinessCheck(name: "cache", state: .healthy),
                ReadinessCheck(name: "database", state: .healthy),
                ReadinessCheck(name: "llm_api", state: .healthy),
             ])),
        Case(name: "not_ready with messages", status: 200,
             body: #"{"status":"not_ready","checks":{"database":"healthy","llm_api":"unhealthy: timeout after 5000ms","cache":"unhealthy: connection refused"}}"#,
             expected: ReadinessReport(state: .notReady, checks: [
                ReadinessCheck(name: "cache", state: .unhealthy, message: "connection refused"),
                ReadinessCheck(name: "database", state: .healthy),
                ReadinessCheck(name: "llm_api", state: .unhealthy, message: "timeout after 5000ms"),
             ])),
        Case(name: "503 with a JSON body is still parsed", status: 503,
             body: #"{"status":"not_ready","checks":{"llm_api":"unhealthy: 429 rate limited"}}"#,
             expected: ReadinessReport(state: .notReady, checks: [
                ReadinessCheck(name: "llm_api", state: .unhealthy, message: "429 rate limited"),
             ])),
        Case(name: "503 whose body claims ready", status: 503, body: #"{"status":"ready"}"#,
             expected: ReadinessReport(state: .notReady, problem: "body says ready but HTTP 503")),
        Case(name: "non-JSON body on 200", status: 200, body: "OK",
             expected: ReadinessReport(state: .ready, problem: "body is not JSON (HTTP 200): OK")),
        Case(name: "non-JSON body on 502", status: 502, body: "<html>Bad Gateway</html>",
             expected: ReadinessReport(state: .notReady, problem: "body is not JSON (HTTP 502): <html>Bad Gateway</html>")),
        Case(name: "empty body on 200", status: 200, body: "",
             expected: ReadinessReport(state: .ready, problem: "empty body (HTTP 200)")),
        Case(name: "empty body on 503", status: 503, body: "",
             expected: ReadinessReport(state: .notReady, problem: "empty body (HTTP 503)")),
        Case(name: "checks without a status word", status: 200, body: #"{"checks":{"db":"unhealthy: down"}}"#,
             expected: ReadinessReport(state: .notReady, checks: [ReadinessCheck(name: "db", state: .unhealthy, message: "down")])),
        Case(name: "object-valued and boolean checks", status: 200,
             body: #"{"status":"ready","checks":{"db":{"status":"up"},"queue":{"status":"down","error":"no consumers"},"s3":true,"x":42}}"#,
             expected: ReadinessReport(state: .ready, checks: [
                ReadinessCheck(name: "db", state: .healthy),
                ReadinessCheck(name: "queue", state: .unhealthy, message: "no consumers"),
                ReadinessCheck(name: "s3", state: .healthy),
                ReadinessCheck(name: "x", state: .unknown, message: "unrecognised value"),
             ])),
        Case(name: "hostile: escape sequences in names and messages", status: 503,
             body: #"{"status":"not_ready","checks":{"db\u001b[2J":"unhealthy: \u001b]0;owned\u0007 gone\nnext"}}"#,
             expected: ReadinessReport(state: .notReady, checks: [
                ReadinessCheck(name: "db\\e[2J", state: .unhealthy, message: "\\e]0;owned\\x07 gone\\nnext"),
             ])),
        Case(name: "hostile: truncated JSON", status: 200, body: #"{"status":"ready","checks":{"db":"heal"#,
             expected: ReadinessReport(state: .ready, problem: #"body is not JSON (HTTP 200): {"status":"ready","checks":{"db":"heal"#)),
        Case(name: "hostile: a JSON array", status: 200, body: "[1,2]",
             expected: ReadinessReport(state: .ready, problem: "body is not JSON (HTTP 200): [1,2]")),
    ]

    @Test(arguments: cases)
    func judges(_ c: Case) {
        #expect(ReadinessReport.judge(httpStatus: c.status, body: Array(c.body.utf8)) == c.expected)
    }

    @Test func invalidUTF8IsReplacedNotPassedThrough() {
        let body: [UInt8] = [0xFF, 0xFE, 0x1B, 0x5B, 0x41]
        let report = ReadinessReport.judge(httpStatus: 200, body: body)
        #expect(report.problem == "body is not JSON (HTTP 200): \u{FFFD}\u{FFFD}\\e[A")
    }

    @Test func reasonNamesTheFirstFailingCheck() {
        let report = ReadinessReport.judge(httpStatus: 503, body: Array(#"{"status":"not_ready","checks":{"a":"healthy","llm_api":"unhealthy: timeout"}}"#.utf8))
        #expect(report.reason == "llm_api: timeout")
    }
}

@Suite("Liveness verdicts")
struct LivenessVerdictTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func upOn2xxWithHealthyBody() {
        let result = ProbeResult(service: "a", kind: .liveness, startedAt: Self.start, httpStatus: 200,
                                 body: Array(#"{"status":"healthy","timestamp":"2026-11-28T10:00:00Z"}"#.utf8))
        #expect(LivenessVerdict.judge(result) == LivenessVerdict(state: .up))
    }

    @Test func downOnTransportErrorStatusOrUnhealthyBody() {
        let refused = ProbeResult(service: "a", kind: .liveness, startedAt: Self.start, httpStatus: nil,
                                  transportError: TransportError(code: 7, message: "Failed to connect to 127.0.0.1 port 1"))
        #expect(LivenessVerdict.judge(refused) == LivenessVerdict(state: .down, reason: "Failed to connect to 127.0.0.1 port 1"))
        let error500 = ProbeResult(service: "a", kind: .liveness, startedAt: Self.start, httpStatus: 500)
        #expect(LivenessVerdict.judge(error500) == LivenessVerdict(state: .down, reason: "HTTP 500"))
        let unhealthy = ProbeResult(service: "a", kind: .liveness, startedAt: Self.start, httpStatus: 200,
                                    body: Array(#"{"status":"unhealthy"}"#.utf8))
        #expect(LivenessVerdict.judge(unhealthy) == LivenessVerdict(state: .down, reason: "status \"unhealthy\""))
    }
}

@Suite("Escaping untrusted text")
struct SafeTextTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("a\u{1B}[31mred", "a\\e[31mred"),
        ("osc \u{1B}]52;c;ZXZpbA==\u{07}", "osc \\e]52;c;ZXZpbA==\\x07"),
        ("line\nbreak\r\ttab", "line\\nbreak\\r\\ttab"),
        ("c1 \u{9B}2J del \u{7F}", "c1 \\u{9b}2J del \\x7f"),
        ("bidi \u{202E}txet", "bidi \\u{202e}txet"),
        ("ünïcødé ✓ 日本", "ünïcødé ✓ 日本"),
    ])
    func escapes(_ input: String, _ expected: String) {
        #expect(SafeText.escape(input) == expected)
    }
}
