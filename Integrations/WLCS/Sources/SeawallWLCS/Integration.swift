// The Swift side of Seawall's WLCS integration module (libseawall-wlcs.so). CWLCSEntry defines the exported
// `wlcs_server_integration`; each of its hooks lands in one of the @_cdecl functions below.
//
// One Seawall per test: no listening socket (WLCS asks for client sockets), the copy policy (WLCS 1.5 makes
// its buffers with memfd_create(MFD_CLOEXEC) only, so they can never be sealed), a pointer, a keyboard and a touch
// screen, and the event loop driven from WLCS's own loop (start_on_this_thread), so every call arrives on
// one thread. Nothing here touches signal handlers or exits the process.
import CWLCSEntry
import Compositor
import Glibc
import Logging
import Scanout
import WaylandServer

final class WLCSServer {
    let server: Server
    /// Client connections by the fd WLCS got for them (its wl_display_get_fd), for position_window_absolute.
    private var clients: [Int32: OpaquePointer] = [:]

    init?() {
        var configuration = Configuration()
        configuration.listen = false
        // A 60 Hz virtual vblank: frame callbacks then carry increasing timestamps, as WLCS checks.
        configuration.refresh = .interval(hz: 60)
        configuration.shmPolicy = .copy
        configuration.statsInterval = 0
        configuration.xdgWmBaseVersion = 5
        // WLCS 1.5's xdg helpers attach a buffer before acking the first configure (see the expected-failures
        // list for the tests that check the strict behaviour).
        configuration.allowBufferBeforeFirstConfigure = true
        // WLCS drives the seat through zwlr_virtual_pointer_manager_v1 in VirtualPointerV1Test.
        configuration.allowVirtualInput = true
        var log = Logger(label: "seawall-wlcs")
        // Quiet by default (WLCS provokes protocol errors on purpose); SEAWALL_WLCS_LOG=debug (or any level)
        // shows what Seawall and libwayland said during each test.
        log.logLevel = getenv("SEAWALL_WLCS_LOG").flatMap { Logger.Level(rawValue: String(cString: $0)) } ?? .critical
        guard let server = try? Server(configuration: configuration, scanout: NullScanout(), logger: log) else { return nil }
        self.server = server
        server.seat.addPointer()
        server.seat.addKeyboard()   // no keys are ever pressed; WLCS checks where the keyboard focus goes
        server.seat.addTouch()
    }

    private var running = false

    /// start_on_this_thread: runs Seawall's loop, which also drives WLCS's (its fd is watched, and it gets a
    /// non-blocking round after each of ours), until WLCS calls stop from inside its loop.
    func start(on loop: OpaquePointer?) {
        guard let loop else { return }
        running = true
        server.display.onReadable(sw_wlcs_loop_fd(loop)) { sw_wlcs_loop_dispatch(loop) }
        while running {
            sw_wlcs_loop_dispatch(loop)
            server.display.dispatch(timeoutMilliseconds: 10)
        }
    }

    func stop() {
        running = false
    }

    /// A connected socketpair: Seawall serves one end, WLCS gets the other.
    func clientSocket() -> Int32 {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else { return -1 }
        guard let client = server.createClient(fd: pair[0]) else {
            close(pair[1])
            return -1
        }
        clients[pair[1]] = client
        server.display.flush()
        return pair[1]
    }

    func position(client: OpaquePointer?, surface: OpaquePointer?, x: Int32, y: Int32) {
        guard let client, let surface, let serverClient = clients[sw_wlcs_client_fd(client)],
              let state = server.surface(client: serverClient, id: sw_wlcs_surface_id(surface)) else { return }
        server.placeWindow(state, x: Int64(x), y: Int64(y))
        server.repaint()
    }

    private var touchX = 0.0, touchY = 0.0

    func pointerMove(x: Double, y: Double, relative: Bool) {
        if relative { server.seat.movePointer(byX: x, y: y) } else { server.seat.movePointer(toX: x, y: y) }
    }

    func pointerButton(_ button: Int32, pressed: Bool) { server.seat.pointerButton(UInt32(bitPattern: button), pressed: pressed) }

    func touch(phase: Int32, x: Double, y: Double) {
        switch phase {
        case 0: server.seat.touchDown(id: 0, x: x, y: y)
        case 1: server.seat.touchMotion(id: 0, x: x, y: y)
        default: server.seat.touchUp(id: 0)
        }
    }
}

private func owner(_ pointer: UnsafeMutableRawPointer?) -> WLCSServer? {
    pointer.map { Unmanaged<WLCSServer>.fromOpaque($0).takeUnretainedValue() }
}

@_cdecl("seawall_wlcs_create")
func seawallWLCSCreate() -> UnsafeMutableRawPointer? {
    guard let server = WLCSServer() else { return nil }
    return Unmanaged.passRetained(server).toOpaque()
}

@_cdecl("seawall_wlcs_destroy")
func seawallWLCSDestroy(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer else { return }
    let server = Unmanaged<WLCSServer>.fromOpaque(pointer)
    server.takeUnretainedValue().stop()
    server.release()
}

@_cdecl("seawall_wlcs_start")
func seawallWLCSStart(_ pointer: UnsafeMutableRawPointer?, _ loop: OpaquePointer?) { owner(pointer)?.start(on: loop) }

@_cdecl("seawall_wlcs_stop")
func seawallWLCSStop(_ pointer: UnsafeMutableRawPointer?) { owner(pointer)?.stop() }

@_cdecl("seawall_wlcs_client_socket")
func seawallWLCSClientSocket(_ pointer: UnsafeMutableRawPointer?) -> Int32 { owner(pointer)?.clientSocket() ?? -1 }

@_cdecl("seawall_wlcs_position")
func seawallWLCSPosition(_ pointer: UnsafeMutableRawPointer?, _ client: OpaquePointer?, _ surface: OpaquePointer?,
                         _ x: Int32, _ y: Int32) {
    owner(pointer)?.position(client: client, surface: surface, x: x, y: y)
}

@_cdecl("seawall_wlcs_pointer_move")
func seawallWLCSPointerMove(_ pointer: UnsafeMutableRawPointer?, _ x: Double, _ y: Double, _ relative: Int32) {
    owner(pointer)?.pointerMove(x: x, y: y, relative: relative != 0)
}

@_cdecl("seawall_wlcs_pointer_button")
func seawallWLCSPointerButton(_ pointer: UnsafeMutableRawPointer?, _ button: Int32, _ pressed: Int32) {
    owner(pointer)?.pointerButton(button, pressed: pressed != 0)
}

@_cdecl("seawall_wlcs_touch")
func seawallWLCSTouch(_ pointer: UnsafeMutableRawPointer?, _ phase: Int32, _ x: Double, _ y: Double) {
    owner(pointer)?.touch(phase: phase, x: x, y: y)
}
