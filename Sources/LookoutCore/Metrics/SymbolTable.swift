/// Byte strings interned to dense ids (0, 1, 2, …): each distinct string is stored once, in one arena, and found
/// again by its hash without building a `String`. A scrape of 70,000 samples names its metrics, labels and series
/// through two of these instead of 70,000 dictionaries (issue 16's parsing target: no allocation per sample).
///
struct SymbolTable: Sendable, Equatable {
    /// Every string's bytes, one after another; string `id` spans `arena[starts[id] ..< starts[id + 1]]`.
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [Int] = []
    /// Open addressing: an id, or -1 for an empty slot. Kept at most half full.
    private var slots: [Int32] = Array(repeating: -1, count: 256)

    /// How many distinct strings the table holds.
    var count: Int { hashes.count }

    /// The bytes held, for the bound callers keep on a table that lives across scrapes.
    var byteCount: Int { arena.count }

    /// The id of `bytes`, added when new.
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = hash & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if hashes[Int(id)] == hash && matches(Int(id), bytes) { return id }
            slot = (slot + 1) & mask
        }
        let id = Int32(hashes.count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        slots[slot] = id
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    /// The id of a string, added when new.
    mutating func intern(_ string: String) -> Int32 {
        var string = string
        return string.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The id of a string already held; nil when it is not.
    func id(of string: String) -> Int32? {
        var string = string
        return string.withUTF8 { utf8 -> Int32? in
            let bytes = UnsafeRawBufferPointer(utf8)
            let hash = Self.hash(bytes)
            let mask = slots.count - 1
            var slot = hash & mask
            while slots[slot] >= 0 {
                let id = slots[slot]
                if hashes[Int(id)] == hash && matches(Int(id), bytes) { return id }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    /// The string an id stands for (label values are UTF-8 by the format; anything else is decoded with U+FFFD).
    func string(_ id: Int32) -> String {
        arena.withUnsafeBufferPointer { String(decoding: $0[starts[Int(id)] ..< starts[Int(id) + 1]], as: UTF8.self) }
    }

    /// Reads an id's bytes without copying them.
    func withBytes<R>(_ id: Int32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[starts[Int(id)] ..< starts[Int(id) + 1]])) }
    }

    /// The length of an id's string in bytes.
    func length(_ id: Int32) -> Int { starts[Int(id) + 1] - starts[Int(id)] }

    /// Whether string `id` is exactly `bytes` (no hashing: the parser's check that a line repeats its predecessor).
    @inline(__always)
    func holds(_ id: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool { id >= 0 && matches(Int(id), bytes) }

    private func matches(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[id], length = starts[id + 1] - start
        guard length == bytes.count else { return false }
        if length == 0 { return true }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + start, bytes.baseAddress!, length) == 0 }
    }

    private mutating func grow() {
        var bigger = [Int32](repeating: -1, count: slots.count * 2)
        let mask = bigger.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = hash & mask
            while bigger[slot] >= 0 { slot = (slot + 1) & mask }
            bigger[slot] = Int32(id)
        }
        slots = bigger
    }

    /// A 64-bit multiply-and-fold hash over 8-byte words (the construction of wyhash), seeded once per process at
    /// random so a hostile exposition cannot be written to collide. The standard library's SipHash took a sixth
    /// of a large scrape's parse.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        let count = bytes.count
        var hash = seed ^ (UInt64(count) &* 0x9E37_79B9_7F4A_7C15)
        var offset = 0
        while offset + 8 <= count {
            hash = fold(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ 0xA076_1D64_78BD_642F, hash ^ 0xE703_7ED1_A0B4_28DB)
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            for index in offset ..< count { tail |= UInt64(bytes[index]) << (UInt64(index - offset) * 8) }
            hash = fold(tail ^ 0x8EBC_6AF0_9C88_C6E3, hash ^ 0x5899_65CC_7537_4CC3)
        }
        return Int(truncatingIfNeeded: fold(hash, 0x1D8E_4E27_C47D_124F)) & Int.max
    }

    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    private static let seed = UInt64.random(in: .min ... .max)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
