import CClientShims
import CProtocolsClient
import CWaylandClient
import DemoClientKit
import Glibc

/// A virtual pointer in the hands of a hostile client (Seawall runs with --allow-virtual-input for these):
/// enum values that are no axis or source, an extent of 0, coordinates and sums at the wire's limits, a
/// button held down when the client goes, and floods. The well-behaved client's window lies under (100, 100).
let virtualPointerScenarios: [Scenario] = [
    virtualPointerScenario("virtual-pointer-bad-axis", "zwlr_virtual_pointer_v1.axis on axis 2") { _, pointer in
        zwlr_virtual_pointer_v1_axis(pointer, 0, 2, wl_fixed_from_int(5))
        zwlr_virtual_pointer_v1_frame(pointer)
    },
    virtualPointerScenario("virtual-pointer-bad-axis-stop", "zwlr_virtual_pointer_v1.axis_stop on axis 0xffffffff") { _, pointer in
        zwlr_virtual_pointer_v1_axis_stop(pointer, 0, .max)
    },
    virtualPointerScenario("virtual-pointer-bad-axis-source", "zwlr_virtual_pointer_v1.axis_source 7") { _, pointer in
        zwlr_virtual_pointer_v1_axis(pointer, 0, 0, wl_fixed_from_int(5))
        zwlr_virtual_pointer_v1_axis_source(pointer, 7)
        zwlr_virtual_pointer_v1_frame(pointer)
    },
    virtualPointerScenario("virtual-pointer-extent-zero", "motion_absolute with x_extent 0") { _, pointer in
        zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, 5, 5, 0, 480)
        zwlr_virtual_pointer_v1_frame(pointer)
    },
    virtualPointerScenario("virtual-pointer-bad-button-state", "a button with state 2") { _, pointer in
        zwlr_virtual_pointer_v1_button(pointer, 0, 0x110, 2)
    },
    virtualPointerScenario("virtual-pointer-huge-values", "motions, positions and axis sums at the wire's limits, in one frame and across frames") { _, pointer in
        let most = wl_fixed_t.max, least = wl_fixed_t.min
        for (dx, dy) in [(most, most), (least, least), (most, least), (least, most)] {
            for _ in 0..<100 { zwlr_virtual_pointer_v1_motion(pointer, .max, dx, dy) }
            zwlr_virtual_pointer_v1_frame(pointer)
        }
        zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, .max, .max, 1, 1)
        zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, .max, 0, .max, .max)
        zwlr_virtual_pointer_v1_frame(pointer)
        zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, 100, 100, 640, 480)   // onto the good client's window
        for _ in 0..<1000 {
            zwlr_virtual_pointer_v1_axis_discrete(pointer, 0, 0, most, .max)
            zwlr_virtual_pointer_v1_axis_discrete(pointer, 0, 1, least, .min)
        }
        zwlr_virtual_pointer_v1_axis_source(pointer, 3)
        zwlr_virtual_pointer_v1_axis_stop(pointer, 0, 0)
        zwlr_virtual_pointer_v1_frame(pointer)
    },
    virtualPointerScenario("virtual-pointer-held-then-gone", "press the left and right buttons on another client's window, then exit") { client, pointer in
        zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, 100, 100, 640, 480)
        zwlr_virtual_pointer_v1_button(pointer, 0, 0x110, 1)
        zwlr_virtual_pointer_v1_button(pointer, 0, 0x111, 1)
        zwlr_virtual_pointer_v1_frame(pointer)
        zwlr_virtual_pointer_v1_motion(pointer, 0, wl_fixed_from_int(400), 0)   // off the window: the grab holds
        zwlr_virtual_pointer_v1_frame(pointer)
        zwlr_virtual_pointer_v1_button(pointer, 0, 0x112, 1)   // never framed: never pressed
        wl_display_roundtrip(client.display)
        note("left and right held")
    },
    virtualPointerScenario("virtual-pointer-unframed-flood", "65 button requests without a frame") { _, pointer in
        for i in 0..<65 { zwlr_virtual_pointer_v1_button(pointer, 0, 0x110, UInt32(i % 2)) }
        zwlr_virtual_pointer_v1_frame(pointer)
    },
    virtualPointerScenario("virtual-pointer-frame-flood", "20,000 frames of motion and 40 buttons pressed one per frame, never released") { client, pointer in
        zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, 100, 100, 640, 480)
        zwlr_virtual_pointer_v1_frame(pointer)
        for code in UInt32(0x110)..<0x138 {
            zwlr_virtual_pointer_v1_button(pointer, 0, code, 1)
            zwlr_virtual_pointer_v1_frame(pointer)
        }
        for i in 0..<20_000 {
            zwlr_virtual_pointer_v1_motion(pointer, 0, wl_fixed_from_int(i % 2 == 0 ? 1 : -1), 0)
            zwlr_virtual_pointer_v1_frame(pointer)
            if i % 64 == 63 && !drain(client.display) { return note("the connection ended after \(i) frames") }
        }
        wl_display_roundtrip(client.display)
        note("40 buttons pressed")
    },
]

/// A scenario with a virtual pointer (from zwlr_virtual_pointer_manager_v1 version 2, made with a null seat
/// and output); the verdict comes from a roundtrip after `body`.
private func virtualPointerScenario(_ name: String, _ summary: String,
                                    _ body: @escaping @Sendable (AttackClient, OpaquePointer) -> Void) -> Scenario {
    Scenario(name: name, summary: summary) { client in
        guard let manager = virtualPointerManager(client.display) else { return note("no zwlr_virtual_pointer_manager_v1") }
        guard let pointer = zwlr_virtual_pointer_manager_v1_create_virtual_pointer_with_output(manager, nil, nil) else { return }
        body(client, pointer)
        wl_display_roundtrip(client.display)
    }
}

/// Binds zwlr_virtual_pointer_manager_v1 through a registry of its own (version 2 at most), or nil.
private func virtualPointerManager(_ display: OpaquePointer) -> OpaquePointer? {
    guard let registry = wl_display_get_registry(display) else { return nil }
    let found = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: 1)   // the listener's, for the process's life
    found.initialize(to: nil)
    wl_registry_add_listener(registry, managerFinder, found)
    wl_display_roundtrip(display)
    return found.pointee
}

nonisolated(unsafe) private let managerFinder = listenerTable(wl_registry_listener(
    global: { data, registry, name, interface, version in
        guard let data, let interface, String(cString: interface) == "zwlr_virtual_pointer_manager_v1" else { return }
        let table = sw_client_interface_zwlr_virtual_pointer_manager_v1()
        let proxy = wl_registry_bind(registry, name, table, min(version, 2)).map(OpaquePointer.init)
        data.assumingMemoryBound(to: OpaquePointer?.self).pointee = proxy
    },
    global_remove: { _, _, _ in }))
