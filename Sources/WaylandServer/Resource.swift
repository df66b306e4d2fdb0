import CServerShims
import CWaylandServer
import Logging

/// An object that lives behind a wl_resource. It is retained once when bound to its resource and released
/// once in that resource's destroy callback, right after `resourceDestroyed()` — the only place it dies.
protocol ResourceObject: AnyObject {
    /// The resource is being destroyed (by request, by an error, or because the client went away).
    func resourceDestroyed()
}

/// The Seawall object behind every resource of one interface. A conforming type names the interface and its
/// request table; it gets `from(_:)` (the checked way from a request's resource to the object), `makeResource`
/// (a new resource with its object bound to it) and, unless it has something to do then, an empty
/// `resourceDestroyed()`.
protocol ProtocolObject: ResourceObject {
    /// The request table's C type (`wl_surface_interface`, …), or `NoRequests`.
    associatedtype Requests
    /// The interface's table (generated into Interfaces.swift from protocol/interfaces.list).
    static var interface: Interface { get }
    /// Seawall's handlers for the interface's requests.
    static var implementation: Implementation<Requests> { get }
}

extension ProtocolObject {
    /// The object behind `resource`, if it is a live resource of this interface with Seawall's implementation
    /// (`wl_resource_instance_of`). nil for a null argument, a foreign resource, or one being destroyed.
    static func from(_ resource: OpaquePointer?) -> Self? {
        guard let resource,
              wl_resource_instance_of(resource, interface.pointer, implementation.raw) != 0,
              let data = wl_resource_get_user_data(resource) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(data).takeUnretainedValue() as? Self
    }

    /// `wl_resource_create` for `client`, then `wl_resource_set_implementation` with the object `make` builds for
    /// the new resource as user data (retained until the resource is destroyed). On allocation failure, tells the
    /// client (`wl_client_post_no_memory`), never calls `make`, and returns nil.
    @discardableResult
    static func makeResource(client: OpaquePointer, version: Int32, id: UInt32,
                             _ make: (_ resource: OpaquePointer) -> Self) -> (resource: OpaquePointer, object: Self)? {
        guard let resource = wl_resource_create(client, interface.pointer, version, id) else {
            wl_client_post_no_memory(client)
            return nil
        }
        let object = make(resource)
        let data = Unmanaged<AnyObject>.passRetained(object).toOpaque()
        wl_resource_set_implementation(resource, implementation.raw, data, destroyTrampoline)
        return (resource, object)
    }

    /// Nothing to do by default: the object goes with its resource.
    func resourceDestroyed() {}
}

/// A request table for one interface, allocated once for the process and never freed (libwayland keeps
/// a pointer to it in every resource of that interface).
struct Implementation<Table>: @unchecked Sendable {
    /// The table libwayland dispatches requests through; nil for an interface without requests.
    let raw: UnsafeRawPointer?
    init(_ table: Table) {
        let pointer = UnsafeMutablePointer<Table>.allocate(capacity: 1)
        pointer.initialize(to: table)
        raw = UnsafeRawPointer(pointer)
    }
    fileprivate init() { raw = nil }
}

/// The request table type of an interface that has no requests (wl_callback, wp_presentation_feedback).
enum NoRequests {}

extension Implementation where Table == NoRequests {
    /// No table: libwayland gets NULL, as there is nothing to dispatch.
    static var none: Implementation { Implementation() }
}

/// The interface description a resource is created with (from CServerShims, so the address is libwayland's own).
struct Interface: @unchecked Sendable {
    let pointer: UnsafePointer<wl_interface>
    init(_ pointer: UnsafePointer<wl_interface>?) {
        guard let pointer else { preconditionFailure("interface table missing") }
        self.pointer = pointer
    }
}

/// The one destroy callback every Seawall resource uses: hands the resource's object its last call and
/// releases the retain taken in `ProtocolObject.makeResource`.
private let destroyTrampoline: @convention(c) (OpaquePointer?) -> Void = { resource in
    guard let resource, let data = wl_resource_get_user_data(resource) else { return }
    wl_resource_set_user_data(resource, nil)
    let object = Unmanaged<AnyObject>.fromOpaque(data).takeRetainedValue()
    (object as? ResourceObject)?.resourceDestroyed()
}

/// Protocol errors Seawall posts, and what libwayland itself reports (e.g. "error in client communication").
let protocolLog = Logger(label: "seawall.protocol")

enum Resource {
    /// Posts a protocol error on `resource` with a message a person understands; the client is disconnected.
    static func postError(_ resource: OpaquePointer, code: UInt32, _ message: String) {
        let interface = wl_resource_get_class(resource).map { String(cString: $0) } ?? "?"
        protocolLog.notice("protocol error for client: \(interface)@\(wl_resource_get_id(resource)) error \(code): \(message)")
        sw_resource_post_error(resource, code, message)
    }

    /// A wl_array of 32-bit values (`wl_array_init`, `wl_array_add`, `wl_array_release`), lent to `body` for
    /// the event that carries it: a window's states, keys held (none).
    static func withArray(of values: [UInt32], _ body: (UnsafeMutablePointer<wl_array>) -> Void) {
        var array = wl_array()
        wl_array_init(&array)
        for value in values {
            if let slot = wl_array_add(&array, MemoryLayout<UInt32>.size) { slot.storeBytes(of: value, as: UInt32.self) }
        }
        body(&array)
        wl_array_release(&array)
    }

    /// `wl_resource_destroy`: used by every `destroy` request.
    static let destroyRequest: @convention(c) (OpaquePointer?, OpaquePointer?) -> Void = { _, resource in
        if let resource { wl_resource_destroy(resource) }
    }
}

/// A global object (`wl_global_create`) whose bind handler creates a resource for each client that binds it.
final class Global {
    let pointer: OpaquePointer
    private let onBind: (OpaquePointer, UInt32, UInt32) -> Void

    /// `wl_global_create(display, interface, version, data, bind)`. `onBind(client, version, id)`.
    init?(display: OpaquePointer, interface: Interface, version: Int32,
          onBind: @escaping (_ client: OpaquePointer, _ version: UInt32, _ id: UInt32) -> Void) {
        self.onBind = onBind
        let trampoline: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void = {
            client, data, version, id in
            guard let client, let data else { return }
            Unmanaged<Global>.fromOpaque(data).takeUnretainedValue().onBind(client, version, id)
        }
        // The Global object is kept alive by its owner (the Server) for as long as the display lives.
        guard let global = wl_global_create(display, interface.pointer, version, nil, trampoline) else { return nil }
        pointer = global
        wl_global_set_user_data(global, Unmanaged.passUnretained(self).toOpaque())
    }
}
