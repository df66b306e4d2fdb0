import Compositor
import Testing

/// `--scale` in 1/120 steps: parsing, wl_output's rounded-up integer, logical sizes and the device rounding
/// of rectangles (odd sizes, shared edges).
struct OutputScaleTests {
    func parse(_ text: String) -> Int64? {
        if case .success(let scale) = OutputScale.parse(text) { return scale.numerator }
        return nil
    }

    func error(_ text: String) -> String? {
        if case .failure(let error) = OutputScale.parse(text) { return error.description }
        return nil
    }

    @Test func parsesWholeNumbersOf120ths() {
        #expect(parse("1") == 120 && parse("2") == 240 && parse("4") == 480)
        #expect(parse("1.25") == 150 && parse("1.5") == 180 && parse("1.75") == 210 && parse("1.50") == 180)
        #expect(parse("1.125") == 135, "9/8 is 135/120")
        #expect(parse("1.2") == 144 && parse("1.05") == 126)
    }

    @Test func refusesOthersWithAReason() {
        #expect(error("1.333") == "--scale 1.333 is not a multiple of 1/120 (wp_fractional_scale_v1's step): try 1.25, 1.5, 1.75 or 2")
        #expect(error("0.5") == "--scale 0.5 is outside 1 to 4")
        #expect(error("4.5") == "--scale 4.5 is outside 1 to 4")
        #expect(error("5") == "--scale 5 is outside 1 to 4")
        #expect(error("1.5x") == "--scale 1.5x: not a number like 1, 1.25 or 2")
        for text in ["", "1.", ".5", "1.5.2", "-1", "+1", "1e0", "1,5", "1.+5", "1.1234567", "99999999999999999999", "0"] {
            #expect(error(text) != nil, "\(text) is refused")
        }
    }

    @Test func wlOutputGetsTheScaleRoundedUp() {
        #expect(OutputScale(numerator: 120)?.wlOutputScale == 1)
        #expect(OutputScale(numerator: 150)?.wlOutputScale == 2)
        #expect(OutputScale(numerator: 180)?.wlOutputScale == 2)
        #expect(OutputScale(numerator: 241)?.wlOutputScale == 3)
        #expect(OutputScale(numerator: 119) == nil && OutputScale(numerator: 481) == nil)
    }

    @Test func logicalSizesRoundUp() throws {
        let scale = try #require(OutputScale(numerator: 180))
        #expect(scale.logicalLength(device: 480) == 320)
        #expect(scale.logicalLength(device: 1001) == 668, "1001 / 1.5 = 667.33")
        let quarter = try #require(OutputScale(numerator: 150))
        #expect(quarter.logicalLength(device: 1920) == 1536)
    }

    @Test func deviceEdgesRoundHalfAwayFromZeroAndAreShared() throws {
        let scale = try #require(OutputScale(numerator: 180))
        #expect(scale.device(33) == 50 && scale.device(-33) == -50 && scale.device(32) == 48)
        // Two rectangles sharing an edge at an odd coordinate share it in device pixels: no gap, no overlap.
        let left = Rect(x: 0, y: 0, width: 33, height: 1).scaled(by: scale)
        let right = Rect(x: 33, y: 0, width: 33, height: 1).scaled(by: scale)
        #expect(left.maxX == right.x)
        #expect(left.width + right.width == 99, "66 × 1.5")
        // Integer scales are the integer path exactly.
        let two = OutputScale(integer: 2)
        #expect(Rect(x: 3, y: 5, width: 7, height: 9).scaled(by: two) == Rect(x: 6, y: 10, width: 14, height: 18))
        // Saturating: no overflow for the extremes of 64 bits.
        #expect(Rect(x: .max / 2, y: 0, width: 10, height: 10).scaled(by: scale).x > 0)
    }
}
