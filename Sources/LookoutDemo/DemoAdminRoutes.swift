import Foundation
import Hummingbird
import LookoutCore
import NIOCore

/// The demo services' admin API, behind a bearer token: the provider routing (read it, fail over) and redeploys.
enum DemoAdminRoutes {
    static func add(to router: Router<BasicRequestContext>, service: String, control: DemoControl) {
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
        // POST /admin/redeploy: not ready for a few seconds, then ready on a new revision.
        router.post("/admin/redeploy") { request, _ -> Response in
            guard authorized(request, control) else { return unauthorized() }
            control.redeploy(service)
            return DemoRoutes.json(.accepted, "{\"status\":\"rolling out\",\"revision\":\(control.revision(of: service))}")
        }
    }

    static func authorized(_ request: Request, _ control: DemoControl) -> Bool {
        request.headers[.authorization] == "Bearer \(control.adminToken)"
    }

    static func unauthorized() -> Response { DemoRoutes.json(.unauthorized, "{\"error\":\"missing or wrong bearer token\"}") }

    static func routingBody(_ routes: [ProviderRoute]) -> String {
        "{\"providers\":{" + routes.map { "\(DemoRoutes.quoted($0.provider)):\"\($0.role.rawValue)\"" }.joined(separator: ",") + "}}"
    }
}
