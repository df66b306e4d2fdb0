/// wp_viewport's double-buffered state: a crop of the buffer (the source rectangle) and the size it is shown
/// at (the destination). Values arrive from the client unchecked beyond the protocol's sign rules, so
/// everything here is 64-bit or overflow-reporting arithmetic.
public struct Viewport: Equatable, Sendable {
    /// The source rectangle in wl_fixed units (1/256) of surface-local coordinates before scaling, that
    /// is buffer pixels divided by the buffer scale; nil when unset (all four -1).
    public struct Source: Equatable, Sendable {
        public var x: Int32, y: Int32, width: Int32, height: Int32
        public init(x: Int32, y: Int32, width: Int32, height: Int32) {
            self.x = x; self.y = y; self.width = width; self.height = height
        }
    }

    public var source: Source?
    /// The destination size in surface-local units; nil when unset (both -1).
    public var destination: (width: Int32, height: Int32)? {
        get { destinationWidth.map { ($0, destinationHeight) } }
        set { destinationWidth = newValue?.width; destinationHeight = newValue?.height ?? 0 }
    }
    private var destinationWidth: Int32?
    private var destinationHeight: Int32 = 0

    public init(source: Source? = nil, destination: (width: Int32, height: Int32)? = nil) {
        self.source = source
        self.destination = destination
    }

    public var isSet: Bool { source != nil || destinationWidth != nil }

    /// One wl_fixed unit is 1/256.
    public static let fixedOne: Int64 = 256

    /// Why a commit of this viewport with `buffer` at `bufferScale` must be refused, or nil. Checked only
    /// with a buffer: a surface without content ignores its viewport.
    public func commitError(bufferWidth: Int32, bufferHeight: Int32, bufferScale: Int32) -> ViewportError? {
        if let source {
            // Inside the buffer: (x + width) × scale ≤ buffer width, in 1/256 units, 64-bit with overflow checks.
            func fits(_ origin: Int32, _ length: Int32, _ limit: Int32) -> Bool {
                let end = Int64(origin) + Int64(length)
                let (scaled, overflow) = end.multipliedReportingOverflow(by: Int64(bufferScale))
                return !overflow && scaled <= Int64(limit) * Viewport.fixedOne
            }
            if !fits(source.x, source.width, bufferWidth) || !fits(source.y, source.height, bufferHeight) {
                return .outOfBuffer("source rectangle \(source.describe()) (buffer scale \(bufferScale)) is outside the \(bufferWidth)x\(bufferHeight) buffer")
            }
            if destination == nil
                && (Int64(source.width) % Viewport.fixedOne != 0 || Int64(source.height) % Viewport.fixedOne != 0) {
                return .badSize("source size \(source.describe()) is not whole and no destination size is set")
            }
        }
        return nil
    }

    /// The surface's logical size with `buffer` shown: the destination, else the source's size, else nil
    /// (the buffer's size divided by its scale).
    public var logicalSize: (width: Int64, height: Int64)? {
        if let destination { return (Int64(destination.width), Int64(destination.height)) }
        if let source { return (Int64(source.width) / Viewport.fixedOne, Int64(source.height) / Viewport.fixedOne) }
        return nil
    }

    /// The part of a buffer that is shown, in 1/256 buffer pixels: the source rectangle times the buffer
    /// scale, or the whole buffer. (Checked at commit to lie inside the buffer, so nothing overflows.)
    public func crop(bufferWidth: Int32, bufferHeight: Int32, bufferScale: Int32) -> Crop {
        guard let source else {
            return Crop(x: 0, y: 0, width: Int64(bufferWidth) * Viewport.fixedOne, height: Int64(bufferHeight) * Viewport.fixedOne)
        }
        let scale = Int64(bufferScale)
        return Crop(x: Int64(source.x) * scale, y: Int64(source.y) * scale,
                    width: Int64(source.width) * scale, height: Int64(source.height) * scale)
    }

    public static func == (a: Viewport, b: Viewport) -> Bool {
        a.source == b.source && a.destinationWidth == b.destinationWidth && a.destinationHeight == b.destinationHeight
    }
}

/// A rectangle of a buffer in 1/256 buffer pixels (wl_fixed precision).
public struct Crop: Equatable, Sendable {
    public var x: Int64, y: Int64, width: Int64, height: Int64
    public init(x: Int64, y: Int64, width: Int64, height: Int64) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
}

/// The wp_viewport errors a commit can raise.
public enum ViewportError: Equatable, Sendable {
    case badSize(String)
    case outOfBuffer(String)
}

extension Viewport.Source {
    func describe() -> String {
        func f(_ v: Int32) -> String {
            let whole = Int64(v) / 256, frac = Int64(v) % 256
            return frac == 0 ? "\(whole)" : "\(Double(v) / 256)"
        }
        return "(\(f(x)), \(f(y)), \(f(width))x\(f(height)))"
    }
}
