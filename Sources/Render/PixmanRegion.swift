import CPixman
import Compositor

/// An owned `pixman_region32_t` (a y-x banded set of boxes), freed exactly once in `deinit`.
///
/// A class rather than a `~Copyable` struct because the renderer keeps per-item regions in an array.
/// The C struct lives in its own allocation, so one region can be passed as both destination and operand
/// of pixman's in-place operations (which pixman allows) without overlapping Swift `inout` accesses.
final class PixmanRegion {
    let raw: UnsafeMutablePointer<pixman_region32_t>

    /// An empty region (`pixman_region32_init`).
    init() {
        raw = .allocate(capacity: 1)
        pixman_region32_init(raw)
    }

    /// One rectangle (`pixman_region32_init_rect`); `rect` must already be clipped to 32-bit coordinates.
    init(_ rect: Rect) {
        raw = .allocate(capacity: 1)
        if rect.isEmpty {
            pixman_region32_init(raw)
        } else {
            pixman_region32_init_rect(raw, Int32(rect.x), Int32(rect.y), UInt32(rect.width), UInt32(rect.height))
        }
    }

    /// The union of `region`'s rectangles inside `clip` (`pixman_region32_init_rects`). Rectangles are
    /// clipped in 64 bits first, so any client-derived coordinates are safe.
    init(_ region: Region, clippedTo clip: Rect) {
        raw = .allocate(capacity: 1)
        var boxes: [pixman_box32_t] = []
        boxes.reserveCapacity(region.rects.count)
        for rect in region.rects {
            let r = rect.intersection(clip)
            if r.isEmpty { continue }
            boxes.append(pixman_box32_t(x1: Int32(r.x), y1: Int32(r.y), x2: Int32(r.maxX), y2: Int32(r.maxY)))
        }
        // init_rects only fails on allocation failure; it then leaves an empty (valid) region.
        if !boxes.isEmpty, pixman_region32_init_rects(raw, boxes, Int32(boxes.count)) != 0 { return }
        pixman_region32_init(raw)
    }

    deinit {
        pixman_region32_fini(raw)
        raw.deallocate()
    }

    /// Whether the region holds no pixel (`pixman_region32_not_empty`).
    var isEmpty: Bool { pixman_region32_not_empty(raw) == 0 }

    /// self = self ∪ other (`pixman_region32_union`).
    func formUnion(_ other: PixmanRegion) {
        _ = pixman_region32_union(raw, raw, other.raw)
    }

    /// self = self − other (`pixman_region32_subtract`).
    func subtract(_ other: PixmanRegion) {
        _ = pixman_region32_subtract(raw, raw, other.raw)
    }

    /// self ∩ other as a new region (`pixman_region32_intersect`).
    func intersection(_ other: PixmanRegion) -> PixmanRegion {
        let out = PixmanRegion()
        _ = pixman_region32_intersect(out.raw, raw, other.raw)
        return out
    }

    /// self − other as a new region (`pixman_region32_subtract`).
    func subtracting(_ other: PixmanRegion) -> PixmanRegion {
        let out = PixmanRegion()
        _ = pixman_region32_subtract(out.raw, raw, other.raw)
        return out
    }

    // In-place forms, for the renderer's scratch regions: no allocation once a region's box storage is
    // large enough (pixman keeps it across operations).

    /// self = `rect` (`pixman_region32_reset`); `rect` must already be clipped to 32-bit coordinates.
    func set(_ rect: Rect) {
        if rect.isEmpty {
            pixman_region32_clear(raw)
        } else {
            var box = pixman_box32_t(x1: Int32(rect.x), y1: Int32(rect.y), x2: Int32(rect.maxX), y2: Int32(rect.maxY))
            pixman_region32_reset(raw, &box)
        }
    }

    /// self = `region`'s rectangles inside `clip`, each clipped in 64 bits first (`pixman_region32_init_rects`,
    /// which sorts and merges them in one pass). `boxes` is scratch space the caller keeps between calls.
    func set(_ region: Region, clippedTo clip: Rect, boxes: inout [pixman_box32_t]) {
        boxes.removeAll(keepingCapacity: true)
        for rect in region.rects {
            let r = rect.intersection(clip)
            if r.isEmpty { continue }
            boxes.append(pixman_box32_t(x1: Int32(r.x), y1: Int32(r.y), x2: Int32(r.maxX), y2: Int32(r.maxY)))
        }
        if boxes.count == 1 {
            pixman_region32_reset(raw, &boxes[0])
            return
        }
        pixman_region32_fini(raw)
        // init_rects only fails on allocation failure; it then leaves an empty (valid) region.
        if !boxes.isEmpty, pixman_region32_init_rects(raw, boxes, Int32(boxes.count)) != 0 { return }
        pixman_region32_init(raw)
    }

    /// self = a ∩ b (`pixman_region32_intersect`).
    func setIntersection(_ a: PixmanRegion, _ b: PixmanRegion) {
        _ = pixman_region32_intersect(raw, a.raw, b.raw)
    }

    /// self = a − b (`pixman_region32_subtract`).
    func setDifference(_ a: PixmanRegion, _ b: PixmanRegion) {
        _ = pixman_region32_subtract(raw, a.raw, b.raw)
    }

    /// self = ∅ (`pixman_region32_clear`).
    func clear() { pixman_region32_clear(raw) }

    /// Lends the region's boxes (`pixman_region32_rectangles`); the buffer is valid inside `body` only.
    func withBoxes<R>(_ body: (UnsafeBufferPointer<pixman_box32_t>) throws -> R) rethrows -> R {
        var count: Int32 = 0
        let boxes = pixman_region32_rectangles(raw, &count)
        return try body(UnsafeBufferPointer(start: boxes, count: Int(max(0, count))))
    }
}
