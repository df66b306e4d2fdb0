import ClientMemory
import Glibc
import SystemCalls
import Testing

/// The copy policy's reads (PixelCopy.refresh, pread of damaged rows) and screencopy's writes
/// (PoolMemory.writeRows), on real memfds.
struct PixelCopyTests {
    /// An unsealed memfd of `size` bytes whose byte i is `i & 0xff`.
    static func patternedFile(size: Int) throws -> OwnedFD {
        let fd = try Memfd.create(name: "copy-test", allowSealing: false)
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
        #expect(bytes.withUnsafeBytes { fd.write(from: $0.baseAddress!, count: size, at: 0) })
        return fd
    }

    /// `file` as a copy-policy pool of `size` bytes.
    static func copiedPool(_ file: consuming OwnedFD, size: Int) throws -> PoolMemory {
        try PoolMemory.accept(file, size: Int64(size), policy: .copy, account: MemoryAccount())
    }

    /// The copy's rows: whole pixels rounded up to a multiple of 4 bytes (what pixman needs), in 64 bits.
    @Test func packedRows() {
        #expect(PixelCopy.stride(width: 15, bytesPerPixel: 2) == 32)
        #expect(PixelCopy.stride(width: 15, bytesPerPixel: 3) == 48)
        #expect(PixelCopy.stride(width: Int32.max, bytesPerPixel: 3) == 6_442_450_944, "no overflow in 64 bits")
        #expect(PixelCopy.byteCount(width: 15, height: 2, bytesPerPixel: 3) == 96)
    }

    @Test func refreshCopiesOnlyTheDamagedRectangle() throws {
        // A 4×3 buffer at offset 16 with a 32-byte stride (8 pixels per row, 4 shown).
        let pool = try Self.copiedPool(try Self.patternedFile(size: 16 + 32 * 3), size: 16 + 32 * 3)
        let copy = PixelCopy(width: 4, height: 3, account: MemoryAccount())
        try copy.refresh(from: pool, offset: 16, stride: 32, x: 1, columns: 2, rows: 1..<3)
        let pixels = copy.withPixels { Array(UnsafeRawBufferPointer(start: $0, count: 4 * 3 * 4)) } ?? []
        for row in 0..<3 {
            for column in 0..<4 {
                let inside = (1..<3).contains(row) && (1..<3).contains(column)
                let got = Array(pixels[(row * 16 + column * 4)..<(row * 16 + column * 4 + 4)])
                let want = inside ? (0..<4).map { UInt8(16 + row * 32 + column * 4 + $0) } : [0, 0, 0, 0]
                #expect(got == want, "row \(row) column \(column)")
            }
        }
    }

    @Test func aTruncatedFileIsAShortReadNamingTheRow() throws {
        let file = try Self.patternedFile(size: 64 * 4)
        let pool = try Self.copiedPool(try file.duplicate(), size: 64 * 4)
        let copy = PixelCopy(width: 16, height: 4, account: MemoryAccount())
        try file.truncate(to: 64 * 2 + 10)   // the client shrinks its unsealed file: no SIGBUS, a short read
        do {
            try copy.refresh(from: pool, offset: 0, stride: 64, x: 0, columns: 16, rows: 0..<4)
            Issue.record("read past the end of the file")
        } catch {
            #expect(error.description == "short read: buffer row 2 ends at byte 192 but the pool file is 138 bytes")
        }
    }

    @Test func refreshFromAMappedPoolReadsTheMapping() throws {
        let fd = try Memfd.createSealed(name: "copy-test", size: 64)
        let value: [UInt8] = [1, 2, 3, 4]
        #expect(value.withUnsafeBytes { fd.write(from: $0.baseAddress!, count: 4, at: 8) })
        let pool = try PoolMemory.accept(fd, size: 64, policy: .copy, account: MemoryAccount())
        #expect(!pool.isCopied)
        let copy = PixelCopy(width: 1, height: 1, account: MemoryAccount())
        try copy.refresh(from: pool, offset: 8, stride: 4, x: 0, columns: 1, rows: 0..<1)
        #expect(copy.withPixels { Array(UnsafeRawBufferPointer(start: $0, count: 4)) } == value)
    }

    /// Writes two rows of 8 bytes (0xA0+r …) into `pool` at offset 4 with a 16-byte stride.
    static func writeTwoRows(_ pool: PoolMemory) -> Bool {
        let rows: [[UInt8]] = [Array(repeating: 0xA0, count: 8), Array(repeating: 0xA1, count: 8)]
        return rows[0].withUnsafeBytes { first in
            rows[1].withUnsafeBytes { second in
                pool.writeRows(2, rowBytes: 8, offset: 4, stride: 16) { $0 == 0 ? first.baseAddress! : second.baseAddress! }
            }
        }
    }

    @Test(arguments: [true, false])
    func writeRowsReachesTheFile(sealed: Bool) throws {
        let fd = sealed ? try Memfd.createSealed(name: "screencopy", size: 64) : try Memfd.create(name: "screencopy", allowSealing: false)
        if !sealed { try fd.truncate(to: 64) }
        let file = try fd.duplicate()
        let pool = try PoolMemory.accept(fd, size: 64, policy: .copy, account: MemoryAccount())
        #expect(pool.isCopied == !sealed)
        #expect(Self.writeTwoRows(pool))
        var back = [UInt8](repeating: 0, count: 36)
        #expect(back.withUnsafeMutableBytes { file.read(into: $0.baseAddress!, count: 36, at: 0) })
        #expect(back[0..<4] == [0, 0, 0, 0] && back[4..<12].allSatisfy { $0 == 0xA0 } && back[12..<20].allSatisfy { $0 == 0 })
        #expect(back[20..<28].allSatisfy { $0 == 0xA1 } && back[28..<36].allSatisfy { $0 == 0 })
    }

    @Test func writeRowsFailsOnAWriteSealedPool() throws {
        let fd = try Memfd.createSealed(name: "screencopy", size: 64, seals: [.shrink, .write])
        let pool = try PoolMemory.accept(fd, size: 64, policy: .require, account: MemoryAccount())
        #expect(!Self.writeTwoRows(pool))
    }
}
