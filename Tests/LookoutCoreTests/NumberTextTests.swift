import Foundation
import LookoutCore
import Testing

/// `NumberText` writes what `String(format:)` writes, digit for digit.
@Suite("Numbers as printf writes them")
struct NumberTextTests {
    @Test func fixedMatchesPrintfOnTiesEdgesAndRandomValues() {
        var values: [Double] = [0, -0.0, 0.05, 0.15, 0.25, 0.35, 0.45, 1.005, 2.675, 0.125, 0.375, -0.04, -1.25, 9.95, 99.95,
                                999.5, 1e15, 123456789.125, 0.0004999, 4.35, 1234.5678, .nan, .infinity, -.infinity, 5e-324, 8.9e15 / 1000]
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 20_000 {
            let magnitude = [1.0, 10, 100, 1000, 1e6][Int.random(in: 0 ..< 5, using: &generator)]
            values.append(Double.random(in: -magnitude ... magnitude, using: &generator))
            // Values on exact decimal ties and near them, as rates and percentages often are.
            values.append(Double(Int.random(in: -100_000 ... 100_000, using: &generator)) / 8)
            values.append(Double(Int.random(in: 0 ... 100_000, using: &generator)) / 1000 + 0.0005)
        }
        var mismatches: [String] = []
        for value in values {
            for decimals in 0 ... 4 {
                let expected = String(format: "%.\(decimals)f", value)
                let got = NumberText.fixed(value, decimals)
                if got != expected && mismatches.count < 10 { mismatches.append("\(value) %.\(decimals)f: \(got) vs \(expected)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func paddedMatchesPrintf() {
        for value in [0, 7, 42, 123, -5, 2026] {
            #expect(NumberText.padded(value, 2) == String(format: "%02d", value))
            #expect(NumberText.padded(value, 4) == String(format: "%04d", value))
        }
    }
}
