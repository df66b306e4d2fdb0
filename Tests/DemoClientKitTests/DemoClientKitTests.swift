import DemoClientKit
import ClientMemory
import SystemCalls
import Testing

/// The demo client's drawing and memory, without a compositor (EndToEndTests run it against one).
struct PatternTests {
    func frame(_ pattern: Pattern, _ k: Int, _ width: Int = 64, _ height: Int = 48, color: UInt32? = nil) -> [UInt32] {
        var pixels = [UInt32](repeating: 0xDEAD_BEEF, count: width * height)
        pixels.withUnsafeMutableBytes { bytes in
            PatternRenderer.draw(pattern, frame: k, width: width, height: height, color: color ?? pattern.defaultColor,
                                 into: bytes.baseAddress!, stride: width * 4)
        }
        return pixels
    }

    @Test(arguments: Pattern.allCases)
    func framesAreDeterministic(pattern: Pattern) {
        #expect(frame(pattern, 7) == frame(pattern, 7))
        #expect(!frame(pattern, 7).contains(0xDEAD_BEEF), "every pixel is written")
    }

    @Test(arguments: [Pattern.gradient, .checkerboard, .box])
    func animatedPatternsChangeFromFrameToFrame(pattern: Pattern) {
        #expect(frame(pattern, 0) != frame(pattern, 1))
    }

    @Test func solidIsOneOpaqueColour() {
        #expect(Set(frame(.solid, 3, color: 0x123456)) == [0xFF12_3456])
    }

    @Test func checkerboardCellsAndScrolling() {
        let f0 = frame(.checkerboard, 0, color: 0xE0E0E0)
        #expect(f0[0] == 0xFFE0_E0E0, "top-left cell is light")
        #expect(f0[16] == PatternRenderer.darkGrey, "the next 16-px cell is dark")
        #expect(f0[16 * 64] == PatternRenderer.darkGrey, "and the cell below")
        let f1 = frame(.checkerboard, 1, color: 0xE0E0E0)
        #expect(f1[14] == f0[16], "frame 1 is frame 0 moved left by 2 px")
    }

    @Test func gradientValues() {
        let f = frame(.gradient, 0, 64, 48)
        #expect(f[0] == 0xFF00_0060)
        #expect(f[63] == 0xFF00_0000 | UInt32(63 * 256 / 64) << 16 | 0x60)
        #expect(f[47 * 64] == 0xFF00_0000 | UInt32(47 * 256 / 48) << 8 | 0x60)
        let f1 = frame(.gradient, 1, 64, 48)
        #expect(f1[0] == 0xFF04_0060, "red slides by 4 per frame")
    }

    @Test func boxIsPremultipliedHalfAlphaInsideATransparentWindow() {
        let width = 90, height = 60
        let f = frame(.box, 2, width, height, color: 0xFF4020)
        let box = PatternRenderer.boxRect(frame: 2, width: width, height: height)
        #expect(box.x == 2 + 16 && box.y == 2 + 10 && box.width == 30 && box.height == 20)
        let inside = f[(box.y + 1) * width + box.x + 1]
        #expect(inside == 0x8080_2010, "0xFF4020 at alpha 0x80 premultiplied: 0x80, 0x80, 0x20, 0x10")
        #expect(f[(box.y + box.height + 2) * width + 10] == 0, "outside the box the window is transparent")
        #expect(f[0] == PatternRenderer.borderGrey && f[width * height - 1] == PatternRenderer.borderGrey)
        #expect(PatternRenderer.premultiplied(0xFFFFFF, alpha: 0xFF) == 0xFFFF_FFFF)
        #expect(PatternRenderer.premultiplied(0xFFFFFF, alpha: 0) == 0)
    }
}

struct ClientPoolMemoryTests {
    @Test func sealedPoolCarriesShrinkSeal() throws {
        let pool = try ClientPoolMemory(size: 4096, kind: .sealed)
        #expect(try pool.fd.seals().contains(.shrink))
        #expect(try pool.fd.fileSize() == 4096)
        try verifySealedPool(pool.fd, size: 4096)
    }

    @Test func unsealedPoolCannotEverBeSealed() throws {
        let pool = try ClientPoolMemory(size: 4096, kind: .unsealable)
        #expect(try !pool.fd.seals().contains(.shrink))
        #expect(throws: SystemError.self) { try pool.fd.addSeals(.shrink) }
        #expect(throws: PoolRejection.self) { try verifySealedPool(pool.fd, size: 4096) }
    }

    @Test func sealablePoolHasNoSealButAcceptsOne() throws {
        let pool = try ClientPoolMemory(size: 4096, kind: .sealable)
        #expect(try pool.fd.seals() == [])
        try pool.fd.addSeals(.shrink)
        try verifySealedPool(pool.fd, size: 4096)
    }

    @Test func growingKeepsTheSameFileTheSealAndTheContents() throws {
        let pool = try ClientPoolMemory(size: 4096, kind: .sealed)
        let fd = pool.fd.rawValue
        pool.withMutableBytes { $0[100] = 42 }
        try pool.grow(to: 3 * 4096 + 17)
        #expect(pool.fd.rawValue == fd, "the same memfd grows, as on a window resize")
        #expect(try pool.fd.fileSize() == 3 * 4096 + 17)
        #expect(try pool.fd.seals().contains(.shrink))
        #expect(pool.withMutableBytes { $0[100] } == 42)
        pool.withMutableBytes { $0[3 * 4096 + 16] = 7 }
        #expect(pool.withMutableBytes { $0[3 * 4096 + 16] } == 7)
    }
}
