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

    /// Each rectangle `scaled(by:)` an output scale.
    public func scaled(by scale: OutputScale) -> Region {
        scale == .one ? self : Region(rects: rects.map { $0.scaled(by: scale) })
    }

    /// Each rectangle `covering(dividedBy:)`.
    public func covering(dividedBy divisor: Int64) -> Region {
        divisor == 1 ? self : Region(rects: rects.map { $0.covering(dividedBy: divisor) })
    }
}

/// The output's scale (`--scale`) in 1/120 steps, as wp_fractional_scale_v1 counts: 1, 1.25, 1.5, 2, …
/// Device pixels per logical unit. wl_output.scale (an integer) advertises it rounded up.
public struct OutputScale: Equatable, Sendable, CustomStringConvertible {
    /// The scale × 120.
    public let numerator: Int64
    public static let denominator: Int64 = HiDPI.fractionalDenominator
    /// The accepted range: 1 to 4.
    public static let range: ClosedRange<Int64> = 120...480
    public static let one = OutputScale(integer: 1)

    public init(integer: Int) {
        precondition(integer >= 1, "OutputScale: scale must be positive")
        numerator = Int64(integer) * Self.denominator
    }

    /// A scale of `numerator`/120 within `range`, or nil.
    public init?(numerator: Int64) {
        guard Self.range.contains(numerator) else { return nil }
        self.numerator = numerator
    }

    /// Parses a decimal (`2`, `1.25`, `1.5`) that is a whole number of 1/120 between 1 and 4. Returns why
    /// not, for a command-line message, or the scale.
    public static func parse(_ text: String) -> Result<OutputScale, ScaleError> {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        // Digits only (no sign), at most 6 decimals; the whole part is bounded so the arithmetic cannot overflow.
        guard (1...2).contains(parts.count), parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              let whole = Int64(parts[0]), whole <= 1_000_000,
              parts.count == 1 || (1...6).contains(parts[1].count) && parts[1].allSatisfy(\.isASCII) && parts[1].allSatisfy(\.isNumber),
              let fraction = parts.count == 2 ? Int64(parts[1]) : 0 else {
            return .failure(ScaleError(description: "--scale \(text): not a number like 1, 1.25 or 2"))
        }
        var power: Int64 = 1
        if parts.count == 2 { for _ in 0..<parts[1].count { power *= 10 } }
        // value × 120 = (whole × power + fraction) × 120 / power, which must be a whole number.
        let scaled = (whole * power + fraction) * denominator
        guard scaled % power == 0 else {
            return .failure(ScaleError(description: "--scale \(text) is not a multiple of 1/120 (wp_fractional_scale_v1's step): try 1.25, 1.5, 1.75 or 2"))
        }
        guard let scale = OutputScale(numerator: scaled / power) else {
            return .failure(ScaleError(description: "--scale \(text) is outside 1 to 4"))
        }
        return .success(scale)
    }

    public struct ScaleError: Error, CustomStringConvertible { public let description: String }

    /// Whether the scale is a whole number.
    public var isInteger: Bool { numerator % Self.denominator == 0 }

    /// wl_output.scale: the scale rounded up, so that a client drawing at it never draws too few pixels
    /// (what wlroots does; the compositor then scales its buffers down).
    public var wlOutputScale: Int64 { HiDPI.ceilDivide(numerator, Self.denominator) }

    /// The device coordinate of logical coordinate `logical`: × scale, rounded half away from zero, so that
    /// rectangles sharing an edge share it in device pixels too (saturating).
    public func device(_ logical: Int64) -> Int64 {
        let product = HiDPI.multiply(logical, numerator)
        let half = Self.denominator / 2
        return product >= 0 ? (product + half) / Self.denominator : -((-product + half) / Self.denominator)
    }

    /// The output's logical extent for `device` pixels: ÷ scale, rounded up.
    public func logicalLength(device: Int64) -> Int64 {
        HiDPI.ceilDivide(HiDPI.multiply(device, Self.denominator), numerator)
    }

    public var description: String {
        if isInteger { return String(numerator / Self.denominator) }
        var text = String(Double(numerator) / Double(Self.denominator))
        if text.count > 8 { text = String(text.prefix(8)) }
        return text
    }
}

extension Rect {
    /// The same rectangle in device pixels at `scale`: each edge through `OutputScale.device` (for an
    /// integer scale, the same as `scaled(by:)`).
    public func scaled(by scale: OutputScale) -> Rect {
        if scale.isInteger { return scaled(by: scale.numerator / OutputScale.denominator) }
        if isEmpty { return self }
        let left = scale.device(x), top = scale.device(y)
        let right = scale.device(maxX), bottom = scale.device(maxY)
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }
}
