import Foundation

extension Reducer {
    /// The services discovery finds now: new targets join the fleet (at the end of the list), discovered services whose
    /// targets are gone leave it — a listed service never does. The selection stays on the service it was on, an open
    /// detail of a service that left goes back to the Overview and says why, and the change is on the Services title
    /// and the timeline. The edges are told which services to probe and which to forget.
    static func takeDiscovered(_ found: [ServiceConfig], _ state: inout AppState) -> [Effect] {
        let joining = found.filter { state.serviceIndex[$0.name] == nil }
        let leaving = state.discovered.subtracting(found.map(\.name))
        guard !joining.isEmpty || !leaving.isEmpty else { return [] }
        let before = state.discovered
        let selected = state.selectedService?.name
        state.replaceServices(removing: leaving, adding: joining)
        state.discovered = before.subtracting(leaving).union(joining.map(\.name))
        if let selected, let index = state.listedServices.firstIndex(where: { state.services[$0].name == selected }) {
            state.selection = index
        } else {
            state.selection = min(state.selection, max(0, state.listedCount - 1))
        }
        if case let .serviceDetail(name) = state.screen, leaving.contains(name) {
            state.screen = .overview
            state.notice = "\(SafeText.escape(name)) left: its target is no longer in Prometheus"
        }
        if var change = TargetsChange(opened: before, now: state.discovered) {
            change.at = state.now
            state.targetsChange = change
            state.timeline.add(TimelineEntry(time: state.now, kind: .note, subject: "prometheus", text: "targets changed: \(change.text)"))
        }
        return [.fleetChanged(added: joining, removed: leaving)]
    }
}
