/// The decisions behind the control socket's commands (`seawall ctl`), in pure Swift: which window a name
/// means, which output a name means and which outputs a window is on, when the output or a window counts as
/// settled, and whether frames may be stepped by hand. The Control module turns requests into calls here and
/// answers with what they decide.

extension Compositor {
    /// The mapped toplevel a control command names with `query`, an app_id or a title: a window whose app_id
    /// is exactly `query` wins over one whose title is; among several equal matches, the one highest in the
    /// stack (the one a person would see). Unmapped windows never match; minimized ones do (`seawall ctl focus`
    /// brings one back).
    public func window(matching query: String) -> Window? {
        let mapped: [Window] = scene.views.reversed().filter(\.mapped).compactMap { self.window(of: $0.surface) }
        return mapped.first { $0.appID == query } ?? mapped.first { $0.title == query }
    }

    /// The output a control command names: its name (SEAWALL-1, SEAWALL-2, …; ASCII letters in any case).
    public func output(named name: String) -> OutputArea? {
        let wanted = name.uppercased()
        return outputs.first { $0.name == wanted }
    }

    /// The outputs a window is shown on (`seawall ctl windows`), in order: those its window geometry overlaps
    /// (its shadow or other margins outside the geometry do not count); none while it is minimized or unmapped.
    public func outputs(ofWindow window: Window) -> [OutputArea] {
        guard !window.minimized, let surface = window.surface, scene.view(for: surface)?.mapped == true,
              let rect = windowRect(window), !rect.isEmpty else { return [] }
        return outputs.filter { !$0.rect.intersection(rect).isEmpty }
    }
}

/// When the output, and each window, last changed: what `wait settled` waits on.
///
/// "Settled" means no change reached the output (or that window) for the quiet period: the output changes
/// when damage inside it is added (a commit that changed pixels, a window mapped, moved, raised, gone); a
/// window changes when a commit in its surface tree damaged it, resized it, moved it or (un)mapped it. A
/// commit that changes nothing (frame callbacks only) does not count. Time is the caller's, in nanoseconds
/// on one monotonic clock; the tracker only compares the scene's change counters between observations, so
/// the caller must `observe` after every scene change (a late observation only makes a wait longer).
public final class SettleTracker {
    /// When the output last changed (or the tracker started).
    public private(set) var outputChangedAt: UInt64
    private var seenOutputChanges: UInt64

    /// One mapped view as last seen: its surface, its change count, and when it last changed (or was first
    /// seen mapped).
    private struct Seen {
        let id: ObjectIdentifier
        var changes: UInt64
        var at: UInt64
    }
    /// The mapped views of the last observation, bottom to top (the scene's order).
    private var seen: [Seen] = []
    /// Where each of them is in `seen`.
    private var index: [ObjectIdentifier: Int] = [:]
    /// The next `seen`, built when the stack changed (kept between observations: no allocation once grown).
    private var rebuilt: [Seen] = []
    /// The scene's `stackChanges` and `viewChanges` as of the last observation.
    private var seenStackChanges: UInt64 = 0
    private var seenViewChanges: UInt64 = 0

    public init(scene: Scene, now: UInt64) {
        outputChangedAt = now
        seenOutputChanges = scene.outputChanges
        observe(scene, now: now)
    }

