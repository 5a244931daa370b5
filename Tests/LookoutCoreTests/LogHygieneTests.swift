import Foundation
import LookoutCore
import Testing

/// Log hygiene on documented example values — AWS's documented example key id, RFC 6750's bearer token, RFC 7617's
/// basic credentials, Stripe's test card numbers, the key prefixes OpenAI, Anthropic and Google document — and on every
/// real log shape the tests keep (false positives).
@Suite("Log hygiene")
struct LogHygieneTests {
    /// The kinds found in `line`, and the line as masked.
    static func check(_ line: String, _ hygiene: LogHygiene = .standard) -> (kinds: [LogHygiene.Kind], masked: String) {
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            guard let masked = hygiene.mask(buffer, 0, buffer.count) else { return ([], line) }
            return (masked.kinds, String(decoding: masked.line, as: UTF8.self))
        }
    }

    static let openAI = "sk-proj-" + String(repeating: "Ab3dE", count: 8)
    static let anthropic = "sk-ant-api03-" + String(repeating: "xY7_z", count: 8) + "-AAAA"
    static let google = "AIza" + String(repeating: "SyB3x", count: 7)   // 4 + 35

    @Test(arguments: [
        ("openai key in a message", "{\"msg\":\"calling with key \(openAI) now\"}", [LogHygiene.Kind.openAIKey]),
        ("anthropic key", "x-api-key: \(anthropic)", [.anthropicKey]),
        ("AWS's documented example key id", "aws_access_key_id=AKIAIOSFODNN7EXAMPLE region=us-east-1", [.awsKey]),
        ("google key in a URL", "GET /v1/models?key=\(google) 200", [.googleKey]),
        ("RFC 6750's bearer token", "Authorization: Bearer mF_9.B5f-4.1JqM", [.bearerToken]),
        ("RFC 7617's basic credentials", "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", [.basicAuth]),
        ("e-mail address", "{\"user\":\"jane.doe+ops@example.co.uk\",\"level\":\"info\"}", [.email]),
        ("Stripe's Visa test card", "charged card 4242 4242 4242 4242 ok", [.cardNumber]),
        ("Stripe's Mastercard test card, dashes", "card=5555-5555-5555-4444", [.cardNumber]),
        ("Stripe's Amex test card", "pan 378282246310005.", [.cardNumber]),
        ("a private key block on one line", "key: -----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n-----END RSA PRIVATE KEY----- loaded", [.privateKey]),
        ("two kinds in one line", "user a@b.io used \(openAI)", [.email, .openAIKey]),
    ])
    func findsAndMasks(_ name: String, _ line: String, _ expected: [LogHygiene.Kind]) {
        let (kinds, masked) = Self.check(line)
        #expect(kinds == expected, "\(name): \(masked)")
        for secret in [Self.openAI, Self.anthropic, Self.google, "AKIAIOSFODNN7EXAMPLE", "mF_9.B5f-4.1JqM", "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
                       "jane.doe+ops@example.co.uk", "4242 4242 4242 4242", "5555-5555-5555-4444", "378282246310005", "MIIEpAIBAAKCAQEA"] {
            #expect(!masked.contains(secret), "\(name): \(masked)")
        }
        #expect(masked.contains("[masked "), "\(name)")
    }

    @Test(arguments: [
        "Bearer authentication failed for user",          // a word, not a token
        "Basic settings saved",
        "ts=1733380000000 took 1733380000123",             // millisecond timestamps (Luhn aside, they start with 1)
        "order 4242424242424241 rejected",                 // a card-like number with a wrong check digit
        "price 4242424242424242.50",                       // a decimal
        "model gpt-4o@2024-08-06 and host db@primary",      // an @ without a domain
        "task-sk-1 finished; ask-about-it",                // sk- inside a word
        "AKIA is a prefix, AKIAshort is not a key",
        "-----BEGIN CERTIFICATE----- is public",
        "{\"prompt\":\"hello\"}",                          // prompts are not looked for by default
    ])
    func leavesOrdinaryTextAlone(_ line: String) {
        let (kinds, masked) = Self.check(line)
        #expect(kinds.isEmpty, "\(line) → \(masked)")
        #expect(masked == line)
    }

    @Test func promptsWhenAskedForAndJSONStaysValid() throws {
        let hygiene = LogHygiene(kinds: [.prompt, .email])
        let line = #"{"model":"gpt-4o","messages":[{"role":"user","content":"mail me at a@b.io, say \"hi\" [ok]"}],"latency_ms":812}"#
        let (kinds, masked) = Self.check(line, hygiene)
        #expect(kinds == [.prompt])
        #expect(masked == #"{"model":"gpt-4o","messages":"[masked prompt]","latency_ms":812}"#)
        _ = try JSONSerialization.jsonObject(with: Data(masked.utf8))
        let otel = #"{"gen_ai.prompt":"summarise this","gen_ai.usage.input_tokens":12}"#
        #expect(Self.check(otel, hygiene).masked == #"{"gen_ai.prompt":"[masked prompt]","gen_ai.usage.input_tokens":12}"#)
    }

    /// Through the pipeline: the record is decoded from the masked line and says what was masked; a key block printed
    /// over several lines is masked to its end.
    @Test func thePipelineMasksBeforeDecodingAndTellsTheKinds() {
        let key = Self.openAI
        let records = decodeAll("""
        {"level":"error","message":"auth failed for \(key)","provider":"openai","latency_ms":12}
        {"level":"info","message":"clean"}
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
        -----END PRIVATE KEY-----
        after the key

        """)
        #expect(records.first?.message == "auth failed for [masked openai-key]")
        #expect(records.first?.provider == "openai" && records.first?.latencyMs == 12, "still decoded")
        #expect(records.first?.sensitive == [.openAIKey])
        #expect(records.dropFirst().first?.sensitive == [])
        let text = records.map(\.raw).joined(separator: "\n")
        #expect(!text.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"), "\(text)")
        #expect(!text.contains(key))
        #expect(records.contains { $0.raw.contains("after the key") }, "lines after the block are kept: \(text)")
        #expect(records.flatMap(\.sensitive).filter { $0 == .privateKey }.count >= 1)
    }

    /// Every real log shape the tests keep, scanned: what is found there is listed here, each looked at.
    @Test func realShapesHaveNoFalsePositives() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        var found: [String] = []
        var lines = 0
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String } ?? []
        for file in files.sorted() where !file.hasSuffix(".md") {
            guard let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                lines += 1
                let kinds = Self.check(String(line)).kinds
                if !kinds.isEmpty { found.append("\(file): \(kinds.map(\.rawValue).joined(separator: ","))") }
            }
        }
        #expect(lines > 1_000, "the fixtures were read: \(lines) lines")
        // 1,699 lines here (GCP, Lambda, Kubernetes, OpenTelemetry GenAI, LiteLLM's captured bodies and config,
        // /metrics expositions): none has a key, a credential, an address or a card number, and none is found.
        #expect(found.isEmpty, "false positives: \(found)")
    }

    static func config(_ hygiene: String) -> String {
        """
        contexts:
          prod:
            log-hygiene: \(hygiene)
            services:
              - name: chat-api
                url: https://chat.example.com
        """
    }

    @Test func theConfigurationChoosesTheKinds() throws {
        #expect(try ConfigParser.parse(Self.config("off"), file: "f.yaml").contexts[0].logHygiene == .off)
        #expect(try ConfigParser.parse(Self.config("[email, prompt]"), file: "f.yaml").contexts[0].logHygiene.kinds == [.email, .prompt])
        #expect(try ConfigParser.parse(Self.config("on"), file: "f.yaml").contexts[0].logHygiene == .standard)
        do {
            _ = try ConfigParser.parse(Self.config("[email, passwords]"), file: "f.yaml")
            Issue.record("an unknown kind must not parse")
        } catch {
            #expect(error.issues.map(\.description).first?.hasPrefix("f.yaml:3: key `contexts.prod.log-hygiene`: unknown kind passwords; expected one of: openai-key") == true,
                    "\(error.description)")
        }
    }

    /// Masked lines are counted per service, source and kind; the service gets an alert that names them (never the
    /// value), critical for a key, a warning for an address; it ends ten minutes after the last finding.
    @Test func theDashboardCountsAndAlerts() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var state = AppState(context: ContextConfig(name: "prod", services: [
            ServiceConfig(name: "chat-api", baseURL: "https://chat.example.com"),
            ServiceConfig(name: "support-bot", baseURL: "https://bot.example.com"),
        ]), now: now)
        let leaky = decodeAll("""
        {"level":"info","message":"user jane@example.com asked"}
        {"level":"info","message":"retry with \(Self.openAI)"}
        {"level":"info","message":"user jo@example.org asked"}

        """)
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "chat-api", source: "/var/log/chat.log", records: leaky)))
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "support-bot", source: "/var/log/bot.log", records: [leaky[0]])))
        _ = Reducer.reduce(&state, .tick(now.addingTimeInterval(1)))
        let alerts = state.alertBook.active(at: state.now).filter { $0.rule == .logHygiene }
        #expect(alerts.map(\.subject) == ["chat-api", "support-bot"])
        #expect(alerts.first?.severity == .critical && alerts.last?.severity == .warning)
        #expect(alerts.first?.message == "logs carry 2 e-mail addresses, 1 OpenAI key in /var/log/chat.log (masked here; rotate the leaked keys)")
        #expect(!alerts.contains { $0.message.contains("jane") || $0.message.contains(Self.openAI) })
        #expect(state.logs.masked == 4)
        _ = Reducer.reduce(&state, .tick(now.addingTimeInterval(1 + HygieneBook.window + 1)))
        #expect(state.alertBook.active(at: state.now).filter { $0.rule == .logHygiene }.isEmpty, "ten minutes later it has ended")
        #expect(state.hygiene.total == 4, "the counts stay")
    }
}

