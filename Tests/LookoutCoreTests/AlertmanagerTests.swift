import Foundation
import LookoutCore
import Testing

/// Alertmanager's API v2 as lookout reads and writes it, on bodies captured from Debian's Alertmanager 0.25
/// (`Fixtures/alertmanager-0.25/SOURCE.md`).
@Suite("Alertmanager API")
struct AlertmanagerTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/alertmanager-0.25/\(name)")))
    }

    @Test func matchersAreReadAsAlertmanagersToolsWriteThem() {
        #expect(Alertmanager.Matcher(parsing: "alertname=LLMErrorRateHigh") == Alertmanager.Matcher(name: "alertname", value: "LLMErrorRateHigh"))
        #expect(Alertmanager.Matcher(parsing: "provider!=azure") == Alertmanager.Matcher(name: "provider", value: "azure", isEqual: false))
        #expect(Alertmanager.Matcher(parsing: #"service=~"chat-.*""#) == Alertmanager.Matcher(name: "service", value: "chat-.*", isRegex: true))
        #expect(Alertmanager.Matcher(parsing: "severity!~info|debug") == Alertmanager.Matcher(name: "severity", value: "info|debug", isRegex: true, isEqual: false))
        #expect(Alertmanager.Matcher(parsing: "summary=a=b")?.value == "a=b", "only the first = splits")
        #expect(Alertmanager.Matcher(parsing: "no-operator") == nil && Alertmanager.Matcher(parsing: "=x") == nil
                && Alertmanager.Matcher(parsing: "bad name=x") == nil)
        #expect(Alertmanager.Matcher(parsing: "provider=~open.*")?.text == #"provider=~"open.*""#)
    }

    @Test func aSilenceIsPostedAsTheAPIWantsIt() throws {
        let start = Date(timeIntervalSince1970: 1_796_468_000), end = start.addingTimeInterval(3600)
        let silence = Alertmanager.NewSilence(matchers: [Alertmanager.Matcher(name: "alertname", value: "LLMErrorRateHigh"),
                                                         Alertmanager.Matcher(name: "provider", value: "open.*", isRegex: true)],
                                              startsAt: start, endsAt: end, createdBy: "alice", comment: "failing over")
        let body = silence.body
        #expect(silence.summary == #"alertname="LLMErrorRateHigh" provider=~"open.*" for 1h — failing over"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(object["createdBy"] as? String == "alice" && object["comment"] as? String == "failing over")
        #expect(object["startsAt"] as? String == "2026-12-05T10:53:20.000Z" && object["endsAt"] as? String == "2026-12-05T11:53:20.000Z")
        let matchers = try #require(object["matchers"] as? [[String: Any]])
        #expect(matchers.count == 2 && matchers[1]["isRegex"] as? Bool == true && matchers[1]["isEqual"] as? Bool == true)
    }

    @Test func quotedValuesAreReadAsAlertmanagersParserReadsThem() {
        #expect(Alertmanager.Matcher(parsing: #"summary="error rate \"high\"""#)?.value == #"error rate "high""#)
        #expect(Alertmanager.Matcher(parsing: #"path="C:\\tmp""#)?.value == #"C:\tmp"#)
        #expect(Alertmanager.Matcher(parsing: #"host=~"api\.example""#)?.value == #"api\.example"#, "a regex escape stays")
        #expect(Alertmanager.Matcher(parsing: #"a="x"y""#) == nil, "an unescaped quote inside")
        let tricky = Alertmanager.Matcher(name: "summary", value: #"say "hi" \ bye"#)
        #expect(Alertmanager.Matcher(parsing: tricky.text) == tricky, "written and read back")
    }

    /// The Alerts screen's prompt for one of Alertmanager's alerts: all its labels, an hour, then why.
    @Test func theSilencePromptIsReadIntoASilence() throws {
        let now = Date(timeIntervalSince1970: 1_796_468_000)
        let alert = try #require(Alertmanager.alerts(try Self.fixture("alerts.json"))?.first)
        let prefill = Alertmanager.silencePrefill(for: alert)
        #expect(prefill == #"alertname="LLMErrorRateHigh" provider="openai" service="chat-api" severity="critical" 1h "#)
        #expect(Alertmanager.newSilence(from: prefill, now: now, by: "ana")
                == .failure(ReadProblem("after the duration, say why (Alertmanager keeps it with the silence)")))
        let silence = try Alertmanager.newSilence(from: prefill + "failing over  to anthropic", now: now, by: "ana").get()
        #expect(silence.matchers.count == 4 && silence.matchers.allSatisfy { $0.isEqual && !$0.isRegex })
        #expect(Dictionary(uniqueKeysWithValues: silence.matchers.map { ($0.name, $0.value) }) == alert.labels)
        #expect(silence.endsAt == now.addingTimeInterval(3600) && silence.createdBy == "ana" && silence.comment == "failing over to anthropic")
        let spaced = try Alertmanager.newSilence(from: #"summary="rate high" provider=~open.* 30m why"#, now: now, by: "ana").get()
        #expect(spaced.matchers == [Alertmanager.Matcher(name: "summary", value: "rate high"),
                                    Alertmanager.Matcher(name: "provider", value: "open.*", isRegex: true)])
        #expect(Alertmanager.newSilence(from: "2h why", now: now, by: "ana") == .failure(ReadProblem("start with a matcher, e.g. alertname=LLMErrorRateHigh")))
        #expect(Alertmanager.newSilence(from: "x=1 soon why", now: now, by: "ana")
                == .failure(ReadProblem("after the matchers, a duration from 1m to 30d (e.g. 2h), then why")))
        #expect(Alertmanager.newSilence(from: "x=1 10s why", now: now, by: "ana")
                == .failure(ReadProblem("after the matchers, a duration from 1m to 30d (e.g. 2h), then why")), "under a minute")
        guard case let .failure(bad) = Alertmanager.newSilence(from: "bad-name=1 1h why", now: now, by: "ana") else { Issue.record("accepted"); return }
        #expect(bad.message.hasPrefix("bad-name=1: not a matcher"))
    }

    @Test func onlySilenceIDsGoIntoAPath() {
        #expect(Alertmanager.isSilenceID("9f757680-ec0a-4f3e-bdb7-57d086acee44"))
        #expect(!Alertmanager.isSilenceID("") && !Alertmanager.isSilenceID("../alerts") && !Alertmanager.isSilenceID("a b"))
    }

    @Test func realAnswersAreRead() throws {
        #expect(Alertmanager.silenceID(try Self.fixture("silence-created.json")) == "9f757680-ec0a-4f3e-bdb7-57d086acee44")
        let active = try #require(Alertmanager.silences(try Self.fixture("silences-active.json")))
        #expect(active.map(\.state) == ["active"] && active.first?.createdBy == "alice" && active.first?.comment == "failing over to anthropic")
        #expect(active.first?.matchers.map(\.text) == [#"alertname="LLMErrorRateHigh""#, #"provider=~"open.*""#])
        #expect(try Alertmanager.silences(Self.fixture("silences-expired.json"))?.map(\.state) == ["expired"])
        let alerts = try #require(Alertmanager.alerts(try Self.fixture("alerts.json")))
        #expect(alerts.count == 1 && alerts[0].state == "active" && alerts[0].silencedBy.isEmpty)
        #expect(alerts[0].title == "LLMErrorRateHigh provider=openai service=chat-api severity=critical")
        #expect(alerts[0].annotations["summary"] == "openai error rate 12% over 5m")
        let silenced = try #require(Alertmanager.alerts(try Self.fixture("alerts-silenced.json")))
        #expect(silenced[0].state == "suppressed" && silenced[0].silencedBy == ["9f757680-ec0a-4f3e-bdb7-57d086acee44"])
        #expect(Alertmanager.alerts(try Self.fixture("silence-created.json")) == nil, "an object is not a list of alerts")
    }

    @Test func failuresAreSaidInAlertmanagersWords() throws {
        #expect(Alertmanager.failure(httpStatus: 500, body: try Self.fixture("expire-unknown-500.json")) == "HTTP 500: silence not found")
        #expect(Alertmanager.failure(httpStatus: 422, body: try Self.fixture("silence-no-matchers-422.json"))
                == "HTTP 422: matchers in body should have at least 1 items")
        #expect(Alertmanager.failure(httpStatus: 502, body: Array("<html>bad gateway</html>".utf8)) == "HTTP 502")
        #expect(Alertmanager.failure(httpStatus: nil, body: []) == "no answer")
    }

    @Test func aContextNamesItsAlertmanager() throws {
        let config = try ConfigParser.parse("""
        contexts:
          prod:
            alertmanager: { url: "http://alertmanager:9093/", headers: { X-Scope-OrgID: team-llm } }
            services: []
        """, file: "am.yaml")
        #expect(config.contexts.first?.alertmanager == APIServer(url: "http://alertmanager:9093", headers: [HTTPHeader(name: "X-Scope-OrgID", value: "team-llm")]))
    }
}
