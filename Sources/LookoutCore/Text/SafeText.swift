/// Makes untrusted text safe to show: control characters and escape sequences are made visible,
/// never passed to the terminal (DESIGN.md §6).
public enum SafeText {
    /// Whether `character` holds a scalar that must not reach the terminal as is.
    @inline(__always)
    public static func isUnsafe(_ character: Character) -> Bool { character.unicodeScalars.contains(where: isControl) }

    /// `text` with every C0/C1 control character and DEL replaced by a visible escape
    /// (`\n`, `\t`, `\e`, `\x7f`, `\u{9b}`…), and newlines flattened for one-line display.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else { out.append(scalar); continue }
            let visible: String
            switch scalar.value {
            case 0x0A: visible = "\\n"
            case 0x0D: visible = "\\r"
            case 0x09: visible = "\\t"
            case 0x1B: visible = "\\e"
            case 0x00...0x1F, 0x7F: visible = "\\x" + hex2(scalar.value)
            default: visible = "\\u{" + String(scalar.value, radix: 16) + "}"
            }
            out.append(contentsOf: visible.unicodeScalars)
        }
        return String(out)
    }

    /// Decodes bytes as UTF-8, replacing invalid sequences with U+FFFD, then escapes them.
    public static func escape(bytes: some Collection<UInt8>) -> String {
        escape(String(decoding: bytes, as: UTF8.self))
    }

    /// True for C0 controls, DEL, C1 controls, and bidirectional overrides that can disguise text.
    @inline(__always)
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (v >= 0x7F && v < 0xA0) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    private static func hex2(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(value >> 4)], digits[Int(value & 0xF)]])
    }
}
