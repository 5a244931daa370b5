import CCurl
import LookoutCore

/// An easy handle for one blocking transfer on the calling thread (a log stream, an action's request), with the
/// options every such transfer sets: URL, http/https only, no signals, user agent, headers, error buffer.
final class BlockingEasy {
    let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The options set so far and the first libcurl refused; a refused option stops the transfer before it runs.
    private var options = EasyOptions()

    /// Nil when libcurl cannot allocate a handle.
    /// - Parameter protocols: the schemes libcurl may use (`CURLOPT_PROTOCOLS_STR`); http and https only.
    init?(url: String, headerLines: [String], protocols: String = "http,https") {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(lo_error_size()))
        errorBuffer.initialize(repeating: 0, count: Int(lo_error_size()))
        for line in headerLines { headerList = curl_slist_append(headerList, line) }
        options.checkHeaders(headerList, expected: !headerLines.isEmpty)
        check("CURLOPT_URL", lo_easy_setopt_string(handle, CURLOPT_URL, url))
        check("CURLOPT_PROTOCOLS_STR", lo_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, protocols))
        check("CURLOPT_NOSIGNAL", lo_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        check("CURLOPT_USERAGENT", lo_easy_setopt_string(handle, CURLOPT_USERAGENT, "lookout/\(LookoutVersion.current)"))
        check("CURLOPT_HTTPHEADER", lo_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
        check("CURLOPT_ERRORBUFFER", lo_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
    }

    /// Records the result of setting `option` (callers add their own options through it).
    func check(_ option: String, _ code: CURLcode) { options.check(option, code) }

    /// The first option libcurl refused, if any.
    var setupError: TransportError? { options.refused }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Runs the transfer; returns libcurl's code and the HTTP status (nil when none arrived).
    func perform() -> (code: CURLcode, httpStatus: Int?) {
        // A refused option: the transfer does not run with weaker settings than asked for.
        if options.refused != nil { return (CURLE_FAILED_INIT, nil) }
        let code = curl_easy_perform(handle)
        var status = 0
        _ = lo_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return (code, status > 0 ? status : nil)
    }

    /// Runs the transfer in turns through a multi handle of its own: each turn reads all that has arrived, then
    /// `afterTurn` runs (it may rest, so that what arrives meanwhile is read in one turn); between turns libcurl waits
    /// for data at most a second, so `shouldStop` is asked at least that often. Returns libcurl's code, the HTTP status
    /// and whether `shouldStop` ended it.
    func performInTurns(afterTurn: () -> Void, shouldStop: () -> Bool) -> (code: CURLcode, httpStatus: Int?, stopped: Bool) {
        if options.refused != nil { return (CURLE_FAILED_INIT, nil, false) }
        guard let multi = curl_multi_init() else { return (CURLE_OUT_OF_MEMORY, nil, false) }
        defer { curl_multi_cleanup(multi) }
        curl_multi_add_handle(multi, handle)
        defer { curl_multi_remove_handle(multi, handle) }
        var code = CURLE_OK, stopped = false, running: Int32 = 1
        while true {
            let turn = curl_multi_perform(multi, &running)
            if turn != CURLM_OK { code = CURLE_FAILED_INIT; break }
            if running == 0 {
                var remaining: Int32 = 0
                while let message = curl_multi_info_read(multi, &remaining) {
                    if message.pointee.msg == CURLMSG_DONE { code = message.pointee.data.result }
                }
                break
            }
            afterTurn()
            if shouldStop() { stopped = true; break }
            curl_multi_poll(multi, nil, 0, 1000, nil)
            if shouldStop() { stopped = true; break }
        }
        var status = 0
        _ = lo_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return (code, status > 0 ? status : nil, stopped || code == CURLE_ABORTED_BY_CALLBACK)
    }

    /// `code` as a transport error, with libcurl's detailed message when it wrote one.
    func error(_ code: CURLcode) -> TransportError {
        if let refused = options.refused { return refused }
        let detail = String(cString: errorBuffer)
        return TransportError(code: Int(code.rawValue), message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
    }
}
