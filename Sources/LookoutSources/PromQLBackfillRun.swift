import Foundation
import LookoutCore
import LookoutHTTP

/// Reads back the last hour of every service whose metrics come from Prometheus (`PromQLBackfill`), on a thread of
/// its own when the dashboard opens, and hands each step's scrape to `deliver`, oldest first; `problem` hears why a
/// service's hour could not be read (the live reads go on regardless).
public enum PromQLBackfillRun {
    public static func start(services: [ServiceConfig], mappings: [MetricMapping], deliver: @escaping @Sendable (MetricsScrape) -> Void,
                             problem: @escaping @Sendable (String) -> Void) {
        let wanted = services.filter { $0.metrics?.promQL != nil }
        guard !wanted.isEmpty else { return }
        let thread = Thread {
            let end = Date().timeIntervalSince1970
            for service in wanted {
                guard let source = service.metrics?.promQL else { continue }
                let mapping = service.metrics?.mapping.flatMap { name in mappings.first { $0.name == name } ?? MetricMapping.preset(named: name) }
                let response = CurlRequest.perform(method: "GET", url: PromQLBackfill.url(server: source.server.url, query: source.query, hourBefore: end),
                                                   headers: service.headers(for: .metrics), body: nil, timeout: .seconds(20),
                                                   bodyLimit: 256 << 20) { false }
                if let error = response.error {
                    problem("\(service.name): the last hour not read from Prometheus: \(SafeText.escape(error.message))")
                    continue
                }
                switch PromQLBackfill.scrapes(response.body, httpStatus: response.httpStatus ?? 0, service: service.name, mapping: mapping) {
                case let .success(scrapes): scrapes.forEach(deliver)
                case let .failure(reason): problem("\(service.name): the last hour not read from Prometheus: \(reason.message)")
                }
            }
        }
        thread.name = "lookout-backfill"
        thread.start()
    }
}
