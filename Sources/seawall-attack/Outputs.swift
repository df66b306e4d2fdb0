import CClientShims
import CProtocolsClient
import CWaylandClient
import DemoClientKit
import Glibc

/// Several outputs (AttackTests run these with a second output, 800x600@2 right of the first): requests that
/// name a wl_output — xdg_toplevel.set_fullscreen, zwlr_foreign_toplevel_handle_v1.set_fullscreen,
/// zwlr_layer_shell_v1.get_layer_surface — with one released in the same batch, with one released before
/// (its id already gone on the server's side), with an object that is no wl_output, and under floods; and a
/// client holding thousands of wl_outputs while its window moves between outputs.
let outputScenarios: [Scenario] = [
    Scenario(name: "outputs-fullscreen-then-release", summary: "set_fullscreen on each output's wl_output, released in the same batch; drawn there; then the same through its own window list's handle; then set_fullscreen(null) and unset") { client in
        guard let window = client.shownWindow() else { return }
        let outputs = OutputGlobals(client).bindAll()
        guard outputs.count >= 2 else { return note("fewer than 2 wl_output globals") }
        for output in outputs {
            xdg_toplevel_set_fullscreen(window.toplevel, output)
            wl_output_release(output)
            guard redraw(client, window.surface) else { return }
        }
        note("fullscreen on \(outputs.count) outputs")
        guard let list = WindowList(client) else { return note("no zwlr_foreign_toplevel_manager_v1") }
        wl_display_roundtrip(client.display)
        guard let own = list.handles.last(where: { $0.appID == "seawall-attack" }) else { return note("own window not listed") }
        for output in OutputGlobals(client).bindAll().reversed() {
            zwlr_foreign_toplevel_handle_v1_set_fullscreen(own.proxy, output)
            wl_output_release(output)
            guard redraw(client, window.surface) else { return }
        }
        xdg_toplevel_set_fullscreen(window.toplevel, nil)
        xdg_toplevel_unset_fullscreen(window.toplevel)
        if redraw(client, window.surface) { note("back from fullscreen") }
    },
    Scenario(name: "outputs-fullscreen-released-output", summary: "set_fullscreen naming a wl_output the client released before (the proxy kept, its id gone on the server)") { client in
        guard let window = client.shownWindow() else { return }
        guard let output = OutputGlobals(client).bindAll().last else { return note("no wl_output") }
        releaseKeepingProxy(output)
        wl_display_roundtrip(client.display)
        xdg_toplevel_set_fullscreen(window.toplevel, output)
    },
    Scenario(name: "outputs-layer-surface-released-output", summary: "get_layer_surface naming a wl_output the client released before") { client in
        guard let shell = client.layerShell, let compositor = client.compositor,
              let surface = wl_compositor_create_surface(compositor) else { return note("no zwlr_layer_shell_v1") }
        guard let output = OutputGlobals(client).bindAll().last else { return note("no wl_output") }
        releaseKeepingProxy(output)
        wl_display_roundtrip(client.display)
        _ = zwlr_layer_shell_v1_get_layer_surface(shell, surface, output, 2, "seawall-attack")
    },
    Scenario(name: "outputs-fullscreen-not-an-output", summary: "set_fullscreen naming the window's own wl_surface where a wl_output belongs") { client in
        guard let window = client.shownWindow() else { return }
        xdg_toplevel_set_fullscreen(window.toplevel, window.surface)
    },
    Scenario(name: "outputs-layer-surfaces-released", summary: "on each output, a layer surface with an INT32_MAX exclusive zone on every edge, its wl_output released in the same batch as get_layer_surface; all mapped; then a maximized window") { client in
        let outputs = OutputGlobals(client).bindAll()
        guard outputs.count >= 2 else { return note("fewer than 2 wl_output globals") }
        var mapped = 0
        for output in outputs {
            let anchors: [UInt32] = [1, 2, 4, 8]   // top, bottom, left, right
            for anchor in anchors {
                guard let layer = LayerProbe(client, output: output), let buffer = layerBuffer(client) else {
                    return note("no zwlr_layer_shell_v1")
                }
                if anchor == anchors.last { wl_output_release(output) }
                zwlr_layer_surface_v1_set_size(layer.object, 16, 16)
                zwlr_layer_surface_v1_set_anchor(layer.object, anchor)
                zwlr_layer_surface_v1_set_exclusive_zone(layer.object, .max)
                guard layer.configure() else { return }
                client.show(buffer, on: layer.surface, waitForFrame: false)
                guard wl_display_roundtrip(client.display) >= 0 else { return }
                mapped += 1
            }
        }
        guard let window = client.window() else { return }
        xdg_toplevel_set_maximized(window.toplevel)
        if wl_display_roundtrip(client.display) >= 0 { note("\(mapped) layer surfaces mapped") }
    },
    Scenario(name: "outputs-bind-flood", summary: "each output's wl_output bound 2000 times, a window list and a fractional scale object on its own window, fullscreen on each output in turn (every move enters and leaves thousands of wl_outputs); then all released") { client in
        guard let window = client.shownWindow(), let list = WindowList(client) else { return note("no zwlr_foreign_toplevel_manager_v1") }
        if let manager = client.fractionalScaleManager { _ = wp_fractional_scale_manager_v1_get_fractional_scale(manager, window.surface) }
        let globals = OutputGlobals(client)
        var outputs: [[OpaquePointer]] = []
        for index in globals.names.indices {
            var bound: [OpaquePointer] = []
            for i in 0..<2000 {
                guard let output = globals.bind(index) else { break }
                bound.append(output)
                if i % 50 == 49 { guard wl_display_roundtrip(client.display) >= 0 else { return } }
            }
            outputs.append(bound)
        }
        guard outputs.count >= 2, outputs.allSatisfy({ $0.count == 2000 }) else { return note("not bound") }
        for bound in outputs.reversed() + outputs {
            xdg_toplevel_set_fullscreen(window.toplevel, bound[0])
            guard redraw(client, window.surface) else { return }
        }
        guard !list.handles.isEmpty else { return note("nothing listed") }
        for (i, output) in outputs.joined().enumerated() {
            wl_output_release(output)
            if i % 200 == 199 { guard wl_display_roundtrip(client.display) >= 0 else { return } }
        }
        xdg_toplevel_unset_fullscreen(window.toplevel)
        if redraw(client, window.surface) { note("\(outputs.count * 2000) outputs bound and released") }
    },
    Scenario(name: "outputs-bind-release-cycle", summary: "20000 wl_outputs bound and released at once, alternating the outputs, while 16 window lists list its window (each bind enters the handles, each release leaves them a dead entry to drop)") { client in
        let lists = (0..<16).compactMap { _ in WindowList(client) }
        guard lists.count == 16, client.shownWindow() != nil else { return note("no zwlr_foreign_toplevel_manager_v1") }
        let globals = OutputGlobals(client)
        guard globals.names.count >= 2 else { return note("fewer than 2 wl_output globals") }
        for i in 0..<20_000 {
            guard let output = globals.bind(i % globals.names.count) else { return }
            wl_output_release(output)
            if i % 100 == 99 { guard wl_display_roundtrip(client.display) >= 0 else { return } }
        }
        if wl_display_roundtrip(client.display) >= 0 { note("20000 outputs bound and released") }
    },
    Scenario(name: "outputs-fullscreen-flood", summary: "3000 set_fullscreen requests alternating the outputs, null and unset_fullscreen, from the window and from its window list handle (a roundtrip every 20)") { client in
        guard let window = client.shownWindow(), let list = WindowList(client) else { return note("no zwlr_foreign_toplevel_manager_v1") }
        let outputs = OutputGlobals(client).bindAll()
        wl_display_roundtrip(client.display)
        guard outputs.count >= 2, let own = list.handles.last(where: { $0.appID == "seawall-attack" }) else { return note("not listed") }
        for i in 0..<3000 {
            switch i % 4 {
            case 0: xdg_toplevel_set_fullscreen(window.toplevel, outputs[(i / 4) % outputs.count])
            case 1: zwlr_foreign_toplevel_handle_v1_set_fullscreen(own.proxy, outputs[(i / 4 + 1) % outputs.count])
            case 2: xdg_toplevel_set_fullscreen(window.toplevel, nil)
            default: if i % 8 == 3 { xdg_toplevel_unset_fullscreen(window.toplevel) } else { zwlr_foreign_toplevel_handle_v1_unset_fullscreen(own.proxy) }
            }
            if i % 20 == 19 {
                guard wl_display_roundtrip(client.display) >= 0, redraw(client, window.surface) else { return }
            }
        }
        if redraw(client, window.surface) { note("flood done") }
    },
]

