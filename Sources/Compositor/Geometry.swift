/// How far a window may be moved by the client's own offsets (wl_surface.offset, which add up commit after
/// commit): ±2^40 pixels, far off any output, and far from where adding another 32-bit offset could overflow.
public let maxCoordinate: Int64 = 1 << 40

extension Double {
    /// An input coordinate as the compositor keeps it: finite and within ±`maxCoordinate` (NaN counts as 0),
    /// so that every later conversion to an integer pixel is defined. Input may come from a harness or, later,
    /// from a control socket: it is not trusted to be a sane number.
    public var asInputCoordinate: Double {
        guard !isNaN else { return 0 }
        return Swift.min(Swift.max(self, -Double(maxCoordinate)), Double(maxCoordinate))
    }
}

extension Int64 {
    /// `self + delta`, held within ±`maxCoordinate`.
    public func offset(by delta: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(delta)
        if overflow { return delta > 0 ? maxCoordinate : -maxCoordinate }
        return Swift.min(maxCoordinate, Swift.max(-maxCoordinate, sum))
    }
}

/// An axis-aligned rectangle in integer pixels. Coordinates are 64-bit so that client-supplied values
/// (32-bit on the wire) can be added and multiplied without overflow.
public struct Rect: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var x: Int64
    public var y: Int64
    public var width: Int64
    public var height: Int64

    public init(x: Int64, y: Int64, width: Int64, height: Int64) {
        self.x = x; self.y = y
        self.width = max(0, width); self.height = max(0, height)
    }

    /// From 32-bit wire values (widened before any arithmetic).
    public static func wire(_ x: Int32, _ y: Int32, _ width: Int32, _ height: Int32) -> Rect {
        Rect(x: Int64(x), y: Int64(y), width: Int64(width), height: Int64(height))
    }

    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var maxX: Int64 { x + width }
    public var maxY: Int64 { y + height }
    public var area: Int64 { width * height }

    public func intersection(_ other: Rect) -> Rect {
        let x0 = Swift.max(x, other.x), y0 = Swift.max(y, other.y)
        let x1 = Swift.min(maxX, other.maxX), y1 = Swift.min(maxY, other.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    public func intersects(_ other: Rect) -> Bool { !intersection(other).isEmpty }

    public func contains(_ other: Rect) -> Bool {
        other.isEmpty || (other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY)
    }

    public func contains(x px: Int64, y py: Int64) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    public func offsetBy(dx: Int64, dy: Int64) -> Rect { Rect(x: x + dx, y: y + dy, width: width, height: height) }

    /// The smallest rectangle holding both.
    public func union(_ other: Rect) -> Rect {
        if isEmpty { return other }
        if other.isEmpty { return self }
        let x0 = Swift.min(x, other.x), y0 = Swift.min(y, other.y)
        return Rect(x: x0, y: y0, width: Swift.max(maxX, other.maxX) - x0, height: Swift.max(maxY, other.maxY) - y0)
    }

    /// `self` minus `other`, as up to four disjoint rectangles.
    public func subtracting(_ other: Rect) -> [Rect] {
        let cut = intersection(other)
        if cut.isEmpty { return isEmpty ? [] : [self] }
        var pieces: [Rect] = []
        if cut.y > y { pieces.append(Rect(x: x, y: y, width: width, height: cut.y - y)) }
        if cut.maxY < maxY { pieces.append(Rect(x: x, y: cut.maxY, width: width, height: maxY - cut.maxY)) }
        if cut.x > x { pieces.append(Rect(x: x, y: cut.y, width: cut.x - x, height: cut.height)) }
        if cut.maxX < maxX { pieces.append(Rect(x: cut.maxX, y: cut.y, width: maxX - cut.maxX, height: cut.height)) }
        return pieces
    }

    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}

/// A set of pixels, kept as disjoint rectangles. Used for damage and for wl_region contents.
///
/// Large damage sets are simplified: past `maxRects` rectangles the region collapses to its bounding box
/// when it is used as damage (`simplified()`), which only ever over-approximates.
public struct Region: Equatable, Sendable, CustomStringConvertible {
    public private(set) var rects: [Rect] = []

    public init() {}
    public init(_ rect: Rect) { add(rect) }
    public init(rects: [Rect]) { for r in rects { add(r) } }

    public var isEmpty: Bool { rects.isEmpty }
    public var bounds: Rect { rects.reduce(Rect(x: 0, y: 0, width: 0, height: 0) as Rect) { $0.union($1) } }
    public var area: Int64 { rects.reduce(0) { $0 + $1.area } }

    /// Adds `rect`'s pixels.
    public mutating func add(_ rect: Rect) {
        if rect.isEmpty { return }
        // Most damage touches nothing already there: appended as it is, with no pieces to cut.
        guard let first = rects.firstIndex(where: { $0.intersects(rect) }) else {
            rects.append(rect)
            return
        }
        // Damage already there (many windows drawing the same thing in the same place): nothing to add, and no
        // list of pieces made.
        if rects[first...].contains(where: { $0.contains(rect) }) { return }
        var pieces = [rect]
        for existing in rects[first...] where existing.intersects(rect) {
            pieces = pieces.flatMap { $0.subtracting(existing) }
            if pieces.isEmpty { return }
        }
        rects.append(contentsOf: pieces)
    }

    public mutating func add(_ region: Region) { for r in region.rects { add(r) } }

    /// Removes `rect`'s pixels.
    public mutating func subtract(_ rect: Rect) {
        if rect.isEmpty { return }
        rects = rects.flatMap { $0.subtracting(rect) }
    }

    public mutating func subtract(_ region: Region) { for r in region.rects { subtract(r) } }

    /// The part of the region inside `rect`.
    public func intersection(_ rect: Rect) -> Region {
        if rects.allSatisfy({ rect.contains($0) }) { return self }   // shares the storage: nothing to cut
        var out = Region()
        out.rects.reserveCapacity(rects.count)
        for r in rects {
            let inside = r.intersection(rect)
            if !inside.isEmpty { out.rects.append(inside) }
        }
        return out
    }

    /// Empties the region; with `keepingCapacity`, its storage stays for the next use (per-commit and
    /// per-frame regions are refilled without allocating).
    public mutating func removeAll(keepingCapacity: Bool = false) { rects.removeAll(keepingCapacity: keepingCapacity) }

    /// Keeps only the part inside `rect`, in place (`intersection(_:)` without a new region).
    public mutating func formIntersection(_ rect: Rect) {
        if rects.allSatisfy({ rect.contains($0) }) { return }
        var kept = 0
        for index in rects.indices {
            let inside = rects[index].intersection(rect)
            if inside.isEmpty { continue }
            rects[kept] = inside
            kept += 1
        }
        rects.removeLast(rects.count - kept)
    }

    public func offsetBy(dx: Int64, dy: Int64) -> Region {
        if dx == 0 && dy == 0 { return self }
        var out = Region()
        out.rects = rects.map { $0.offsetBy(dx: dx, dy: dy) }
        return out
    }

    public func contains(x: Int64, y: Int64) -> Bool { rects.contains { $0.contains(x: x, y: y) } }

    /// Whether every pixel of `rect` is in the region.
    public func contains(_ rect: Rect) -> Bool {
        var rest = [rect]
        for r in rects { rest = rest.flatMap { $0.subtracting(r) }; if rest.isEmpty { return true } }
        return rest.allSatisfy(\.isEmpty)
    }

    /// At most `maxRects` rectangles: beyond that, the bounding box (a superset).
    public func simplified(maxRects: Int = 32) -> Region {
        rects.count <= maxRects ? self : Region(bounds)
    }

    public static func == (a: Region, b: Region) -> Bool {
        a.area == b.area && a.rects.allSatisfy { b.contains($0) }
    }

    public var description: String { rects.isEmpty ? "(empty)" : rects.map(\.description).joined(separator: " ") }
}
