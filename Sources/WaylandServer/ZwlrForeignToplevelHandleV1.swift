import CProtocolsServer
import CWaylandServer
import Compositor

/// zwlr_foreign_toplevel_handle_v1: one listed window as a window list sees it. `update()` sends what changed
/// since the last batch — title, app_id, output_enter and output_leave with the client's wl_outputs of the
/// outputs the window is on (`Compositor.listedOutputs`: where its surface is drawn; a minimized window stays
/// where it was), state, parent (v3) — and done; `close()` sends closed when the window leaves the list,
/// after which the handle is inert. Its requests ask the compositor (Compositor/WindowList.swift: activate as
/// a click does, close, the same maximize and fullscreen rules as the window's own requests, minimize hides
/// the window), and are ignored for a closed handle and while the window's client has half its socket buffer
/// unread (a flood of requests must not get that client disconnected for not keeping up).
final class ZwlrForeignToplevelHandleV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    let client: OpaquePointer
    let managerSerial: UInt64
    /// The window, until the handle is closed.
    private(set) weak var window: ManagedWindow?
    /// What the last batch said (nil: nothing sent yet).
    private var sent: WindowListEntry?
    /// The parent the last parent event named (its handle's window).
    private(set) weak var sentParent: ManagedWindow?
    /// The wl_outputs output_enter named and no output_leave since, by identity (the weak reference tells a
    /// released output from a new one at the same address). A dictionary: a client may bind thousands of
    /// wl_outputs, and each bind updates its handles; looking each output up in a list made that cubic.
    private var entered: [ObjectIdentifier: WeakOutput] = [:]
    /// How many `entered` held after its released wl_outputs were last dropped: when it has doubled since,
    /// they are dropped again (amortized O(1) per output entered, and a client binding and releasing
    /// wl_outputs over and over cannot grow it while its window stays put).
    private var enteredAfterSweep = 0
    /// The outputs (`OutputArea.index`) the window was on at the last batch (nil: no batch yet).
    private var sentOutputs: [Int]?
    /// wl_outputs the client bound since the last batch: only these need looking at while the window stays
    /// on the same outputs.
    private var newOutputs: [WeakOutput] = []

    private struct WeakOutput { weak var output: WlOutput? }

    static let implementation = Implementation(zwlr_foreign_toplevel_handle_v1_interface(
        set_maximized: { _, resource in ZwlrForeignToplevelHandleV1.from(resource)?.request("set_maximized") { $0.toplevels[$1]?.request(maximized: true, byWindowList: true) } },
        unset_maximized: { _, resource in ZwlrForeignToplevelHandleV1.from(resource)?.request("unset_maximized") { $0.toplevels[$1]?.request(maximized: false, byWindowList: true) } },
        set_minimized: { _, resource in ZwlrForeignToplevelHandleV1.from(resource)?.request("set_minimized") { $0.compositor.minimize($1) } },
        unset_minimized: { _, resource in ZwlrForeignToplevelHandleV1.from(resource)?.request("unset_minimized") { $0.compositor.unminimize($1) } },
        activate: { _, resource, seat in
            guard let handle = ZwlrForeignToplevelHandleV1.from(resource) else { return }
            // libwayland has checked that `seat` is one of this client's wl_seat objects; Seawall has one seat.
            guard WlSeat.from(seat) != nil else { return }
            handle.request("activate") { $0.compositor.activateFromList($1) }
        },
        close: { _, resource in ZwlrForeignToplevelHandleV1.from(resource)?.request("close") { $0.compositor.requestClose($1) } },
        set_rectangle: { _, resource, surface, x, y, width, height in
            ZwlrForeignToplevelHandleV1.from(resource)?.setRectangle(surface: surface, x: x, y: y, width: width, height: height)
        },
        destroy: Resource.destroyRequest,
        set_fullscreen: { _, resource, output in
            // On the output the wl_output names (libwayland has checked that it is one of this client's
            // wl_outputs); null: the output the window is mostly on.
            let head = WlOutput.from(output)?.head
            ZwlrForeignToplevelHandleV1.from(resource)?.request("set_fullscreen") {
                $0.toplevels[$1]?.request(fullscreen: true, output: head, byWindowList: true)
            }
        },
        unset_fullscreen: { _, resource in
            ZwlrForeignToplevelHandleV1.from(resource)?.request("unset_fullscreen") { $0.toplevels[$1]?.request(fullscreen: false, byWindowList: true) }
        }))

    /// The toplevel event on `manager` with a new handle for `window` (a server-made object).
    static func create(server: Server, manager: ZwlrForeignToplevelManagerV1, window: ManagedWindow) -> ZwlrForeignToplevelHandleV1? {
        let version = wl_resource_get_version(manager.resource)
        guard let (resource, handle) = makeResource(client: manager.client, version: version, id: 0, {
            ZwlrForeignToplevelHandleV1(server: server, resource: $0, client: manager.client,
                                        managerSerial: manager.serial, window: window)
        }) else { return nil }
        zwlr_foreign_toplevel_manager_v1_send_toplevel(manager.resource, resource)
        return handle
    }

    private init(server: Server, resource: OpaquePointer, client: OpaquePointer, managerSerial: UInt64, window: ManagedWindow) {
        self.server = server
        self.resource = resource
        self.client = client
        self.managerSerial = managerSerial
        self.window = window
    }

    /// Sends what changed since the last batch, then done (nothing if nothing changed). While half the
    /// client's socket buffer is unread, nothing is sent and the handle is held: it catches up (one
    /// batch with the latest state) at the next window list change or repaint (`WindowListHandles.catchUp`). A window
    /// changing its title faster than a task bar reads thus never gets the task bar disconnected.
    func update() {
        guard let window else { return }
        if server.isBacklogged(ClientID(client)) { return server.windowList.hold(self) }
        let entry = server.compositor.listEntry(of: window)
        var changed = false
        if let title = entry.title, title != sent?.title {
            zwlr_foreign_toplevel_handle_v1_send_title(resource, title)
            changed = true
        }
        if let appID = entry.appID, appID != sent?.appID {
            zwlr_foreign_toplevel_handle_v1_send_app_id(resource, appID)
            changed = true
        }
        if updateOutputs(of: window) { changed = true }
        if sent.map({ !$0.sameStates(as: entry) }) ?? true {
            sendState(entry)
            changed = true
        }
        if wl_resource_get_version(resource) >= 3 {
            // The parent is named by this manager's handle of it; none yet (it is announced in the same
            // batch of handles) counts as no parent until its handle exists.
            let parentHandle = entry.parent.flatMap { server.windowList.handle(of: $0, manager: managerSerial) }
            let parent = parentHandle?.window
            if parent !== sentParent || (sent == nil && parent != nil) {
                zwlr_foreign_toplevel_handle_v1_send_parent(resource, parentHandle?.resource)
                sentParent = parent
                changed = true
            }
        }
        sent = entry
        if changed { zwlr_foreign_toplevel_handle_v1_send_done(resource) }
    }

    /// output_leave for the wl_outputs of outputs the window left, output_enter for those of outputs it is on
    /// that were not entered yet; whether anything was sent. While the window stays on the same outputs only
    /// wl_outputs bound since the last batch are looked at (O(1) per bind, however many the client holds).
    private func updateOutputs(of window: ManagedWindow) -> Bool {
        let heads = server.compositor.listedOutputs(of: window, previous: sentOutputs ?? [])
        var changed = false
        if heads == sentOutputs {
            for output in newOutputs.compactMap(\.output) where heads.contains(output.head) { changed = enter(output) || changed }
        } else {
            // Left: by resource id, so that the events come in the same order on every run.
            let left = entered.values.compactMap(\.output).filter { !heads.contains($0.head) }
                .sorted { wl_resource_get_id($0.resource) < wl_resource_get_id($1.resource) }
            for output in left {
                zwlr_foreign_toplevel_handle_v1_send_output_leave(resource, output.resource)
                entered[ObjectIdentifier(output)] = nil
                changed = true
            }
            sweepEntered()
            for output in server.outputs(of: client) where heads.contains(output.head) { changed = enter(output) || changed }
            sentOutputs = heads
        }
        newOutputs.removeAll()
        return changed
    }

    /// output_enter with `output` unless it was entered already; whether it was sent.
    private func enter(_ output: WlOutput) -> Bool {
        guard entered[ObjectIdentifier(output)]?.output !== output else { return false }
        zwlr_foreign_toplevel_handle_v1_send_output_enter(resource, output.resource)
        entered[ObjectIdentifier(output)] = WeakOutput(output: output)
        if entered.count > 2 * enteredAfterSweep + 16 { sweepEntered() }
        return true
    }

    /// Drops the released wl_outputs from `entered`.
    private func sweepEntered() {
        entered = entered.filter { $0.value.output != nil }
        enteredAfterSweep = entered.count
    }

    /// The client bound `output`: the next batch enters it if the window is on its output.
    func outputBound(_ output: WlOutput) {
        guard window != nil else { return }
        newOutputs.append(WeakOutput(output: output))
        update()
    }

    private func sendState(_ entry: WindowListEntry) {
        var states: [UInt32] = []
        if entry.maximized { states.append(ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_MAXIMIZED.rawValue) }
        if entry.minimized { states.append(ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_MINIMIZED.rawValue) }
        if entry.activated { states.append(ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_ACTIVATED.rawValue) }
        // fullscreen is a version 2 state: a version 1 handle does not know the value.
        if entry.fullscreen && wl_resource_get_version(resource) >= 2 {
            states.append(ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_FULLSCREEN.rawValue)
        }
        Resource.withArray(of: states) { zwlr_foreign_toplevel_handle_v1_send_state(resource, $0) }
    }

    /// The window left the list: closed, and the handle is inert from now on.
    func close() {
        guard window != nil else { return }
        window = nil
        zwlr_foreign_toplevel_handle_v1_send_closed(resource)
    }

    /// A request that acts on the window: ignored once the handle is closed, and while the window — or the
    /// active one, which an activation tells it lost the activated state — has not kept up: 32 or more of its
    /// configures unacked (Seawall keeps 64; a client acking an older one would get invalid_serial), or half
    /// its client's socket buffer unread (libwayland would disconnect it when full). Logged at debug level.
    private func request(_ name: String, _ act: (Server, ManagedWindow) -> Void) {
        guard let window else { return }
        let affected = [window, server.compositor.activeWindow].compactMap { $0 }
        let behind = affected.contains { affected in
            (server.toplevels[affected]?.unackedConfigures ?? 0) >= Self.maxUnackedConfigures
                || affected.surface.map { server.isBacklogged($0.client) } == true
        }
        if behind {
            server.log.debug("zwlr_foreign_toplevel_handle_v1.\(name) by \(server.describe(client: client)) ignored: a window it would configure has not kept up (unacked configures or unread events)")
            return
        }
        act(server, window)
    }

    /// Unacked configures of a window (or the active one) past which a window list's requests wait.
    static let maxUnackedConfigures = 32

    /// set_rectangle: where the task bar shows this window. Checked, then not used: Seawall draws no
    /// minimize animation. libwayland has checked that `surface` is one of this client's wl_surface objects.
    private func setRectangle(surface: OpaquePointer?, x: Int32, y: Int32, width: Int32, height: Int32) {
        if width < 0 || height < 0 {
            return Resource.postError(resource, code: ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_ERROR_INVALID_RECTANGLE.rawValue,
                "set_rectangle: the size \(width)x\(height) is negative")
        }
        _ = WlSurface.from(surface)
    }

    func resourceDestroyed() { server.windowList.remove(self) }
}

extension WindowListEntry {
    /// Whether the state event would say the same.
    func sameStates(as other: WindowListEntry) -> Bool {
        maximized == other.maximized && minimized == other.minimized && activated == other.activated
            && fullscreen == other.fullscreen
    }
}
