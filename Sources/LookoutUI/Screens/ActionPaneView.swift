import LookoutCore

/// The action dialog: what will be sent or run (secrets masked), how to confirm, then the live output and
/// the result line. Drawn over the current screen.
public struct ActionPaneView {
    let pane: ActionState
    let followUps: [FollowUpWatch]

    public init(pane: ActionState, followUps: [FollowUpWatch]) {
        self.pane = pane
        self.followUps = followUps
    }

    /// The pane's text lines with their styles, top to bottom.
    var lines: [(String, StyleSlot)] {
        var lines: [(String, StyleSlot)] = []
        for (index, plan) in pane.plans.enumerated() {
            let marker: String
            if pane.phase == .confirming { marker = "•" }
            else if index < pane.outcomes.count { marker = pane.outcomes[index].status == .succeeded || pane.outcomes[index].status == .dryRun ? "✓" : "✗" }
            else if index == pane.current && pane.phase == .running { marker = "…" }
            else { marker = " " }
            lines.append(("\(marker) \(SafeText.escape(plan.title))", .title))
            for line in plan.maskedLines { lines.append(("    " + SafeText.escape(line), .dialog)) }
            if index < pane.outcomes.count {
                let outcome = pane.outcomes[index]
                lines.append(("    → \(outcome.status.rawValue): \(SafeText.escape(outcome.detail)) (\(outcome.durationMs) ms)",
                              outcome.status == .succeeded || outcome.status == .dryRun ? .ok : .bad))
            }
        }
        lines.append(("", .dialog))
        switch pane.phase {
        case .confirming:
            if pane.dryRun { lines.append(("DRY RUN: shown and audited, not sent", .warn)) }
            if pane.requiresTypedName {
                lines.append(("Type \(pane.confirmationWord) to confirm: \(PromptLine(pane.typing).plain)", pane.canConfirm ? .ok : .warn))
            }
            lines.append(("Enter \(pane.dryRun ? "dry-run" : "run")   Tab \(pane.dryRun ? "real run" : "dry run")   Esc cancel", .key))
        case .running:
            for line in pane.output.suffix(8) { lines.append(("  " + line, .dim)) }
            lines.append(("running…   Esc cancel", .key))
        case .finished:
            for line in pane.output.suffix(6) { lines.append(("  " + line, .dim)) }
            if let result = pane.resultLine { lines.append((result, pane.outcomes.last?.status == .succeeded || pane.outcomes.last?.status == .dryRun ? .ok : .bad)) }
            for watch in followUps where pane.plans.contains(where: { $0.service == watch.service }) {
                lines.append((watch.verdict.map(watch.text) ?? "watching \(watch.service) readiness\(watch.sawNotReady ? ": not ready, waiting" : "…")",
                              watch.verdict.map { $0.isGood ? .ok : .bad } ?? .warn))
            }
            lines.append(("Enter/Esc close", .key))
        }
        return lines
    }

    public func render(in area: Rect, canvas: inout Canvas) {
        let lines = self.lines
        let width = min(area.width, max(50, (lines.map { DisplayWidth.of($0.0) }.max() ?? 0) + 4))
        let height = min(area.height, lines.count + 3)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + max(0, (area.height - height) / 2), width: width, height: height)
        canvas.fill(box, with: Cell(" ", .dialog))
        let title = pane.plans.contains { $0.dangerous } ? "Action — changes production" : "Action"
        Frame.draw(box, title: title, canvas: &canvas)
        // When the box is too short, the bottom lines (how to confirm, the result) matter most.
        let visible = lines.suffix(max(0, box.height - 3))
        for (offset, line) in visible.enumerated() {
            canvas.write(line.0, x: box.x + 2, y: box.y + 2 + offset, style: line.1, maxWidth: box.width - 4)
        }
    }
}
