import CClientShims
import CProtocolsClient
import CShims
import CWaylandClient
import DemoClientKit
import Glibc

/// One connection to the compositor and the handful of things attacks are made of: raw fds turned into
/// pools, buffers with any parameters, a mapped window, and the compositor's verdict.
///
/// Every memfd an attack makes is named "seawall-attack…" so tests can count what the server kept of it.
final class AttackClient {
    let display: OpaquePointer
    /// wl_compositor, wl_shm and xdg_wm_base (v3, the default Seawall advertises), bound as the demo does,
    /// and wl_seat, whose pointer and touch events are printed ("pointer button 272 pressed").
    private let globals = ClientGlobals(wmBaseVersion: 3)
    /// The seat's events; `onPress` gets the wl_seat and the serial of each button press.
    var input: InputPrinter? { globals.input }
    var compositor: OpaquePointer? { globals.compositor }
    var shm: OpaquePointer? { globals.shm }
    var wmBase: OpaquePointer? { globals.wmBase }
    var dataDeviceManager: OpaquePointer? { globals.dataDeviceManager }
    var primarySelectionManager: OpaquePointer? { globals.primarySelectionManager }
    var presentation: OpaquePointer? { globals.presentation }
    var subcompositor: OpaquePointer? { globals.subcompositor }
    var viewporter: OpaquePointer? { globals.viewporter }
    var layerShell: OpaquePointer? { globals.layerShell }
    var singlePixelBufferManager: OpaquePointer? { globals.singlePixelBufferManager }
    var fractionalScaleManager: OpaquePointer? { globals.fractionalScaleManager }
    var virtualKeyboardManager: OpaquePointer? { globals.virtualKeyboardManager }
    var decorationManager: OpaquePointer? { globals.decorationManager }
    var activation: OpaquePointer? { globals.activation }
    var pointerConstraints: OpaquePointer? { globals.pointerConstraints }
    var relativePointerManager: OpaquePointer? { globals.relativePointerManager }
    private var configureSerial: UInt32?
    fileprivate var framesDone = 0

    struct Failure: Error { let message: String }

    init() throws(Failure) {
        sw_client_capture_log(1)
        guard let display = wl_display_connect(nil) else {
            throw Failure(message: "cannot connect (WAYLAND_SOCKET / WAYLAND_DISPLAY): \(String(cString: strerror(errno)))")
        }
        self.display = display
        globals.input = InputPrinter()
        do {
            try globals.discover(on: display)
        } catch {
            throw Failure(message: error.description)
        }
    }

    // MARK: Building blocks

    /// `wl_shm.create_pool(fd, size)`; the fd is duplicated by libwayland and stays the caller's.
    func pool(fd: Int32, size: Int32) -> OpaquePointer? {
        guard let shm else { return nil }
        return wl_shm_create_pool(shm, fd, size)
    }

    func buffer(_ pool: OpaquePointer?, offset: Int32 = 0, width: Int32, height: Int32, stride: Int32? = nil,
                format: UInt32 = WL_SHM_FORMAT_XRGB8888.rawValue) -> OpaquePointer? {
        guard let pool else { return nil }
        return wl_shm_pool_create_buffer(pool, offset, width, height, stride ?? width * 4, format)
    }

    /// A new wl_data_source (nil without a wl_data_device_manager).
    func dataSource() -> OpaquePointer? {
        dataDeviceManager.flatMap { wl_data_device_manager_create_data_source($0) }
    }

    /// A mapped-ready window: wl_surface + xdg_surface + xdg_toplevel, initial commit, first configure acked.
    func window() -> (surface: OpaquePointer, xdgSurface: OpaquePointer, toplevel: OpaquePointer)? {
        guard let compositor, let wmBase, let surface = wl_compositor_create_surface(compositor),
              let xdgSurface = xdg_wm_base_get_xdg_surface(wmBase, surface),
              let toplevel = xdg_surface_get_toplevel(xdgSurface) else { return nil }
        xdg_surface_add_listener(xdgSurface, AttackListeners.xdgSurface, Unmanaged.passUnretained(self).toOpaque())
        xdg_toplevel_set_app_id(toplevel, "seawall-attack")
        wl_surface_commit(surface)
        while configureSerial == nil { if wl_display_dispatch(display) < 0 { return nil } }
        return (surface, xdgSurface, toplevel)
    }

