/// A buffer a client has attached: pixels plus the release protocol. Implemented by wl_shm buffers.
public protocol ClientBuffer: PixelSource {
    /// Seawall starts using the buffer's contents (a commit made it current on one surface).
    func lock()
    /// Seawall stops using it on one surface; at zero users the client is told (wl_buffer.release).
    func unlock()
}

/// Told when the frame its commit was part of has been shown (wl_callback.done), or that it never will be.
public protocol FrameCallbackSink: AnyObject {
    /// The frame showing the commit this was part of reached the screen.
    func presented(_ frame: FramePresentation)
    /// A later commit replaced this one before it was shown. Returns whether the sink is finished
    /// (wp_presentation_feedback: discarded) rather than waiting for the next frame (wl_callback).
    func replacedByLaterCommit() -> Bool
    /// The surface is gone: the commit will never be shown (wp_presentation_feedback: discarded).
    func discarded()
    /// A frame was composed while the surface was not on the output (unmapped, under an unmapped parent, or
    /// wholly outside it). Returns whether the sink is finished (wp_presentation_feedback: discarded) rather
    /// than answered like a shown one (wl_callback: clients throttle on it whether or not they are seen).
    func notDisplayed() -> Bool
}

extension Surface {
    /// Adds a commit's sinks after `earlier` ones, which that commit replaces (see `replacedByLaterCommit`).
    /// In place: each earlier sink is asked once, in order, and `earlier` keeps its storage.
    static func append(_ later: [any FrameCallbackSink], after earlier: inout [any FrameCallbackSink]) {
        if !earlier.isEmpty {
            var kept = 0
            for index in earlier.indices where !earlier[index].replacedByLaterCommit() {
                earlier.swapAt(kept, index)
                kept += 1
            }
            earlier.removeLast(earlier.count - kept)
        }
        earlier.append(contentsOf: later)
    }
}

/// When and how a frame reached the screen (wl_callback.done takes the milliseconds; wp_presentation all).
public struct FramePresentation: Sendable, Equatable {
    /// Presentation time on CLOCK_MONOTONIC.
    public var nanoseconds: UInt64
    /// The output's frame counter.
    public var sequence: UInt64
    /// Nanoseconds between frames, 0 if unknown.
    public var refreshNanoseconds: UInt32
    /// Whether the time and completion came from the display hardware (a page-flip event) rather than
    /// Seawall's own clock.
    public var fromHardware: Bool

    public init(nanoseconds: UInt64, sequence: UInt64, refreshNanoseconds: UInt32, fromHardware: Bool) {
        self.nanoseconds = nanoseconds
        self.sequence = sequence
        self.refreshNanoseconds = refreshNanoseconds
        self.fromHardware = fromHardware
    }

    /// The wl_callback.done timestamp: milliseconds, wrapping.
    public var milliseconds: UInt32 { UInt32(truncatingIfNeeded: nanoseconds / 1_000_000) }
}

/// What a surface is for. Seawall shows only surfaces with a mapped role.
public enum SurfaceRole: Equatable, Sendable {
    case none
    case toplevel
    case cursor
}

/// The double-buffered state of a wl_surface: requests change `pending`; `commit()` makes it current.
public final class Surface {
    /// Changes to the attached buffer, as requested since the last commit.
    public enum BufferChange {
        case unchanged
        case attach(any ClientBuffer)
        case detach

        public var isAttach: Bool { if case .attach = self { return true } else { return false } }
    }

    public struct PendingState {
        public var buffer: BufferChange = .unchanged
        public var offsetX: Int64 = 0
        public var offsetY: Int64 = 0
        /// In surface coordinates (wl_surface.damage).
        public var surfaceDamage = Region()
        /// In buffer coordinates (wl_surface.damage_buffer): `bufferScale` buffer pixels per surface unit.
        public var bufferDamage = Region()
        /// nil: unchanged by this commit. `.some(nil)`: reset to the default (empty opaque / infinite input).
        public var opaqueRegion: Region?? = nil
        public var inputRegion: Region?? = nil
        public var frameCallbacks: [any FrameCallbackSink] = []
        public var bufferScale: Int32? = nil
        /// wp_viewport's whole state as last requested; nil: unchanged by this commit.
        public var viewport: Viewport? = nil
        public init() {}

        /// Back to the state of `init()`, keeping the storage of the damage and callback lists: every commit
        /// empties them, and the next frame's requests fill them again without allocating.
        mutating func reset() {
            var fresh = PendingState()
            surfaceDamage.removeAll(keepingCapacity: true)
            bufferDamage.removeAll(keepingCapacity: true)
            frameCallbacks.removeAll(keepingCapacity: true)
            swap(&fresh.surfaceDamage, &surfaceDamage)
            swap(&fresh.bufferDamage, &bufferDamage)
            swap(&fresh.frameCallbacks, &frameCallbacks)
            self = fresh
        }
    }

