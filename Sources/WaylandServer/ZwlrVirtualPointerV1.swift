import CProtocolsServer
import CWaylandServer
import Compositor

/// zwlr_virtual_pointer_v1: one virtual mouse. Its requests are checked here and collected by the compositor's
/// `VirtualPointer` until the client's frame request; then they take effect through the seat's own pointer
/// paths and every client that hears of them gets one wl_pointer frame (Seat.virtualPointerFrame).
///
/// Coordinates are logical output coordinates: motion moves by (dx, dy) and motion_absolute to
/// x / x_extent, y / y_extent of its output (or the layout), both clamped to the outputs. The clients' timestamps are not
/// used: events carry Seawall's own event time, like every other pointer event. When the object goes (destroy,
/// or its client disconnects) every button it still holds is released, so no button stays stuck down.
///
/// Errors: an axis other than vertical or horizontal is `invalid_axis`, an axis source past wheel_tilt
/// `invalid_axis_source`; an extent of 0, a button state other than released or pressed, and more than
/// `VirtualPointer.maxPendingEvents` buttons without a frame are wl_display implementation errors.
final class ZwlrVirtualPointerV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private let resource: OpaquePointer
    private let pointer = VirtualPointer()

    static let implementation = Implementation(zwlr_virtual_pointer_v1_interface(
        motion: { _, resource, _, dx, dy in
            ZwlrVirtualPointerV1.from(resource)?.pointer.motion(dx: wl_fixed_to_double(dx), dy: wl_fixed_to_double(dy))
        },
        motion_absolute: { _, resource, _, x, y, xExtent, yExtent in
            ZwlrVirtualPointerV1.from(resource)?.checked { pointer throws(VirtualPointerError) in
                try pointer.motionAbsolute(x: x, y: y, xExtent: xExtent, yExtent: yExtent)
            }
        },
        button: { _, resource, _, button, state in
            ZwlrVirtualPointerV1.from(resource)?.checked { pointer throws(VirtualPointerError) in try pointer.button(button, state: state) }
        },
        axis: { _, resource, _, axis, value in
            ZwlrVirtualPointerV1.from(resource)?.checked { pointer throws(VirtualPointerError) in
                try pointer.axis(axis, value: wl_fixed_to_double(value))
            }
        },
        frame: { _, resource in ZwlrVirtualPointerV1.from(resource)?.frame() },
        axis_source: { _, resource, source in
            ZwlrVirtualPointerV1.from(resource)?.checked { pointer throws(VirtualPointerError) in try pointer.axisSource(source) }
        },
        axis_stop: { _, resource, _, axis in
            ZwlrVirtualPointerV1.from(resource)?.checked { pointer throws(VirtualPointerError) in try pointer.axisStop(axis) }
        },
        axis_discrete: { _, resource, _, axis, value, discrete in
            ZwlrVirtualPointerV1.from(resource)?.checked { pointer throws(VirtualPointerError) in
                try pointer.axis(axis, value: wl_fixed_to_double(value), discrete: discrete)
            }
        },
        destroy: Resource.destroyRequest))

    /// `output` (an `OutputArea.index`): the output absolute motion spans (nil: the whole layout).
    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32, output: Int? = nil) {
        guard let (_, object) = makeResource(client: client, version: version, id: id, { ZwlrVirtualPointerV1(server: server, resource: $0) })
        else { return }
        object.pointer.output = output
    }

    private init(server: Server, resource: OpaquePointer) {
        self.server = server
        self.resource = resource
    }

    /// Runs a request on the compositor's virtual pointer; a refusal is posted to the client as its error.
    private func checked(_ request: (VirtualPointer) throws(VirtualPointerError) -> Void) {
        do {
            try request(pointer)
        } catch {
            switch error {
            case .invalidAxis(let message):
                Resource.postError(resource, code: ZWLR_VIRTUAL_POINTER_V1_ERROR_INVALID_AXIS.rawValue, message)
            case .invalidAxisSource(let message):
                Resource.postError(resource, code: ZWLR_VIRTUAL_POINTER_V1_ERROR_INVALID_AXIS_SOURCE.rawValue, message)
            case .invalidRequest(let message):
                server.postImplementationError(client: wl_resource_get_client(resource), "zwlr_virtual_pointer_v1: \(message)")
            }
        }
    }

    private func frame() { server.seat.virtualPointerFrame(pointer) }

    func resourceDestroyed() { server.seat.virtualPointerRemoved(pointer) }
}
