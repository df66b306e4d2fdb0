import CWaylandServer

/// wl_output: the one output, whose current and preferred mode is the composed image's size.
/// Advertised at version 4 (name and description). The mode is in device pixels; wl_output.scale is
/// `--scale`, so clients draw their buffers that many times their logical size.
final class WlOutput: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    /// The connector-like name clients see (wl_output.name).
    static let name = "SEAWALL-1"

    static let implementation = Implementation(wl_output_interface(release: Resource.destroyRequest))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        guard let (resource, output) = makeResource(client: client, version: Int32(version), id: id, {
            WlOutput(server: server, resource: $0)
        }) else { return }
        server.outputBound(output)
        let width = Int32(clamping: server.configuration.width)
        let height = Int32(clamping: server.configuration.height)
        // A 96 dpi panel: 0.2646 mm per pixel. Headless, so make and model say what this is.
        let millimetres: (Int32) -> Int32 = { Int32((Int64($0) * 2646 + 5000) / 10000) }
        wl_output_send_geometry(resource, 0, 0, millimetres(width), millimetres(height),
                                Int32(WL_OUTPUT_SUBPIXEL_UNKNOWN.rawValue), "Seawall", "headless",
                                Int32(WL_OUTPUT_TRANSFORM_NORMAL.rawValue))
        wl_output_send_mode(resource, WL_OUTPUT_MODE_CURRENT.rawValue | WL_OUTPUT_MODE_PREFERRED.rawValue,
                            width, height, server.frameClock.refreshMillihertz)
        if version >= 2 { wl_output_send_scale(resource, Int32(server.configuration.scale)) }
        if version >= 4 {
            wl_output_send_name(resource, name)
            wl_output_send_description(resource, "Seawall headless output \(width)x\(height)")
        }
        if version >= 2 { wl_output_send_done(resource) }
    }

    private init(server: Server, resource: OpaquePointer) {
        self.server = server
        self.resource = resource
    }

    func resourceDestroyed() { server.outputReleased(self) }
}
