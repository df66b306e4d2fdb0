import CProtocolsClient
import CWaylandClient
import Glibc

/// wp_viewporter and single-pixel buffers: values at the edges of wl_fixed, rectangles outside the buffer,
/// a viewport outliving its surface, floods of state changes and of poolless buffers.
let viewportScenarios: [Scenario] = [
    Scenario(name: "viewport-huge-source", summary: "set_source with every value at INT32_MAX (wl_fixed 8388607.99) at buffer scale 16: out of the buffer, without overflow") { client in
        guard let (window, viewport, buffer) = setUpViewport(client) else { return note("no wp_viewporter") }
        wp_viewport_set_source(viewport, .max, .max, .max, .max)
        wl_surface_set_buffer_scale(window.surface, 16)
        client.show(buffer, on: window.surface, waitForFrame: false)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "viewport-negative-source", summary: "set_source(INT32_MIN, …): the most negative wl_fixed") { client in
        guard let (_, viewport, _) = setUpViewport(client) else { return note("no wp_viewporter") }
        wp_viewport_set_source(viewport, .min, .min, .min, .min)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "viewport-zero-destination", summary: "set_destination(0, -1)") { client in
        guard let (_, viewport, _) = setUpViewport(client) else { return note("no wp_viewporter") }
        wp_viewport_set_destination(viewport, 0, -1)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "viewport-source-outside-buffer", summary: "a 16x16 buffer cropped at (8, 8) 16x16") { client in
        guard let (window, viewport, buffer) = setUpViewport(client) else { return note("no wp_viewporter") }
        wp_viewport_set_source(viewport, 8 * 256, 8 * 256, 16 * 256, 16 * 256)
        client.show(buffer, on: window.surface, waitForFrame: false)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "viewport-of-destroyed-surface", summary: "set_source on a wp_viewport whose wl_surface was destroyed") { client in
        guard let (window, viewport, _) = setUpViewport(client) else { return note("no wp_viewporter") }
        xdg_toplevel_destroy(window.toplevel)
        xdg_surface_destroy(window.xdgSurface)
        wl_surface_destroy(window.surface)
        wp_viewport_set_source(viewport, 0, 0, 256, 256)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "viewport-twice", summary: "a second get_viewport for the same surface") { client in
        guard let (window, _, _) = setUpViewport(client), let viewporter = client.viewporter else { return note("no wp_viewporter") }
        _ = wp_viewporter_get_viewport(viewporter, window.surface)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "viewport-flood", summary: "10000 set_source/set_destination with fractional crops and destinations up to 2^31-1, committed every 100; then a 1:1 frame") { client in
        guard let (window, viewport, buffer) = setUpViewport(client) else { return note("no wp_viewporter") }
        wl_surface_attach(window.surface, buffer, 0, 0)
        for i in 0..<10_000 {
            let n = Int32(i)
            wp_viewport_set_source(viewport, n % 7, n % 5, 1 + n % (16 * 256 - 8), 1 + (n * 3) % (16 * 256 - 8))
            wp_viewport_set_destination(viewport, i % 3 == 0 ? .max : 1 + n % 4000, i % 5 == 0 ? .max : 1 + n % 3000)
            if i % 100 == 99 {
                wl_surface_damage(window.surface, 0, 0, .max, .max)
                wl_surface_commit(window.surface)
                if i % 1000 == 999 { wl_display_roundtrip(client.display) }
            }
        }
        wp_viewport_set_source(viewport, -256, -256, -256, -256)
        wp_viewport_set_destination(viewport, -1, -1)
        if client.show(buffer, on: window.surface) { note("shown after the flood") }
    },
    Scenario(name: "single-pixel-flood", summary: "100000 single-pixel buffers (extreme channel values), every 1000th attached to a window stretched to 2^31-1 and destroyed; then one shown") { client in
        guard let (window, viewport, _) = setUpViewport(client), let manager = client.singlePixelBufferManager
        else { return note("no wp_single_pixel_buffer_manager_v1") }
        wp_viewport_set_destination(viewport, .max, .max)
        for i in 0..<100_000 {
            let v = UInt32(truncatingIfNeeded: i &* 2_654_435_761)
            guard let buffer = wp_single_pixel_buffer_manager_v1_create_u32_rgba_buffer(manager, v, .max, 0, v | 1) else { continue }
            if i % 1000 == 0 {
                wl_surface_attach(window.surface, buffer, 0, 0)
                wl_surface_commit(window.surface)
            }
            wl_buffer_destroy(buffer)
            if i % 1000 == 999 { wl_display_roundtrip(client.display) }
        }
        wp_viewport_set_destination(viewport, 64, 64)
        guard let solid = wp_single_pixel_buffer_manager_v1_create_u32_rgba_buffer(manager, .max, 0, .max, .max) else { return }
        if client.show(solid, on: window.surface) { note("shown after the flood") }
    },
]

/// A window, its wp_viewport and a 16x16 buffer (not attached); nil without wp_viewporter.
private func setUpViewport(_ client: AttackClient)
    -> ((surface: OpaquePointer, xdgSurface: OpaquePointer, toplevel: OpaquePointer), OpaquePointer, OpaquePointer)? {
    let fd = client.sealedMemfd(4096)
    defer { if fd >= 0 { close(fd) } }   // the request queued its own copy
    guard let viewporter = client.viewporter, let window = client.window(),
          let viewport = wp_viewporter_get_viewport(viewporter, window.surface),
          let buffer = client.buffer(client.pool(fd: fd, size: 4096), width: 16, height: 16) else { return nil }
    return (window, viewport, buffer)
}