    /// Notes what changed since the last observation as having changed at `now`.
    ///
    /// It runs after every scene change (each commit of every window), so the usual case costs O(1): the stack
    /// is as it was (`Scene.stackChanges`) and at most one view changed since the last observation
    /// (`Scene.viewChanges`, `lastChangedView`), which is updated alone. Otherwise one pass over the mapped
    /// views without hashing or allocating compares each view with the one seen at its place; only a stack
    /// that changed (a window mapped, unmapped, raised) is looked up view by view.
    public func observe(_ scene: Scene, now: UInt64) {
        if scene.outputChanges != seenOutputChanges {
            seenOutputChanges = scene.outputChanges
            outputChangedAt = now
        }
        let stackStayed = scene.stackChanges == seenStackChanges
        let previousViewChanges = seenViewChanges
        seenStackChanges = scene.stackChanges
        seenViewChanges = scene.viewChanges
        if stackStayed && scene.viewChanges == previousViewChanges { return }
        if stackStayed, scene.viewChanges == previousViewChanges &+ 1, let view = scene.lastChangedView,
           let place = index[ObjectIdentifier(view.surface)] {
            if seen[place].changes != view.changes {
                seen[place].changes = view.changes
                seen[place].at = now
            }
            return
        }
        var place = 0
        for view in scene.mappedViews {
            guard place < seen.count, seen[place].id == ObjectIdentifier(view.surface) else {
                restack(scene, now: now)
                return
            }
            if seen[place].changes != view.changes {
                seen[place].changes = view.changes
                seen[place].at = now
            }
            place += 1
        }
        if place != seen.count { restack(scene, now: now) }
    }

    /// `observe` for a stack that is not the one seen last: every mapped view keeps what was known of it (a
    /// raised window has not changed by being raised; the scene counts a restack as a change of the output
    /// and, if it damaged the window, of the window), newly mapped ones changed `now`, unmapped ones are
    /// forgotten.
    private func restack(_ scene: Scene, now: UInt64) {
        rebuilt.removeAll(keepingCapacity: true)
        for view in scene.mappedViews {
            let id = ObjectIdentifier(view.surface)
            if let known = index[id].map({ seen[$0] }), known.changes == view.changes {
                rebuilt.append(known)
            } else {
                rebuilt.append(Seen(id: id, changes: view.changes, at: now))
            }
        }
        swap(&seen, &rebuilt)
        index.removeAll(keepingCapacity: true)
        for (place, view) in seen.enumerated() { index[view.id] = place }
    }

    /// When `surface`'s window last changed, or nil if it is not mapped (as of the last observation).
    public func lastChange(of surface: Surface) -> UInt64? { index[ObjectIdentifier(surface)].map { seen[$0].at } }

    /// What a `wait settled` should do now.
    public enum Verdict: Equatable, Sendable {
        /// Quiet for long enough: answer.
        case settled
        /// Not yet: quiet since the last change, so settled at this time unless something changes first.
        case quietAt(UInt64)
        /// The window is not mapped (yet): look again when the scene changes.
        case windowNotMapped
    }

    /// Whether the output (`window` nil) or the window whose surface is `window` has been quiet for
    /// `quietNanoseconds` at `now`.
    public func verdict(window: Surface?, quietNanoseconds: UInt64, now: UInt64) -> Verdict {
        let last: UInt64
        if let window {
            guard let at = lastChange(of: window) else { return .windowNotMapped }
            last = at
        } else {
            last = outputChangedAt
        }
        let (due, overflow) = last.addingReportingOverflow(quietNanoseconds)
        if overflow { return .quietAt(.max) }
        return now >= due ? .settled : .quietAt(due)
    }
}

/// `seawall ctl frame N`: frames stepped by hand, which only a Seawall that repaints on request allows.
public enum FrameStepping {
    /// The most frames one request may step.
    public static let maxFrames = 1000

    /// Why `count` frames cannot be stepped under `mode`, or nil if they can.
    public static func refusal(count: Int, mode: RefreshMode) -> String? {
        guard (1...maxFrames).contains(count) else { return "frame count \(count) must be between 1 and \(maxFrames)" }
        switch mode {
        case .manual: return nil
        case .interval(let hz): return "frames are stepped only with --refresh manual; this Seawall repaints at \(hz) Hz"
        case .onCommit: return "frames are stepped only with --refresh manual; this Seawall repaints on every commit (--refresh 0)"
        case .display: return "frames are stepped only with --refresh manual; this Seawall is paced by its display"
        }
    }
}
