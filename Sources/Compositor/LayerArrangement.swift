/// zwlr_layer_shell_v1's geometry, in pure arithmetic: where each layer surface goes on the output (its
/// anchors, margins and size) and which part of the output is left for windows once the exclusive zones are
/// taken (the usable area: maximized and fullscreen windows fill it, the cascade places new windows in it).
///
/// Every number comes from a client: sizes are UInt32, margins and zones Int32 of any sign, so everything here
/// is Int64 arithmetic on values that fit in 33 bits, and the results are clamped into the output's range.

/// The four layers, lowest first. Toplevel windows sit between `bottom` and `top`.
public enum Layer: UInt32, Sendable, CaseIterable, Comparable {
    case background = 0, bottom = 1, top = 2, overlay = 3

    public static func < (a: Layer, b: Layer) -> Bool { a.rawValue < b.rawValue }
}

/// Which output edges a layer surface is attached to (zwlr_layer_surface_v1.anchor, a bitfield).
public struct LayerAnchor: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let top = LayerAnchor(rawValue: 1)
    public static let bottom = LayerAnchor(rawValue: 2)
    public static let left = LayerAnchor(rawValue: 4)
    public static let right = LayerAnchor(rawValue: 8)
    public static let all: LayerAnchor = [.top, .bottom, .left, .right]

    /// The wire value, or nil when it has bits outside the four edges.
    public init?(wire: UInt32) {
        guard wire & ~LayerAnchor.all.rawValue == 0 else { return nil }
        rawValue = wire
    }

    /// The edge an exclusive zone is measured from: the surface is anchored to exactly one edge, or to one
    /// edge and both edges perpendicular to it. Any other combination has none (a positive zone counts as 0).
    public var exclusiveEdge: LayerAnchor? {
        // Bit arithmetic rather than set algebra: this runs for every surface at every arrangement.
        let horizontal = rawValue & 12, vertical = rawValue & 3
        if vertical == 0 || vertical == 3 {
            if horizontal == 4 || horizontal == 8 { return LayerAnchor(rawValue: horizontal) }
        } else if horizontal == 0 || horizontal == 12 {
            return LayerAnchor(rawValue: vertical)   // exactly one of top and bottom
        }
        return nil
    }
}

/// How a layer surface takes keyboard input (zwlr_layer_surface_v1.keyboard_interactivity).
public enum KeyboardInteractivity: UInt32, Sendable {
    /// Never focused.
    case none = 0
    /// In the top and overlay layers: holds the keyboard while mapped, whatever else is clicked. In the lower
    /// layers: focused like on_demand.
    case exclusive = 1
    /// Focused when it maps or is clicked, and loses the focus to a window clicked or mapped later.
    case onDemand = 2
}

/// A layer surface's double-buffered state, as the client last committed it.
public struct LayerSurfaceState: Equatable, Sendable {
    public var layer: Layer
    /// The size asked for; 0 in a dimension lets the compositor choose (both anchors of that dimension needed).
    public var width: UInt32 = 0
    public var height: UInt32 = 0
    public var anchor: LayerAnchor = []
    public var exclusiveZone: Int32 = 0
    public var marginTop: Int32 = 0, marginRight: Int32 = 0, marginBottom: Int32 = 0, marginLeft: Int32 = 0
    public var keyboardInteractivity: KeyboardInteractivity = .none

    public init(layer: Layer) { self.layer = layer }

    /// Why a commit of this state must be refused (zwlr_layer_surface_v1.error.invalid_size), or nil.
    public var sizeError: String? {
        if width == 0 && !anchor.isSuperset(of: [.left, .right]) {
            return "width 0 (the compositor chooses) needs anchors on both the left and the right edge; anchors are \(anchor.describe())"
        }
        if height == 0 && !anchor.isSuperset(of: [.top, .bottom]) {
            return "height 0 (the compositor chooses) needs anchors on both the top and the bottom edge; anchors are \(anchor.describe())"
        }
        return nil
    }
}

extension LayerAnchor {
    func describe() -> String {
        var names: [String] = []
        if contains(.top) { names.append("top") }
        if contains(.bottom) { names.append("bottom") }
        if contains(.left) { names.append("left") }
        if contains(.right) { names.append("right") }
        return names.isEmpty ? "none" : names.joined(separator: "+")
    }
}