    /// What one commit changed, for the scene to turn into output damage.
    public struct CommitEffect {
        /// The surface's damage in surface-local coordinates, clipped to its size.
        public var damage: Region
        /// The buffer size changed (or the surface gained/lost its buffer): repaint old and new extents.
        public var sizeChanged: Bool
        /// attach's dx/dy (wl_surface.offset): how far the content moved.
        public var offsetX: Int64
        public var offsetY: Int64
        public var hasBuffer: Bool
        /// The commit changed where this surface's subsurfaces are (order or position): the whole tree's
        /// extent needs repainting.
        public var subsurfacesMoved = false
        /// The commit set a new input region (wl_surface.set_input_region).
        public var inputRegionChanged = false

        /// Whether the commit changes what the surface looks like or where it is: damage, a new size, an
        /// offset or moved subsurfaces (a commit of nothing but frame callbacks changes nothing).
        public var changesPicture: Bool {
            !damage.isEmpty || sizeChanged || offsetX != 0 || offsetY != 0 || subsurfacesMoved
        }

        /// Whether the commit can change where the surface's tree takes pointer input: a new size (or buffer,
        /// or none), an offset, moved subsurfaces or a new input region. New pixels alone cannot.
        public var changesShapeOrInput: Bool {
            sizeChanged || offsetX != 0 || offsetY != 0 || subsurfacesMoved || inputRegionChanged
        }
    }

    public let id: UInt64
    /// The client the surface belongs to.
    public let client: ClientID
    public var pending = PendingState()
    public private(set) var buffer: (any ClientBuffer)?
    public private(set) var opaqueRegion = Region()
    /// nil means infinite (the whole surface accepts input).
    public private(set) var inputRegion: Region?
    /// Committed frame callbacks waiting for the next frame to be shown.
    public private(set) var frameCallbacks: [any FrameCallbackSink] = []
    public private(set) var bufferScale: Int32 = 1
    /// wp_viewport: crop and destination size (Viewport.swift).
    public private(set) var viewport = Viewport()
    public var role: SurfaceRole = .none
    /// The surface's pointer lock or confinement (at most one: Seawall has one seat). PointerConstraints.swift.
    public internal(set) var pointerConstraint: PointerConstraint?
    /// Counts commits, for tests and statistics.
    public private(set) var commitCount: UInt64 = 0
    /// The storage of the last commit's damage (`CommitEffect.damage`), refilled by the next commit: the
    /// effect is gone by then (the compositor uses it during the commit), so no region is allocated per commit.
    private var committedDamage = Region()

    // Subsurface tree (SurfaceTree.swift): the parent, children below and above the surface's own content
    // (bottom to top), their pending order and position, and the state cached while synchronized.
    public internal(set) weak var parent: Surface?
    public internal(set) var childrenBelow: [Surface] = []
    public internal(set) var childrenAbove: [Surface] = []
    var pendingOrder: (below: [Surface], above: [Surface])?
    /// Position relative to the parent (current, and as requested for the parent's next commit).
    public internal(set) var positionX: Int64 = 0
    public internal(set) var positionY: Int64 = 0
    var pendingPosition: (x: Int64, y: Int64)?
    /// wl_subsurface.set_sync / set_desync; meaningful only with a parent.
    public var synchronized = true
    /// A synchronized subsurface's commits, waiting for its parent's commit.
    var cached: PendingState?

    public init(id: UInt64, client: ClientID = ClientID(0)) {
        self.id = id
        self.client = client
    }

    /// The surface's size in logical (surface-local) coordinates: the viewport's destination size, else its
    /// source size, else the buffer's size divided by the buffer scale (the division is exact:
    /// `bufferSizeError` refuses a commit where it would not be). 0 without a buffer.
    public var width: Int64 {
        guard let buffer else { return 0 }
        return viewport.logicalSize?.width ?? Int64(buffer.width) / Int64(bufferScale)
    }
    public var height: Int64 {
        guard let buffer else { return 0 }
        return viewport.logicalSize?.height ?? Int64(buffer.height) / Int64(bufferScale)
    }

    /// The buffer the pending commit would show: attached now, cached by a synchronized subsurface, or the
    /// current one.
    private var prospectiveBuffer: (any ClientBuffer)? {
        switch pending.buffer {
        case .attach(let attached): return attached
        case .detach: return nil
        case .unchanged:
            switch cached?.buffer {
            case .attach(let attached)?: return attached
            case .detach?: return nil
            case .unchanged?, nil: return buffer
            }
        }
    }

