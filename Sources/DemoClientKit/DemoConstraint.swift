import CProtocolsClient
import CWaylandClient

/// `seawall-demo --print-input --constrain lock|confine`: once the seat's wl_pointer exists, asks for a
/// persistent pointer lock or confinement on the window (no region: the whole surface) and a relative pointer,
/// and prints what they hear: "pointer locked", "pointer unlocked", "pointer confined", "pointer unconfined",
/// "pointer relative DX DY" (the unaccelerated values are the same in Seawall, so not printed).
public final class DemoConstraint {
    public enum Kind: String, CaseIterable, Sendable { case lock, confine }

    private var constraint: OpaquePointer?
    private var relative: OpaquePointer?
    private let kind: Kind

    /// Makes the objects now; nil when the compositor offers neither protocol.
    init?(kind: Kind, globals: ClientGlobals, surface: OpaquePointer, pointer: OpaquePointer) {
        guard let constraints = globals.pointerConstraints, let manager = globals.relativePointerManager else { return nil }
        self.kind = kind
        let persistent = ZWP_POINTER_CONSTRAINTS_V1_LIFETIME_PERSISTENT.rawValue
        let data = Unmanaged.passUnretained(self).toOpaque()
        switch kind {
        case .lock:
            constraint = zwp_pointer_constraints_v1_lock_pointer(constraints, surface, pointer, nil, persistent)
            if let constraint { zwp_locked_pointer_v1_add_listener(constraint, DemoConstraint.lockListener, data) }
        case .confine:
            constraint = zwp_pointer_constraints_v1_confine_pointer(constraints, surface, pointer, nil, persistent)
            if let constraint { zwp_confined_pointer_v1_add_listener(constraint, DemoConstraint.confineListener, data) }
        }
        relative = zwp_relative_pointer_manager_v1_get_relative_pointer(manager, pointer)
        if let relative { zwp_relative_pointer_v1_add_listener(relative, DemoConstraint.relativeListener, data) }
    }

    /// Destroys the objects (before the surface and the display go).
    func destroy() {
        if let constraint {
            switch kind {
            case .lock: zwp_locked_pointer_v1_destroy(constraint)
            case .confine: zwp_confined_pointer_v1_destroy(constraint)
            }
        }
        if let relative { zwp_relative_pointer_v1_destroy(relative) }
        constraint = nil
        relative = nil
    }

    nonisolated(unsafe) static let lockListener = listenerTable(zwp_locked_pointer_v1_listener(
        locked: { _, _ in InputPrinter.say("pointer locked") },
        unlocked: { _, _ in InputPrinter.say("pointer unlocked") }))
    nonisolated(unsafe) static let confineListener = listenerTable(zwp_confined_pointer_v1_listener(
        confined: { _, _ in InputPrinter.say("pointer confined") },
        unconfined: { _, _ in InputPrinter.say("pointer unconfined") }))
    nonisolated(unsafe) static let relativeListener = listenerTable(zwp_relative_pointer_v1_listener(
        relative_motion: { _, _, _, _, dx, dy, _, _ in
            InputPrinter.say("pointer relative \(wl_fixed_to_double(dx)) \(wl_fixed_to_double(dy))")
        }))
}
