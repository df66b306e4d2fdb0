/// Where an xdg_popup goes: the xdg_positioner rules (anchor point on the anchor rectangle, gravity,
/// offset) and the constraint adjustments that keep the popup inside an area (flip, slide, resize),
/// applied per axis in that order. Coordinates are relative to the parent's window geometry.
public struct PopupPositioner: Equatable, Sendable {
    public enum Edge: UInt32, Sendable { case none = 0, top, bottom, left, right, topLeft, bottomLeft, topRight, bottomRight }

    public struct Adjustment: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let slideX = Adjustment(rawValue: 1)
        public static let slideY = Adjustment(rawValue: 2)
        public static let flipX = Adjustment(rawValue: 4)
        public static let flipY = Adjustment(rawValue: 8)
        public static let resizeX = Adjustment(rawValue: 16)
        public static let resizeY = Adjustment(rawValue: 32)
    }

    public var width: Int64 = 0
    public var height: Int64 = 0
    public var anchorRect: Rect?
    public var anchor: Edge = .none
    public var gravity: Edge = .none
    public var adjustment: Adjustment = []
    public var offsetX: Int64 = 0
    public var offsetY: Int64 = 0
    public var reactive = false

    public init() {}

    /// xdg_wm_base.get_popup requires a size and an anchor rectangle.
    public var isComplete: Bool { width > 0 && height > 0 && anchorRect != nil }

    /// The popup's rectangle before any constraint.
    public func unconstrained() -> Rect {
        guard let rect = anchorRect else { return Rect(x: 0, y: 0, width: width, height: height) }
        return place(anchor: anchor, gravity: gravity, rect: rect)
    }

    private func place(anchor: Edge, gravity: Edge, rect: Rect) -> Rect {
        var x: Int64, y: Int64
        switch anchor {
        case .none: x = rect.x + rect.width / 2; y = rect.y + rect.height / 2
        case .top: x = rect.x + rect.width / 2; y = rect.y
        case .bottom: x = rect.x + rect.width / 2; y = rect.maxY
        case .left: x = rect.x; y = rect.y + rect.height / 2
        case .right: x = rect.maxX; y = rect.y + rect.height / 2
        case .topLeft: x = rect.x; y = rect.y
        case .bottomLeft: x = rect.x; y = rect.maxY
        case .topRight: x = rect.maxX; y = rect.y
        case .bottomRight: x = rect.maxX; y = rect.maxY
        }
        switch gravity {
        case .none: x -= width / 2; y -= height / 2
        case .top: x -= width / 2; y -= height
        case .bottom: x -= width / 2
        case .left: x -= width; y -= height / 2
        case .right: y -= height / 2
        case .topLeft: x -= width; y -= height
        case .bottomLeft: x -= width
        case .topRight: y -= height
        case .bottomRight: break
        }
        return Rect(x: x + offsetX, y: y + offsetY, width: width, height: height)
    }

    /// The popup's rectangle kept inside `bounds` as far as the allowed adjustments can: per axis, x then y,
    /// flip (if the flipped place fits), else slide, else resize.
    public func constrained(to bounds: Rect) -> Rect {
        var box = unconstrained()
        guard let rect = anchorRect, !bounds.isEmpty else { return box }
        let flippedX = place(anchor: anchor.flippedX, gravity: gravity.flippedX, rect: rect)
        (box.x, box.width) = Self.fit(start: box.x, size: box.width, flippedStart: flippedX.x,
                                      lower: bounds.x, upper: bounds.maxX,
                                      flip: adjustment.contains(.flipX), slide: adjustment.contains(.slideX),
                                      resize: adjustment.contains(.resizeX))
        let flippedY = place(anchor: anchor.flippedY, gravity: gravity.flippedY, rect: rect)
        (box.y, box.height) = Self.fit(start: box.y, size: box.height, flippedStart: flippedY.y,
                                       lower: bounds.y, upper: bounds.maxY,
                                       flip: adjustment.contains(.flipY), slide: adjustment.contains(.slideY),
                                       resize: adjustment.contains(.resizeY))
        return box
    }

    /// One axis of `constrained(to:)`. The protocol inverts anchor and gravity only (not the offset) to
    /// flip, and a flip that is still constrained is not taken.
    private static func fit(start: Int64, size: Int64, flippedStart: Int64, lower: Int64, upper: Int64,
                            flip: Bool, slide: Bool, resize: Bool) -> (Int64, Int64) {
        if start >= lower && start + size <= upper { return (start, size) }
        if flip && flippedStart >= lower && flippedStart + size <= upper { return (flippedStart, size) }
        if slide {
            var moved = start
            if moved + size > upper { moved = upper - size }
            if moved < lower { moved = lower }
            return (moved, size)
        }
        if resize {
            let from = max(start, lower), to = min(start + size, upper)
            if to > from { return (from, to - from) }
        }
        return (start, size)
    }
}

extension PopupPositioner.Edge {
    var flippedX: Self {
        switch self {
        case .left: return .right
        case .right: return .left
        case .topLeft: return .topRight
        case .topRight: return .topLeft
        case .bottomLeft: return .bottomRight
        case .bottomRight: return .bottomLeft
        default: return self
        }
    }

    var flippedY: Self {
        switch self {
        case .top: return .bottom
        case .bottom: return .top
        case .topLeft: return .bottomLeft
        case .bottomLeft: return .topLeft
        case .topRight: return .bottomRight
        case .bottomRight: return .topRight
        default: return self
        }
    }
}
