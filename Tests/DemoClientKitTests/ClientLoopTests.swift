import CClientShims
import CWaylandClient
@testable import DemoClientKit
import Glibc
import Testing

/// The far end of a client connection, played by hand over a socketpair: enough to make libwayland-client
/// see a hang-up or a protocol error without running a compositor.
final class FakeCompositor {
    let display: OpaquePointer
    private(set) var peer: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw SystemErrorForTests("socketpair")
        }
        guard let display = wl_display_connect_to_fd(fds[0]) else {
            close(fds[0]); close(fds[1])
            throw SystemErrorForTests("wl_display_connect_to_fd")
        }
        self.display = display
        peer = fds[1]
    }

    /// Sends wl_display.error (object 1, opcode 0) about `object`, as a compositor's post_error does.
    func sendError(object: UInt32, code: UInt32, message: String) {
        var text = Array(message.utf8) + [0]
        let stringLength = UInt32(text.count)
        while text.count % 4 != 0 { text.append(0) }
        var words: [UInt32] = [1, 0, object, code, stringLength]
        words[1] = UInt32(4 * words.count + text.count) << 16   // size << 16 | opcode 0
        var bytes = words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } } + text
        _ = bytes.withUnsafeMutableBytes { write(peer, $0.baseAddress, $0.count) }
    }

    func hangUp() {
        close(peer)
        peer = -1
    }

    deinit {
        wl_display_disconnect(display)
        if peer >= 0 { close(peer) }
    }
}

struct SystemErrorForTests: Error { let call: String; init(_ call: String) { self.call = call } }

/// Blocks SIGINT/SIGTERM for the test's thread like seawall-demo does, and unblocks them afterwards.
func withTerminationSignals<R>(_ body: (TerminationSignals) throws -> R) throws -> R {
    let signals = try TerminationSignals()
    defer {
        while signals.take() != nil {}
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
    return try body(signals)
}

/// seawall-demo's loop and failure reporting, against a hand-played compositor.
@Suite(.serialized)   // libwayland's log capture keeps one last line for the whole process
struct ClientLoopTests {
    @Test func sigtermArrivesThroughTheSignalFD() throws {
        try withTerminationSignals { signals in
            #expect(signals.take() == nil)
            pthread_kill(pthread_self(), SIGTERM)
            #expect(signals.take() == SIGTERM)
            #expect(signals.take() == nil)
        }
    }

    @Test func aSignalEndsTheLoopTurn() throws {
        let fake = try FakeCompositor()
        try withTerminationSignals { signals in
            pthread_kill(pthread_self(), SIGINT)
            #expect(EventLoop.turn(display: fake.display, signals: signals) == .signalled(SIGINT))
            #expect(wl_display_get_error(fake.display) == 0, "a signal leaves the connection intact")
        }
    }

    @Test func aHangUpIsALostConnectionWithStatus1() throws {
        let fake = try FakeCompositor()
        fake.hangUp()
        try withTerminationSignals { signals in
            #expect(EventLoop.turn(display: fake.display, signals: signals) == .connectionFailed)
        }
        let failure = describeConnectionFailure(display: fake.display)
        #expect(failure.exitStatus == 1)
        #expect(failure.description.contains("the compositor closed the connection"), "\(failure)")
    }

    @Test func anErrorOnWlShmIsARefusalWithStatus3AndTheCompositorsWords() throws {
        sw_client_capture_log(1)
        let fake = try FakeCompositor()
        let registry = try #require(wl_display_get_registry(fake.display))          // id 2
        let shm = try #require(wl_registry_bind(registry, 1, sw_client_interface_wl_shm(), 1))   // id 3
        defer { wl_proxy_destroy(OpaquePointer(shm)); wl_registry_destroy(registry) }
        fake.sendError(object: 3, code: 2, message: "pool fd is not sealed with F_SEAL_SHRINK (it has no seals)")
        try withTerminationSignals { signals in
            #expect(EventLoop.turn(display: fake.display, signals: signals) == .connectionFailed)
        }
        let failure = describeConnectionFailure(display: fake.display)
        #expect(failure.exitStatus == 3)
        #expect(failure.description == "the compositor refused this client: wl_shm@3: error 2: pool fd is not sealed with F_SEAL_SHRINK (it has no seals)")
    }

    @Test func anyOtherProtocolErrorIsStatus1() throws {
        sw_client_capture_log(1)
        let fake = try FakeCompositor()
        fake.sendError(object: 1, code: 1, message: "invalid method 9 (since 1 < 2), object wl_display@1")
        try withTerminationSignals { signals in
            #expect(EventLoop.turn(display: fake.display, signals: signals) == .connectionFailed)
        }
        let failure = describeConnectionFailure(display: fake.display)
        #expect(failure.exitStatus == 1)
        #expect(failure.description == "protocol error: wl_display@1: error 1: invalid method 9 (since 1 < 2), object wl_display@1")
    }

    @Test func socketDescriptions() {
        #expect(describeSocket(name: "/run/seawall/wl-0") == "/run/seawall/wl-0 (--socket /run/seawall/wl-0)")
        let expected = getenv("XDG_RUNTIME_DIR").map { "\(String(cString: $0))/demo (--socket demo in XDG_RUNTIME_DIR)" }
            ?? "demo (--socket demo), but XDG_RUNTIME_DIR is not set"
        #expect(describeSocket(name: "demo") == expected)
    }
}
