import CProtocolsClient
import CWaylandClient
import DemoClientKit
import Glibc

/// zwlr_layer_shell_v1: values at the edges of their types, commits out of order, a layer surface outliving
/// its wl_surface, popups given two parents or none, and floods of arrangements.
let layerShellScenarios: [Scenario] = [
    Scenario(name: "layer-bad-layer", summary: "get_layer_surface on layer 0xFFFFFFFF") { client in
        guard let shell = client.layerShell, let compositor = client.compositor,
              let surface = wl_compositor_create_surface(compositor) else { return note("no zwlr_layer_shell_v1") }
        _ = zwlr_layer_shell_v1_get_layer_surface(shell, surface, nil, .max, "seawall-attack")
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "layer-bad-anchor", summary: "set_anchor(0xFFFFFFFF)") { client in
        guard let layer = LayerProbe(client) else { return note("no zwlr_layer_shell_v1") }
        zwlr_layer_surface_v1_set_anchor(layer.object, .max)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "layer-size-zero-unanchored", summary: "the default size (0x0) committed without anchors") { client in
        guard let layer = LayerProbe(client) else { return note("no zwlr_layer_shell_v1") }
        wl_surface_commit(layer.surface)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "layer-buffer-before-initial-commit", summary: "a buffer attached and committed before any configure") { client in
        guard let layer = LayerProbe(client), let buffer = layerBuffer(client) else { return note("no zwlr_layer_shell_v1") }
        zwlr_layer_surface_v1_set_size(layer.object, 16, 16)
        client.show(buffer, on: layer.surface, waitForFrame: false)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "layer-commit-before-ack", summary: "the initial commit, then a buffer without acking the configure") { client in
        guard let layer = LayerProbe(client), let buffer = layerBuffer(client) else { return note("no zwlr_layer_shell_v1") }
        zwlr_layer_surface_v1_set_size(layer.object, 16, 16)
        wl_surface_commit(layer.surface)
        wl_display_roundtrip(client.display)
        client.show(buffer, on: layer.surface, waitForFrame: false)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "layer-extreme-values", summary: "size 0xFFFFFFFF squared, INT32_MIN/MAX margins, an INT32_MAX zone on the bottom edge: mapped, and a maximized window still configured") { client in
        guard let layer = LayerProbe(client), let buffer = layerBuffer(client) else { return note("no zwlr_layer_shell_v1") }
        zwlr_layer_surface_v1_set_size(layer.object, .max, .max)
        zwlr_layer_surface_v1_set_anchor(layer.object, ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM.rawValue)
        zwlr_layer_surface_v1_set_margin(layer.object, .min, .max, .max, .min)
        zwlr_layer_surface_v1_set_exclusive_zone(layer.object, .max)
        guard layer.configure() else { return }
        client.show(buffer, on: layer.surface, waitForFrame: false)
        guard wl_display_roundtrip(client.display) >= 0, let window = client.window() else { return }
        xdg_toplevel_set_maximized(window.toplevel)
        if wl_display_roundtrip(client.display) >= 0 { note("survived") }
    },
    Scenario(name: "layer-destroyed-surface", summary: "a mapped layer surface whose wl_surface is destroyed, then every request on it") { client in
        guard let layer = LayerProbe(client), let buffer = layerBuffer(client) else { return note("no zwlr_layer_shell_v1") }
        zwlr_layer_surface_v1_set_size(layer.object, 16, 16)
        guard layer.configure() else { return }
        client.show(buffer, on: layer.surface, waitForFrame: false)
        wl_display_roundtrip(client.display)
        wl_surface_destroy(layer.surface)
        zwlr_layer_surface_v1_set_size(layer.object, 0, 0)
        zwlr_layer_surface_v1_set_anchor(layer.object, 15)
        zwlr_layer_surface_v1_set_exclusive_zone(layer.object, .max)
        zwlr_layer_surface_v1_set_layer(layer.object, 3)
        zwlr_layer_surface_v1_ack_configure(layer.object, 12345)
        zwlr_layer_surface_v1_destroy(layer.object)
        if wl_display_roundtrip(client.display) >= 0 { note("survived") }
    },
    Scenario(name: "layer-popup-with-two-parents", summary: "get_popup with an xdg_popup that already has an xdg_surface parent") { client in
        guard let layer = LayerProbe(client), let wmBase = client.wmBase, let window = client.window(),
              let compositor = client.compositor, let surface = wl_compositor_create_surface(compositor),
              let positioner = xdg_wm_base_create_positioner(wmBase) else { return note("no zwlr_layer_shell_v1") }
        xdg_positioner_set_size(positioner, 10, 10)
        xdg_positioner_set_anchor_rect(positioner, 0, 0, 1, 1)
        guard let xdgSurface = xdg_wm_base_get_xdg_surface(wmBase, surface),
              let popup = xdg_surface_get_popup(xdgSurface, window.xdgSurface, positioner) else { return }
        zwlr_layer_surface_v1_get_popup(layer.object, popup)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "layer-popup-never-parented", summary: "an xdg_popup made with a null parent committed without get_popup") { client in
        guard let wmBase = client.wmBase, let compositor = client.compositor,
              let surface = wl_compositor_create_surface(compositor),
              let positioner = xdg_wm_base_create_positioner(wmBase) else { return }
        xdg_positioner_set_size(positioner, 10, 10)
        xdg_positioner_set_anchor_rect(positioner, 0, 0, 1, 1)
        guard let xdgSurface = xdg_wm_base_get_xdg_surface(wmBase, surface),
              xdg_surface_get_popup(xdgSurface, nil, positioner) != nil else { return }
        wl_surface_commit(surface)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "layer-flood", summary: "64 layer surfaces with exclusive zones on every edge, 10000 committed changes of anchors, zones, margins, sizes and layers, a maximized window; then all destroyed and the window, unmaximized, shown") { client in
        guard let shell = client.layerShell, let compositor = client.compositor, let window = client.window()
        else { return note("no zwlr_layer_shell_v1") }
        xdg_toplevel_set_maximized(window.toplevel)
        var layers: [(surface: OpaquePointer, object: OpaquePointer)] = []
        for i in 0..<64 {
            guard let surface = wl_compositor_create_surface(compositor),
                  let object = zwlr_layer_shell_v1_get_layer_surface(shell, surface, nil, UInt32(i % 4), "flood") else { return }
            layers.append((surface, object))
        }
        let edges: [UInt32] = [1, 2, 4, 8, 1 | 4 | 8, 2 | 4 | 8, 4 | 1 | 2, 8 | 1 | 2, 15]
        for i in 0..<10_000 {
            let (surface, object) = layers[i % layers.count]
            let anchor = edges[i % edges.count]
            zwlr_layer_surface_v1_set_anchor(object, anchor)
            zwlr_layer_surface_v1_set_size(object, anchor & 12 == 12 ? 0 : UInt32(1 + i % 300), anchor & 3 == 3 ? 0 : UInt32(1 + i % 200))
            zwlr_layer_surface_v1_set_exclusive_zone(object, Int32(i % 7) * 40 - 40)
            zwlr_layer_surface_v1_set_margin(object, Int32(i % 11) - 5, Int32(i % 13), Int32(i % 3) * 1000, -Int32(i % 17))
            zwlr_layer_surface_v1_set_layer(object, UInt32(i % 4))
            zwlr_layer_surface_v1_set_keyboard_interactivity(object, UInt32(i % 3))
            wl_surface_commit(surface)
            if i % 500 == 499 { wl_display_roundtrip(client.display) }
        }
        for (surface, object) in layers {
            zwlr_layer_surface_v1_destroy(object)
            wl_surface_destroy(surface)
        }
        wl_display_roundtrip(client.display)
        let fd = client.sealedMemfd(64 * 64 * 4)
        defer { if fd >= 0 { close(fd) } }
        xdg_toplevel_unset_maximized(window.toplevel)
        wl_display_roundtrip(client.display)
        if client.show(client.buffer(client.pool(fd: fd, size: 64 * 64 * 4), width: 64, height: 64), on: window.surface) {
            note("shown after the flood")
        }
    },
    Scenario(name: "layer-many-surfaces", summary: "500 layer surfaces with exclusive zones on the top or bottom edge (each new one moves all the others), committed 4 times each; then all destroyed and a window shown") { client in
        guard let shell = client.layerShell, let compositor = client.compositor, let window = client.window()
        else { return note("no zwlr_layer_shell_v1") }
        var layers: [(surface: OpaquePointer, object: OpaquePointer)] = []
        for _ in 0..<500 {
            guard let surface = wl_compositor_create_surface(compositor),
                  let object = zwlr_layer_shell_v1_get_layer_surface(shell, surface, nil, 2, "many") else { return }
            layers.append((surface, object))
        }
        for round in 0..<4 {
            for (i, (surface, object)) in layers.enumerated() {
                zwlr_layer_surface_v1_set_anchor(object, round % 2 == 0 ? 1 : 2)
                zwlr_layer_surface_v1_set_size(object, 10, 10)
                zwlr_layer_surface_v1_set_exclusive_zone(object, 1)
                wl_surface_commit(surface)
                if i % 100 == 99 { wl_display_roundtrip(client.display) }
            }
        }
        for (surface, object) in layers {
            zwlr_layer_surface_v1_destroy(object)
            wl_surface_destroy(surface)
        }
        wl_display_roundtrip(client.display)
        let fd = client.sealedMemfd(64 * 64 * 4)
        defer { if fd >= 0 { close(fd) } }
        if client.show(client.buffer(client.pool(fd: fd, size: 64 * 64 * 4), width: 64, height: 64), on: window.surface) {
            note("shown after the flood")
        }
    },
]

