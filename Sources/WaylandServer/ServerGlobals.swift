import CWaylandServer

/// One global Seawall offers: its interface, the version it is offered at, and the bind handler in its
/// interface's file. The list of them, `GlobalDescription.all`, is generated from protocol/interfaces.list.
struct GlobalDescription {
    enum Version {
        /// The version in the list.
        case fixed(Int32)
        /// Decided by the configuration (xdg_wm_base: `--xdg-wm-base-version`); 0 leaves the global out
        /// (the virtual-input managers without `--allow-virtual-input`).
        case configured((Configuration) -> Int32)
    }

    let interface: Interface
    let version: Version
    let bind: (_ server: Server, _ client: OpaquePointer, _ version: UInt32, _ id: UInt32) -> Void
}

/// The globals Seawall offers, one per interface, each bound by its interface's file.
extension Server {
    func createGlobals() {
        for description in GlobalDescription.all {
            let version = switch description.version {
            case .fixed(let version): version
            case .configured(let version): version(configuration)
            }
            guard version > 0 else { continue }
            if description.interface.pointer == Interfaces.wlOutput.pointer {
                // One wl_output global per output, each binding to its own.
                for head in heads {
                    let index = head.area.index
                    guard let g = Global(display: display.pointer, interface: description.interface, version: version, onBind: { [unowned self] client, version, id in
                        WlOutput.bind(server: self, head: index, client: client, version: version, id: id)
                    }) else { preconditionFailure("wl_global_create failed at start-up (out of memory)") }
                    globals.append(g)
                }
                continue
            }
            guard let g = Global(display: display.pointer, interface: description.interface, version: version, onBind: { [unowned self] client, version, id in
                description.bind(self, client, version, id)
            }) else { preconditionFailure("wl_global_create failed at start-up (out of memory)") }
            globals.append(g)
        }
    }
}
