import CCurl
import LookoutCore

/// The options set on one easy handle, and the first one libcurl refused: a transfer whose options did not all
/// take (its protocol list, a CA file, a timeout) must not run with weaker settings than configured — it fails
/// with this error instead, naming the option.
struct EasyOptions {
    private(set) var refused: TransportError?

    /// Records `code` of setting `option`; only the first refusal is kept.
    mutating func check(_ option: String, _ code: CURLcode) {
        guard code != CURLE_OK, refused == nil else { return }
        refused = TransportError(code: Int(code.rawValue),
                                 message: "libcurl refused \(option): \(String(cString: curl_easy_strerror(code)))")
    }

    /// Records a header list that could not be built (`curl_slist_append` returned nil).
    mutating func checkHeaders(_ list: UnsafeMutablePointer<curl_slist>?, expected: Bool) {
        guard expected, list == nil, refused == nil else { return }
        refused = TransportError(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "libcurl could not build the request headers")
    }
}