    /// Why committing the pending state now must be refused with a wp_viewport error (bad_size,
    /// out_of_buffer), or nil. Checked against the buffer, scale and viewport the commit would show.
    public func viewportError() -> ViewportError? {
        guard let shown = prospectiveBuffer else { return nil }
        let state = pending.viewport ?? cached?.viewport ?? viewport
        guard state.isSet else { return nil }
        let scale = pending.bufferScale ?? cached?.bufferScale ?? bufferScale
        return state.commitError(bufferWidth: shown.width, bufferHeight: shown.height, bufferScale: scale)
    }

    /// Why committing the pending state now must be refused with wl_surface.error.invalid_size, or nil: the
    /// buffer the commit would show (attached now, cached by a synchronized subsurface, or the current one)
    /// must be a whole multiple of the buffer scale it would be shown at, in both directions.
    public func bufferSizeError() -> String? {
        let scale = pending.bufferScale ?? cached?.bufferScale ?? bufferScale
        guard let shown = prospectiveBuffer, scale > 1 else { return nil }
        if shown.width % scale == 0 && shown.height % scale == 0 { return nil }
        return "buffer size \(shown.width)x\(shown.height) is not a multiple of the buffer scale \(scale)"
    }
    public var hasBuffer: Bool { buffer != nil }

    /// Applies the pending state (wl_surface.commit). Buffers are locked while current and unlocked once
    /// replaced: Seawall composes from client memory, so it needs a buffer exactly while it is current.
    public func commit() -> CommitEffect {
        commitCount += 1
        let oldWidth = width, oldHeight = height
        let hadBuffer = hasBuffer
        switch pending.buffer {
        case .unchanged: break
        case .attach(let newBuffer):
            newBuffer.lock()
            buffer?.unlock()
            buffer = newBuffer
        case .detach:
            buffer?.unlock()
            buffer = nil
        }
        if let opaque = pending.opaqueRegion { opaqueRegion = opaque ?? Region() }
        if let input = pending.inputRegion { inputRegion = input }
        if let scale = pending.bufferScale { bufferScale = scale }
        let viewportChanged = pending.viewport.map { $0 != viewport } ?? false
        if let newViewport = pending.viewport { viewport = newViewport }
        Surface.append(pending.frameCallbacks, after: &frameCallbacks)
        pointerConstraint?.applyPending()

        // Buffer damage is in buffer pixels: to surface coordinates, rounded outwards.
        var damage = Region()
        swap(&damage, &committedDamage)
        damage.removeAll(keepingCapacity: true)
        damage.add(pending.surfaceDamage)
        if viewport.isSet {
            // Buffer pixels map to the surface through the crop and scale: damage all of it, conservatively.
            if !pending.bufferDamage.isEmpty { damage.add(Rect(x: 0, y: 0, width: width, height: height)) }
        } else {
            for rect in pending.bufferDamage.rects { damage.add(rect.covering(dividedBy: Int64(bufferScale))) }
        }
        damage.formIntersection(Rect(x: 0, y: 0, width: width, height: height))
        damage = damage.simplified()
        committedDamage = damage
        var effect = CommitEffect(
            damage: damage,
            sizeChanged: hadBuffer != hasBuffer || oldWidth != width || oldHeight != height || viewportChanged,
            offsetX: pending.offsetX, offsetY: pending.offsetY, hasBuffer: hasBuffer)
        effect.inputRegionChanged = pending.inputRegion != nil
        pending.reset()
        return effect
    }

    /// Hands out the committed frame callbacks, which the caller completes once the frame is shown.
    public func takeFrameCallbacks() -> [any FrameCallbackSink] {
        defer { frameCallbacks = [] }
        return frameCallbacks
    }

    /// Moves the committed frame callbacks to the end of `sinks`, leaving out those for which `keep` is false
    /// (asked once each, in order); this surface's list keeps its storage for the next commit.
    public func moveFrameCallbacks(into sinks: inout [any FrameCallbackSink], keep: (any FrameCallbackSink) -> Bool) {
        for sink in frameCallbacks where keep(sink) { sinks.append(sink) }
        frameCallbacks.removeAll(keepingCapacity: true)
    }

    /// The surface is going away: drop the buffer (releasing it); callbacks and feedback of commits current,
    /// cached or pending will never be answered by a frame, and are told so.
    public func tearDown() {
        detachFromTree()
        if case .attach(let held)? = cached?.buffer { held.unlock() }
        let unanswered = frameCallbacks + (cached?.frameCallbacks ?? []) + pending.frameCallbacks
        cached = nil
        pending = PendingState()
        buffer?.unlock()
        buffer = nil
        frameCallbacks = []
        for sink in unanswered { sink.discarded() }
    }
}
