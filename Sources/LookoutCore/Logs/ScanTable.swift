/// A mapping compiled for the byte scanner: each key packed into four 64-bit words (keys up to 32 bytes;
/// longer ones cannot match) and hashed, so a key is recognised with a few integer compares. Nested paths
/// (`usage.prompt_tokens`, `jsonPayload.provider`) become child tables, scanned inside the root's object.
public struct ScanTable: Sendable {
    struct Entry: Sendable {
        let length: Int
        let words: (UInt64, UInt64, UInt64, UInt64)
        let field: LogField
        let rank: Int
        let unit: FieldUnit
    }
    /// A nested root key and the table for the object it holds.
    struct Child: Sendable {
        let length: Int
        let words: (UInt64, UInt64, UInt64, UInt64)
        let table: ScanTable
    }
    static let maxKeyLength = 32
    let mapping: LogMapping
    let entries: ContiguousArray<Entry>
    let children: ContiguousArray<Child>
    /// Open-addressing index over `entries` by (length, first word): entry index + 1, 0 when empty.
    let slots: ContiguousArray<UInt8>
    static let slotBits: UInt64 = 8

    public init(_ mapping: LogMapping) {
        let paths = mapping.paths.flatMap { field, candidates in
            candidates.enumerated().map { rank, path in (field, rank, path.unit, path.components[...]) }
        }
        self.init(mapping: mapping, paths: paths)
    }

    init(mapping: LogMapping, paths: [(LogField, Int, FieldUnit, ArraySlice<String>)]) {
        self.mapping = mapping
        let usable = paths.filter { $0.3.allSatisfy { $0.utf8.count <= Self.maxKeyLength } }
        entries = ContiguousArray(usable.filter { $0.3.count == 1 }.prefix(64).map { field, rank, unit, components in
            let key = Array(components.first!.utf8)
            return Entry(length: key.count, words: Self.pack(key), field: field, rank: rank, unit: unit)
        })
        var roots: [String] = []
        for path in usable where path.3.count > 1 && !roots.contains(path.3.first!) { roots.append(path.3.first!) }
        children = ContiguousArray(roots.prefix(64).map { root in
            let inner = usable.filter { $0.3.count > 1 && $0.3.first! == root }.map { ($0.0, $0.1, $0.2, $0.3.dropFirst()) }
            let key = Array(root.utf8)
            return Child(length: key.count, words: Self.pack(key), table: ScanTable(mapping: mapping, paths: inner))
        })
        var slots = ContiguousArray<UInt8>(repeating: 0, count: 1 << Int(Self.slotBits))
        for (index, entry) in entries.enumerated() {
            var slot = Self.slot(entry.length, entry.words.0)
            while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = UInt8(index + 1)
        }
        self.slots = slots
    }

    @inline(__always)
    static func slot(_ length: Int, _ firstWord: UInt64) -> Int {
        Int(truncatingIfNeeded: ((firstWord ^ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15) >> (64 - slotBits))
    }

    static func pack(_ bytes: [UInt8]) -> (UInt64, UInt64, UInt64, UInt64) {
        bytes.withUnsafeBufferPointer { pack($0, 0, $0.count) }
    }

    /// Packs `bytes[start..<end]` (at most 32 bytes) little-endian into four words, zero-padded.
    /// `limit` is how far the buffer may be read: with 32 readable bytes, four unaligned loads and masks do it.
    @inline(__always)
    static func pack(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, limit: Int) -> (UInt64, UInt64, UInt64, UInt64) {
        guard start + 32 <= limit, let base = bytes.baseAddress else { return pack(bytes, start, end) }
        let raw = UnsafeRawPointer(base + start)
        let length = end - start
        @inline(__always) func word(_ k: Int) -> UInt64 {
            let remaining = length - 8 * k
            if remaining <= 0 { return 0 }
            let value = raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
            return remaining >= 8 ? value : value & ((1 << UInt64(remaining * 8)) - 1)
        }
        return (word(0), word(1), word(2), word(3))
    }

    static func pack(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (UInt64, UInt64, UInt64, UInt64) {
        var w: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var i = start
        var shift: UInt64 = 0
        var word = 0
        var current: UInt64 = 0
        while i < end {
            current |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
            if shift == 64 {
                switch word { case 0: w.0 = current; case 1: w.1 = current; case 2: w.2 = current; default: w.3 = current }
                word += 1
                shift = 0
                current = 0
            }
        }
        if shift > 0 {
            switch word { case 0: w.0 = current; case 1: w.1 = current; case 2: w.2 = current; default: w.3 = current }
        }
        return w
    }
}
