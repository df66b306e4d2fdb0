/// The wl_shm formats Seawall composes: the ones pixman reads directly. Every one of them is advertised on
/// wl_shm and accepted by create_buffer; any other format code is a protocol error (`PixelFormat(shmCode:)`
/// is nil for it). All are little-endian DRM fourcc layouts, alpha premultiplied where present.
public enum PixelFormat: Sendable, Equatable, CaseIterable {
    /// 32-bit, premultiplied alpha in the top byte; blended with OVER.
    case argb8888
    /// 32-bit, top byte ignored; always opaque, copied with SRC.
    case xrgb8888
    /// 32-bit, red in the low byte, premultiplied alpha in the top byte (bytes in memory: R, G, B, A).
    case abgr8888
    /// 32-bit, red in the low byte, top byte ignored (bytes in memory: R, G, B, X).
    case xbgr8888
    /// 16-bit, red in bits 15–11, green 10–5, blue 4–0.
    case rgb565
    /// 24-bit, blue in the low byte (bytes in memory: B, G, R).
    case rgb888
    /// 24-bit, red in the low byte (bytes in memory: R, G, B).
    case bgr888
    /// 32-bit, 2-bit premultiplied alpha in bits 31–30, 10-bit red, green, blue.
    case argb2101010
    /// 32-bit, bits 31–30 ignored, 10-bit red, green, blue.
    case xrgb2101010
    /// 32-bit, 2-bit premultiplied alpha in bits 31–30, 10-bit blue, green, red (red in the low bits).
    case abgr2101010
    /// 32-bit, bits 31–30 ignored, 10-bit blue, green, red (red in the low bits).
    case xbgr2101010

    /// Whether every pixel of this format covers what is below it (no alpha channel).
    public var isOpaque: Bool {
        switch self {
        case .argb8888, .abgr8888, .argb2101010, .abgr2101010: return false
        default: return true
        }
    }

    /// Bytes one pixel takes in a row.
    public var bytesPerPixel: Int64 {
        switch self {
        case .rgb565: return 2
        case .rgb888, .bgr888: return 3
        default: return 4
        }
    }

    /// The code on the wire: 0 and 1 for ARGB8888 and XRGB8888 (wl_shm's own), the DRM fourcc otherwise.
    public var shmCode: UInt32 {
        switch self {
        case .argb8888: return 0
        case .xrgb8888: return 1
        case .abgr8888: return PixelFormat.fourcc("AB24")
        case .xbgr8888: return PixelFormat.fourcc("XB24")
        case .rgb565: return PixelFormat.fourcc("RG16")
        case .rgb888: return PixelFormat.fourcc("RG24")
        case .bgr888: return PixelFormat.fourcc("BG24")
        case .argb2101010: return PixelFormat.fourcc("AR30")
        case .xrgb2101010: return PixelFormat.fourcc("XR30")
        case .abgr2101010: return PixelFormat.fourcc("AB30")
        case .xbgr2101010: return PixelFormat.fourcc("XB30")
        }
    }

    /// The format's name as in wl_shm's enum (`ARGB8888`, `RGB565`, …).
    public var name: String {
        switch self {
        case .argb8888: return "ARGB8888"
        case .xrgb8888: return "XRGB8888"
        case .abgr8888: return "ABGR8888"
        case .xbgr8888: return "XBGR8888"
        case .rgb565: return "RGB565"
        case .rgb888: return "RGB888"
        case .bgr888: return "BGR888"
        case .argb2101010: return "ARGB2101010"
        case .xrgb2101010: return "XRGB2101010"
        case .abgr2101010: return "ABGR2101010"
        case .xbgr2101010: return "XBGR2101010"
        }
    }

    /// The format a wire code names, or nil for one Seawall does not compose (and so never advertised).
    public init?(shmCode: UInt32) {
        guard let format = PixelFormat.allCases.first(where: { $0.shmCode == shmCode }) else { return nil }
        self = format
    }

    /// The format named `name` (case-insensitive), or nil.
    public init?(name: String) {
        guard let format = PixelFormat.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = format
    }

