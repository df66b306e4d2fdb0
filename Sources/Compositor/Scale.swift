/// HiDPI arithmetic: the integer scales between the three coordinate spaces.
///
/// - **Logical** (surface-local and output) coordinates are what the scene, window management, input and
///   configure sizes use. A surface's logical size is its buffer's size divided by its buffer scale
///   (`Surface.width`); the output's logical size is its device size divided by the output scale.
/// - **Buffer** pixels are the client's: `bufferScale` of them per logical unit (wl_surface.set_buffer_scale).
/// - **Device** pixels are the output image's: `outputScale` of them per logical unit. Only the renderer
///   (Render's `Renderer`, which is given the output scale) turns logical coordinates into device pixels.
///
/// Everything here is 64-bit and saturating, so client-supplied rectangles (32-bit on the wire) can be
/// scaled by any client-supplied scale without overflow.
public enum HiDPI {
    /// The output's logical extent for `device` pixels at `scale`: rounded up, so that every device pixel
    /// is under some logical one (a device size that is a multiple of the scale divides exactly).
    public static func logicalLength(device: Int64, scale: Int64) -> Int64 {
        precondition(scale >= 1, "HiDPI: scale must be positive")
        return device / scale + (device % scale == 0 ? 0 : 1)
    }

    /// wp_fractional_scale_v1's unit: a preferred scale is sent as a numerator over 120.
    public static let fractionalDenominator: Int64 = 120

    /// The scale a surface should draw at (wp_fractional_scale_v1.preferred_scale, in 1/120): the output's
    /// scale, since Seawall has one output and every surface is on it. A client that draws at it with a
    /// wp_viewport of its logical size gets a buffer of `outputScale` device pixels per unit: drawn 1:1.
    public static func preferredScale(outputScale: Int64) -> UInt32 {
        precondition(outputScale >= 1, "HiDPI: scale must be positive")
        return UInt32(clamping: multiply(outputScale, fractionalDenominator))
    }

    /// `value × factor`, saturated to ±Int64.max / 4 (far beyond any output, and safe to add to).
    static func multiply(_ value: Int64, _ factor: Int64) -> Int64 {
        let limit = Int64.max / 4
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        if overflow { return (value < 0) != (factor < 0) ? -limit : limit }
        return Swift.min(limit, Swift.max(-limit, product))
    }

    /// ⌊a / b⌋ for b > 0 (Swift's `/` truncates towards zero).
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }

    /// ⌈a / b⌉ for b > 0.
    static func ceilDivide(_ a: Int64, _ b: Int64) -> Int64 { -floorDivide(-a, b) }
}

extension Rect {
    /// The same rectangle in a space `factor` times finer (logical → device or logical → buffer): every
    /// coordinate multiplied, saturating.
    public func scaled(by factor: Int64) -> Rect {
        precondition(factor >= 1, "Rect.scaled: factor must be positive")
        if factor == 1 || isEmpty { return self }
        let left = HiDPI.multiply(x, factor), top = HiDPI.multiply(y, factor)
        let right = HiDPI.multiply(maxX, factor), bottom = HiDPI.multiply(maxY, factor)
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// The smallest rectangle of a space `divisor` times coarser that covers this one (buffer damage →
    /// surface damage): the edges rounded outwards.
    public func covering(dividedBy divisor: Int64) -> Rect {
        precondition(divisor >= 1, "Rect.covering: divisor must be positive")
        if divisor == 1 || isEmpty { return self }
        let left = HiDPI.floorDivide(x, divisor), top = HiDPI.floorDivide(y, divisor)
        let right = HiDPI.ceilDivide(maxX, divisor), bottom = HiDPI.ceilDivide(maxY, divisor)
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }
}

extension Region {
    /// Each rectangle `scaled(by:)`.
    public func scaled(by factor: Int64) -> Region {
        factor == 1 ? self : Region(rects: rects.map { $0.scaled(by: factor) })
    }

    /// Each rectangle `covering(dividedBy:)`.
    public func covering(dividedBy divisor: Int64) -> Region {
        divisor == 1 ? self : Region(rects: rects.map { $0.covering(dividedBy: divisor) })
    }
}
