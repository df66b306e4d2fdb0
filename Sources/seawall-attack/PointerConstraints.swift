import CClientShims
import CProtocolsClient
import CWaylandClient
import Glibc

/// zwp_pointer_constraints_v1 and zwp_relative_pointer_manager_v1 in the hands of a hostile client: a second
/// constraint on a surface, lifetimes that are none, a region id whose wl_region is gone, constraints that
/// outlive their surface, and floods of constraints, regions, hints and relative pointers.
let pointerConstraintScenarios: [Scenario] = [
    Scenario(name: "constraints-lock-twice", summary: "lock_pointer twice on the same surface") { client in
        guard let (window, constraints, pointer) = setUpConstraints(client) else { return note("no zwp_pointer_constraints_v1") }
        _ = zwp_pointer_constraints_v1_lock_pointer(constraints, window.surface, pointer, nil, 1)
        _ = zwp_pointer_constraints_v1_lock_pointer(constraints, window.surface, pointer, nil, 2)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "constraints-bad-lifetime", summary: "confine_pointer with lifetime 0xffffffff") { client in
        guard let (window, constraints, pointer) = setUpConstraints(client) else { return note("no zwp_pointer_constraints_v1") }
        _ = zwp_pointer_constraints_v1_confine_pointer(constraints, window.surface, pointer, nil, .max)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "constraints-destroyed-region", summary: "lock_pointer naming the id of a wl_region already destroyed") { client in
        guard let (window, constraints, pointer) = setUpConstraints(client), let compositor = client.compositor,
              let region = wl_compositor_create_region(compositor) else { return note("no zwp_pointer_constraints_v1") }
        wl_region_add(region, 0, 0, 10, 10)
        wl_region_destroy(region)
        wl_display_roundtrip(client.display)   // the server has destroyed it and freed its id
        guard let stale = wl_proxy_create(window.surface, sw_client_interface_named("wl_region")) else { return }
        note("locking with wl_region@\(wl_proxy_get_id(stale)), destroyed")
        _ = zwp_pointer_constraints_v1_lock_pointer(constraints, window.surface, pointer, stale, 1)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "constraints-surface-destroyed", summary: "a lock and a confinement whose surfaces are destroyed, then set_region, hints and commits on them") { client in
        guard let (window, constraints, pointer) = setUpConstraints(client), let compositor = client.compositor,
              let other = wl_compositor_create_surface(compositor), let region = wl_compositor_create_region(compositor)
        else { return note("no zwp_pointer_constraints_v1") }
        wl_region_add(region, 0, 0, 8, 8)
        let lock = zwp_pointer_constraints_v1_lock_pointer(constraints, window.surface, pointer, region, 2)
        let confinement = zwp_pointer_constraints_v1_confine_pointer(constraints, other, pointer, nil, 1)
        wl_display_roundtrip(client.display)
        xdg_toplevel_destroy(window.toplevel)
        xdg_surface_destroy(window.xdgSurface)
        wl_surface_destroy(window.surface)
        wl_surface_destroy(other)
        zwp_locked_pointer_v1_set_region(lock, region)
        zwp_locked_pointer_v1_set_cursor_position_hint(lock, .max, .min)
        zwp_confined_pointer_v1_set_region(confinement, nil)
        wl_display_roundtrip(client.display)
        zwp_locked_pointer_v1_destroy(lock)
        zwp_confined_pointer_v1_destroy(confinement)
        wl_region_destroy(region)
        if wl_display_roundtrip(client.display) >= 0 { note("still served after its surfaces went") }
    },
    Scenario(name: "constraints-flood", summary: "10000 locks and confinements made and destroyed, each with a 1000-rectangle region, set_region and hints at wl_fixed's limits, committed; then a frame") { client in
        guard let (window, constraints, pointer) = setUpConstraints(client), let compositor = client.compositor,
              let region = wl_compositor_create_region(compositor) else { return note("no zwp_pointer_constraints_v1") }
        for i in 0..<1000 { wl_region_add(region, Int32(i) * 3, Int32(i % 7) * 5, 2, 2) }
        for i in 0..<10_000 {
            if i % 2 == 0 {
                guard let lock = zwp_pointer_constraints_v1_lock_pointer(constraints, window.surface, pointer, region, 1 + UInt32(i % 4 == 0 ? 1 : 0)) else { continue }
                zwp_locked_pointer_v1_set_cursor_position_hint(lock, i % 3 == 0 ? .max : .min, Int32(i))
                zwp_locked_pointer_v1_set_region(lock, i % 5 == 0 ? nil : region)
                wl_surface_commit(window.surface)
                zwp_locked_pointer_v1_destroy(lock)
            } else {
                guard let confinement = zwp_pointer_constraints_v1_confine_pointer(constraints, window.surface, pointer, nil, 2) else { continue }
                zwp_confined_pointer_v1_set_region(confinement, region)
                wl_surface_commit(window.surface)
                zwp_confined_pointer_v1_destroy(confinement)
            }
            if i % 100 == 99 { drain(client.display) }
            if i % 1000 == 999 { wl_display_roundtrip(client.display) }
        }
        wl_region_destroy(region)
        if wl_display_roundtrip(client.display) >= 0 { note("still served after the flood") }
    },
    Scenario(name: "relative-pointer-flood", summary: "100000 zwp_relative_pointer_v1 made, every other one kept; then a frame") { client in
        guard let manager = client.relativePointerManager, let pointer = constraintPointer(client) else {
            return note("no zwp_relative_pointer_manager_v1")
        }
        for i in 0..<100_000 {
            guard let relative = zwp_relative_pointer_manager_v1_get_relative_pointer(manager, pointer) else { continue }
            if i % 2 == 0 { zwp_relative_pointer_v1_destroy(relative) }
            if i % 100 == 99 { drain(client.display) }
            if i % 10_000 == 9_999 { wl_display_roundtrip(client.display) }
        }
        if wl_display_roundtrip(client.display) >= 0 { note("still served after the flood") }
    },
]

/// The client's wl_pointer (after a roundtrip for the seat's capabilities); nil without a pointer.
private func constraintPointer(_ client: AttackClient) -> OpaquePointer? {
    wl_display_roundtrip(client.display)
    return client.input?.pointer
}

/// A shown window, zwp_pointer_constraints_v1 and the client's wl_pointer; nil without them.
private func setUpConstraints(_ client: AttackClient)
    -> ((surface: OpaquePointer, xdgSurface: OpaquePointer, toplevel: OpaquePointer), OpaquePointer, OpaquePointer)? {
    guard let constraints = client.pointerConstraints, let pointer = constraintPointer(client),
          let window = client.shownWindow() else { return nil }
    return (window, constraints, pointer)
}
