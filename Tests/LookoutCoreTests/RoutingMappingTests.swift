import Foundation
import LookoutCore
import Testing

/// Roles from a service's own admin API. The body shape is the ordinary FastAPI service's of issue 11
/// (`{"primary":"openai","failover_enabled":true,"forced_down":[],…}`), which the demo's support-bot serves too.
@Suite("Routing from real admin APIs")
struct RoutingMappingTests {
    static let mapping = RoutingMapping(primary: BodyPath("[BODY].primary"), disabled: BodyPath("[BODY].forced_down"),
                                        enabled: BodyPath("[BODY].failover_enabled"), providers: ["openai", "anthropic"])

    struct Case: CustomStringConvertible, Sendable {
        let name: String, body: String, expected: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "primary, failover on", body: #"{"primary":"openai","failover_enabled":true,"forced_down":[],"models":{"openai":"gpt-4o-mini"}}"#,
             expected: ["anthropic standby", "openai primary"]),
        Case(name: "the primary forced down", body: #"{"primary":"openai","failover_enabled":true,"forced_down":["openai"]}"#,
             expected: ["anthropic standby", "openai disabled"]),
        Case(name: "failover off: nobody stands by", body: #"{"primary":"anthropic","failover_enabled":false,"forced_down":[]}"#,
             expected: ["anthropic primary", "openai disabled"]),
        Case(name: "a provider only the body names", body: #"{"primary":"azure-openai","failover_enabled":true,"forced_down":null}"#,
             expected: ["anthropic standby", "azure-openai primary", "openai standby"]),
        Case(name: "enabled as a string", body: #"{"primary":"openai","failover_enabled":"false"}"#,
             expected: ["anthropic disabled", "openai primary"]),
    ]

    @Test(arguments: cases)
    func roles(_ c: Case) throws {
        let routes = try Self.mapping.routes(Array(c.body.utf8)).get()
        #expect(routes.map { "\($0.provider) \($0.role.rawValue)" } == c.expected)
    }

    @Test(arguments: [
        (#"{"primary":3}"#, "[BODY].primary is not a provider name or a list of them"),
        (#"{"primary":"openai","forced_down":[1]}"#, "[BODY].forced_down is not a list of provider names"),
        (#"{"primary":"openai","failover_enabled":{}}"#, "[BODY].failover_enabled is not true or false"),
        ("not json", "routing body is not JSON"),
    ])
    func unreadableBodiesSayWhy(_ body: String, _ message: String) {
        #expect(throws: RoutingProblem(message: message)) { try Self.mapping.routes(Array(body.utf8)).get() }
    }

    static let yaml = """
    contexts:
      prod:
        services:
          - name: support-bot
            url: http://127.0.0.1:8080
            routing:
              path: /admin/llm
              primary: "[BODY].primary"
              disabled: "[BODY].forced_down"
              enabled: "[BODY].failover_enabled"
              providers: [openai, anthropic]
            actions:
              failover:
                url: "{{url}}/admin/llm/primary"
                body: '{"provider":"{{provider}}"}'
                roles: [primary]
    """

    @Test func theConfigurationMapsTheBodyAndTheKeysOfferOnlyWhatTheAPICanDo() throws {
        let config = try ConfigParser.parse(Self.yaml, file: "r.yaml")
        let service = try #require(config.contexts.first?.services.first)
        #expect(service.routing?.roles == Self.mapping)
        var state = AppState(context: config.contexts[0], now: Date(timeIntervalSince1970: 1_800_000_000))
        let body = Array(#"{"primary":"openai","failover_enabled":true,"forced_down":[]}"#.utf8)
        _ = Reducer.reduce(&state, .probe(ProbeResult(service: "support-bot", kind: .routing, startedAt: state.now, httpStatus: 200, body: body)))
        #expect(state.roles(of: "anthropic")?.strongest == .standby)
        #expect(state.roles(of: "openai")?.strongest == .primary)
        // This API can only make a provider primary: no disable or standby key on the Providers screen.
        let keys = state.keyMap.bindings(on: .providers).map(\.command)
        #expect(keys.contains(.failoverPrimary))
        #expect(!keys.contains(.failoverDisable) && !keys.contains(.failoverStandby))
    }

    @Test func aRoleVocabularyBecomesTheTemplateWord() throws {
        let yaml = Self.yaml.replacingOccurrences(of: "roles: [primary]", with: "roles: { primary: main, disabled: down }")
            .replacingOccurrences(of: #"'{"provider":"{{provider}}"}'"#, with: #"'{"provider":"{{provider}}","state":"{{role}}"}'"#)
        let config = try ConfigParser.parse(yaml, file: "r.yaml")
        let service = try #require(config.contexts.first?.services.first)
        let action = try #require(service.action(named: "failover"))
        let plan = try ActionPlan(action, service: service, context: "prod", provider: "openai", role: .disabled)
        guard case let .http(_, _, _, body) = plan.kind else { Issue.record("an http action"); return }
        #expect(body == #"{"provider":"openai","state":"down"}"#)
        #expect(!action.supports(.standby))
    }

    @Test func mistakesNameTheLineAndKey() {
        let bad = Self.yaml.replacingOccurrences(of: #"primary: "[BODY].primary""#, with: "primary: primary")
            .replacingOccurrences(of: "roles: [primary]", with: "roles: [main]")
        #expect(throws: ConfigErrors.self) { try ConfigParser.parse(bad, file: "r.yaml") }
        do {
            _ = try ConfigParser.parse(bad, file: "r.yaml")
        } catch {
            let text = error.issues.map(\.description)
            #expect(text.contains("r.yaml:8: key `contexts.prod.services[0].routing.primary`: expected a body path such as \"[BODY].primary\""))
            #expect(text.contains("r.yaml:16: key `contexts.prod.services[0].actions.failover.roles`: unknown role \"main\" (primary, standby, disabled)"))
        }
    }
}