/// A fresh wl_surface with a layer surface on the top layer (nothing committed), and the configures it gets.
final class LayerProbe {
    let client: AttackClient
    let surface: OpaquePointer
    let object: OpaquePointer
    var serial: UInt32?

    /// A layer surface in the top layer, on `output` (nil: where the compositor likes).
    init?(_ client: AttackClient, output: OpaquePointer? = nil) {
        guard let shell = client.layerShell, let compositor = client.compositor,
              let surface = wl_compositor_create_surface(compositor),
              let object = zwlr_layer_shell_v1_get_layer_surface(shell, surface, output, 2, "seawall-attack") else { return nil }
        self.client = client
        self.surface = surface
        self.object = object
        zwlr_layer_surface_v1_add_listener(object, layerListener, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The initial commit and its configure acked; false if the connection broke first.
    func configure() -> Bool {
        wl_surface_commit(surface)
        while serial == nil { if wl_display_dispatch(client.display) < 0 { return false } }
        zwlr_layer_surface_v1_ack_configure(object, serial ?? 0)
        return true
    }
}

private nonisolated(unsafe) let layerListener = listenerTable(zwlr_layer_surface_v1_listener(
    configure: { data, _, serial, _, _ in
        guard let data else { return }
        Unmanaged<LayerProbe>.fromOpaque(data).takeUnretainedValue().serial = serial
    },
    closed: { _, _ in }))

/// A 16x16 buffer in a sealed pool.
func layerBuffer(_ client: AttackClient) -> OpaquePointer? {
    let fd = client.sealedMemfd(4096)
    defer { if fd >= 0 { close(fd) } }
    return client.buffer(client.pool(fd: fd, size: 4096), width: 16, height: 16)
}
