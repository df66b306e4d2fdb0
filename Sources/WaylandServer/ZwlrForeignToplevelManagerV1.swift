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
/// window's change finds the handles to update, by window, without walking every handle.
final class WindowListHandles {
    private(set) var managers: [ZwlrForeignToplevelManagerV1] = []
    /// The open handles of each listed window (a closed or destroyed handle leaves).
    private var byWindow: [ObjectIdentifier: [ZwlrForeignToplevelHandleV1]] = [:]
    /// Handles holding events back while their client reads too slowly (`catchUp`).
    private var held: [ZwlrForeignToplevelHandleV1] = []
    private var serials: UInt64 = 0

    func nextSerial() -> UInt64 { serials += 1; return serials }

    func managers(of client: OpaquePointer) -> Int { managers.count { $0.client == client } }

    /// A manager was bound: a handle for every listed window, then each handle's details (every handle
    /// exists before any parent event names one).
    func add(_ manager: ZwlrForeignToplevelManagerV1, server: Server) {
        managers.append(manager)
        var made: [ZwlrForeignToplevelHandleV1] = []
        for window in server.compositor.listedWindows {
            guard let handle = manager.announce(window) else { continue }
            byWindow[ObjectIdentifier(window), default: []].append(handle)
            made.append(handle)
        }
        for handle in made { handle.update() }
    }

    func remove(_ manager: ZwlrForeignToplevelManagerV1) { managers.removeAll { $0 === manager } }

    /// The handle's resource is gone.
    func remove(_ handle: ZwlrForeignToplevelHandleV1) {
        held.removeAll { $0 === handle }
        guard let window = handle.window else { return }
        byWindow[ObjectIdentifier(window)]?.removeAll { $0 === handle }
    }

    /// The open handles of `window`.
    func handles(of window: ManagedWindow) -> [ZwlrForeignToplevelHandleV1] { byWindow[ObjectIdentifier(window)] ?? [] }

    /// The handle of `window` that `manager` (by serial) made, if it is open.
    func handle(of window: ManagedWindow, manager: UInt64) -> ZwlrForeignToplevelHandleV1? {
        handles(of: window).first { $0.managerSerial == manager }
    }

    /// `window` changed as a window list sees it: a newly listed window is announced to every manager,
    /// a window no longer listed closes its handles, the others are brought up to date — and so are the
    /// handles of its children, whose parent event names it only while it is listed.
    func update(_ window: ManagedWindow, server: Server) {
        catchUp()
        let id = ObjectIdentifier(window)
        if server.compositor.isListed(window) {
            for manager in managers where handle(of: window, manager: manager.serial) == nil {
                if let handle = manager.announce(window) { byWindow[id, default: []].append(handle) }
            }
            for handle in handles(of: window) { handle.update() }
        } else {
            for handle in handles(of: window) { handle.close() }
            byWindow[id] = nil
        }
        for child in server.compositor.windows where child.parent === window {
            for handle in handles(of: child) { handle.update() }
        }
    }

    /// `handle` held its events back (its client reads too slowly): it tries again at `catchUp`.
    func hold(_ handle: ZwlrForeignToplevelHandleV1) {
        if !held.contains(where: { $0 === handle }) { held.append(handle) }
    }

    /// Handles holding events back try again (at every window list change and repaint); those whose client
    /// still has not read stay held.
    func catchUp() {
        guard !held.isEmpty else { return }
        let waiting = held
        held = []
        for handle in waiting { handle.update() }
    }

    /// `client` bound `output`: its handles of windows on that output enter it.
    func outputBound(_ output: WlOutput, client: OpaquePointer) {
        for handles in byWindow.values {
            for handle in handles where handle.client == client { handle.outputBound(output) }
        }
    }

    /// `window`'s surface entered or left an output: its handles follow (one batch each: the compositor has
    /// already settled every output the surface is on when the first enter or leave is reported).
    func outputsChanged(of window: ManagedWindow) {
        for handle in handles(of: window) { handle.update() }
    }
}