    /// A DRM fourcc: the four characters little-endian (`fourcc_code` in drm_fourcc.h).
    static func fourcc(_ code: StaticString) -> UInt32 {
        precondition(code.utf8CodeUnitCount == 4, "a fourcc has four characters")
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(code.utf8Start[$1]) << (8 * UInt32($1)) }
    }

    /// Why a wl_shm_pool.create_buffer with this format and geometry cannot be accepted, as a message for
    /// the client, or nil if it can. All in 64 bits: offset ≥ 0, positive size within `maxDimension`,
    /// stride ≥ width × bytes per pixel and a multiple of 4 (pixman reads rows as 32-bit words), and
    /// offset + stride × height within `poolSize`.
    public func bufferGeometryError(offset: Int32, width: Int32, height: Int32, stride: Int32,
                                    poolSize: Int64, maxDimension: Int32) -> String? {
        if offset < 0 { return "buffer offset \(offset) is negative" }
        if width <= 0 || height <= 0 { return "buffer size \(width)x\(height) is not positive" }
        if width > maxDimension || height > maxDimension {
            return "buffer size \(width)x\(height) exceeds the limit of \(maxDimension) pixels per side"
        }
        let minStride = Int64(width) * bytesPerPixel
        if Int64(stride) < minStride {
            return "stride \(stride) is less than width \(width) × \(bytesPerPixel) = \(minStride) (\(bytesPerPixel) bytes per \(name) pixel)"
        }
        if stride % 4 != 0 { return "stride \(stride) is not a multiple of 4 (rows must start on 32-bit boundaries)" }
        let end = Int64(offset) + Int64(stride) * Int64(height)
        if end > poolSize {
            return "buffer \(width)x\(height) with stride \(stride) at offset \(offset) ends at byte \(end), past the pool's \(poolSize) bytes"
        }
        return nil
    }
}

/// Pixels a surface shows: implemented by the Wayland layer's wl_shm buffers (and by tests).
///
/// Pixels are lent inside `withPixels` only; the pointer must not escape, because the pool behind it may be
/// remapped (and moved) between dispatches.
public protocol PixelSource: AnyObject {
    var width: Int32 { get }
    var height: Int32 { get }
    /// Bytes per row; at least width × the format's bytes per pixel, and a multiple of 4.
    var stride: Int32 { get }
    var format: PixelFormat { get }
    /// Lends the first byte of the first row; rows are `stride` bytes apart and `height` rows are readable.
    /// Returns nil (without calling `body`) if the pixels are not available.
    func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R?
}

/// A crop of a source (in 1/256 source pixels) shown at a logical size (wp_viewport).
public struct ScaledCrop: Equatable, Sendable {
    public var crop: Crop
    public var width: Int64
    public var height: Int64
    public init(crop: Crop, width: Int64, height: Int64) {
        self.crop = crop; self.width = width; self.height = height
    }
}

/// One surface as the renderer sees it: where it is on the output, what it shows, and which part of it
/// (in surface-local coordinates) the client declared opaque. Positions and sizes are logical (see HiDPI);
/// `bufferScale` buffer pixels make one logical unit.
public struct SceneItem {
    public var x: Int64
    public var y: Int64
    public var source: any PixelSource
    public var opaqueRegion: Region
    /// wl_surface.set_buffer_scale: the source is this many times the item's logical size.
    public var bufferScale: Int64
    /// wp_viewport: the part of the source shown, stretched to a logical size; nil shows the whole source at
    /// `bufferScale`.
    public var viewport: ScaledCrop?

    public init(x: Int64, y: Int64, source: any PixelSource, opaqueRegion: Region = Region(), bufferScale: Int64 = 1) {
        self.x = x; self.y = y; self.source = source; self.opaqueRegion = opaqueRegion
        self.bufferScale = bufferScale
    }

    /// The output rectangle the item covers, in logical coordinates.
    public var bounds: Rect {
        if let viewport { return Rect(x: x, y: y, width: viewport.width, height: viewport.height) }
        let scale = Swift.max(1, bufferScale)
        return Rect(x: x, y: y, width: Int64(source.width) / scale, height: Int64(source.height) / scale)
    }
}
