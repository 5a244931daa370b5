/// Numbers as `printf` writes them (`%.1f`, `%02d`), without Foundation's `String(format:)`: that goes through
/// CFString's format parser and a `CVarArg` array, and was a tenth of the dashboard's main-thread time (every frame
/// formats a few hundred numbers). The result is the same string, digit for digit — rounding included (the exact
/// decimal value of the double, ties to even), which a test checks against `String(format:)` on many values.
public enum NumberText {
    /// `value` with `decimals` digits after the point (0…6), as `String(format: "%.<decimals>f", value)`.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : value < 0 ? "-inf" : "inf" }
        guard (0 ... 6).contains(decimals) else { return String(format: "%.\(decimals)f", value) }
        let scale = powersOfTen[decimals]
        let magnitude = abs(value)
        let scaled = magnitude * scale
        // Past 2^53 not every integer is a double; printf it is (gigantic numbers only).
        guard scaled < 9.0e15 else { return String(format: "%.\(decimals)f", value) }
        // The product's rounding error, exactly (a fused multiply-add): the true value is scaled + error.
        let error = (-scaled).addingProduct(magnitude, scale)
        let floor = scaled.rounded(.down)
        // The sign of (true fraction − ½) is the sign of the floating sum of two doubles, which is exact in sign.
        let aboveHalf = (scaled - floor - 0.5) + error
        var units = UInt64(floor)
        if aboveHalf > 0 || (aboveHalf == 0 && units % 2 == 1) { units += 1 }
        var digits = String(units)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return value.sign == .minus ? "-" + digits : digits
    }

    /// `value` padded with zeros to `width` digits, as `String(format: "%0<width>d", value)`.
    public static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        let pad = max(0, width - digits.count - sign.count)
        return sign + String(repeating: "0", count: pad) + digits
    }

    private static let powersOfTen: [Double] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000]
}

import Foundation
