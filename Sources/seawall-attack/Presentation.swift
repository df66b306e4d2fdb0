import CProtocolsClient
import CWaylandClient
import DemoClientKit
import Glibc

/// wp_presentation_feedback must end in presented or discarded, whatever happens to its surface; a server
/// that forgets one keeps the object until the client disconnects (and the client waits forever).
let presentationScenarios: [Scenario] = [
    Scenario(name: "feedback-then-destroy-surface", summary: "3 wp_presentation.feedback and a frame callback on a commit, then destroy the surface at once") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        guard let presentation = client.presentation, let window = client.window(),
              let buffer = client.buffer(client.pool(fd: fd, size: 4096), width: 16, height: 16)
        else { return note("no wp_presentation") }
        let counts = FeedbackCounts.make()
        for _ in 0..<3 {
            guard let feedback = wp_presentation_feedback(presentation, window.surface) else { return }
            wp_presentation_feedback_add_listener(feedback, feedbackListener, counts)
        }
        wl_surface_attach(window.surface, buffer, 0, 0)
        wl_surface_damage_buffer(window.surface, 0, 0, 16, 16)
        wl_surface_commit(window.surface)
        xdg_toplevel_destroy(window.toplevel)
        xdg_surface_destroy(window.xdgSurface)
        wl_surface_destroy(window.surface)   // in the same batch: before any frame can show the commit
        let deadline = now() + 3
        while counts.pointee.presented + counts.pointee.discarded < 3 && now() < deadline {
            if wl_display_dispatch_timeout(client.display, 100) < 0 { return }
        }
        note("feedback: \(counts.pointee.presented) presented, \(counts.pointee.discarded) discarded")
    },
    Scenario(name: "feedback-replaced-by-later-commit", summary: "two commits with feedback before a frame: the first is discarded, the second presented") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        guard let presentation = client.presentation, let window = client.window(),
              let buffer = client.buffer(client.pool(fd: fd, size: 4096), width: 16, height: 16)
        else { return note("no wp_presentation") }
        let first = FeedbackCounts.make(), second = FeedbackCounts.make()
        for counts in [first, second] {
            guard let feedback = wp_presentation_feedback(presentation, window.surface) else { return }
            wp_presentation_feedback_add_listener(feedback, feedbackListener, counts)
            wl_surface_attach(window.surface, buffer, 0, 0)
            wl_surface_damage_buffer(window.surface, 0, 0, 16, 16)
            wl_surface_commit(window.surface)
        }
        let deadline = now() + 3
        let (a, b) = (first, second)
        while a.pointee.presented + a.pointee.discarded + b.pointee.presented + b.pointee.discarded < 2 && now() < deadline {
            if wl_display_dispatch_timeout(client.display, 100) < 0 { return }
        }
        note("first: \(a.pointee.presented) presented, \(a.pointee.discarded) discarded; second: \(b.pointee.presented) presented, \(b.pointee.discarded) discarded")
    },
]

/// What the feedback objects of one commit heard; the listener's user data (allocated for the process's
/// life, which is one scenario).
struct FeedbackCounts {
    var presented = 0
    var discarded = 0

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
