import CProtocolsServer
import CWaylandServer
import Compositor

/// zwlr_foreign_toplevel_manager_v1: the window list for task bars, window switchers and scripts (wlrctl).
/// Each bound manager gets a zwlr_foreign_toplevel_handle_v1 for every listed window of every client — a
/// mapped toplevel, `Compositor.isListed` — at bind time and whenever one maps. Which windows are listed and
/// which requests on a handle are honoured is the compositor's decision (Compositor/WindowList.swift); the
/// handles only report and ask.
final class ZwlrForeignToplevelManagerV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    let client: OpaquePointer
    /// Tells this manager's handles apart from another manager's of the same client (each gets its own).
    let serial: UInt64

    /// The most managers one client may have bound at once (each gets a handle for every window).
    static let maxManagersPerClient = 16

    static let implementation = Implementation(zwlr_foreign_toplevel_manager_v1_interface(
        stop: { _, resource in ZwlrForeignToplevelManagerV1.from(resource)?.stop() }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        guard server.windowList.managers(of: client) < maxManagersPerClient else {
            return server.postImplementationError(client: client,
                "zwlr_foreign_toplevel_manager_v1: more than \(maxManagersPerClient) bound by one client")
        }
        guard let (_, manager) = makeResource(client: client, version: Int32(version), id: id, {
            ZwlrForeignToplevelManagerV1(server: server, resource: $0, client: client)
        }) else { return }
        server.windowList.add(manager, server: server)
    }

    private init(server: Server, resource: OpaquePointer, client: OpaquePointer) {
        self.server = server
        self.resource = resource
        self.client = client
        serial = server.windowList.nextSerial()
    }

    /// A handle for `window` on this manager: the toplevel event (the handle's details follow in its first
    /// update).
    func announce(_ window: ManagedWindow) -> ZwlrForeignToplevelHandleV1? {
        ZwlrForeignToplevelHandleV1.create(server: server, manager: self, window: window)
    }

    /// stop: no more toplevel events; finished, and Seawall destroys its side (the protocol says so). The
    /// handles made so far live on.
    private func stop() {
        server.windowList.remove(self)
        zwlr_foreign_toplevel_manager_v1_send_finished(resource)
        wl_resource_destroy(resource)
    }

    func resourceDestroyed() { server.windowList.remove(self) }
}

/// The bound managers and the live handles, for `Server.windowListChanged` (ServerEvents.swift): how a
/// window's change finds the handles to update.
final class WindowListHandles {
    private(set) var managers: [ZwlrForeignToplevelManagerV1] = []
    /// Handles whose window is listed (a closed or destroyed handle leaves).
    private(set) var handles: [ZwlrForeignToplevelHandleV1] = []
    private var serials: UInt64 = 0

    func nextSerial() -> UInt64 { serials += 1; return serials }

    func managers(of client: OpaquePointer) -> Int { managers.count { $0.client == client } }

    /// A manager was bound: a handle for every listed window, then each handle's details (every handle
    /// exists before any parent event names one).
    func add(_ manager: ZwlrForeignToplevelManagerV1, server: Server) {
        managers.append(manager)
        let made = server.compositor.listedWindows.compactMap { manager.announce($0) }
        handles += made
        for handle in made { handle.update() }
    }

    func remove(_ manager: ZwlrForeignToplevelManagerV1) { managers.removeAll { $0 === manager } }

    func remove(_ handle: ZwlrForeignToplevelHandleV1) { handles.removeAll { $0 === handle } }

    /// The handle of `window` that `manager` (by serial) made, if it is live.
    func handle(of window: ManagedWindow, manager: UInt64) -> ZwlrForeignToplevelHandleV1? {
        handles.first { $0.managerSerial == manager && $0.window === window }
    }

    /// `window` changed as a window list sees it: a newly listed window is announced to every manager,
    /// a window no longer listed closes its handles, the others are brought up to date — and so are the
    /// handles of its children, whose parent event names it only while it is listed.
    func update(_ window: ManagedWindow, server: Server) {
        catchUp()
        if server.compositor.isListed(window) {
            for manager in managers where handle(of: window, manager: manager.serial) == nil {
                if let handle = manager.announce(window) { handles.append(handle) }
            }
            for handle in handles where handle.window === window { handle.update() }
        } else {
            for handle in handles where handle.window === window { handle.close() }
            handles.removeAll { $0.window == nil }
        }
        for handle in handles where handle.window?.parent === window || handle.sentParent === window {
            handle.update()
        }
    }

    /// Handles held back while their client read too slowly try again (`ZwlrForeignToplevelHandleV1.update`).
    func catchUp() {
        for handle in handles where handle.stale { handle.update() }
    }

    /// `client` bound a wl_output: its handles enter it.
    func outputBound(client: OpaquePointer) {
        for handle in handles where handle.client == client { handle.update() }
    }
}
