/// The wl_shm formats the demo client can draw in, and how it writes a pixel in each. This is the client's
/// side, written independently of the compositor's reading side (Render), so that a golden per format checks
/// both ends against each other.
public enum ShmFormat: String, CaseIterable, Sendable {
    case argb8888, xrgb8888, abgr8888, xbgr8888, rgb565, rgb888, bgr888
    case argb2101010, xrgb2101010, abgr2101010, xbgr2101010

    /// The wl_shm format code: 0 and 1 for ARGB8888 and XRGB8888, the DRM fourcc (four characters,
    /// little-endian) for the rest.
    public var code: UInt32 {
        func fourcc(_ s: String) -> UInt32 {
            s.utf8.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        }
        switch self {
        case .argb8888: return 0
        case .xrgb8888: return 1
        case .abgr8888: return fourcc("AB24")
        case .xbgr8888: return fourcc("XB24")
        case .rgb565: return fourcc("RG16")
        case .rgb888: return fourcc("RG24")
        case .bgr888: return fourcc("BG24")
        case .argb2101010: return fourcc("AR30")
        case .xrgb2101010: return fourcc("XR30")
        case .abgr2101010: return fourcc("AB30")
        case .xbgr2101010: return fourcc("XB30")
        }
    }

    public var bytesPerPixel: Int {
        switch self {
        case .rgb565: return 2
        case .rgb888, .bgr888: return 3
        default: return 4
        }
    }

    /// Whether the format carries alpha.
    public var hasAlpha: Bool { [.argb8888, .abgr8888, .argb2101010, .abgr2101010].contains(self) }

    /// The row length the demo uses for `width` pixels: whole pixels rounded up to a multiple of 4 bytes
    /// (as cairo and pixman lay rows out), or nil if it overflows.
    public func stride(width: Int) -> Int? {
        let (bytes, overflow) = width.multipliedReportingOverflow(by: bytesPerPixel)
        guard !overflow, bytes <= Int.max - 3 else { return nil }
        return (bytes + 3) / 4 * 4
    }

    /// Writes `argb` (0xAARRGGBB, premultiplied, as `PatternRenderer.pixel` gives it) at `pixel` in this
    /// format, little-endian. Narrower channels are rounded to the nearest level (8 → 5/6 bits, alpha 8 → 2);
    /// wider ones replicate the top bits (8 → 10: v << 2 | v >> 6), so that reading back to 8 bits by
    /// truncation gives v again.
    @inline(__always)
    public func write(_ argb: UInt32, to pixel: UnsafeMutableRawPointer) {
        let a = argb >> 24, r = (argb >> 16) & 0xFF, g = (argb >> 8) & 0xFF, b = argb & 0xFF
        func round(_ v: UInt32, bits: UInt32) -> UInt32 { (v * ((1 << bits) - 1) + 127) / 255 }
        func wide(_ v: UInt32) -> UInt32 { v << 2 | v >> 6 }
        func store32(_ value: UInt32) { pixel.storeBytes(of: value.littleEndian, as: UInt32.self) }
        switch self {
        case .argb8888, .xrgb8888: store32(argb)
        case .abgr8888, .xbgr8888: store32(a << 24 | b << 16 | g << 8 | r)
        case .rgb565:
            let value = UInt16(round(r, bits: 5) << 11 | round(g, bits: 6) << 5 | round(b, bits: 5))
            pixel.storeBytes(of: value.littleEndian, as: UInt16.self)
        case .rgb888:   // R:G:B in bits 23–0, little-endian: bytes B, G, R
            pixel.storeBytes(of: UInt8(b), as: UInt8.self); (pixel + 1).storeBytes(of: UInt8(g), as: UInt8.self)
            (pixel + 2).storeBytes(of: UInt8(r), as: UInt8.self)
        case .bgr888:   // B:G:R in bits 23–0: bytes R, G, B
            pixel.storeBytes(of: UInt8(r), as: UInt8.self); (pixel + 1).storeBytes(of: UInt8(g), as: UInt8.self)
            (pixel + 2).storeBytes(of: UInt8(b), as: UInt8.self)
        case .argb2101010, .xrgb2101010: store32(round(a, bits: 2) << 30 | wide(r) << 20 | wide(g) << 10 | wide(b))
        case .abgr2101010, .xbgr2101010: store32(round(a, bits: 2) << 30 | wide(b) << 20 | wide(g) << 10 | wide(r))
        }
    }
}
