import CClientShims
import CProtocolsClient
import CWaylandClient
import DemoClientKit
import Glibc

/// zwlr_foreign_toplevel_manager_v1: requests on closed handles, objects of the wrong kind where a wl_seat or
/// wl_surface belongs, set_rectangle at the edges of int32, too many managers, and floods of requests that
/// send events to the well-behaved client (whose window the attacker sees in its list) while it reads nothing.
let foreignToplevelScenarios: [Scenario] = [
    Scenario(name: "foreign-toplevel-closed-handle", summary: "every request on a handle whose window (the attacker's own) was destroyed") { client in
        guard let list = WindowList(client), let window = client.shownWindow() else { return note("no zwlr_foreign_toplevel_manager_v1") }
        wl_display_roundtrip(client.display)
        guard let own = list.handles.last(where: { $0.appID == "seawall-attack" }) else { return note("own window not listed") }
        xdg_toplevel_destroy(window.toplevel)
        wl_display_roundtrip(client.display)
        if own.closed { note("closed") }
        let seat = client.bindSeat()
        zwlr_foreign_toplevel_handle_v1_set_maximized(own.proxy)
        zwlr_foreign_toplevel_handle_v1_unset_maximized(own.proxy)
        zwlr_foreign_toplevel_handle_v1_set_minimized(own.proxy)
        zwlr_foreign_toplevel_handle_v1_unset_minimized(own.proxy)
        zwlr_foreign_toplevel_handle_v1_set_fullscreen(own.proxy, nil)
        zwlr_foreign_toplevel_handle_v1_unset_fullscreen(own.proxy)
        if let seat { zwlr_foreign_toplevel_handle_v1_activate(own.proxy, seat) }
        zwlr_foreign_toplevel_handle_v1_close(own.proxy)
        zwlr_foreign_toplevel_handle_v1_set_rectangle(own.proxy, window.surface, 0, 0, 1, 1)
        zwlr_foreign_toplevel_handle_v1_destroy(own.proxy)
    },
    Scenario(name: "foreign-toplevel-activate-not-a-seat", summary: "activate with a wl_surface where the wl_seat belongs") { client in
        guard let list = WindowList(client), let window = client.shownWindow() else { return note("no zwlr_foreign_toplevel_manager_v1") }
        wl_display_roundtrip(client.display)
        guard let handle = list.handles.first else { return note("nothing listed") }
        zwlr_foreign_toplevel_handle_v1_activate(handle.proxy, window.surface)
    },
    Scenario(name: "foreign-toplevel-rectangle-not-a-surface", summary: "set_rectangle naming the handle itself where a wl_surface belongs") { client in
        guard let list = WindowList(client) else { return note("no zwlr_foreign_toplevel_manager_v1") }
        wl_display_roundtrip(client.display)
        guard let handle = list.handles.first else { return note("nothing listed") }
        zwlr_foreign_toplevel_handle_v1_set_rectangle(handle.proxy, handle.proxy, 0, 0, 1, 1)
    },
    Scenario(name: "foreign-toplevel-rectangle-extremes", summary: "set_rectangle on the good client's handle at INT32_MIN/INT32_MAX (accepted), then a negative height") { client in
        guard let list = WindowList(client), let window = client.window() else { return note("no zwlr_foreign_toplevel_manager_v1") }
        wl_display_roundtrip(client.display)
        guard let handle = list.handles.first else { return note("nothing listed") }
        zwlr_foreign_toplevel_handle_v1_set_rectangle(handle.proxy, window.surface, .min, .min, .max, .max)
        zwlr_foreign_toplevel_handle_v1_set_rectangle(handle.proxy, window.surface, .max, .max, 0, 0)
        if wl_display_roundtrip(client.display) >= 0 { note("extremes accepted") }
        zwlr_foreign_toplevel_handle_v1_set_rectangle(handle.proxy, window.surface, 0, 0, 1, .min)
    },
    Scenario(name: "foreign-toplevel-many-managers", summary: "17 managers bound by one client (16 allowed)") { client in
        for _ in 0..<17 { _ = client.bindGlobal("zwlr_foreign_toplevel_manager_v1", version: 3) }
    },
    Scenario(name: "foreign-toplevel-flood", summary: "16 managers; 5000 title changes of its own window; 5000 activations alternating its window and the good client's; set_maximized/unset_maximized 2000 times on its own (a roundtrip every 20 requests: the attacker reads its own list's events)") { client in
        let lists = (0..<16).compactMap { _ in WindowList(client) }
        guard lists.count == 16, let window = client.shownWindow() else { return note("no zwlr_foreign_toplevel_manager_v1") }
        wl_display_roundtrip(client.display)
        guard let seat = client.bindSeat(),
              let own = lists[0].handles.last(where: { $0.appID == "seawall-attack" }),
              let good = lists[0].handles.first(where: { $0.appID != "seawall-attack" }) else { return note("not listed") }
        for i in 0..<5000 {
            xdg_toplevel_set_title(window.toplevel, "title \(i) " + String(repeating: "x", count: i % 200))
            if i % 20 == 19 { guard wl_display_roundtrip(client.display) >= 0 else { return } }
        }
        for i in 0..<5000 {
            zwlr_foreign_toplevel_handle_v1_activate(i % 2 == 0 ? good.proxy : own.proxy, seat)
            if i % 20 == 19 { guard wl_display_roundtrip(client.display) >= 0 else { return } }
        }
        for i in 0..<2000 {
            if i % 2 == 0 { zwlr_foreign_toplevel_handle_v1_set_maximized(own.proxy) } else { zwlr_foreign_toplevel_handle_v1_unset_maximized(own.proxy) }
            if i % 20 == 19 { guard wl_display_roundtrip(client.display) >= 0 else { return } }
        }
        wl_display_roundtrip(client.display)
        if lists.allSatisfy({ $0.handles.contains { $0.title == "title 4999 " + String(repeating: "x", count: 4999 % 200) } }) {
            note("every list has the last title")
        }
    },
    Scenario(name: "foreign-toplevel-many-outputs", summary: "a manager, its own window, then 3000 wl_outputs bound (each bind updates the attacker's handles, which enter every output of its own)") { client in
        guard let list = WindowList(client), client.shownWindow() != nil else { return note("no zwlr_foreign_toplevel_manager_v1") }
        wl_display_roundtrip(client.display)
        guard !list.handles.isEmpty else { return note("nothing listed") }
        let bound = client.bindGlobal("wl_output", version: 4, times: 3000)
        if bound == 3000 && wl_display_roundtrip(client.display) >= 0 { note("3000 outputs bound") }
    },
]

