import CCurl
import Glibc

/// libcurl's error text, made into a reason an engineer can act on where libcurl's own words mislead or say too
/// little (found by the fault suite on real sockets, issue 15): a refused connection says only "Couldn't connect to
/// server", a header over libcurl's 100 KB limit says "Out of memory", a server that does not speak HTTP says
/// "Received HTTP/0.9 when not allowed". Everything else is libcurl's text as it was.
enum TransportWording {
    static func message(code: CURLcode, detail: String, osErrno: Int32, connected: Bool) -> String {
        switch code {
        case CURLE_COULDNT_CONNECT where osErrno != 0:
            // "Failed to connect to host port N after 0 ms: Couldn't connect to server" → "…: Connection refused".
            let cause = String(cString: strerror(osErrno))
            if let colon = detail.range(of: ": Couldn't connect to server") { return detail[..<colon.lowerBound] + ": " + cause }
            return detail.contains(cause) ? detail : "\(detail) (\(cause))"
        case CURLE_OUT_OF_MEMORY where connected:
            return "response headers too large: a header over libcurl's 100 KB limit (libcurl: \(detail))"
        case CURLE_UNSUPPORTED_PROTOCOL where detail.contains("HTTP/0.9"), CURLE_WEIRD_SERVER_REPLY:
            return "the server did not answer in HTTP — is it the right port? (libcurl: \(detail))"
        default:
            return detail
        }
    }
}
