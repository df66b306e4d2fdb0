import Compositor
import CServerShims
import CWaylandServer

/// wl_region: a client-built set of rectangles, copied into surface state by set_opaque/input_region.
/// Regions are exact (input and opaque regions cannot be approximated), so their complexity is capped:
/// every add or subtract costs time in the number of rectangles, and a flood of them would stall the server.
final class WlRegion: ProtocolObject {
    /// More disjoint rectangles than any real client needs.
    static let maxRectangles = 1024
    private(set) var region = Region()
    private let resource: OpaquePointer

    static let implementation = Implementation(wl_region_interface(
        destroy: Resource.destroyRequest,
        add: { _, resource, x, y, width, height in
            guard let region = WlRegion.from(resource) else { return }
            region.region.add(Rect.wire(x, y, width, height))
            region.checkSize()
        },
        subtract: { _, resource, x, y, width, height in
            guard let region = WlRegion.from(resource) else { return }
            region.region.subtract(Rect.wire(x, y, width, height))
            region.checkSize()
        }))

    private func checkSize() {
        guard region.rects.count > WlRegion.maxRectangles, let client = wl_resource_get_client(resource) else { return }
        region = Region()
        sw_client_post_implementation_error(client, "wl_region has more than \(WlRegion.maxRectangles) rectangles")
    }

    static func create(client: OpaquePointer, version: Int32, id: UInt32) {
        makeResource(client: client, version: version, id: id) { WlRegion(resource: $0) }
    }

    private init(resource: OpaquePointer) { self.resource = resource }
}
