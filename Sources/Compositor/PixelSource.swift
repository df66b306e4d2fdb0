/// The two wl_shm formats Seawall composes. Every client must support them; nothing else is advertised.
public enum PixelFormat: Sendable, Equatable {
    /// 32-bit, premultiplied alpha in the top byte; blended with OVER.
    case argb8888
    /// 32-bit, top byte ignored; always opaque, copied with SRC.
    case xrgb8888

    /// Whether every pixel of this format covers what is below it.
    public var isOpaque: Bool { self == .xrgb8888 }
}

/// Pixels a surface shows: implemented by the Wayland layer's wl_shm buffers (and by tests).
///
/// Pixels are lent inside `withPixels` only; the pointer must not escape, because the pool behind it may be
/// remapped (and moved) between dispatches.
public protocol PixelSource: AnyObject {
    var width: Int32 { get }
    var height: Int32 { get }
    /// Bytes per row; at least width × 4 and a multiple of 4.
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
