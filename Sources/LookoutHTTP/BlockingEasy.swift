import CCurl
import LookoutCore

/// An easy handle for one blocking transfer on the calling thread (a log stream, an action's request), with the
/// options every such transfer sets: URL, http/https only, no signals, user agent, headers, error buffer.
final class BlockingEasy {
    let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?

    /// Nil when libcurl cannot allocate a handle.
    init?(url: String, headerLines: [String]) {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(lo_error_size()))
        errorBuffer.initialize(repeating: 0, count: Int(lo_error_size()))
        for line in headerLines { headerList = curl_slist_append(headerList, line) }
        _ = lo_easy_setopt_string(handle, CURLOPT_URL, url)
        _ = lo_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = lo_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = lo_easy_setopt_string(handle, CURLOPT_USERAGENT, "lookout/\(LookoutVersion.current)")
        _ = lo_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        _ = lo_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Runs the transfer; returns libcurl's code and the HTTP status (nil when none arrived).
    func perform() -> (code: CURLcode, httpStatus: Int?) {
        let code = curl_easy_perform(handle)
        var status = 0
        _ = lo_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return (code, status > 0 ? status : nil)
    }

    /// `code` as a transport error, with libcurl's detailed message when it wrote one.
    func error(_ code: CURLcode) -> TransportError {
        let detail = String(cString: errorBuffer)
        return TransportError(code: Int(code.rawValue), message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
    }
}
