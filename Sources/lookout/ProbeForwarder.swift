import LookoutCore
import LookoutTerminal
import Synchronization

/// Hands the poller's results to the main loop: `/metrics` results are read here, on the poller thread (parsing a
/// large exposition must not stall the screen), and arrive as `.scraped`; everything else as `.probe`.
final class ProbeForwarder: Sendable {
    private let reader: Mutex<MetricsReader>
    private let inbox: EventInbox

    init(services: [ServiceConfig], mappings: [MetricMapping], inbox: EventInbox) {
        reader = Mutex(MetricsReader(services: services, mappings: mappings))
        self.inbox = inbox
    }

    func deliver(_ result: ProbeResult) {
        guard result.kind == .metrics else {
            inbox.post(.probe(result))
            return
        }
        let scrape = reader.withLock { $0.read(result) }
        inbox.post(.scraped(scrape))
    }
}
