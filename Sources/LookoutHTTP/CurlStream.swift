import CCurl
import Foundation
import LookoutCore

/// A long-lived streaming GET (NDJSON or server-sent events) on the calling thread: bytes are handed over as
/// they arrive, until the server ends the response, the connection fails, or `shouldStop` says so.
public enum CurlStream {
    /// How a stream ended.
    public struct Outcome: Sendable, Equatable {
        public var httpStatus: Int?
        public var error: TransportError?
        public var stopped: Bool
    }

    /// Blocks until the stream ends. `onBytes` receives each chunk and the response's content type; after each turn
    /// that read something (all that had arrived), `afterTurn` gets how many bytes it read — it may hand them on and
    /// rest, letting the next ones gather; `shouldStop` is polled at least once a second, also while the stream is idle.
    public static func run(url: String, headers: [HTTPHeader], connectTimeout: Duration = .seconds(10),
                           onBytes: @escaping (UnsafeBufferPointer<UInt8>, String?) -> Void,
                           afterTurn: (_ bytes: Int) -> Void = { _ in },
                           shouldStop: @escaping () -> Bool) -> Outcome {
        let lines = headers.map { "\($0.name): \($0.value)" } + ["Accept: application/x-ndjson, text/event-stream"]
        guard let transfer = BlockingEasy(url: url, headerLines: lines) else {
            return Outcome(httpStatus: nil, error: TransportError(code: -1, message: "curl_easy_init failed"), stopped: false)
        }
        let easy = transfer.handle
        let context = StreamContext(easy: easy, onBytes: onBytes, shouldStop: shouldStop)
        let opaque = Unmanaged.passUnretained(context).toOpaque()
        transfer.check("CURLOPT_CONNECTTIMEOUT_MS", lo_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(connectTimeout.milliseconds))))
        transfer.check("CURLOPT_TCP_KEEPALIVE", lo_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        transfer.check("CURLOPT_WRITEFUNCTION", lo_easy_setopt_write(easy, CURLOPT_WRITEFUNCTION, streamWrite))
        transfer.check("CURLOPT_WRITEDATA", lo_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, opaque))
        transfer.check("CURLOPT_NOPROGRESS", lo_easy_setopt_long(easy, CURLOPT_NOPROGRESS, 0))
        transfer.check("CURLOPT_XFERINFOFUNCTION", lo_easy_setopt_xferinfo(easy, streamProgress))
        transfer.check("CURLOPT_XFERINFODATA", lo_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, opaque))

        let (code, status, stopped) = withExtendedLifetime(context) {
            transfer.performInTurns(afterTurn: {
                guard context.bytesThisTurn > 0 else { return }
                let bytes = context.bytesThisTurn
                context.bytesThisTurn = 0
                afterTurn(bytes)
            }, shouldStop: shouldStop)
        }
        let error = code != CURLE_OK && !stopped ? transfer.error(code) : nil
        return Outcome(httpStatus: status, error: error, stopped: stopped)
    }
}

/// What the C callbacks need, passed as their user pointer. Lives for the duration of `run`, on its thread.
private final class StreamContext {
    let easy: UnsafeMutableRawPointer
    let onBytes: (UnsafeBufferPointer<UInt8>, String?) -> Void
    let shouldStop: () -> Bool
    var contentType: String??
    /// Bytes handed to `onBytes` since the last turn ended.
    var bytesThisTurn = 0

    init(easy: UnsafeMutableRawPointer, onBytes: @escaping (UnsafeBufferPointer<UInt8>, String?) -> Void, shouldStop: @escaping () -> Bool) {
        self.easy = easy
        self.onBytes = onBytes
        self.shouldStop = shouldStop
    }

    func type() -> String? {
        if let known = contentType { return known }
        var pointer: UnsafeMutablePointer<CChar>?
        _ = lo_easy_getinfo_string(easy, CURLINFO_CONTENT_TYPE, &pointer)
        let value = pointer.map { String(cString: $0) }
        contentType = .some(value)
        return value
    }
}

private let streamWrite: lo_write_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let context = Unmanaged<StreamContext>.fromOpaque(userdata).takeUnretainedValue()
    if context.shouldStop() { return 0 }
    let length = size * count
    context.bytesThisTurn += length
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        context.onBytes(UnsafeBufferPointer(start: $0, count: length), context.type())
    }
    return length
}

private let streamProgress: lo_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    return Unmanaged<StreamContext>.fromOpaque(userdata).takeUnretainedValue().shouldStop() ? 1 : 0
}