/// The Logs screen's ring is bounded in bytes as well as in records: a stream of megabyte lines cannot grow memory
/// past the bound, and what is dropped is the oldest.
@Suite("Log buffer bounds")
struct LogBufferBoundTests {
    @Test func megabyteLinesAreBoundedByBytesNotOnlyByCount() {
        var logs = LogViewState(capacity: 50_000, byteCapacity: 8 << 20)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let big = String(repeating: "x", count: 1 << 20)
        for n in 0..<40 {
            var record = LogRecord(raw: "#\(n) " + big, mapping: "plain")
            record.message = "line \(n)"
            logs.append(LogBatch(service: "s", source: "stream", records: [record]), at: now)
        }
        #expect(logs.keptBytes <= 8 << 20, "\(logs.keptBytes) bytes kept")
        #expect(logs.lines.count == 7, "seven lines of a megabyte fit in eight")
        #expect(logs.lines.last?.record.message == "line 39" && logs.lines.first?.record.message == "line 33", "the newest are kept")
        #expect(logs.nextSequence == 40, "every line was counted")
        // Small lines: the record count is the bound again.
        var small = LogViewState(capacity: 100, byteCapacity: 8 << 20)
        for n in 0..<1_000 { small.append(LogBatch(service: "s", source: "f", records: [LogRecord(raw: "line \(n)", mapping: "plain")]), at: now) }
        #expect(small.lines.count == 100 && small.keptBytes == small.lines.reduce(0) { $0 + $1.bytes })
    }

    @Test func theConfigurationSetsTheBound() throws {
        let yaml = "log-buffer-mb: 16\ncontexts:\n  prod:\n    services:\n      - name: a\n        url: https://a.example.com\n"
        #expect(try ConfigParser.parse(yaml, file: "f.yaml").logBufferBytes == 16 << 20)
        do {
            _ = try ConfigParser.parse(yaml.replacingOccurrences(of: "16", with: "0"), file: "f.yaml")
            Issue.record("0 MB must not parse")
        } catch {
            #expect(error.description == "f.yaml:1: key `log-buffer-mb`: expected a number of megabytes between 1 and 65536")
        }
    }
}
