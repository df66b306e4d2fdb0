import CClientShims
import CProtocolsClient
import CWaylandClient
import Glibc

/// The globals a window needs, found through wl_registry: wl_compositor, wl_shm and xdg_wm_base (answering
/// its pings). seawall-demo's windows and seawall-attack's connections both start here.
public final class ClientGlobals {
    public private(set) var compositor: OpaquePointer?
    public private(set) var shm: OpaquePointer?
    public private(set) var wmBase: OpaquePointer?
    /// wl_data_device_manager (v3), when the compositor has one.
    public private(set) var dataDeviceManager: OpaquePointer?
    /// zwp_primary_selection_device_manager_v1 (v1), when the compositor has one.
    public private(set) var primarySelectionManager: OpaquePointer?
    /// wl_subcompositor (v1), when the compositor has one.
    public private(set) var subcompositor: OpaquePointer?
    /// wp_presentation (v1), when the compositor has one.
    public private(set) var presentation: OpaquePointer?
    /// wp_viewporter (v1), when the compositor has one.
    public private(set) var viewporter: OpaquePointer?
    /// wp_single_pixel_buffer_manager_v1 (v1), when the compositor has one.
    public private(set) var singlePixelBufferManager: OpaquePointer?
    /// zwlr_layer_shell_v1 (v4), when the compositor has one.
    public private(set) var layerShell: OpaquePointer?
    /// wp_fractional_scale_manager_v1 (v1), when the compositor has one.
    public private(set) var fractionalScaleManager: OpaquePointer?
    /// zwp_virtual_keyboard_manager_v1 (v1), when the compositor offers it (--allow-virtual-input).
    public private(set) var virtualKeyboardManager: OpaquePointer?
    /// zxdg_decoration_manager_v1 and xdg_activation_v1 (v1), if offered.
    public private(set) var decorationManager: OpaquePointer?
    public private(set) var activation: OpaquePointer?
    /// zwp_pointer_constraints_v1 and zwp_relative_pointer_manager_v1 (v1), if offered.
    public private(set) var pointerConstraints: OpaquePointer?
    public private(set) var relativePointerManager: OpaquePointer?
    private var registry: OpaquePointer?
    private let wmBaseVersion: UInt32
    /// Set for --print-input: also binds the seat and prints pointer events.
    public var input: InputPrinter?

    /// `wmBaseVersion`: the highest xdg_wm_base version to bind (5 by default).
    public init(wmBaseVersion: UInt32 = 5) { self.wmBaseVersion = wmBaseVersion }

    /// `wl_display_get_registry` + one roundtrip; binds wl_compositor (v4), wl_shm (v1), xdg_wm_base.
    public func discover(on display: OpaquePointer) throws(DemoFailure) {
        guard let registry = wl_display_get_registry(display) else {
            throw DemoFailure(description: "wl_display.get_registry failed", exitStatus: 1)
        }
        self.registry = registry
        wl_registry_add_listener(registry, Listeners.registry, Unmanaged.passUnretained(self).toOpaque())
        guard wl_display_roundtrip(display) >= 0 else {
            throw DemoFailure(description: "the compositor closed the connection during start-up", exitStatus: 1)
        }
        var missing: [String] = []
        if compositor == nil { missing.append("wl_compositor (version 4 or later)") }
        if shm == nil { missing.append("wl_shm") }
        if wmBase == nil { missing.append("xdg_wm_base") }
        if !missing.isEmpty {
            throw DemoFailure(description: "the compositor does not offer \(missing.joined(separator: ", "))", exitStatus: 1)
        }
        if let wmBase { xdg_wm_base_add_listener(wmBase, Listeners.wmBase, nil) }
    }

    fileprivate func announce(registry: OpaquePointer, name: UInt32, interface: String, version: UInt32) {
        func bind(_ table: UnsafePointer<wl_interface>?, _ wanted: UInt32) -> OpaquePointer? {
            wl_registry_bind(registry, name, table, min(version, wanted)).map(OpaquePointer.init)
        }
        switch interface {
        case "wl_compositor" where version >= 4: compositor = bind(sw_client_interface_wl_compositor(), 4)
        case "wl_shm": shm = bind(sw_client_interface_wl_shm(), 1)
        case "xdg_wm_base": wmBase = bind(sw_client_interface_xdg_wm_base(), wmBaseVersion)
        case "wl_subcompositor": subcompositor = bind(sw_client_interface_named("wl_subcompositor"), 1)
        case "wp_presentation": presentation = bind(sw_client_interface_named("wp_presentation"), 1)
        case "wp_viewporter": viewporter = bind(sw_client_interface_named("wp_viewporter"), 1)
        case "zwlr_layer_shell_v1" where version >= 4: layerShell = bind(sw_client_interface_named("zwlr_layer_shell_v1"), 4)
        case "wp_single_pixel_buffer_manager_v1":
            singlePixelBufferManager = bind(sw_client_interface_named("wp_single_pixel_buffer_manager_v1"), 1)
        case "wp_fractional_scale_manager_v1":
            fractionalScaleManager = bind(sw_client_interface_named("wp_fractional_scale_manager_v1"), 1)
        case "wl_data_device_manager": dataDeviceManager = bind(sw_client_interface_named("wl_data_device_manager"), 3)
        case "zwp_primary_selection_device_manager_v1":
            primarySelectionManager = bind(sw_client_interface_zwp_primary_selection_device_manager_v1(), 1)
        case "zwp_virtual_keyboard_manager_v1": virtualKeyboardManager = bind(sw_client_interface_zwp_virtual_keyboard_manager_v1(), 1)
        case "zxdg_decoration_manager_v1": decorationManager = bind(sw_client_interface_named("zxdg_decoration_manager_v1"), 1)
        case "xdg_activation_v1": activation = bind(sw_client_interface_named("xdg_activation_v1"), 1)
        case "zwp_pointer_constraints_v1": pointerConstraints = bind(sw_client_interface_named("zwp_pointer_constraints_v1"), 1)
        case "zwp_relative_pointer_manager_v1":
            relativePointerManager = bind(sw_client_interface_named("zwp_relative_pointer_manager_v1"), 1)
        case "wl_seat": input?.bind(registry: registry, name: name, version: version)
        default: break
        }
    }

