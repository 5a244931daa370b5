import Foundation
import Glibc
import LookoutTestSupport
import Testing

/// `lookout check` — what a deploy pipeline runs — against a server that misbehaves in every way issue 15 lists:
/// each service is named with a reason an engineer can act on, and the whole pass takes the probes' timeout, not
/// the sum of them.
@Suite("End to end: lookout check against a misbehaving server", .serialized)
struct FaultsEndToEndTests {
    @Test func everyFaultIsNamedWithItsReasonWithinTheTimeout() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let server = try FaultServer.withFaults()
        defer { server.stop() }
        var yaml = "contexts:\n  faults:\n    services:\n"
        func service(_ name: String, url: String, health: String) {
            yaml += "      - name: \(name)\n        url: \(url)\n        health: \(health)\n        readiness: null\n        timeout: 2s\n"
        }
        for fault in FaultServer.faults { service(String(fault.path.dropFirst()), url: "http://127.0.0.1:\(server.port)", health: fault.path) }
        service("unresolvable", url: "http://lookout-fault-suite.invalid", health: "/health")
        let config = scratch.path("faults.yaml")
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)

        let started = Date()
        let run = try Spawn.capture([binary, "check", "--config", config])
        let took = Date().timeIntervalSince(started)
        print(run.stdout + "check took \(String(format: "%.2f", took)) s")
        #expect(run.status == 2, "CRITICAL: some are down")
        #expect(took < 5, "every probe at once: about the 2 s timeout, not \(FaultServer.faults.count) of them (\(took) s)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let expected = FaultServer.faults.map { (String($0.path.dropFirst()), $0.reason) } + [("unresolvable", "Could not resolve host")]
        for (name, reason) in expected {
            let line = try #require(lines.first { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) == name },
                                    "\(name) is in the report")
            if let reason {
                #expect(line.hasPrefix("DOWN") && line.localizedCaseInsensitiveContains(reason), "\(line)")
            } else {
                #expect(line.hasPrefix("HEALTHY"), "\(line)")
            }
        }
        #expect(lines.last?.hasPrefix("CRITICAL: 3 healthy, 0 degraded, \(expected.count - 3) down") == true, "\(lines.last ?? "")")

        // The same reasons on the dashboard's Overview (its REASON column, wide enough here for their starts).
        let tmux = try TmuxSession(command: "\(binary) --config \(config) --log-file \(scratch.path("lookout.log"))", width: 220, height: 30)
        defer { tmux.kill() }
        let screen = try tmux.waitFor("every fault's reason", seconds: 15) { screen in
            ["reset by peer", "Operation timed out", "response body larger", "hexadecimal sequence", "headers too large",
             "did not answer in HTTP", "Could not resolve host"].allSatisfy { screen.contains($0) }
        }
        for name in ["ok", "ten-thousand-character-header", "http10-no-length"] {
            #expect(ScreenTable.row(name, in: screen).contains("up"), "\(ScreenTable.row(name, in: screen))")
        }
    }
}

/// The fuzz targets' kept inputs — real shapes from the fixtures, and every finding once fixed — replayed through the
/// same code the fuzzer drives (`lookout-fuzz`, built plainly by `swift build`), so a finding stays a regression test.
@Suite("Fuzz corpus replayed")
struct FuzzCorpusTests {
    @Test(arguments: ["exposition", "logs", "config", "readiness", "sse", "conditions", "theme"])
    func everyKeptInputStillReads(_ target: String) throws {
        let binary = (try LookoutBinary.require() as NSString).deletingLastPathComponent + "/lookout-fuzz"
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/corpus/\(target)").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .filter { !$0.hasSuffix(".md") }.map { directory.appendingPathComponent($0).path }
        #expect(files.count >= 2, "seeds for \(target)")
        let run = try Spawn.capture([binary, target] + files)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        #expect(run.stdout == "\(target): \(files.count) inputs replayed\n")
    }
}
