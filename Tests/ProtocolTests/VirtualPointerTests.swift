import CClientShims
import CProtocolsClient
import CWaylandClient
import Compositor
import SeawallTestSupport
import Testing
import WaylandServer

extension ProtocolTests {
    /// zwlr_virtual_pointer_v1 driven by an in-process client, seen by a real seawall-demo that prints every
    /// wl_pointer event it gets, frames included (`--print-input --print-frames`): its solid 200x150 window
    /// is at (32, 32) on the 640x480 output.
    @Suite struct VirtualPointer {
        static let manager = "zwlr_virtual_pointer_manager_v1"

        /// A session with --allow-virtual-input, a pointer in the seat, the printing window, and the driver's
        /// virtual pointer (made with a null seat).
        static func setUp(_ extra: [String] = []) throws -> (Session, TestClient, pointer: OpaquePointer, receiver: ChildProcess) {
            let session = try Session { $0.allowVirtualInput = true }
            session.server.seat.addPointer()
            let receiver = try session.harness.demo(["solid", "--size", "200x150", "--frames", "2", "--hold", "--print-input", "--print-frames"] + extra)
            try session.harness.run { session.harness.window(appID: "seawall-demo.solid")?.mapped == true && receiver.stdout.contains("2 frames shown") }
            let driver = try session.connect()
            let manager = try driver.bindVirtualPointerManager()
            let pointer = try #require(driver.link.track(zwlr_virtual_pointer_manager_v1_create_virtual_pointer(manager, nil)))
            return (session, driver, pointer, receiver)
        }

        static func lines(_ child: ChildProcess) -> [String] {
            child.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("pointer ") }
        }

        /// Sends what the driver queued, then serves until the receiver has printed `count` pointer lines in
        /// all (and a little longer, so that extra ones would show).
        static func deliver(_ session: Session, _ driver: TestClient, until count: Int, _ receiver: ChildProcess) throws {
            try #require(driver.link.roundtrip())
            try session.harness.run(seconds: 10) { lines(receiver).count >= count }
            _ = try? session.harness.run(seconds: 0.2) { false }
        }

        @Test func theManagerIsOfferedOnlyWithAllowVirtualInput() throws {
            let plain = try Session()
            #expect(try plain.connect().globals[Self.manager] == nil)
            let allowed = try Session { $0.allowVirtualInput = true }
            #expect(try allowed.connect().globals[Self.manager]?.version == 2)
        }

