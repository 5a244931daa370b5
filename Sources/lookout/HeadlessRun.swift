import LookoutCore
import LookoutRuntime

/// The runtime without a terminal, for `snapshot` and `check`: the same loop, reducer and effects as the dashboard,
/// connected to the fleet for as long as `collect` runs.
struct HeadlessRun {
    let plan: FleetLink.Plan
    let state: AppState

    /// Starts the fleet's edges, lets `steps` drive the loop, stops the edges and returns the state reached.
    func collect(_ steps: (Runtime) -> Void) -> AppState {
        let inbox = EventInbox()
        let fleet = FleetLink(plan, inbox: inbox)
        let runtime = Runtime(state: state, backend: nil, input: PollingInput(device: nil, inbox: inbox),
                              clock: SystemClock(), effects: fleet)
        fleet.start()
        steps(runtime)
        fleet.stop()
        return runtime.state
    }
}