/// After a roundtrip (the configures acked), commits the window's buffer again and waits for the frame (a
/// maximized or fullscreen window is placed on its output at such a commit); false if the connection broke.
private func redraw(_ client: AttackClient, _ surface: OpaquePointer) -> Bool {
    guard wl_display_roundtrip(client.display) >= 0 else { return false }
    return client.show(nil, on: surface, attach: false)
}

/// wl_output.release sent without destroying the proxy, so that it can still be named afterwards (as a
/// client with a stale pointer would).
private func releaseKeepingProxy(_ output: OpaquePointer) {
    _ = wl_proxy_marshal_array_flags(output, UInt32(WL_OUTPUT_RELEASE), nil, wl_proxy_get_version(output), 0, nil)
}

/// Every wl_output global, in the order announced, bound through a registry of its own.
final class OutputGlobals {
    private let registry: OpaquePointer?
    fileprivate(set) var names: [(name: UInt32, version: UInt32)] = []

    init(_ client: AttackClient) {
        registry = wl_display_get_registry(client.display)
        if let registry {
            // Retained for the process's life: the registry keeps sending global events to it.
            wl_registry_add_listener(registry, outputGlobalsListener, Unmanaged.passRetained(self).toOpaque())
        }
        wl_display_roundtrip(client.display)
    }

    /// Binds the `index`-th wl_output global (at version 4 at most).
    func bind(_ index: Int) -> OpaquePointer? {
        guard let registry, names.indices.contains(index) else { return nil }
        return wl_registry_bind(registry, names[index].name, sw_client_interface_wl_output(),
                                min(names[index].version, 4)).map(OpaquePointer.init)
    }

    /// Each wl_output global bound once, in order.
    func bindAll() -> [OpaquePointer] { names.indices.compactMap { bind($0) } }
}

private nonisolated(unsafe) let outputGlobalsListener = listenerTable(wl_registry_listener(
    global: { data, _, name, interface, version in
        guard let data, let interface, String(cString: interface) == "wl_output" else { return }
        Unmanaged<OutputGlobals>.fromOpaque(data).takeUnretainedValue().names.append((name, version))
    },
    global_remove: { _, _, _ in }))