    /// A 64x64 window shown with a sealed buffer (its first frame done), or nil (with a note saying so).
    func shownWindow() -> (surface: OpaquePointer, xdgSurface: OpaquePointer, toplevel: OpaquePointer)? {
        let size = 64 * 64 * 4
        let fd = sealedMemfd(size)
        defer { if fd >= 0 { close(fd) } }   // the request queued its own copy
        guard fd >= 0, let window = window(),
              show(buffer(pool(fd: fd, size: Int32(size)), width: 64, height: 64), on: window.surface)
        else { note("the window was not shown"); return nil }
        return window
    }

    /// Dispatches events until `done()` holds or `seconds` pass; false if the connection failed.
    @discardableResult
    func dispatch(for seconds: Double, until done: () -> Bool = { false }) -> Bool {
        let deadline = now() + seconds
        while !done() && now() < deadline {
            if wl_display_dispatch_timeout(display, 100) < 0 { return false }
        }
        return true
    }

    /// Asks the test for a press on this client's window ("note: press me"; the test presses at the window's
    /// top-left corner plus (4, 4)) and dispatches until `pressed()` holds (up to 10 s, or until the connection
    /// fails, which the press handler may have caused on purpose); true if it holds.
    func awaitPress(_ pressed: () -> Bool) -> Bool {
        note("press me")
        fflush(nil)
        dispatch(for: 10, until: pressed)
        return pressed()
    }

    /// The serial of the last button press, for scenarios that grab.
    var lastPressSerial: UInt32?

    /// xdg_popup.popup_done events received, by any popup of this client.
    fileprivate(set) var popupsDone = 0

    /// A 16x16 popup of `parent` (anchored at its top-left corner), optionally grabbing with `grab`'s seat
    /// and serial; initial commit made and configure acked, ready for a buffer.
    func popup(of parent: OpaquePointer, grab: (seat: OpaquePointer, serial: UInt32)?)
        -> (surface: OpaquePointer, xdgSurface: OpaquePointer, popup: OpaquePointer)? {
        guard let compositor, let wmBase, let positioner = xdg_wm_base_create_positioner(wmBase),
              let surface = wl_compositor_create_surface(compositor),
              let xdgSurface = xdg_wm_base_get_xdg_surface(wmBase, surface) else { return nil }
        xdg_positioner_set_size(positioner, 16, 16)
        xdg_positioner_set_anchor_rect(positioner, 0, 0, 1, 1)
        guard let popup = xdg_surface_get_popup(xdgSurface, parent, positioner) else { return nil }
        xdg_positioner_destroy(positioner)
        xdg_surface_add_listener(xdgSurface, AttackListeners.xdgSurface, Unmanaged.passUnretained(self).toOpaque())
        xdg_popup_add_listener(popup, AttackListeners.popup, Unmanaged.passUnretained(self).toOpaque())
        if let grab { xdg_popup_grab(popup, grab.seat, grab.serial) }
        configureSerial = nil
        wl_surface_commit(surface)
        while configureSerial == nil { if wl_display_dispatch(display) < 0 { return nil } }
        return (surface, xdgSurface, popup)
    }

    fileprivate func configured(_ xdgSurface: OpaquePointer, serial: UInt32) {
        xdg_surface_ack_configure(xdgSurface, serial)
        configureSerial = serial
    }

    /// attach (unless `attach` is false: the buffer shown stays) + damage + frame + commit, then waits (up to
    /// 5 s) for the frame to be shown.
    @discardableResult
    func show(_ buffer: OpaquePointer?, on surface: OpaquePointer, waitForFrame: Bool = true, attach: Bool = true) -> Bool {
        if attach { wl_surface_attach(surface, buffer, 0, 0) }
        wl_surface_damage_buffer(surface, 0, 0, Int32.max, Int32.max)
        let before = framesDone
        if let callback = wl_surface_frame(surface) {
            wl_callback_add_listener(callback, AttackListeners.frame, Unmanaged.passUnretained(self).toOpaque())
        }
        wl_surface_commit(surface)
        guard waitForFrame else { return wl_display_flush(display) >= 0 }
        let deadline = now() + 5
        while framesDone == before && now() < deadline {
            if wl_display_dispatch_timeout(display, 50) < 0 { return false }
        }
        return framesDone > before
    }

    /// A sealed memfd named for the attack suite (F_SEAL_SHRINK plus `extra`), `size` bytes.
    func sealedMemfd(_ size: Int, extra: Int32 = 0) -> Int32 {
        let fd = sw_memfd_create("seawall-attack", UInt32(SW_MFD_CLOEXEC | SW_MFD_ALLOW_SEALING))
        guard fd >= 0, ftruncate(fd, off_t(size)) == 0, sw_add_seals(fd, Int32(SW_F_SEAL_SHRINK) | extra) == 0 else { return -1 }
        return fd
    }

