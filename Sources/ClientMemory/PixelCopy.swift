/// The copy policy's pixels: Seawall's own copy of a buffer whose pool is never mapped, `width` × `height`
/// pixels of `bytesPerPixel` bytes (2, 3 or 4) in rows of `stride` bytes (whole pixels rounded up to a
/// multiple of 4, as pixman needs), refreshed from the client's file one damaged rectangle at a
/// time with pread. Its bytes count in the client's `MemoryAccount.copyBytes` while it lives.
public final class PixelCopy {
    public let width: Int32
    public let height: Int32
    /// Bytes per pixel: 2, 3 or 4.
    public let bytesPerPixel: Int64
    /// Bytes per row of the copy.
    public let stride: Int64
    private var pixels: [UInt8]
    private let account: MemoryAccount

    /// The row length of a copy: `width` × `bytesPerPixel` rounded up to a multiple of 4.
    public static func stride(width: Int32, bytesPerPixel: Int64) -> Int64 { (Int64(width) * bytesPerPixel + 3) / 4 * 4 }

    /// The bytes a copy of a `width` × `height` buffer takes (64-bit: at most 2^31 × 2^33).
    public static func byteCount(width: Int32, height: Int32, bytesPerPixel: Int64 = 4) -> Int64 {
        stride(width: width, bytesPerPixel: bytesPerPixel) * Int64(height)
    }

    /// A zeroed copy. The caller has checked `byteCount` against its limit (and the dimensions are positive).
    public init(width: Int32, height: Int32, bytesPerPixel: Int64 = 4, account: MemoryAccount) {
        precondition((2...4).contains(bytesPerPixel), "PixelCopy: 2, 3 or 4 bytes per pixel")
        self.width = width
        self.height = height
        self.bytesPerPixel = bytesPerPixel
        self.stride = Self.stride(width: width, bytesPerPixel: bytesPerPixel)
        self.account = account
        let count = Self.byteCount(width: width, height: height, bytesPerPixel: bytesPerPixel)
        pixels = [UInt8](repeating: 0, count: Int(count))
        account.copyBytes += count
    }

    deinit { account.copyBytes -= Int64(pixels.count) }

    /// Reads the rectangle `x ..< x + columns`, `rows` of the buffer at `offset` with `stride` in `pool` into
    /// the same place of the copy, one `pread` per row. The rectangle must lie within the copy (the caller
    /// clips damage to it). Throws `.shortRead` naming the first row the file does not cover.
    public func refresh(from pool: PoolMemory, offset: Int64, stride: Int64, x: Int64, columns: Int64,
                        rows: Range<Int64>) throws(PoolError) {
        precondition(x >= 0 && columns >= 0 && x + columns <= Int64(width)
                     && rows.lowerBound >= 0 && rows.upperBound <= Int64(height), "refresh outside the copy")
        let bpp = bytesPerPixel, rowBytes = self.stride
        let count = Int(columns * bpp)
        for row in rows {
            let source = offset + row * stride + x * bpp
            let ok = pixels.withUnsafeMutableBytes { bytes -> Bool in
                guard let base = bytes.baseAddress else { return false }
                return pool.read(into: base + Int(row * rowBytes + x * bpp), count: count, offset: source)
            }
            if !ok { throw .shortRead(row: row, end: source + columns * bpp, fileSize: pool.currentFileSize()) }
        }
    }

    /// Lends the pixels (never keep the pointer). nil only for an empty copy.
    public func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R? {
        try pixels.withUnsafeBytes { bytes in try bytes.baseAddress.map(body) }
    }
}
