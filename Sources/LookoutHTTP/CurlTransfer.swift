import CCurl
import Foundation
import LookoutCore

/// One request: the easy handle, its body and error buffers. Owned by the poller thread, which runs it again for the
/// same endpoint's next probe (`rearm`): the handle keeps its options, and libcurl its connection and DNS entry.
final class CurlTransfer {
    let easy: UnsafeMutableRawPointer
    let service: String
    let kind: ProbeKind
    private(set) var startedAt: Date
    let bodyLimit: Int
    var body: [UInt8] = []
    var bodyTooLarge = false
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?

    /// Prepares a GET of `url`; returns nil only when libcurl cannot allocate a handle.
    /// Hops taken so far to reach this URL.
    var hops = 0
    /// Whether the configured headers were sent (only to the configured host).
    let sendsHeaders: Bool
    /// The response headers to read (lower-cased names), for the service's version.
    let capturedHeaders: [String]
    /// The first option libcurl refused: the transfer must not run (it is reported failed with this error).
    private(set) var setupError: TransportError?

    /// - Parameter protocols: the schemes libcurl may use (`CURLOPT_PROTOCOLS_STR`); http and https only.
    /// - Parameter dnsCacheSeconds: how long libcurl keeps a resolved host (`CURLOPT_DNS_CACHE_TIMEOUT`; see
    ///   `CurlPoller.dnsCacheSeconds`).
    init?(service: ServiceConfig, kind: ProbeKind, url: String, startedAt: Date, bodyLimit: Int, sendHeaders: Bool = true,
          protocols: String = "http,https", dnsCacheSeconds: Int = 60) {
        guard let easy = curl_easy_init() else { return nil }
        self.easy = easy
        self.service = service.name
        self.kind = kind
        self.startedAt = startedAt
        self.bodyLimit = bodyLimit
        self.sendsHeaders = sendHeaders
        capturedHeaders = service.capturedHeaders(for: kind)
        errorBuffer = .allocate(capacity: Int(lo_error_size()))
        errorBuffer.initialize(repeating: 0, count: Int(lo_error_size()))

        let timeoutMs = max(1, Int(service.timeout(for: kind).milliseconds))
        var options = EasyOptions()
        options.check("CURLOPT_URL", lo_easy_setopt_string(easy, CURLOPT_URL, url))
        options.check("CURLOPT_PROTOCOLS_STR", lo_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, protocols))
        options.check("CURLOPT_NOSIGNAL", lo_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        options.check("CURLOPT_TIMEOUT_MS", lo_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeoutMs))
        options.check("CURLOPT_CONNECTTIMEOUT_MS", lo_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs))
        options.check("CURLOPT_FOLLOWLOCATION", lo_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        options.check("CURLOPT_DNS_CACHE_TIMEOUT", lo_easy_setopt_long(easy, CURLOPT_DNS_CACHE_TIMEOUT, dnsCacheSeconds))
        options.check("CURLOPT_USERAGENT", lo_easy_setopt_string(easy, CURLOPT_USERAGENT, "lookout/\(LookoutVersion.current)"))
        options.check("CURLOPT_ERRORBUFFER", lo_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        options.check("CURLOPT_WRITEFUNCTION", lo_easy_setopt_write(easy, CURLOPT_WRITEFUNCTION, curlWriteBody))
        options.check("CURLOPT_WRITEDATA", lo_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque()))
        if service.insecure {
            options.check("CURLOPT_SSL_VERIFYPEER", lo_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0))
            options.check("CURLOPT_SSL_VERIFYHOST", lo_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0))
        }
        if let caFile = service.caFile { options.check("CURLOPT_CAINFO", lo_easy_setopt_string(easy, CURLOPT_CAINFO, caFile)) }
        if url.lowercased().hasPrefix("https://") { options.check("CURLOPT_CERTINFO", lo_easy_setopt_long(easy, CURLOPT_CERTINFO, 1)) }
        for header in service.headers(for: kind) where sendHeaders {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        headerList = curl_slist_append(headerList, kind == .metrics && service.metrics?.promQL == nil
            ? "Accept: application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1"
            : "Accept: application/json")
        options.checkHeaders(headerList, expected: true)
        options.check("CURLOPT_HTTPHEADER", lo_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList))
        setupError = options.refused
    }

    /// Makes the transfer ready to run again from `startedAt`, with the same URL, headers and options (the poller
    /// reuses one per endpoint: a new easy handle and its dozen options cost as much as the loopback request itself).
    func rearm(startedAt: Date) {
        self.startedAt = startedAt
        body = []
        bodyTooLarge = false
        hops = 0
        errorBuffer[0] = 0
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// The observed facts once libcurl reports the transfer done with `code`.
    func result(code: CURLcode) -> ProbeResult {
        var status = 0
        _ = lo_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        func micros(_ info: CURLINFO) -> Int64 {
            var value: curl_off_t = 0
            _ = lo_easy_getinfo_off(easy, info, &value)
            return Int64(value)
        }
        let timings = ProbeTimings(dnsMicros: micros(CURLINFO_NAMELOOKUP_TIME_T),
                                   connectMicros: micros(CURLINFO_CONNECT_TIME_T),
                                   tlsMicros: micros(CURLINFO_APPCONNECT_TIME_T),
                                   firstByteMicros: micros(CURLINFO_STARTTRANSFER_TIME_T),
                                   totalMicros: micros(CURLINFO_TOTAL_TIME_T))
        var error: TransportError?
        if bodyTooLarge {
            error = TransportError(code: Int(CURLE_WRITE_ERROR.rawValue),
                                   message: "response body larger than \(CurlTransfer.size(bodyLimit)), not read")
        } else if code != CURLE_OK {
            let detail = String(cString: errorBuffer)
            var osErrno = 0
            _ = lo_easy_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno)
            let message = TransportWording.message(code: code, detail: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail,
                                                   osErrno: Int32(osErrno), connected: timings.connectMicros > 0)
            error = TransportError(code: Int(code.rawValue), message: message)
        }
        let expiry = lo_certificate_expire_date(easy).flatMap { CertificateDate.parse(String(cString: $0)) }
        var result = ProbeResult(service: service, kind: kind, startedAt: startedAt,
                                 httpStatus: status > 0 ? status : nil, body: body,
                                 transportError: error, timings: timings, certificateExpiry: expiry)
        if error == nil {
            for name in capturedHeaders {
                if let value = lo_response_header(easy, name) { result.headers[name] = String(cString: value) }
            }
        }
        return result
    }

    /// The result of a transfer that never ran because libcurl refused one of its options.
    func refusedResult(_ error: TransportError) -> ProbeResult {
        ProbeResult(service: service, kind: kind, startedAt: startedAt, httpStatus: nil, body: [], transportError: error,
                    timings: ProbeTimings(dnsMicros: 0, connectMicros: 0, tlsMicros: 0, firstByteMicros: 0, totalMicros: 0))
    }

    /// `512 bytes`, `64 KiB`, `1 MiB`.
    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// Where a 3xx response points, made absolute by libcurl; nil for other responses.
    var redirectTarget: String? {
        var status = 0
        _ = lo_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        guard (300..<400).contains(status) else { return nil }
        var pointer: UnsafeMutablePointer<CChar>?
        _ = lo_easy_getinfo_string(easy, CURLINFO_REDIRECT_URL, &pointer)
        return pointer.map { String(cString: $0) }
    }

    /// Appends a chunk, or refuses it (aborting the transfer) once the cap would be passed.
    func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard body.count + bytes.count <= bodyLimit else {
            bodyTooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }
}

/// libcurl's write callback: hands the chunk to the transfer passed as `CURLOPT_WRITEDATA`.
private let curlWriteBody: lo_write_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let accepted = pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.append(UnsafeBufferPointer(start: $0, count: length))
    }
    return accepted ? length : 0
}

/// OpenSSL's certificate dates as libcurl prints them: `Jan 15 12:00:00 2027 GMT` (day space-padded).
enum CertificateDate {
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count >= 4 else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "MMM d HH:mm:ss yyyy"
        return formatter.date(from: parts.prefix(4).joined(separator: " "))
    }
}
