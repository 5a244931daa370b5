import CCurl
import Foundation
import LookoutCore

/// One request of an action (POST to an admin endpoint, a webhook) on the calling thread: any method, headers
/// and body, a total timeout, the response's first 64 KiB, and a stop check polled while it waits.
public enum CurlRequest {
    public struct Response: Sendable, Equatable {
        public var httpStatus: Int?
        public var body: [UInt8]
        public var error: TransportError?
        public var stopped: Bool
    }

    public static let bodyLimit = 64 * 1024

    /// - Parameter bodyLimit: the bytes of the response kept (the rest is dropped, not an error); 64 KiB unless a reader
    ///   of lists (Alertmanager's alerts, Prometheus' answers) asks for more.
    public static func perform(method: String, url: String, headers: [HTTPHeader], body: String?, timeout: Duration,
                               bodyLimit: Int = CurlRequest.bodyLimit, shouldStop: @escaping () -> Bool) -> Response {
        var lines = headers.map { "\($0.name): \($0.value)" }
        if body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) { lines.append("Content-Type: application/json") }
        guard let transfer = BlockingEasy(url: url, headerLines: lines) else {
            return Response(httpStatus: nil, body: [], error: TransportError(code: -1, message: "curl_easy_init failed"), stopped: false)
        }
        let easy = transfer.handle
        let context = RequestContext(shouldStop: shouldStop, limit: bodyLimit)
        let opaque = Unmanaged.passUnretained(context).toOpaque()
        transfer.check("CURLOPT_TIMEOUT_MS", lo_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, max(1, Int(timeout.milliseconds))))
        transfer.check("CURLOPT_CUSTOMREQUEST", lo_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
        if let body { transfer.check("CURLOPT_COPYPOSTFIELDS", lo_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, body)) }
        else if method == "POST" || method == "PUT" || method == "PATCH" { transfer.check("CURLOPT_COPYPOSTFIELDS", lo_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")) }
        transfer.check("CURLOPT_WRITEFUNCTION", lo_easy_setopt_write(easy, CURLOPT_WRITEFUNCTION, requestWrite))
        transfer.check("CURLOPT_WRITEDATA", lo_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, opaque))
        transfer.check("CURLOPT_NOPROGRESS", lo_easy_setopt_long(easy, CURLOPT_NOPROGRESS, 0))
        transfer.check("CURLOPT_XFERINFOFUNCTION", lo_easy_setopt_xferinfo(easy, requestProgress))
        transfer.check("CURLOPT_XFERINFODATA", lo_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, opaque))

        let (code, status) = transfer.perform()
        let stopped = code == CURLE_ABORTED_BY_CALLBACK
        var error: TransportError?
        if code != CURLE_OK && !stopped && !(code == CURLE_WRITE_ERROR && context.body.count >= context.limit) { error = transfer.error(code) }
        return Response(httpStatus: status, body: context.body, error: error, stopped: stopped)
    }
}

private final class RequestContext {
    let shouldStop: () -> Bool
    let limit: Int
    var body: [UInt8] = []

    init(shouldStop: @escaping () -> Bool, limit: Int) {
        self.shouldStop = shouldStop
        self.limit = limit
    }
}

private let requestWrite: lo_write_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let context = Unmanaged<RequestContext>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let room = context.limit - context.body.count
    guard room > 0 else { return 0 }
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        context.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(length, room)))
    }
    return length
}

private let requestProgress: lo_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    return Unmanaged<RequestContext>.fromOpaque(userdata).takeUnretainedValue().shouldStop() ? 1 : 0
}
