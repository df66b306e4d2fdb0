/// xoshiro256** (a class: every part of the fuzzer draws from the one stream) seeded through splitmix64: the same seed gives the same run, on every platform and Swift
/// version (the standard library's `random(in:)` algorithms are not promised to stay the same).
final class FuzzRandom {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A number in 0..<n (n > 0), by multiply-shift: the bias is far below anything a fuzzer cares about.
    func below(_ n: Int) -> Int {
        precondition(n > 0, "below(0)")
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// A number in `range`.
    func within(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// True once in `n` times on average.
    func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    /// True with probability `percent` / 100.
    func percent(_ percent: Int) -> Bool { below(100) < percent }

    func pick<T>(_ items: [T]) -> T {
        precondition(!items.isEmpty, "pick from an empty list")
        return items[below(items.count)]
    }

    func u32() -> UInt32 { UInt32(truncatingIfNeeded: next()) }

    /// Picks an index by weight.
    func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0, +)
        var r = below(max(1, total))
        for (index, weight) in weights.enumerated() {
            if r < weight { return index }
            r -= weight
        }
        return weights.count - 1
    }
}
