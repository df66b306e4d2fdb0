import Compositor
import CWaylandServer

/// wl_callback from wl_surface.frame: answered once with `done(time)` when the frame showing its commit
/// has been presented, then destroyed (the protocol's rule for this one-shot object).
///
/// A client asks for one per frame, so the Swift objects are reused: once its resource is gone, an object goes
/// to the server's spares (`Server.spareFrameCallbacks`, at most `Server.maxSpareFrameCallbacks`), and a later
/// wl_surface.frame takes it again only if nothing else still holds it (a surface's list, the frame clock's
/// paced frames): an object that is only a spare cannot be told about any other commit than its next one.
final class WlCallback: ProtocolObject, FrameCallbackSink {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private var resource: OpaquePointer?

    static let implementation = Implementation<NoRequests>.none

    private init(server: Server) { self.server = server }

    static func create(server: Server, client: OpaquePointer, id: UInt32) -> WlCallback? {
        // A spare still held elsewhere is let go (it dies with its last holder).
        var reused: WlCallback?
        if var spare = server.spareFrameCallbacks.popLast(), isKnownUniquelyReferenced(&spare) { reused = spare }
        guard let (resource, callback) = makeResource(client: client, version: 1, id: id, { _ in reused ?? WlCallback(server: server) })
        else {
            if let reused { server.spareFrameCallbacks.append(reused) }
            return nil
        }
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

    func resourceDestroyed() {
        resource = nil
        guard !server.shuttingDown, server.spareFrameCallbacks.count < Server.maxSpareFrameCallbacks else { return }
        server.spareFrameCallbacks.append(self)
    }
}
