import CProtocolsClient
import CWaylandClient
import DemoClientKit
import Glibc

/// wp_presentation_feedback must end in presented or discarded, whatever happens to its surface; a server
/// that forgets one keeps the object until the client disconnects (and the client waits forever).
let presentationScenarios: [Scenario] = [
    Scenario(name: "feedback-then-destroy-surface", summary: "3 wp_presentation.feedback and a frame callback on a commit, then destroy the surface at once") { client in
        guard let (presentation, window, buffer) = setUp(client) else { return note("no wp_presentation") }
        let counts = FeedbackCounts.make()
        for _ in 0..<3 { requestFeedback(presentation, window.surface, counts) }
        wl_surface_attach(window.surface, buffer, 0, 0)
        wl_surface_damage_buffer(window.surface, 0, 0, 16, 16)
        wl_surface_commit(window.surface)
        xdg_toplevel_destroy(window.toplevel)
        xdg_surface_destroy(window.xdgSurface)
        wl_surface_destroy(window.surface)   // in the same batch: before any frame can show the commit
        client.dispatch(for: 3) { counts.pointee.ended == 3 }
        note("feedback: \(counts.pointee.presented) presented, \(counts.pointee.discarded) discarded")
    },
    Scenario(name: "feedback-replaced-by-later-commit", summary: "two commits with feedback before a frame: the first is discarded, the second presented") { client in
        guard let (presentation, window, buffer) = setUp(client) else { return note("no wp_presentation") }
        let first = FeedbackCounts.make(), second = FeedbackCounts.make()
        for counts in [first, second] {
            requestFeedback(presentation, window.surface, counts)
            wl_surface_attach(window.surface, buffer, 0, 0)
            wl_surface_damage_buffer(window.surface, 0, 0, 16, 16)
            wl_surface_commit(window.surface)
        }
        let (a, b) = (first, second)
        client.dispatch(for: 3) { a.pointee.ended + b.pointee.ended == 2 }
        note("first: \(a.pointee.presented) presented, \(a.pointee.discarded) discarded; second: \(b.pointee.presented) presented, \(b.pointee.discarded) discarded")
    },
    Scenario(name: "feedback-for-unseen-surfaces", summary: "feedback on a role-less surface, on a subsurface placed far outside the output and on a shown window, in one frame") { client in
        guard let (presentation, window, buffer) = setUp(client), let compositor = client.compositor,
              let subcompositor = client.subcompositor,
              let roleless = wl_compositor_create_surface(compositor), let child = wl_compositor_create_surface(compositor),
              let subsurface = wl_subcompositor_get_subsurface(subcompositor, child, window.surface)
        else { return note("no wp_presentation or wl_subcompositor") }
        wl_subsurface_set_desync(subsurface)
        wl_subsurface_set_position(subsurface, 1_000_000, 1_000_000)
        let counts = (roleless: FeedbackCounts.make(), offOutput: FeedbackCounts.make(), shown: FeedbackCounts.make())
        for (surface, sink) in [(roleless, counts.roleless), (child, counts.offOutput), (window.surface, counts.shown)] {
            requestFeedback(presentation, surface, sink)
            wl_surface_attach(surface, buffer, 0, 0)
            wl_surface_damage_buffer(surface, 0, 0, 16, 16)
            wl_surface_commit(surface)   // the window's commit also applies the subsurface's position
        }
        client.dispatch(for: 3) { counts.roleless.pointee.ended + counts.offOutput.pointee.ended + counts.shown.pointee.ended == 3 }
        for (name, sink) in [("role-less", counts.roleless), ("outside the output", counts.offOutput), ("shown", counts.shown)] {
            note("\(name): \(sink.pointee.presented) presented, \(sink.pointee.discarded) discarded")
        }
    },
]

/// A window and a 16x16 buffer for it (not attached), with the bound wp_presentation; nil without it.
private func setUp(_ client: AttackClient)
    -> (OpaquePointer, (surface: OpaquePointer, xdgSurface: OpaquePointer, toplevel: OpaquePointer), OpaquePointer)? {
    let fd = client.sealedMemfd(4096)
    defer { if fd >= 0 { close(fd) } }   // the request queued its own copy
    guard let presentation = client.presentation, let window = client.window(),
          let buffer = client.buffer(client.pool(fd: fd, size: 4096), width: 16, height: 16) else { return nil }
    return (presentation, window, buffer)
}

/// wp_presentation.feedback for `surface`'s next commit, counted into `counts`.
private func requestFeedback(_ presentation: OpaquePointer, _ surface: OpaquePointer,
                             _ counts: UnsafeMutablePointer<FeedbackCounts>) {
    guard let feedback = wp_presentation_feedback(presentation, surface) else { return }
    wp_presentation_feedback_add_listener(feedback, feedbackListener, counts)
}

/// What the feedback objects of one commit heard; the listener's user data (allocated for the process's
/// life, which is one scenario).
struct FeedbackCounts {
    var presented = 0
    var discarded = 0
    var ended: Int { presented + discarded }

    static func make() -> UnsafeMutablePointer<FeedbackCounts> {
        let pointer = UnsafeMutablePointer<FeedbackCounts>.allocate(capacity: 1)
        pointer.initialize(to: FeedbackCounts())
        return pointer
    }
}

/// Counts presented and discarded into the FeedbackCounts its user data points at, and destroys the proxy.
private nonisolated(unsafe) let feedbackListener = listenerTable(wp_presentation_feedback_listener(
    sync_output: { _, _, _ in },
    presented: { data, feedback, _, _, _, _, _, _, _ in
        data?.assumingMemoryBound(to: FeedbackCounts.self).pointee.presented += 1
        wp_presentation_feedback_destroy(feedback)
    },
    discarded: { data, feedback in
        data?.assumingMemoryBound(to: FeedbackCounts.self).pointee.discarded += 1
        wp_presentation_feedback_destroy(feedback)
    }))
