import Compositor
import CProtocolsServer
import CWaylandServer

/// zwp_pointer_constraints_v1: hands out one lock (zwp_locked_pointer_v1) or confinement
/// (zwp_confined_pointer_v1) per surface. The rules (when a constraint is active, what it does to motion) are
/// the compositor's, PointerConstraints.swift; this file checks the request's objects and makes the resource.
///
/// Errors: a surface that already has a constraint is already_constrained (on this object); a lifetime other
/// than oneshot (1) or persistent (2), and a surface or pointer that is not Seawall's, are wl_display
/// implementation errors (the protocol has no code for them).
final class ZwpPointerConstraintsV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private let resource: OpaquePointer

    static let implementation = Implementation(zwp_pointer_constraints_v1_interface(
        destroy: Resource.destroyRequest,
        lock_pointer: { client, resource, id, surface, pointer, region, lifetime in
            guard let client else { return }
            ZwpPointerConstraintsV1.from(resource)?.constrain(.lock, client: client, id: id, surfaceResource: surface,
                                                               pointerResource: pointer, regionResource: region, lifetime: lifetime)
        },
        confine_pointer: { client, resource, id, surface, pointer, region, lifetime in
            guard let client else { return }
            ZwpPointerConstraintsV1.from(resource)?.constrain(.confine, client: client, id: id, surfaceResource: surface,
                                                               pointerResource: pointer, regionResource: region, lifetime: lifetime)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { ZwpPointerConstraintsV1(server: server, resource: $0) }
    }

    private init(server: Server, resource: OpaquePointer) {
        self.server = server
        self.resource = resource
    }

    private func constrain(_ kind: PointerConstraint.Kind, client: OpaquePointer, id: UInt32, surfaceResource: OpaquePointer?,
                           pointerResource: OpaquePointer?, regionResource: OpaquePointer?, lifetime: UInt32) {
        let request = kind == .lock ? "lock_pointer" : "confine_pointer"
        guard let surface = WlSurface.from(surfaceResource) else {
            return server.postImplementationError(client: client, "zwp_pointer_constraints_v1.\(request): not a wl_surface Seawall made")
        }
        guard WlPointer.from(pointerResource) != nil else {
            return server.postImplementationError(client: client, "zwp_pointer_constraints_v1.\(request): not a wl_pointer Seawall made")
        }
        // A region the client destroyed cannot arrive (libwayland refuses the request); a foreign one reads as none.
        let region = WlRegion.from(regionResource)?.region
        let constraint: PointerConstraint
        do {
            constraint = try server.compositor.constrainPointer(kind, surface: surface.state, region: region, lifetime: lifetime)
        } catch {
            switch error {
            case .alreadyConstrained(let message):
                return Resource.postError(resource, code: ZWP_POINTER_CONSTRAINTS_V1_ERROR_ALREADY_CONSTRAINED.rawValue,
                                          "\(request) on wl_surface@\(wl_resource_get_id(surface.resource)): \(message)")
            case .invalidRequest(let message):
                return server.postImplementationError(client: client, "zwp_pointer_constraints_v1.\(request): \(message)")
            }
        }
        let version = wl_resource_get_version(resource)
        let made: PointerConstraintResource? = switch kind {
        case .lock: ZwpLockedPointerV1.create(server: server, client: client, version: version, id: id, constraint: constraint)
        case .confine: ZwpConfinedPointerV1.create(server: server, client: client, version: version, id: id, constraint: constraint)
        }
        guard let made else { return server.compositor.removePointerConstraint(constraint) }
        server.seat.pointerConstraintMade(made)
    }
}

/// What zwp_locked_pointer_v1 and zwp_confined_pointer_v1 share: the compositor's constraint behind them,
/// its double-buffered region, and the end of the constraint with the object.
class PointerConstraintResource: ResourceObject {
    unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    let constraint: PointerConstraint

    init(server: Server, resource: OpaquePointer, constraint: PointerConstraint) {
        self.server = server
        self.resource = resource
        self.constraint = constraint
    }

    /// set_region: the region for the surface's next commit; null is infinite. Once the surface is gone the
    /// request changes nothing.
    func setRegion(_ regionResource: OpaquePointer?) {
        guard constraint.surface != nil else { return }
        constraint.pendingRegion = .some(WlRegion.from(regionResource)?.region)
    }

    /// locked / unlocked or confined / unconfined.
    func send(active: Bool) {}

    func resourceDestroyed() { server.seat.pointerConstraintDestroyed(self) }
}
