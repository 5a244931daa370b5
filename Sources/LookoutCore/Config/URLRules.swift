/// Rules for URLs and header names accepted in the configuration.
enum URLRules {
    /// Why `url` cannot be probed, or nil when it is a usable http(s) base URL.
    static func problem(with url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return "only http:// and https:// URLs are allowed"
        }
        let afterScheme = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard afterScheme.count >= 3, !afterScheme[2].isEmpty else { return "the URL has no host" }
        if url.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "\0" }) {
            return "a URL must not contain spaces or control characters"
        }
        // user:password@host would be sent as Basic auth (in clear over http) and shown wherever the URL is: secrets
        // are referenced, never written in a URL.
        if afterScheme[2].prefix(while: { $0 != "?" && $0 != "#" }).contains("@") {
            return "credentials in a URL are sent and shown as written: put them in a header by reference, e.g. "
                + "headers: { Authorization: \"Basic ${secret:NAME}\" }"
        }
        return nil
    }

    /// RFC 9110 token characters.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                               || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
        }
    }
}
