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

    public static func perform(method: String, url: String, headers: [HTTPHeader], body: String?, timeout: Duration,
                               shouldStop: @escaping () -> Bool) -> Response {
        CurlGlobal.ensureInitialized()
        guard let easy = curl_easy_init() else {
            return Response(httpStatus: nil, body: [], error: TransportError(code: -1, message: "curl_easy_init failed"), stopped: false)
        }
        defer { curl_easy_cleanup(easy) }
        let context = RequestContext(shouldStop: shouldStop)
        let opaque = Unmanaged.passUnretained(context).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in headers { headerList = curl_slist_append(headerList, "\(header.name): \(header.value)") }
        if body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headerList = curl_slist_append(headerList, "Content-Type: application/json")
        }
        defer { curl_slist_free_all(headerList) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(lo_error_size()))
        errorBuffer.initialize(repeating: 0, count: Int(lo_error_size()))
        defer { errorBuffer.deallocate() }

        _ = lo_easy_setopt_string(easy, CURLOPT_URL, url)
        _ = lo_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = lo_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = lo_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, max(1, Int(timeout.milliseconds)))
        _ = lo_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)
        _ = lo_easy_setopt_string(easy, CURLOPT_USERAGENT, "lookout/\(LookoutVersion.current)")
        _ = lo_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)
        _ = lo_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        if let body { _ = lo_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, body) }
        else if method == "POST" || method == "PUT" || method == "PATCH" { _ = lo_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "") }
        _ = lo_easy_setopt_write(easy, CURLOPT_WRITEFUNCTION, requestWrite)
        _ = lo_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, opaque)
        _ = lo_easy_setopt_long(easy, CURLOPT_NOPROGRESS, 0)
        _ = lo_easy_setopt_xferinfo(easy, requestProgress)
        _ = lo_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, opaque)

        let code = curl_easy_perform(easy)
        var status = 0
        _ = lo_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        let stopped = code == CURLE_ABORTED_BY_CALLBACK
        var error: TransportError?
        if code != CURLE_OK && !stopped && !(code == CURLE_WRITE_ERROR && context.body.count >= bodyLimit) {
            let detail = String(cString: errorBuffer)
            error = TransportError(code: Int(code.rawValue), message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
        return Response(httpStatus: status > 0 ? status : nil, body: context.body, error: error, stopped: stopped)
    }
}

private final class RequestContext {
    let shouldStop: () -> Bool
    var body: [UInt8] = []

    init(shouldStop: @escaping () -> Bool) { self.shouldStop = shouldStop }
}

private let requestWrite: lo_write_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let context = Unmanaged<RequestContext>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let room = CurlRequest.bodyLimit - context.body.count
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
