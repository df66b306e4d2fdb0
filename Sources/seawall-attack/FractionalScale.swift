import CProtocolsClient
import CWaylandClient
import Glibc

/// wp_fractional_scale_v1: a second object for a surface, an object outliving its surface, and a flood of
/// objects made and destroyed.
let fractionalScaleScenarios: [Scenario] = [
    Scenario(name: "fractional-scale-twice", summary: "a second get_fractional_scale for the same surface") { client in
        guard let manager = client.fractionalScaleManager, let window = client.window() else {
            return note("no wp_fractional_scale_manager_v1")
        }
        _ = wp_fractional_scale_manager_v1_get_fractional_scale(manager, window.surface)
        _ = wp_fractional_scale_manager_v1_get_fractional_scale(manager, window.surface)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "fractional-scale-outlives-surface", summary: "a role-less wl_surface destroyed before its wp_fractional_scale_v1, then a shown window gets one") { client in
        guard let manager = client.fractionalScaleManager, let compositor = client.compositor,
              let surface = wl_compositor_create_surface(compositor) else {
            return note("no wp_fractional_scale_manager_v1")
        }
        let scale = wp_fractional_scale_manager_v1_get_fractional_scale(manager, surface)
        wl_surface_destroy(surface)
        wl_display_roundtrip(client.display)
        if let scale { wp_fractional_scale_v1_destroy(scale) }
        guard let shown = client.shownWindow() else { return }
        _ = wp_fractional_scale_manager_v1_get_fractional_scale(manager, shown.surface)
        if wl_display_roundtrip(client.display) >= 0 { note("shown after") }
    },
    Scenario(name: "fractional-scale-flood", summary: "10000 get_fractional_scale/destroy pairs on one surface") { client in
        guard let manager = client.fractionalScaleManager, let window = client.window() else {
            return note("no wp_fractional_scale_manager_v1")
        }
        for i in 0..<10_000 {
            if let scale = wp_fractional_scale_manager_v1_get_fractional_scale(manager, window.surface) {
                wp_fractional_scale_v1_destroy(scale)
            }
            if i % 1000 == 999 { wl_display_roundtrip(client.display) }
        }
        note("flood done")
    },
]
