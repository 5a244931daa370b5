/// Server-sent events to log lines: each `data:` line's payload becomes one line; `event:`, `id:`, `retry:`,
/// comments (`:`) and the blank lines between events are dropped. Stateful across chunks.
public struct ServerSentEvents: Sendable {
    private var pending: [UInt8] = []
    /// A bound on one pending line (a stream without newlines cannot grow memory).
    public var maxLineBytes = 1 << 20

    public init() {}

    /// The payload lines completed by `chunk`, each followed by a newline, ready for a `LogPipeline`.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        for byte in chunk {
            if byte == 0x0A {
                emit(&out)
                pending.removeAll(keepingCapacity: true)
            } else if pending.count < maxLineBytes {
                pending.append(byte)
            }
        }
        return out
    }

    private func emit(_ out: inout [UInt8]) {
        var line = pending[...]
        if line.last == 0x0D { line = line.dropLast() }
        let prefix: [UInt8] = Array("data:".utf8)
        guard line.count >= prefix.count, Array(line.prefix(prefix.count)) == prefix else { return }
        var payload = line.dropFirst(prefix.count)
        if payload.first == 0x20 { payload = payload.dropFirst() }
        out.append(contentsOf: payload)
        out.append(0x0A)
    }
}
