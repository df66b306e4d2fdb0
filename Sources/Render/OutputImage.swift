/// The composed output: XRGB8888 pixels in memory this object owns.
///
/// Each pixel is one little-endian 32-bit word `0xXXRRGGBB` (bytes B, G, R, X in memory); the X byte is
/// undefined and never read. Rows start on 64-byte boundaries (`stride` is a multiple of 64), which keeps
/// pixman's and the converters' row loads aligned and lets a DRM backend copy whole cache lines.
///
/// The memory lives exactly as long as the object. It is lent inside closures only; a `Renderer` keeps a
/// pixman image on it for its own lifetime, which is safe because the renderer holds the `OutputImage`.
public final class OutputImage {
    public let width: Int
    public let height: Int
    /// Bytes from one row to the next; a multiple of 64 and at least `width * 4`.
    public let stride: Int

    /// The rows, allocated with 64-byte alignment.
    let base: UnsafeMutableRawPointer
    /// Bytes allocated (`stride * height`).
    let byteCount: Int

    /// Row alignment in bytes.
    public static let rowAlignment = 64

    /// Allocates a zero-filled (black) image. Sizes must be positive and small enough that a row fits
    /// pixman's 32-bit coordinates; anything else is a programmer error.
    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "OutputImage: size \(width)x\(height) must be positive")
        precondition(width <= 1 << 15 && height <= 1 << 15, "OutputImage: size \(width)x\(height) exceeds 32768")
        let align = OutputImage.rowAlignment
        self.width = width
        self.height = height
        self.stride = (width * 4 + align - 1) / align * align
        self.byteCount = stride * height
        self.base = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: align)
        base.initializeMemory(as: UInt32.self, repeating: 0, count: byteCount / 4)   // bound to UInt32 for good
    }

    deinit {
        base.deallocate()
    }

    /// Lends the first byte of the first row (read-only). The pointer must not escape `body`.
    public func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawPointer(base))
    }

    /// Lends the first byte of the first row for writing. The pointer must not escape `body`.
    public func withMutablePixels<R>(_ body: (UnsafeMutableRawPointer) throws -> R) rethrows -> R {
        try body(base)
    }

    /// The pixel at (x, y) as `0xFFRRGGBB`: the undefined X byte is reported as 0xFF, so the value reads as
    /// an opaque ARGB colour and compares equal to a `Renderer.background` given with alpha 0xFF.
    public func pixel(x: Int, y: Int) -> UInt32 {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "OutputImage.pixel: (\(x), \(y)) outside \(width)x\(height)")
        let word = base.load(fromByteOffset: y * stride + x * 4, as: UInt32.self)
        return UInt32(littleEndian: word) | 0xFF00_0000
    }

    /// Sets every pixel to `color` (`0x??RRGGBB`; the top byte is stored as 0xFF). Plain Swift, used once at
    /// start-up and by tests; the renderer's per-frame fills go through pixman.
    public func fill(_ color: UInt32) {
        let word = (color | 0xFF00_0000).littleEndian
        for y in 0..<height {
            let row = (base + y * stride).assumingMemoryBound(to: UInt32.self)
            row.update(repeating: word, count: width)
        }
    }
}
