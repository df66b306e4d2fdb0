import CClientShims
import CWaylandClient

/// One argument of a request or event, as a `wl_message` signature describes it.
struct ArgumentSpec {
    enum Kind: Character {
        case int = "i", uint = "u", fixed = "f", string = "s", object = "o", newID = "n", array = "a", fd = "h"
    }
    let kind: Kind
    /// `?` in the signature: a null object or string is allowed.
    let nullable: Bool
    /// The interface an object or new_id argument names (nil for wl_registry.bind's untyped new_id).
    let interface: String?
}

/// One request or event: its name, the version it appeared in, and its arguments.
struct MessageSpec {
    let name: String
    let since: UInt32
    let arguments: [ArgumentSpec]
    /// Requests that end the object. The interface tables do not say which these are; in every interface
    /// Seawall implements they are the ones called destroy or release.
    var isDestructor: Bool { name == "destroy" || name == "release" }
    var createsObject: Bool { arguments.contains { $0.kind == .newID } }
}

/// An interface's requests and events, read from libwayland's `struct wl_interface` tables.
final class InterfaceSpec {
    let name: String
    let version: UInt32
    let requests: [MessageSpec]
    let events: [MessageSpec]

    init(name: String, version: UInt32, requests: [MessageSpec], events: [MessageSpec]) {
        self.name = name
        self.version = version
        self.requests = requests
        self.events = events
    }

    func request(named name: String) -> (opcode: UInt16, spec: MessageSpec)? {
        guard let index = requests.firstIndex(where: { $0.name == name }) else { return nil }
        return (UInt16(index), requests[index])
    }
}

/// Every interface the fuzzer knows, by name. Built by walking the interface tables from the ones
/// `sw_client_interface_named` hands out, through the interfaces their messages name.
struct ProtocolTable {
    private(set) var interfaces: [String: InterfaceSpec] = [:]

    /// The interfaces Seawall implements (or may advertise); each table found is added with everything it names.
    static let roots = [
        "wl_display", "wl_compositor", "wl_shm", "wl_output", "wl_seat", "xdg_wm_base", "wp_presentation",
        "wl_subcompositor", "wl_data_device_manager", "zwlr_virtual_pointer_manager_v1",
        "zwp_virtual_keyboard_manager_v1", "zwp_primary_selection_device_manager_v1",
        "zxdg_decoration_manager_v1", "xdg_activation_v1",
        "zwlr_foreign_toplevel_manager_v1",
        "zwp_pointer_constraints_v1", "zwp_relative_pointer_manager_v1",
        "wp_viewporter", "wp_single_pixel_buffer_manager_v1", "zwlr_layer_shell_v1",
        "wp_fractional_scale_manager_v1",
        "zxdg_output_manager_v1", "zwlr_screencopy_manager_v1",
    ]

    init() {
        for name in ProtocolTable.roots {
            if let table = sw_client_interface_named(name) { add(table) }
        }
    }

    subscript(name: String) -> InterfaceSpec? { interfaces[name] }

    /// Looks an interface up by name, including ones no root leads to but the client library has.
    mutating func lookup(_ name: String) -> InterfaceSpec? {
        if let known = interfaces[name] { return known }
        guard let table = sw_client_interface_named(name) else { return nil }
        add(table)
        return interfaces[name]
    }

    private mutating func add(_ table: UnsafePointer<wl_interface>) {
        guard let cName = table.pointee.name else { return }
        let name = String(cString: cName)
        guard interfaces[name] == nil else { return }
        var referenced: [UnsafePointer<wl_interface>] = []
        let requests = ProtocolTable.messages(table.pointee.methods, Int(table.pointee.method_count), &referenced)
        let events = ProtocolTable.messages(table.pointee.events, Int(table.pointee.event_count), &referenced)
        interfaces[name] = InterfaceSpec(name: name, version: UInt32(max(1, table.pointee.version)),
                                         requests: requests, events: events)
        for next in referenced { add(next) }
    }

    /// Parses `wl_message` signatures: digits are the since-version, `?` makes the next argument nullable,
    /// and `types[k]` is the interface of the k-th argument (NULL for non-objects and untyped new_ids).
    private static func messages(_ base: UnsafePointer<wl_message>?, _ count: Int,
                                 _ referenced: inout [UnsafePointer<wl_interface>]) -> [MessageSpec] {
        guard let base else { return [] }
        var result: [MessageSpec] = []
        for index in 0..<count {
            let message = base[index]
            let name = message.name.map { String(cString: $0) } ?? "?"
            let signature = message.signature.map { String(cString: $0) } ?? ""
            var since: UInt32 = 0
            var nullable = false
            var arguments: [ArgumentSpec] = []
            for character in signature {
                if let digit = character.wholeNumberValue {
                    since = since * 10 + UInt32(digit)
                } else if character == "?" {
                    nullable = true
                } else if let kind = ArgumentSpec.Kind(rawValue: character) {
                    var interface: String?
                    if let types = message.types, let type = types[arguments.count] {
                        interface = type.pointee.name.map { String(cString: $0) }
                        referenced.append(type)
                    }
                    arguments.append(ArgumentSpec(kind: kind, nullable: nullable, interface: interface))
                    nullable = false
                }
            }
            result.append(MessageSpec(name: name, since: max(1, since), arguments: arguments))
        }
        return result
    }
}
