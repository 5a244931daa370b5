import ArgumentParser
import Dispatch
import Foundation
import LookoutCore
import LookoutDemo
import Synchronization

/// `lookout demo`: the embedded demo fleet on loopback, and the dashboard pointed at it.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the embedded demo fleet on loopback and open the dashboard on it.",
        discussion: """
        Four simulated AI services (chat-api on Cloud Run with two replicas, rag-search on ECS, \
        embed-worker on Lambda, support-bot on Container Apps) serve /health, /health/ready, metrics, \
        logs and an admin API. A scripted scenario fails readiness checks and a provider and recovers, \
        every --cycle, so a change shows within the first minute.

        Examples:
          lookout demo
          lookout demo --fleet-only --write-config /tmp/demo.yaml
        """)

    @Flag(name: .long, help: "Serve the fleet only (no dashboard), until interrupted.")
    var fleetOnly = false

    @Option(name: .long, help: "Write a lookout configuration pointing at the fleet to this file.")
    var writeConfig: String?

    @Option(name: .long, help: "Length of the scripted scenario's cycle (e.g. 40s).")
    var cycle: String = "40s"

    @Option(name: .long, help: "Print this many generated log lines (LLM calls, access lines, malformed lines) and exit.")
    var generateLogs: Int?

    @Option(name: .long, help: "Seed for --generate-logs.")
    var seed: UInt64 = 42

    @OptionGroup var display: DisplayOptions

    func validate() throws {
        guard DurationText.parse(cycle) != nil else { throw ValidationError("--cycle: expected a duration such as 40s") }
    }

    func run() throws {
        if let generateLogs {
            var generator = LLMCallLogGenerator(seed: seed)
            var block = ""
            for index in 0..<generateLogs {
                block += generator.nextLine()
                block += "\n"
                if index % 4096 == 4095 { FileHandle.standardOutput.write(Data(block.utf8)); block = "" }
            }
            FileHandle.standardOutput.write(Data(block.utf8))
            return
        }
        // Served alone, the fleet ends on SIGINT, SIGTERM or SIGHUP: blocked here, before any thread starts, so that one
        // waits for them below and removes the fleet's files (logs, admin token) before exiting.
        var endings = sigset_t()
        sigemptyset(&endings)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&endings, signal) }
        if fleetOnly { pthread_sigmask(SIG_BLOCK, &endings, nil) }
        let scenario = DemoScenario(cycle: DurationText.parse(cycle) ?? .seconds(40))
        let fleet = try blockingAwait { try await DemoFleet.start(scenario: scenario) }
        if let writeConfig {
            do {
                try fleet.configYAML.write(toFile: writeConfig, atomically: true, encoding: .utf8)
            } catch {
                throw LookoutError("cannot write \(writeConfig): \(error.localizedDescription)")
            }
        }
        guard fleetOnly else {
            guard let context = fleet.config.context(named: nil) else { return }
            defer {
                fleet.stop()
                fleet.removeFiles()
            }
            let code = try DashboardSession(config: fleet.config, context: context, display: display).run()
            if code != 0 { throw ExitCode(code) }
            return
        }
        print("lookout demo fleet (scenario cycle \(DurationText.format(scenario.cycle))):")
        for endpoint in fleet.endpoints {
            print("  \(endpoint.spec.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(endpoint.url)/health  \(endpoint.url)/health/ready")
        }
        if let writeConfig { print("config written to \(writeConfig)") }
        print("serving until interrupted (Ctrl-C)")
        fflush(nil)
        var received: Int32 = 0
        sigwait(&endings, &received)
        fleet.stop()
        fleet.removeFiles()
        Foundation.exit(128 + received)
    }
}

/// Runs async work from synchronous code (the main thread stays free of the concurrency pool).
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { let value = try await body(); outcome.withLock { $0 = .success(value) } }
        catch { outcome.withLock { $0 = .failure(error) } }
        done.signal()
    }
    done.wait()
    return try outcome.withLock { $0! }.get()
}
