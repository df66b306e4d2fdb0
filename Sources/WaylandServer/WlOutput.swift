import CWaylandServer
import Compositor

/// wl_output: one per output (`--output`, repeated), each with a global of its own. Its current and preferred
/// mode is the output's frame size in device pixels; wl_output.scale is its scale rounded up, so clients draw
/// their buffers that many times their logical size. Advertised at version 4 (name and description);
/// geometry's position is the output's place in the layout.
final class WlOutput: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    /// Which output this resource is (`OutputArea.index`, `Server.heads`).
    let head: Int
    /// Its place in its client's list of wl_outputs (`Server.outputs(of:)`), while it is in it.
    var slot: Int?

    static let implementation = Implementation(wl_output_interface(release: Resource.destroyRequest))

    /// The generated global list's entry; the globals themselves are made per output (ServerGlobals.swift).
    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        bind(server: server, head: 0, client: client, version: version, id: id)
    }

    static func bind(server: Server, head: Int, client: OpaquePointer, version: UInt32, id: UInt32) {
        guard let (resource, output) = makeResource(client: client, version: Int32(version), id: id, {
            WlOutput(server: server, resource: $0, head: head)
        }) else { return }
        let area = server.heads[head].area
        let width = Int32(clamping: area.deviceWidth)
        let height = Int32(clamping: area.deviceHeight)
        // A 96 dpi panel: 0.2646 mm per pixel. Headless, so make and model say what this is.
        let millimetres: (Int32) -> Int32 = { Int32((Int64($0) * 2646 + 5000) / 10000) }
        wl_output_send_geometry(resource, Int32(clamping: area.rect.x), Int32(clamping: area.rect.y),
                                millimetres(width), millimetres(height),
                                Int32(WL_OUTPUT_SUBPIXEL_UNKNOWN.rawValue), "Seawall", "headless",
                                Int32(WL_OUTPUT_TRANSFORM_NORMAL.rawValue))
        wl_output_send_mode(resource, WL_OUTPUT_MODE_CURRENT.rawValue | WL_OUTPUT_MODE_PREFERRED.rawValue,
                            width, height, server.frameClock.refreshMillihertz)
        if version >= 2 { wl_output_send_scale(resource, Int32(area.scale.wlOutputScale)) }
        if version >= 4 {
            wl_output_send_name(resource, area.name)
            wl_output_send_description(resource, description(of: area))
        }
        if version >= 2 { wl_output_send_done(resource) }
        server.outputBound(output)
    }

    /// wl_output.description and xdg_output.description.
    static func description(of area: OutputArea) -> String {
        "Seawall headless output \(area.deviceWidth)x\(area.deviceHeight)"
    }

    private init(server: Server, resource: OpaquePointer, head: Int) {
        self.server = server
        self.resource = resource
        self.head = head
    }

    func resourceDestroyed() { server.outputReleased(self) }
}