    func memfd(_ size: Int, allowSealing: Bool) -> Int32 {
        let flags = UInt32(SW_MFD_CLOEXEC) | (allowSealing ? UInt32(SW_MFD_ALLOW_SEALING) : 0)
        let fd = sw_memfd_create("seawall-attack-unsealed", flags)
        guard fd >= 0, ftruncate(fd, off_t(size)) == 0 else { return -1 }
        return fd
    }

    // MARK: The verdict

    /// Round trips until the compositor has answered everything sent, then says what happened:
    /// `result: ok`, `result: protocol-error <interface> <code> <message>` or `result: disconnected <why>`.
    func verdict() -> String {
        for _ in 0..<3 where wl_display_roundtrip(display) >= 0 {}
        let error = wl_display_get_error(display)
        if error == 0 { return "result: ok" }
        guard error == EPROTO else {
            // libwayland-client reports wl_display's invalid_object / invalid_method as EINVAL and no_memory
            // as ENOMEM, not EPROTO; the compositor's words are still in its log.
            let logged = lastLog()
            return "result: disconnected \(String(cString: strerror(error)))" + (logged.isEmpty ? "" : ": \(logged)")
        }
        var interface: UnsafePointer<wl_interface>?
        var id: UInt32 = 0
        let code = wl_display_get_protocol_error(display, &interface, &id)
        let name = interface.map { String(cString: $0.pointee.name) } ?? "unknown"
        var message = lastLog()
        // libwayland logs "<interface>@<id>: error <code>: <message>": keep the message.
        let marker = "error \(code): "
        if let start = message.indices.first(where: { message[$0...].hasPrefix(marker) }) {
            message = String(message[message.index(start, offsetBy: marker.count)...])
        }
        return "result: protocol-error \(name) \(code) \(message)"
    }
}

/// Sends everything queued, waiting for the socket when it is full (libwayland-client gives up on a request
/// that does not fit its 4 KiB buffer, so a burst must drain as it goes). False if the connection is gone.
@discardableResult
func drain(_ display: OpaquePointer, timeout: Double = 5) -> Bool {
    let deadline = now() + timeout
    while wl_display_flush(display) < 0 {
        guard errno == EAGAIN, now() < deadline else { return false }
        var entry = pollfd(fd: wl_display_get_fd(display), events: Int16(POLLOUT), revents: 0)
        _ = poll(&entry, 1, 50)
    }
    return true
}

/// What libwayland-client last logged (the compositor's error message), without the trailing newline.
func lastLog() -> String {
    var buffer = [CChar](repeating: 0, count: 1024)
    let length = sw_client_last_log(&buffer, buffer.count)
    var message = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while message.last == "\n" { message.removeLast() }
    return message
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// `wl_display_dispatch` that gives up after `milliseconds` without events (poll on the display fd).
func wl_display_dispatch_timeout(_ display: OpaquePointer, _ milliseconds: Int32) -> Int32 {
    while wl_display_prepare_read(display) != 0 {
        if wl_display_dispatch_pending(display) < 0 { return -1 }
    }
    if wl_display_flush(display) < 0 && errno != EAGAIN { wl_display_cancel_read(display); return -1 }
    var entry = pollfd(fd: wl_display_get_fd(display), events: Int16(POLLIN), revents: 0)
    if poll(&entry, 1, milliseconds) > 0 {
        if wl_display_read_events(display) < 0 { return -1 }
    } else {
        wl_display_cancel_read(display)
    }
    return wl_display_dispatch_pending(display)
}

/// Listener tables, allocated once (libwayland keeps pointers to them).
enum AttackListeners {
    private static func table<T>(_ value: T) -> UnsafeMutablePointer<T> { listenerTable(value) }

    nonisolated(unsafe) static let xdgSurface = table(xdg_surface_listener(
        configure: { data, xdgSurface, serial in
            guard let data, let xdgSurface else { return }
            Unmanaged<AttackClient>.fromOpaque(data).takeUnretainedValue().configured(xdgSurface, serial: serial)
        }))

    nonisolated(unsafe) static let popup = table(xdg_popup_listener(
        configure: { _, _, _, _, _, _ in },
        popup_done: { data, _ in
            guard let data else { return }
            Unmanaged<AttackClient>.fromOpaque(data).takeUnretainedValue().popupsDone += 1
        },
        repositioned: { _, _, _ in }))

    nonisolated(unsafe) static let frame = table(wl_callback_listener(
        done: { data, callback, _ in
            if let callback { wl_callback_destroy(callback) }
            guard let data else { return }
            Unmanaged<AttackClient>.fromOpaque(data).takeUnretainedValue().framesDone += 1
        }))
}