/// The arrangement of the layer surfaces on one output.
public enum LayerArrangement {
    /// Where each surface goes (same order as `states`) and the usable area left for windows.
    ///
    /// Surfaces with a positive exclusive zone on an exclusive edge are placed first, top layer to bottom
    /// layer, each inside the area the previous ones left, and each takes its zone plus its margin on that edge
    /// from the area. The others are placed afterwards in what is left (zone 0), or on the whole output
    /// (zone -1 or below: they ignore other surfaces' zones).
    public static func arrange(_ states: [LayerSurfaceState], output: Rect) -> (boxes: [Rect], usable: Rect) {
        var boxes = [Rect](repeating: Rect(x: 0, y: 0, width: 0, height: 0), count: states.count)
        var usable = output
        // One pass sorts the surfaces into the eight groups (with a zone or not, overlay down to background),
        // so that arranging stays linear in the number of surfaces.
        var groups = [[Int]](repeating: [], count: 8)
        for index in states.indices {
            let state = states[index]
            let exclusive = state.exclusiveZone > 0 && state.anchor.exclusiveEdge != nil
            groups[(exclusive ? 0 : 4) + 3 - Int(state.layer.rawValue)].append(index)
        }
        for group in groups {
            for index in group {
                let state = states[index]
                let bounds = state.exclusiveZone < 0 ? output : usable
                boxes[index] = box(for: state, in: bounds)
                if state.exclusiveZone > 0, let edge = state.anchor.exclusiveEdge {
                    usable = usable.reserving(Int64(state.exclusiveZone), on: edge, state: state)
                }
            }
        }
        return (boxes, usable)
    }

    /// One surface's rectangle inside `bounds`: a size of 0 stretches between the margins; an anchored edge
    /// puts the surface at its margin from that edge (left before right, top before bottom); no anchor in a
    /// dimension, or an explicit size with both anchors, centres it.
    public static func box(for state: LayerSurfaceState, in bounds: Rect) -> Rect {
        let anchor = state.anchor.rawValue
        let (x, width) = place(size: state.width, start: bounds.x, length: bounds.width,
                               anchoredStart: anchor & 4 != 0, anchoredEnd: anchor & 8 != 0,
                               marginStart: state.marginLeft, marginEnd: state.marginRight)
        let (y, height) = place(size: state.height, start: bounds.y, length: bounds.height,
                                anchoredStart: anchor & 1 != 0, anchoredEnd: anchor & 2 != 0,
                                marginStart: state.marginTop, marginEnd: state.marginBottom)
        return Rect(x: x, y: y, width: width, height: height)
    }

    /// One dimension of `box`. A stretched length is at least 1 (a configure of 0 would hand the choice back
    /// to the client).
    private static func place(size: UInt32, start: Int64, length: Int64, anchoredStart: Bool, anchoredEnd: Bool,
                              marginStart: Int32, marginEnd: Int32) -> (Int64, Int64) {
        let before = Int64(marginStart), after = Int64(marginEnd)
        if size == 0 {
            return (start + before, max(1, length - before - after))
        }
        let extent = Int64(size)
        if anchoredStart && anchoredEnd { return (start + before + (length - before - after - extent) / 2, extent) }
        if anchoredStart { return (start + before, extent) }
        if anchoredEnd { return (start + length - extent - after, extent) }
        return (start + (length - extent) / 2, extent)
    }
}

extension Rect {
    /// This area less `zone` plus the surface's margin on `edge` (never less than empty).
    func reserving(_ zone: Int64, on edge: LayerAnchor, state: LayerSurfaceState) -> Rect {
        var r = self
        switch edge.rawValue {
        case 1:
            let taken = min(r.height, max(0, zone + Int64(state.marginTop)))
            r.y += taken; r.height -= taken
        case 2:
            let taken = min(r.height, max(0, zone + Int64(state.marginBottom)))
            r.height -= taken
        case 4:
            let taken = min(r.width, max(0, zone + Int64(state.marginLeft)))
            r.x += taken; r.width -= taken
        default:
            let taken = min(r.width, max(0, zone + Int64(state.marginRight)))
            r.width -= taken
        }
        return r
    }
}