        @Test("motion, motion_absolute, buttons and axes reach the window under the pointer as one wl_pointer frame per frame request, and nothing before it")
        func eventsBecomeWlPointerFrames() throws {
            let (session, driver, pointer, receiver) = try Self.setUp()
            zwlr_virtual_pointer_v1_motion_absolute(pointer, 1, 100, 100, 640, 480)
            try Self.deliver(session, driver, until: 0, receiver)
            #expect(Self.lines(receiver).isEmpty, "an event before its frame: \(receiver.stdout)")

            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 2, receiver)
            zwlr_virtual_pointer_v1_motion(pointer, 2, wl_fixed_from_double(3), wl_fixed_from_double(-1.5))
            zwlr_virtual_pointer_v1_motion(pointer, 3, wl_fixed_from_double(2), wl_fixed_from_double(-1))
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 4, receiver)
            zwlr_virtual_pointer_v1_button(pointer, 4, 0x110, WL_POINTER_BUTTON_STATE_PRESSED.rawValue)
            zwlr_virtual_pointer_v1_button(pointer, 5, 0x110, WL_POINTER_BUTTON_STATE_RELEASED.rawValue)
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 7, receiver)
            zwlr_virtual_pointer_v1_axis_discrete(pointer, 6, WL_POINTER_AXIS_VERTICAL_SCROLL.rawValue, wl_fixed_from_int(15), 1)
            zwlr_virtual_pointer_v1_axis_discrete(pointer, 6, WL_POINTER_AXIS_VERTICAL_SCROLL.rawValue, wl_fixed_from_int(15), 1)
            zwlr_virtual_pointer_v1_axis_source(pointer, WL_POINTER_AXIS_SOURCE_WHEEL.rawValue)
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 11, receiver)
            zwlr_virtual_pointer_v1_axis(pointer, 7, WL_POINTER_AXIS_HORIZONTAL_SCROLL.rawValue, wl_fixed_from_double(-7.5))
            zwlr_virtual_pointer_v1_axis_stop(pointer, 7, WL_POINTER_AXIS_VERTICAL_SCROLL.rawValue)
            zwlr_virtual_pointer_v1_axis_source(pointer, WL_POINTER_AXIS_SOURCE_FINGER.rawValue)
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 15, receiver)
            zwlr_virtual_pointer_v1_motion(pointer, 8, wl_fixed_from_int(400), 0)   // off the window
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 17, receiver)
            #expect(Self.lines(receiver) == [
                "pointer enter 68.0 68.0", "pointer frame",
                "pointer motion 73.0 65.5", "pointer frame",                                      // two motions, one frame
                "pointer button 272 pressed", "pointer button 272 released", "pointer frame",     // a click, one frame
                "pointer axis_source 0", "pointer axis_discrete 0 2", "pointer axis 0 30.0", "pointer frame",
                "pointer axis_source 1", "pointer axis_stop 0", "pointer axis 1 -7.5", "pointer frame",
                "pointer leave", "pointer frame",
            ], Comment(rawValue: receiver.stdout))
            #expect(session.server.seat.pointerX == 505 && session.server.seat.pointerY == 97.5)
        }

        @Test("a virtual pointer's relative motion is reported as relative motion and obeys a client's confinement; motion_absolute is clamped too")
        func relativeMotionUnderAConfinement() throws {
            let (session, driver, pointer, receiver) = try Self.setUp(["--constrain", "confine"])
            zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, 100, 100, 640, 480)
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 3, receiver)
            zwlr_virtual_pointer_v1_motion(pointer, 0, wl_fixed_from_int(1000), wl_fixed_from_int(1000))
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 6, receiver)
            zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, 0, 0, 640, 480)
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 8, receiver)
            #expect(Self.lines(receiver) == [
                "pointer enter 68.0 68.0", "pointer confined", "pointer frame",
                "pointer relative 1000.0 1000.0", "pointer motion 199.0 149.0", "pointer frame",   // one frame for both
                "pointer motion 0.0 0.0", "pointer frame",                                          // absolute: no relative motion
            ], Comment(rawValue: receiver.stdout))
            #expect(session.server.seat.pointerX == 32 && session.server.seat.pointerY == 32)
        }

        @Test("under a client's lock a virtual pointer's relative motion moves nothing and is reported alone in its frame; motion_absolute does nothing")
        func relativeMotionUnderALock() throws {
            let (session, driver, pointer, receiver) = try Self.setUp(["--constrain", "lock"])
            zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, 100, 100, 640, 480)
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 3, receiver)
            zwlr_virtual_pointer_v1_motion(pointer, 0, wl_fixed_from_int(5), wl_fixed_from_double(-2.5))
            zwlr_virtual_pointer_v1_frame(pointer)
            zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, 0, 0, 640, 480)
            zwlr_virtual_pointer_v1_frame(pointer)
            zwlr_virtual_pointer_v1_motion(pointer, 0, wl_fixed_from_int(1), 0)
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 7, receiver)
            #expect(Self.lines(receiver) == [
                "pointer enter 68.0 68.0", "pointer locked", "pointer frame",
                "pointer relative 5.0 -2.5", "pointer frame", "pointer relative 1.0 0.0", "pointer frame",
            ], Comment(rawValue: receiver.stdout))
            #expect(session.server.seat.pointerX == 100 && session.server.seat.pointerY == 100)
        }

        @Test("buttons held when the virtual pointer is destroyed, or its client disconnects, are released to the window with the implicit grab")
        func heldButtonsAreReleased() throws {
            let (session, driver, pointer, receiver) = try Self.setUp()
            zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, 100, 100, 640, 480)
            zwlr_virtual_pointer_v1_button(pointer, 0, 0x111, WL_POINTER_BUTTON_STATE_PRESSED.rawValue)
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 3, receiver)
            zwlr_virtual_pointer_v1_destroy(pointer)
            driver.link.forget(pointer)
            try Self.deliver(session, driver, until: 5, receiver)
            #expect(Array(Self.lines(receiver).suffix(2)) == ["pointer button 273 released", "pointer frame"], Comment(rawValue: receiver.stdout))
            #expect(session.server.compositor.pointerButtonsDown.isEmpty)

            // A second virtual pointer (with an output and the seat named) holds a button; its client goes.
            let output = try driver.bind("wl_output", version: 4)
            let seat = try driver.bind("wl_seat", version: 7)
            let manager = try driver.bindVirtualPointerManager()
            let second = try #require(driver.link.track(zwlr_virtual_pointer_manager_v1_create_virtual_pointer_with_output(manager, seat, output)))
            zwlr_virtual_pointer_v1_button(second, 0, 0x110, WL_POINTER_BUTTON_STATE_PRESSED.rawValue)
            zwlr_virtual_pointer_v1_motion(second, 0, wl_fixed_from_int(300), 0)
            zwlr_virtual_pointer_v1_frame(second)
            try Self.deliver(session, driver, until: 8, receiver)
            driver.link.disconnect()
            try session.harness.run(seconds: 10) { Self.lines(receiver).count >= 12 }
            #expect(Array(Self.lines(receiver).suffix(7)) == [
                "pointer button 272 pressed", "pointer motion 368.0 68.0", "pointer frame",
                "pointer button 272 released", "pointer frame", "pointer leave", "pointer frame",
            ], Comment(rawValue: receiver.stdout))
            // No button is stuck: the seat's own input may press it again.
            #expect(session.server.compositor.pointerButtonsDown.isEmpty)
            #expect(session.server.compositor.pointerButtonRefusal(0x110, pressed: true) == nil)
        }

        @Test("a press that the client turns into xdg_toplevel.move lets the virtual pointer's motions move the window, until the release")
        func pressStartsAnInteractiveMove() throws {
            let (session, driver, pointer, receiver) = try Self.setUp(["--move-on-press"])
            zwlr_virtual_pointer_v1_motion_absolute(pointer, 0, 100, 100, 640, 480)
            zwlr_virtual_pointer_v1_button(pointer, 0, 0x110, WL_POINTER_BUTTON_STATE_PRESSED.rawValue)
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 3, receiver)
            try session.harness.run(seconds: 10) { session.server.seat.movingOrResizing }
            for _ in 0..<5 {
                zwlr_virtual_pointer_v1_motion(pointer, 0, wl_fixed_from_int(10), wl_fixed_from_int(4))
                zwlr_virtual_pointer_v1_frame(pointer)
            }
            zwlr_virtual_pointer_v1_button(pointer, 0, 0x110, WL_POINTER_BUTTON_STATE_RELEASED.rawValue)
            zwlr_virtual_pointer_v1_frame(pointer)
            try Self.deliver(session, driver, until: 7, receiver)
            #expect(!session.server.seat.movingOrResizing)
            let window = try #require(session.harness.window(appID: "seawall-demo.solid"))
            #expect(window.x == 82 && window.y == 52, "moved by (50, 20) from (32, 32): at (\(window.x), \(window.y))")
            // The move took the pointer from the client (leave), which saw no motion during it; the release
            // gave it back where the pointer now is on the moved window.
            #expect(Self.lines(receiver) == ["pointer enter 68.0 68.0", "pointer button 272 pressed", "pointer frame",
                                             "pointer leave", "pointer frame", "pointer enter 68.0 68.0", "pointer frame"],
                    Comment(rawValue: receiver.stdout))
        }

        @Test func anAxisThatIsNoAxisIsAProtocolError() throws {
            let session = try Session { $0.allowVirtualInput = true }
            let client = try session.connect()
            let pointer = try #require(client.link.track(zwlr_virtual_pointer_manager_v1_create_virtual_pointer(try client.bindVirtualPointerManager(), nil)))
            zwlr_virtual_pointer_v1_axis(pointer, 0, 2, wl_fixed_from_int(1))
            try session.expectProtocolError(client, interface: "zwlr_virtual_pointer_v1", code: 0,
                                            message: "axis 2 is neither vertical_scroll (0) nor horizontal_scroll (1)")
        }
    }
}

extension TestClient {
    /// zwlr_virtual_pointer_manager_v1 at version 2.
    func bindVirtualPointerManager() throws -> OpaquePointer {
        let global = try #require(globals[ProtocolTests.VirtualPointer.manager], "no zwlr_virtual_pointer_manager_v1 global")
        let proxy = wl_registry_bind(registry, global.name, sw_client_interface_zwlr_virtual_pointer_manager_v1(), 2)
        return try #require(link.track(proxy.map(OpaquePointer.init)))
    }
}
