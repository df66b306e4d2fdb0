import Compositor
import CWaylandServer

/// wl_callback from wl_surface.frame: answered once with `done(time)` when the frame showing its commit
/// has been presented, then destroyed (the protocol's rule for this one-shot object).
final class WlCallback: ProtocolObject, FrameCallbackSink {
    private var resource: OpaquePointer?

    static let implementation = Implementation<NoRequests>.none

    static func create(client: OpaquePointer, id: UInt32) -> WlCallback? {
        guard let (resource, callback) = makeResource(client: client, version: 1, id: id, { _ in WlCallback() })
        else { return nil }
        callback.resource = resource
        return callback
    }

    func presented(_ frame: FramePresentation) {
        guard let resource else { return }
        wl_callback_send_done(resource, frame.milliseconds)
        wl_resource_destroy(resource)
    }

    /// Still answered by the next frame: clients throttle their drawing on it.
    func replacedByLaterCommit() -> Bool { false }

    /// Answered with the frame all the same: clients pace their drawing on it, seen or not.
    func notDisplayed() -> Bool { false }

    /// The surface is gone: destroyed unanswered (as Weston does), so a client that makes and destroys
    /// surfaces in a loop does not pile up callbacks in Seawall until it disconnects.
    func discarded() {
        guard let resource else { return }
        wl_resource_destroy(resource)
    }

    func resourceDestroyed() { resource = nil }
}
