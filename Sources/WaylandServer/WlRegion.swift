import Compositor
import CWaylandServer

/// wl_region: a client-built set of rectangles, copied into surface state by set_opaque/input_region.
final class WlRegion: ResourceObject {
    private(set) var region = Region()

    static let implementation = Implementation(wl_region_interface(
        destroy: Resource.destroyRequest,
        add: { _, resource, x, y, width, height in
            WlRegion.from(resource)?.region.add(Rect.wire(x, y, width, height))
        },
        subtract: { _, resource, x, y, width, height in
            WlRegion.from(resource)?.region.subtract(Rect.wire(x, y, width, height))
        }))

    static func from(_ resource: OpaquePointer?) -> WlRegion? {
        Resource.object(resource, WlRegion.self, interface: Interfaces.wlRegion, implementation: implementation)
    }

    static func create(client: OpaquePointer, version: Int32, id: UInt32) {
        _ = Resource.make(client: client, interface: Interfaces.wlRegion, version: version, id: id,
                          implementation: implementation, object: WlRegion())
    }

    func resourceDestroyed() {}
}
