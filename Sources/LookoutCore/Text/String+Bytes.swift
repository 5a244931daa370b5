extension StringProtocol {
    /// Whether the UTF-8 bytes of `needle` occur in the string. A plain byte search: Foundation's
    /// `contains(_:)` goes through NSString and was a tenth of `lookout stats`' time.
    @inlinable
    public func containsBytes(_ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first else { return true }
        let hay = Array(utf8)
        guard hay.count >= n.count else { return false }
        var i = 0
        while i <= hay.count - n.count {
            if hay[i] == first {
                var k = 1
                while k < n.count && hay[i + k] == n[k] { k += 1 }
                if k == n.count { return true }
            }
            i += 1
        }
        return false
    }
}

extension StringProtocol {
    /// The string without leading and trailing whitespace and newlines (`Character.isWhitespace`). Native: Foundation's
    /// `trimmingCharacters(in:)` goes through NSString and was a tenth of reading a probe's version.
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
