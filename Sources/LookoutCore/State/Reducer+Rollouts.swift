import Foundation

extension Reducer {
    /// What a probe changed about a service's deployed version: an entry in the incident timeline and a line of
    /// lookout's own on the Logs screen (`lookout: 1.4.1 → 1.4.2, rollout took 48s` under the service's name), so a
    /// rollout reads beside the service's own log lines.
    static func recordRollout(_ events: [RolloutEvent], of service: String, in state: inout AppState) {
        guard !events.isEmpty else { return }
        var records: [LogRecord] = []
        for event in events {
            // "runs 1.4.1" at start is news for the Logs screen, not a change worth the incident timeline.
            if case .settled = event {} else {
                state.timeline.add(TimelineEntry(time: state.now, kind: .deploy, subject: service, text: event.text,
                                                 severity: event.isWarning ? .warning : nil))
            }
            records.append(ownLogRecord(service: service, text: "lookout: \(event.text)", level: event.isWarning ? .warn : .info,
                                        at: state.now))
        }
        state.logs.append(LogBatch(service: service, source: Self.ownLogSource, records: records), at: state.now)
    }

    /// The log source lookout's own lines are shown under.
    public static let ownLogSource = "lookout"

    /// A log line written by lookout itself (not read from a service).
    static func ownLogRecord(service: String, text: String, level: LogLevel, at time: Date) -> LogRecord {
        var record = LogRecord(raw: text, mapping: ownLogSource)
        record.time = UTCClock.iso8601(time)
        record.level = level
        record.service = service
        record.message = text
        return record
    }

    /// Once a second: rollouts mixed for longer than their service allows are reported stalled (once each).
    static func checkRolloutStalls(_ state: inout AppState) {
        for index in state.services.indices {
            let events = state.services[index].rollout.checkStall(now: state.now)
            recordRollout(events, of: state.services[index].name, in: &state)
        }
    }
}