/// One bound zwlr_foreign_toplevel_manager_v1 and what it announced.
final class WindowList {
    final class Handle {
        let proxy: OpaquePointer
        var appID: String?
        var title: String?
        var closed = false
        init(_ proxy: OpaquePointer) { self.proxy = proxy }
    }
    let manager: OpaquePointer
    var handles: [Handle] = []

    init?(_ client: AttackClient) {
        guard let manager = client.bindGlobal("zwlr_foreign_toplevel_manager_v1", version: 3) else { return nil }
        self.manager = manager
        zwlr_foreign_toplevel_manager_v1_add_listener(manager, WindowList.managerListener, Unmanaged.passRetained(self).toOpaque())
    }

    nonisolated(unsafe) static let managerListener = listenerTable(zwlr_foreign_toplevel_manager_v1_listener(
        toplevel: { data, _, proxy in
            guard let data, let proxy else { return }
            let handle = Handle(proxy)
            Unmanaged<WindowList>.fromOpaque(data).takeUnretainedValue().handles.append(handle)
            zwlr_foreign_toplevel_handle_v1_add_listener(proxy, WindowList.handleListener, Unmanaged.passRetained(handle).toOpaque())
        },
        finished: { _, _ in }))

    private static func handle(_ data: UnsafeMutableRawPointer?) -> Handle? {
        data.map { Unmanaged<Handle>.fromOpaque($0).takeUnretainedValue() }
    }

    nonisolated(unsafe) static let handleListener = listenerTable(zwlr_foreign_toplevel_handle_v1_listener(
        title: { data, _, title in if let title { handle(data)?.title = String(cString: title) } },
        app_id: { data, _, appID in if let appID { handle(data)?.appID = String(cString: appID) } },
        output_enter: { _, _, _ in },
        output_leave: { _, _, _ in },
        state: { _, _, _ in },
        done: { _, _ in },
        closed: { data, _ in handle(data)?.closed = true },
        parent: { _, _, _ in }))
}

extension AttackClient {
    /// Binds the global named `interface` (at `version` at most) through a registry of its own, or nil.
    func bindGlobal(_ interface: String, version: UInt32) -> OpaquePointer? {
        guard let registry = wl_display_get_registry(display) else { return nil }
        let search = GlobalSearch(interface: interface, version: version)
        wl_registry_add_listener(registry, globalFinder, Unmanaged.passRetained(search).toOpaque())   // kept for the process's life
        wl_display_roundtrip(display)
        lastSearch = search
        return search.found
    }

    /// Binds `interface` `times` times (a roundtrip every 50, so that the events they bring are read);
    /// returns how many were bound.
    func bindGlobal(_ interface: String, version: UInt32, times: Int) -> Int {
        guard let first = bindGlobal(interface, version: version), let table = sw_client_interface_named(interface),
              let search = lastSearch, let registry = search.registry else { return 0 }
        _ = first
        var bound = 1
        while bound < times {
            guard wl_registry_bind(registry, search.name, table, search.boundVersion) != nil else { break }
            bound += 1
            if bound % 50 == 0 { guard wl_display_roundtrip(display) >= 0 else { break } }
        }
        wl_display_roundtrip(display)
        return bound
    }

    /// wl_seat (version 1 is enough to name it), or nil.
    func bindSeat() -> OpaquePointer? { bindGlobal("wl_seat", version: 1) }
}

private final class GlobalSearch {
    let interface: String
    let version: UInt32
    var found: OpaquePointer?
    var registry: OpaquePointer?
    var name: UInt32 = 0
    var boundVersion: UInt32 = 0
    init(interface: String, version: UInt32) { self.interface = interface; self.version = version }
}

/// The last `bindGlobal` search (the attacker is single-threaded): where `bindGlobal(_:version:times:)` binds again.
nonisolated(unsafe) private var lastSearch: GlobalSearch?

nonisolated(unsafe) private let globalFinder = listenerTable(wl_registry_listener(
    global: { data, registry, name, interface, version in
        guard let data, let interface else { return }
        let search = Unmanaged<GlobalSearch>.fromOpaque(data).takeUnretainedValue()
        guard search.found == nil, String(cString: interface) == search.interface,
              let table = sw_client_interface_named(search.interface) else { return }
        search.found = wl_registry_bind(registry, name, table, min(version, search.version)).map(OpaquePointer.init)
        (search.registry, search.name, search.boundVersion) = (registry, name, min(version, search.version))
    },
    global_remove: { _, _, _ in }))
