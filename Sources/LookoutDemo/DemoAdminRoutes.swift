import Foundation
import Hummingbird
import LookoutCore
import NIOCore

/// The demo services' admin API, behind a bearer token: the provider routing (read it, fail over) and redeploys.
enum DemoAdminRoutes {
    static func add(to router: Router<BasicRequestContext>, service: String, control: DemoControl, ownAPI: Bool = false) {
        if ownAPI { return addOwnAPI(to: router, service: service, control: control) }
        router.get("/admin/routing") { request, _ -> Response in
            guard authorized(request, control) else { return unauthorized() }
            return DemoRoutes.json(.ok, routingBody(control.routes(of: service)))
        }
        // POST /admin/failover {"provider": "anthropic", "role": "disabled"}
        router.post("/admin/failover") { request, context -> Response in
            guard authorized(request, control) else { return unauthorized() }
            let body = try await request.body.collect(upTo: 64 * 1024)
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                  let provider = object["provider"] as? String, let roleText = object["role"] as? String,
                  let role = ProviderRole(rawValue: roleText) else {
                return DemoRoutes.json(.badRequest, "{\"error\":\"expected {\\\"provider\\\": NAME, \\\"role\\\": primary|standby|disabled}\"}")
            }
            guard control.setRole(role, provider: provider, service: service) else {
                return DemoRoutes.json(.notFound, "{\"error\":\"\(service) does not route to \(DemoRoutes.quoted(provider).dropFirst().dropLast())\"}")
            }
            return DemoRoutes.json(.ok, routingBody(control.routes(of: service)))
        }
        addRedeploy(to: router, service: service, control: control)
    }

    /// POST /admin/redeploy: a new revision (version 1.4.N): one replica is not ready for a few seconds, several roll.
    static func addRedeploy(to router: Router<BasicRequestContext>, service: String, control: DemoControl) {
        router.post("/admin/redeploy") { request, _ -> Response in
            guard authorized(request, control) else { return unauthorized() }
            control.redeploy(service)
            let revision = control.revision(of: service)
            return DemoRoutes.json(.accepted, "{\"status\":\"rolling out\",\"revision\":\(revision),\"version\":\"\(DemoControl.version(revision))\"}")
        }
    }

    /// An ordinary app's admin API, as issue 11 reports one: it knows only "make X primary".
    static func addOwnAPI(to router: Router<BasicRequestContext>, service: String, control: DemoControl) {
        router.get("/admin/llm") { request, _ -> Response in
            guard authorized(request, control) else { return unauthorized() }
            return DemoRoutes.json(.ok, statusBody(control.routes(of: service)))
        }
        // POST /admin/llm/primary {"provider": "anthropic"}
        router.post("/admin/llm/primary") { request, _ -> Response in
            guard authorized(request, control) else { return unauthorized() }
            let body = try await request.body.collect(upTo: 64 * 1024)
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                  let provider = object["provider"] as? String else {
                return DemoRoutes.json(.badRequest, "{\"detail\":\"expected {\\\"provider\\\": NAME}\"}")
            }
            guard let previous = control.makePrimary(provider, service: service) else {
                return DemoRoutes.json(.notFound, "{\"detail\":\"unknown provider\"}")
            }
            control.log(adminEvent(service: service, previous: previous, provider: provider), service: service)
            return DemoRoutes.json(.ok, statusBody(control.routes(of: service)))
        }
        addRedeploy(to: router, service: service, control: control)
    }

    /// `{"primary":"openai","failover_enabled":true,"forced_down":[],"models":{…}}`.
    static func statusBody(_ routes: [ProviderRoute]) -> String {
        let primary = routes.first { $0.role == .primary }.map { DemoRoutes.quoted($0.provider) } ?? "null"
        let down = routes.filter { $0.role == .disabled }.map { DemoRoutes.quoted($0.provider) }.joined(separator: ",")
        let models = routes.map { route in
            "\(DemoRoutes.quoted(route.provider)):\(DemoRoutes.quoted(LLMCallLogGenerator.models.first { $0.provider == route.provider }?.name ?? ""))"
        }.joined(separator: ",")
        return "{\"primary\":\(primary),\"failover_enabled\":true,\"forced_down\":[\(down)],\"models\":{\(models)}}"
    }

    /// The app's own log line for a switch: an event with a `provider` field, not an LLM call.
    static func adminEvent(service: String, previous: String?, provider: String) -> String {
        "{\"timestamp\":\"\(LLMCallLogGenerator.timestamp(Date()))\",\"level\":\"WARNING\",\"service\":\"\(service)\","
            + "\"message\":\"primary provider switched\",\"previous\":\(previous.map(DemoRoutes.quoted) ?? "null"),"
            + "\"provider\":\(DemoRoutes.quoted(provider)),\"failover_enabled\":true}"
    }

    static func authorized(_ request: Request, _ control: DemoControl) -> Bool {
        request.headers[.authorization] == "Bearer \(control.adminToken)"
    }

    static func unauthorized() -> Response { DemoRoutes.json(.unauthorized, "{\"error\":\"missing or wrong bearer token\"}") }

    static func routingBody(_ routes: [ProviderRoute]) -> String {
        "{\"providers\":{" + routes.map { "\(DemoRoutes.quoted($0.provider)):\"\($0.role.rawValue)\"" }.joined(separator: ",") + "}}"
    }
}