    /// Releases what `discover` bound (before `wl_display_disconnect`).
    public func destroy() {
        input?.destroy()
        if let dataDeviceManager { wl_data_device_manager_destroy(dataDeviceManager) }
        if let primarySelectionManager { zwp_primary_selection_device_manager_v1_destroy(primarySelectionManager) }
        if let decorationManager { wl_proxy_destroy(decorationManager) }
        if let activation { wl_proxy_destroy(activation) }
        decorationManager = nil; activation = nil
        if let pointerConstraints { wl_proxy_destroy(pointerConstraints) }
        if let relativePointerManager { wl_proxy_destroy(relativePointerManager) }
        pointerConstraints = nil; relativePointerManager = nil
        if let presentation { wp_presentation_destroy(presentation) }
        if let viewporter { wp_viewporter_destroy(viewporter) }
        if let layerShell { zwlr_layer_shell_v1_destroy(layerShell) }
        layerShell = nil
        if let singlePixelBufferManager { wp_single_pixel_buffer_manager_v1_destroy(singlePixelBufferManager) }
        if let fractionalScaleManager { wp_fractional_scale_manager_v1_destroy(fractionalScaleManager) }
        fractionalScaleManager = nil
        if let subcompositor { wl_subcompositor_destroy(subcompositor) }
        if let wmBase { xdg_wm_base_destroy(wmBase) }
        if let shm { wl_shm_destroy(shm) }
        if let compositor { wl_compositor_destroy(compositor) }
        if let registry { wl_registry_destroy(registry) }
        wmBase = nil; dataDeviceManager = nil; primarySelectionManager = nil; presentation = nil; viewporter = nil; singlePixelBufferManager = nil; subcompositor = nil; shm = nil; compositor = nil; registry = nil
    }
}

/// libwayland keeps a pointer to each listener table for the proxy's life, so listener tables are
/// allocated once, in statics, and never freed.
public func listenerTable<T>(_ value: T) -> UnsafeMutablePointer<T> {
    let pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
    pointer.initialize(to: value)
    return pointer
}

/// The demo client's listener tables. The `data` of every listener is an unretained pointer to the Swift
/// object it serves.
enum Listeners {
    private static func table<T>(_ value: T) -> UnsafeMutablePointer<T> { listenerTable(value) }

    nonisolated(unsafe) static let registry = table(wl_registry_listener(
        global: { data, registry, name, interface, version in
            guard let data, let registry, let interface else { return }
            Unmanaged<ClientGlobals>.fromOpaque(data).takeUnretainedValue()
                .announce(registry: registry, name: name, interface: String(cString: interface), version: version)
        },
        global_remove: { _, _, _ in }))

    nonisolated(unsafe) static let wmBase = table(xdg_wm_base_listener(
        ping: { _, wmBase, serial in
            if let wmBase { xdg_wm_base_pong(wmBase, serial) }
        }))

    nonisolated(unsafe) static let xdgSurface = table(xdg_surface_listener(
        configure: { data, _, serial in
            guard let data else { return }
            Unmanaged<DemoClient>.fromOpaque(data).takeUnretainedValue().xdgSurfaceConfigured(serial: serial)
        }))

    nonisolated(unsafe) static let toplevel = table(xdg_toplevel_listener(
        configure: { data, _, width, height, states in
            guard let data else { return }
            var resizing = false
            if let states, states.pointee.size > 0, let base = states.pointee.data {
                let values = base.bindMemory(to: UInt32.self, capacity: states.pointee.size / 4)
                resizing = (0..<states.pointee.size / 4).contains { values[$0] == XDG_TOPLEVEL_STATE_RESIZING.rawValue }
            }
            Unmanaged<DemoClient>.fromOpaque(data).takeUnretainedValue()
                .toplevelConfigured(width: width, height: height, resizing: resizing)
        },
        close: { data, _ in
            guard let data else { return }
            Unmanaged<DemoClient>.fromOpaque(data).takeUnretainedValue().toplevelClosed()
        },
        configure_bounds: { _, _, _, _ in },
        wm_capabilities: { _, _, _ in }))

    nonisolated(unsafe) static let fractionalScale = table(wp_fractional_scale_v1_listener(
        preferred_scale: { data, _, scale in
            guard let data else { return }
            Unmanaged<DemoClient>.fromOpaque(data).takeUnretainedValue().preferredScale = Int(scale)
        }))

    nonisolated(unsafe) static let frame = table(wl_callback_listener(
        done: { data, callback, _ in
            if let callback { wl_callback_destroy(callback) }
            guard let data else { return }
            Unmanaged<DemoClient>.fromOpaque(data).takeUnretainedValue().frameShown()
        }))

    nonisolated(unsafe) static let buffer = table(wl_buffer_listener(
        release: { data, _ in
            guard let data else { return }
            Unmanaged<BufferSlot>.fromOpaque(data).takeUnretainedValue().released()
        }))
}
