import Foundation
import LookoutCore
import LookoutRuntime
import LookoutUI
import Testing

/// On every screen, the selected row stays among the visible rows, highlighted as a whole — over random key sequences
/// and random sizes from 40x12 to 300x80, resizes included, through the runtime (the view lays out; the state keeps
/// the selection by identity).
@Suite("Selection stays on screen")
struct SelectionPropertyTests {
    static let keys: [Key] = [.char("j"), .char("k"), .char("j"), .char("j"), .down, .up, .char("g"), .char("G"), .pageDown, .pageUp,
                              .char("1"), .char("3"), .char("4"), .char("5"), .char("6"), .char("7"), .enter, .escape, .char("w")]

    /// A fleet with more of everything than fits: 70 services, 40 provider/model rows, 500 log lines, 300 audit records.
    static func crowdedState() throws -> AppState {
        var state = AppState(context: RuntimeHarness.context(services: 70), now: RuntimeHarness.start, logCapacity: 1_000)
        var decoder = LogDecoder(mapping: .app)
        let events = (0..<250).map { decoder.decode(#"{"level":"INFO","message":"event-\#($0)"}"#) }
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "svc-0", source: "/var/log/svc-0.log", records: RuntimeHarness.calls(250))))
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "svc-2", source: "/var/log/svc-2.log", records: events)))
        let more = (0..<12).map { decoder.decode(#"{"provider":"vendor-\#($0)","model":"x-\#($0)","latency_ms":80,"status":"success"}"#) }
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "svc-1", source: "/var/log/svc-1.log", records: more)))
        let audit = try (0..<300).map { n in
            try JSONDecoder().decode(AuditRecord.self, from: Data(#"{"phase":"intent","time":"2027-01-15T08:00:00.000Z","id":"a\#(n)","user":"oncall","context":"prod","service":"svc-\#(n)","action":"redeploy","dry_run":false,"request":"kubectl rollout restart","origin":"dashboard"}"#.utf8))
        }
        _ = Reducer.reduce(&state, .audited(audit))
        return state
    }

    /// The text the selected row must show on the current screen; nil where the screen has no list to check
    /// (a detail screen, the help overlay, an open record).
    static func expectedLabel(_ state: AppState) -> String? {
        guard !state.showingHelp, state.action == nil else { return nil }
        switch state.screen {
        case .overview: return state.selectedService?.name
        case .providers:
            let rows = state.providers.rows
            guard rows.indices.contains(state.providerSelection) else { return nil }
            return rows[state.providerSelection].model ?? rows[state.providerSelection].provider
        case .logs:
            guard state.logs.detail == nil, let current = state.logs.current, let record = state.logs.line(current)?.record else { return nil }
            // A call's summary starts with its model; another line shows its message.
            return record.isLLMCall ? record.model : record.message
        case .actions:
            let newestFirst = Array(state.audit.reversed())
            return newestFirst.indices.contains(state.auditSelection) ? newestFirst[state.auditSelection].service : nil
        case .alerts:
            // The silence prompt covers the list's foot; a list without alerts has nothing selected.
            guard state.silencePrompt == nil else { return nil }
            let rows = state.alertBook.listed(at: state.now)
            return rows.indices.contains(state.alertSelection) ? rows[state.alertSelection].alert.subject : nil
        case .timeline:
            let newestFirst = Array(state.timeline.entries.reversed())
            return newestFirst.indices.contains(state.timelineSelection) ? newestFirst[state.timelineSelection].subject : nil
        case .serviceDetail: return nil
        }
    }

    @Test(arguments: 0..<8)
    func theSelectedRowIsAlwaysVisibleAndHighlighted(_ seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed) &* 0x9E37_79B9 &+ 1)
        let width = Int.random(in: 40...300, using: &random), height = Int.random(in: 12...80, using: &random)
        let harness = RuntimeHarness(state: try Self.crowdedState(), width: width, height: height)
        var size = (width, height)
        for step in 1...250 {
            // A step is 100 ms: the input arrives 40 ms in, the frame that shows it at most 34 ms later.
            let at = Duration.milliseconds(100 * step - 60)
            if Int.random(in: 0..<25, using: &random) == 0 {
                size = (Int.random(in: 40...300, using: &random), Int.random(in: 12...80, using: &random))
                harness.input.schedule(at: at, [.resized(TerminalSize(width: size.0, height: size.1))])
            } else {
                harness.input.schedule(at: at, [.key(Self.keys.randomElement(using: &random)!)])
            }
            harness.runtime.run(for: .milliseconds(100))
            guard let canvas = harness.backend.frames.last else { continue }
            #expect(canvas.width == size.0 && canvas.height == size.1)
            guard let label = Self.expectedLabel(harness.runtime.state) else { continue }
            let rows = RuntimeHarness.highlightedRows(canvas)
            let highlighted = rows.map { canvas.lines[$0] }
            let where_ = "seed \(seed), step \(step), \(size.0)x\(size.1), screen \(harness.runtime.state.screen)"
            #expect(highlighted.count == 1, "one highlighted row: \(where_)")
            // The label may be cut by a narrow column: its start must be on the highlighted row.
            let prefix = String(label.prefix(6))
            #expect(highlighted.first?.contains(prefix) == true, "\(label) highlighted: \(where_)\n\(canvas.lines.joined(separator: "\n"))")
            if let y = rows.first {
                let x0 = 1, x1 = canvas.width - 2
                #expect(canvas[x0, y].highlighted && canvas[x1, y].highlighted, "the whole row is highlighted: \(where_)")
            }
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing seed can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
