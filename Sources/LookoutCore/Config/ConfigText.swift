/// A configuration file's bytes as text: UTF-8 (a byte-order mark allowed), or where and why it is not — instead of
/// Foundation's "the file isn't in the correct format" with no line.
public enum ConfigText {
    public struct Problem: Error, Sendable, Equatable {
        /// 1-based.
        public var line: Int
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    public static func decode(_ bytes: [UInt8]) -> Result<String, Problem> {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.starts(with: [0xFF, 0xFE]) || body.starts(with: [0xFE, 0xFF]) {
            return .failure(Problem(line: 1, message: "the file is UTF-16 text: save it as UTF-8"))
        }
        if let nul = body.firstIndex(of: 0) {
            return .failure(Problem(line: line(of: nul, in: body), message: "a NUL byte at offset \(nul - body.startIndex): this is a binary file, not YAML"))
        }
        if let text = String(validating: body, as: UTF8.self) { return .success(text) }
        // The first byte that does not start or continue a valid sequence: decode prefixes until one fails.
        var offset = body.startIndex
        var iterator = body.makeIterator()
        var decoder = UTF8()
        var position = body.startIndex
        loop: while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar): position += UTF8.width(scalar); offset = position
            case .emptyInput: break loop
            case .error: break loop
            }
        }
        let byte = offset < body.endIndex ? body[offset] : 0
        return .failure(Problem(line: line(of: offset, in: body),
                                message: "not UTF-8 text (byte 0x\(String(byte, radix: 16, uppercase: true)) at offset \(offset - body.startIndex)): "
                                    + "a configuration is UTF-8 YAML"))
    }

    private static func line(of index: ArraySlice<UInt8>.Index, in body: ArraySlice<UInt8>) -> Int {
        body[body.startIndex..<index].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
    }
}
