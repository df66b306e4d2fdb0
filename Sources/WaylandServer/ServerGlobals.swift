import CWaylandServer

/// The globals Seawall offers, one per interface, each bound by its interface's file.
extension Server {
    func createGlobals() {
        func global(_ interface: Interface, _ version: Int32, _ bind: @escaping (Server, OpaquePointer, UInt32, UInt32) -> Void) {
            guard let g = Global(display: display.pointer, interface: interface, version: version, onBind: { [unowned self] client, version, id in
                bind(self, client, version, id)
            }) else { preconditionFailure("wl_global_create failed at start-up (out of memory)") }
            globals.append(g)
        }
        global(Interfaces.wlCompositor, WlCompositor.version) { WlCompositor.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wlShm, 1) { WlShm.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wlOutput, WlOutput.version) { WlOutput.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wlSeat, WlSeat.version) { WlSeat.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.xdgWmBase, min(XdgWmBase.highestVersion, max(1, configuration.xdgWmBaseVersion))) { XdgWmBase.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wlSubcompositor, WlSubcompositor.version) { WlSubcompositor.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wlDataDeviceManager, WlDataDeviceManager.version) { WlDataDeviceManager.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.xdgOutputManager, XdgOutputManager.version) { XdgOutputManager.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.screencopyManager, ScreencopyManager.version) { ScreencopyManager.bind(server: $0, client: $1, version: $2, id: $3) }
        global(Interfaces.wpPresentation, 1) { WpPresentation.bind(server: $0, client: $1, version: $2, id: $3) }
    }
}
