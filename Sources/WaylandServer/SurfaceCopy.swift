import Compositor

/// Under the copy policy, what a surface shows of a buffer whose pool is never mapped: Seawall's own copy of
/// the pixels, refreshed from the client's file at each commit — only the damaged rows, read with pread.
///
/// The copy is per surface, not per buffer: damage describes how the surface's content changed since the
/// last commit, whichever buffer carried it. Because Seawall keeps nothing of the client's memory, the
/// client gets its buffer back (wl_buffer.release) as soon as the commit has been copied.
final class SurfaceCopy: ClientBuffer {
    let width: Int32
    let height: Int32
    var stride: Int32 { width * 4 }
    let format: PixelFormat
    private var pixels: [UInt8]
    /// The wl_buffer the copy was last refreshed from.
    private(set) var source: ShmBuffer
    /// The client's account, which counts this copy's bytes while it lives.
    private let account: ClientAccount

    /// The bytes a copy of `buffer` takes.
    static func byteCount(_ buffer: ShmBuffer) -> Int64 { Int64(buffer.width) * Int64(buffer.height) * 4 }

    init(of source: ShmBuffer, account: ClientAccount) {
        width = source.width
        height = source.height
        format = source.format
        pixels = [UInt8](repeating: 0, count: Int(SurfaceCopy.byteCount(source)))
        self.source = source
        self.account = account
        account.copyBytes += SurfaceCopy.byteCount(source)
    }

    deinit { account.copyBytes -= Int64(pixels.count) }

    /// Whether `buffer` can be copied into this copy as it is (same size and format).
    func fits(_ buffer: ShmBuffer) -> Bool {
        buffer.width == width && buffer.height == height && buffer.format == format
    }

    /// Reads `damage` (buffer coordinates) of `buffer` into the copy. Returns nil, or why it failed (the file
    /// is shorter than the buffer: the client truncated it, or lied).
    func refresh(from buffer: ShmBuffer, damage: Region) -> String? {
        precondition(fits(buffer), "SurfaceCopy.refresh from a buffer of another size")
        source = buffer
        guard let pool = buffer.memory as? CopiedPool else { return "internal: not a copied pool" }
        let whole = Rect(x: 0, y: 0, width: Int64(width), height: Int64(height))
        let rowBytes = Int64(stride)
        for rect in damage.intersection(whole).rects {
            let count = Int(rect.width * 4)
            for row in rect.y..<rect.maxY {
                let ok = pixels.withUnsafeMutableBytes { bytes -> Bool in
                    guard let base = bytes.baseAddress else { return false }
                    return pool.read(into: base + Int(row * rowBytes + rect.x * 4), count: count,
                                     offset: buffer.poolOffset(row: row, x: rect.x))
                }
                if !ok {
                    let end = buffer.poolOffset(row: row, x: rect.maxX)
                    let fileSize = (try? pool.fd.fileSize()).map(String.init) ?? "unknown"
                    return "short read: buffer row \(row) ends at byte \(end) but the pool file is \(fileSize) bytes"
                }
            }
        }
        return nil
    }

    func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R? {
        try pixels.withUnsafeBytes { bytes in try bytes.baseAddress.map(body) }
    }

    // The copy belongs to Seawall: nothing to hold or give back.
    func lock() {}
    func unlock() {}
}
