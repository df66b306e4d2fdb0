import CProtocolsServer
import CWaylandServer
import Compositor
import Glibc

/// wp_presentation: tells clients when their frames reached the screen, on CLOCK_MONOTONIC. With the DRM
/// backend the time is the page flip's; with a virtual clock it is Seawall's own repaint time.
final class WpPresentation: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit

    static let implementation = Implementation(wp_presentation_interface(
        destroy: Resource.destroyRequest,
        feedback: { client, resource, surface, id in
            guard let client, let presentation = WpPresentation.from(resource) else { return }
            guard let surface = WlSurface.from(surface) else {
                return presentation.server.postImplementationError(client: client, "wp_presentation.feedback: not a wl_surface Seawall made")
            }
            guard let feedback = PresentationFeedback.create(server: presentation.server, client: client, id: id,
                                                             surface: surface.state)
            else { return }
            surface.state.pending.frameCallbacks.append(feedback)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        guard let (resource, _) = makeResource(client: client, version: Int32(version), id: id, { _ in
            WpPresentation(server: server)
        }) else { return }
        wp_presentation_send_clock_id(resource, UInt32(CLOCK_MONOTONIC))
    }

    private init(server: Server) { self.server = server }
}

/// wp_presentation_feedback: one commit's answer, sent once (presented, or discarded when a later commit or the
/// surface's end comes first) and then destroyed.
final class PresentationFeedback: ProtocolObject, FrameCallbackSink {
    private unowned(unsafe) let server: Server
    private var resource: OpaquePointer?
    private let client: OpaquePointer
    /// The surface whose commit this answers.
    private weak var surface: Surface?

    static let implementation = Implementation<NoRequests>.none

    static func create(server: Server, client: OpaquePointer, id: UInt32, surface: Surface) -> PresentationFeedback? {
        guard let (resource, feedback) = makeResource(client: client, version: 1, id: id, { _ in
            PresentationFeedback(server: server, client: client, surface: surface)
        }) else { return nil }
        feedback.resource = resource
        return feedback
    }

    private init(server: Server, client: OpaquePointer, surface: Surface) {
        self.server = server
        self.client = client
        self.surface = surface
    }

    /// sync_output with each of the client's wl_outputs of the output the surface is mostly on
    /// (`Compositor.mainOutput`; none if the client bound none), then presented, then the object is gone.
    func presented(_ frame: FramePresentation) {
        guard let resource else { return }
        if let head = surface.flatMap({ server.compositor.mainOutput(of: $0) }) {
            for output in server.outputs(of: client) where output.head == head {
                wp_presentation_feedback_send_sync_output(resource, output.resource)
            }
        }
        let seconds = frame.nanoseconds / 1_000_000_000
        let flags = frame.fromHardware
            ? WP_PRESENTATION_FEEDBACK_KIND_VSYNC.rawValue | WP_PRESENTATION_FEEDBACK_KIND_HW_CLOCK.rawValue
                | WP_PRESENTATION_FEEDBACK_KIND_HW_COMPLETION.rawValue
            : 0
        wp_presentation_feedback_send_presented(
            resource, UInt32(truncatingIfNeeded: seconds >> 32), UInt32(truncatingIfNeeded: seconds),
            UInt32(frame.nanoseconds % 1_000_000_000), frame.refreshNanoseconds,
            UInt32(truncatingIfNeeded: frame.sequence >> 32), UInt32(truncatingIfNeeded: frame.sequence), flags)
        wl_resource_destroy(resource)
    }

    /// wp_presentation_feedback.discarded, then the object is gone.
    func discarded() {
        guard let resource else { return }
        wp_presentation_feedback_send_discarded(resource)
        wl_resource_destroy(resource)
    }

    /// A later commit replaced this one before it was shown: discarded.
    func replacedByLaterCommit() -> Bool {
        discarded()
        return true
    }

    /// The frame did not show the surface: its content was never displayed.
    func notDisplayed() -> Bool {
        discarded()
        return true
    }

    func resourceDestroyed() { resource = nil }
}
