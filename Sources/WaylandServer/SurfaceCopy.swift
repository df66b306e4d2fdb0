import ClientMemory
import Compositor

/// Under the copy policy, what a surface shows of a buffer whose pool is never mapped: Seawall's own copy of
/// the pixels (a `PixelCopy`), refreshed from the client's file at each commit — only the damaged rows, read
/// with pread.
///
/// The copy is per surface, not per buffer: damage describes how the surface's content changed since the
/// last commit, whichever buffer carried it. Because Seawall keeps nothing of the client's memory, the
/// client gets its buffer back (wl_buffer.release) as soon as the commit has been copied.
final class SurfaceCopy: ClientBuffer {
    var width: Int32 { pixels.width }
    var height: Int32 { pixels.height }
    var stride: Int32 { Int32(pixels.stride) }   // at most 16384 × 4: checked at create_buffer
    let format: PixelFormat
    private let pixels: PixelCopy
    /// The wl_buffer the copy was last refreshed from.
    private(set) var source: ShmBuffer

    /// The bytes a copy of `buffer` takes.
    static func byteCount(_ buffer: ShmBuffer) -> Int64 {
        PixelCopy.byteCount(width: buffer.width, height: buffer.height, bytesPerPixel: buffer.format.bytesPerPixel)
    }

    /// A copy of `source`'s size and format, counted in `account` while it lives.
    init(of source: ShmBuffer, account: MemoryAccount) {
        format = source.format
        pixels = PixelCopy(width: source.width, height: source.height, bytesPerPixel: source.format.bytesPerPixel,
                           account: account)
        self.source = source
    }

    /// Whether `buffer` can be copied into this copy as it is (same size and format).
    func fits(_ buffer: ShmBuffer) -> Bool {
        buffer.width == width && buffer.height == height && buffer.format == format
    }

    /// Reads `damage` (buffer coordinates) of `buffer` into the copy. Throws why it failed (the file is
    /// shorter than the buffer: the client truncated it, or lied).
    func refresh(from buffer: ShmBuffer, damage: Region) throws(PoolError) {
        precondition(fits(buffer), "SurfaceCopy.refresh from a buffer of another size")
        source = buffer
        let whole = Rect(x: 0, y: 0, width: Int64(width), height: Int64(height))
        for rect in damage.intersection(whole).rects {
            try pixels.refresh(from: buffer.memory, offset: buffer.offset, stride: Int64(buffer.stride),
                               x: rect.x, columns: rect.width, rows: rect.y..<rect.maxY)
        }
    }

    func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R? {
        try pixels.withPixels(body)
    }

    // The copy belongs to Seawall: nothing to hold or give back.
    func lock() {}
    func unlock() {}
}
