import CProtocolsClient
import CWaylandClient
import DemoClientKit
import SeawallTestSupport
import Testing
import WaylandServer

extension ProtocolTests {
    /// zwp_pointer_constraints_v1 and zwp_relative_pointer_manager_v1 with a real libwayland client: what its
    /// wl_pointer, relative pointer and lock or confinement objects hear as the seat's pointer moves.
    @Suite struct PointerConstraints {
        /// Every event the client's pointer objects get, one line each, in order.
        final class Recorder: PointerEventLines {
            nonisolated(unsafe) static let relativeListener = listenerTable(zwp_relative_pointer_v1_listener(
                relative_motion: { data, _, high, low, dx, dy, dxUnaccelerated, dyUnaccelerated in
                    let time = UInt64(high) << 32 | UInt64(low)
                    from(data)?.lines.append("relative \(wl_fixed_to_double(dx)),\(wl_fixed_to_double(dy)) unaccelerated \(wl_fixed_to_double(dxUnaccelerated)),\(wl_fixed_to_double(dyUnaccelerated))\(time > 0 ? "" : " at time 0")")
                }))
            nonisolated(unsafe) static let lockListener = listenerTable(zwp_locked_pointer_v1_listener(
                locked: { data, _ in from(data)?.lines.append("locked") },
                unlocked: { data, _ in from(data)?.lines.append("unlocked") }))
            nonisolated(unsafe) static let confineListener = listenerTable(zwp_confined_pointer_v1_listener(
                confined: { data, _ in from(data)?.lines.append("confined") },
                unconfined: { data, _ in from(data)?.lines.append("unconfined") }))
        }

        /// A session with a pointer; a client with a 100x80 window (active, as the last mapped), its wl_pointer
        /// (wl_seat 7) and relative pointer recorded; the pointer at (50, 40) on the window.
        static func setUp() throws -> (Session, TestClient, Toplevel, constraints: OpaquePointer, pointer: OpaquePointer,
                                       Recorder, origin: (x: Int64, y: Int64)) {
            let session = try Session()
            session.server.seat.addPointer()
            let client = try session.connect()
            let (window, _, _) = try session.showWindow(client, appID: "game", width: 100, height: 80, color: 0x40_8020)
            let origin = try #require(session.position(of: "game"))
            let recorder = Recorder()
            let pointer = try recorder.recordPointer(of: client)
            let manager = try client.bind("zwp_relative_pointer_manager_v1", version: 1)
            let relative = try #require(client.link.track(zwp_relative_pointer_manager_v1_get_relative_pointer(manager, pointer)))
            zwp_relative_pointer_v1_add_listener(relative, Recorder.relativeListener, recorder.data)
            let constraints = try client.bind("zwp_pointer_constraints_v1", version: 1)
            try #require(client.link.roundtrip())
            session.server.seat.movePointer(toX: Double(origin.x) + 50, y: Double(origin.y) + 40)
            try #require(client.link.roundtrip())
            #expect(recorder.take() == ["enter 50.0,40.0", "frame"])
            return (session, client, window, constraints, pointer, recorder, origin)
        }

        @Test func aLockedPointerStaysStillGetsRelativeMotionAndEndsAtItsHint() throws {
            let (session, client, window, constraints, pointer, recorder, origin) = try Self.setUp()
            let seat = session.server.seat
            let lock = try #require(client.link.track(zwp_pointer_constraints_v1_lock_pointer(
                constraints, window.surface, pointer, nil, ZWP_POINTER_CONSTRAINTS_V1_LIFETIME_PERSISTENT.rawValue)))
            zwp_locked_pointer_v1_add_listener(lock, Recorder.lockListener, recorder.data)
            try #require(client.link.roundtrip())
            #expect(recorder.take() == ["locked"])

            seat.movePointer(byX: 5, y: -3.5)
            seat.movePointer(toX: 10, y: 10)   // absolute: nothing at all
            try #require(client.link.roundtrip())
            #expect(recorder.take() == ["relative 5.0,-3.5 unaccelerated 5.0,-3.5", "frame"])
            #expect(seat.pointerX == Double(origin.x) + 50 && seat.pointerY == Double(origin.y) + 40)
            #expect(seat.pointerConstraintState == "locked")

            zwp_locked_pointer_v1_set_cursor_position_hint(lock, wl_fixed_from_double(12.5), wl_fixed_from_int(7))
            try #require(client.link.roundtrip())
            client.link.forget(lock)
            zwp_locked_pointer_v1_destroy(lock)
            try #require(client.link.roundtrip())
            #expect(seat.pointerX == Double(origin.x) + 50, "the hint waits for the commit: without one it is not used")

            let again = try #require(client.link.track(zwp_pointer_constraints_v1_lock_pointer(
                constraints, window.surface, pointer, nil, ZWP_POINTER_CONSTRAINTS_V1_LIFETIME_ONESHOT.rawValue)))
            zwp_locked_pointer_v1_add_listener(again, Recorder.lockListener, recorder.data)
            zwp_locked_pointer_v1_set_cursor_position_hint(again, wl_fixed_from_double(12.5), wl_fixed_from_int(7))
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(recorder.take() == ["locked"])
            client.link.forget(again)
            zwp_locked_pointer_v1_destroy(again)
            try #require(client.link.roundtrip())
            #expect(seat.pointerX == Double(origin.x) + 12.5 && seat.pointerY == Double(origin.y) + 7)
            #expect(recorder.take() == ["motion 12.5,7.0", "frame"])
            #expect(client.link.errorNumber == 0)
        }

        @Test func aConfinedPointerIsHeldInItsRegionWhichChangesWithTheCommit() throws {
            let (session, client, window, constraints, pointer, recorder, origin) = try Self.setUp()
            let seat = session.server.seat
            let region = try #require(client.link.track(wl_compositor_create_region(try client.compositor())))
            wl_region_add(region, 0, 0, 20, 20)
            let confinement = try #require(client.link.track(zwp_pointer_constraints_v1_confine_pointer(
                constraints, window.surface, pointer, region, ZWP_POINTER_CONSTRAINTS_V1_LIFETIME_ONESHOT.rawValue)))
            zwp_confined_pointer_v1_add_listener(confinement, Recorder.confineListener, recorder.data)
            client.link.forget(region)
            wl_region_destroy(region)   // the constraint keeps what the region held
            try #require(client.link.roundtrip())
            #expect(recorder.take().isEmpty, "the pointer at (50, 40) is outside the region")

            zwp_confined_pointer_v1_set_region(confinement, nil)
            try #require(client.link.roundtrip())
            #expect(recorder.take().isEmpty, "set_region waits for the commit")
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(recorder.take() == ["confined"])

            seat.movePointer(byX: 1000, y: 1000)
            seat.movePointer(byX: -0.5, y: -1000)
            try #require(client.link.roundtrip())
            #expect(recorder.take() == ["relative 1000.0,1000.0 unaccelerated 1000.0,1000.0", "motion 99.0,79.0", "frame",
                                        "relative -0.5,-1000.0 unaccelerated -0.5,-1000.0", "motion 98.5,0.0", "frame"])
            #expect(seat.pointerX == Double(origin.x) + 98.5 && seat.pointerConstraintState == "confined")

            // Another client's window comes up active: the keyboard focus leaves, and the oneshot confinement ends.
            let other = try session.connect()
            try session.showWindow(other, appID: "other", width: 10, height: 10, color: 0x10_1010)
            try #require(client.link.roundtrip())
            #expect(recorder.take().contains("unconfined"))
            #expect(seat.pointerConstraintState == nil)
            #expect(client.link.errorNumber == 0)
        }

        @Test func aSecondConstraintOnTheSurfaceIsAlreadyConstrained() throws {
            let (session, client, window, constraints, pointer, _, _) = try Self.setUp()
            _ = client.link.track(zwp_pointer_constraints_v1_lock_pointer(constraints, window.surface, pointer, nil, 1))
            _ = client.link.track(zwp_pointer_constraints_v1_confine_pointer(constraints, window.surface, pointer, nil, 2))
            let id = wl_proxy_get_id(window.surface)
            try session.expectProtocolError(client, interface: "zwp_pointer_constraints_v1",
                                            code: ZWP_POINTER_CONSTRAINTS_V1_ERROR_ALREADY_CONSTRAINED.rawValue,
                                            message: "confine_pointer on wl_surface@\(id): the surface's pointer is already locked by another constraint object; destroy it first")
        }

        @Test func aLifetimeThatIsNoLifetimeIsAnError() throws {
            let (session, client, window, constraints, pointer, _, _) = try Self.setUp()
            _ = client.link.track(zwp_pointer_constraints_v1_lock_pointer(constraints, window.surface, pointer, nil, 7))
            try session.expectProtocolError(client, interface: "wl_display", code: WL_DISPLAY_ERROR_IMPLEMENTATION.rawValue,
                                            message: "zwp_pointer_constraints_v1.lock_pointer: lifetime 7 is neither oneshot (1) nor persistent (2)")
        }

        @Test func aConstraintOutlivingItsSurfaceEndsAndIgnoresLaterRequests() throws {
            let (session, client, window, constraints, pointer, recorder, _) = try Self.setUp()
            let lock = try #require(client.link.track(zwp_pointer_constraints_v1_lock_pointer(
                constraints, window.surface, pointer, nil, ZWP_POINTER_CONSTRAINTS_V1_LIFETIME_PERSISTENT.rawValue)))
            zwp_locked_pointer_v1_add_listener(lock, Recorder.lockListener, recorder.data)
            try #require(client.link.roundtrip())
            #expect(recorder.take() == ["locked"])
            client.link.forget(window.toplevel)
            xdg_toplevel_destroy(window.toplevel)
            client.link.forget(window.xdgSurface)
            xdg_surface_destroy(window.xdgSurface)
            client.link.forget(window.surface)
            wl_surface_destroy(window.surface)
            try #require(client.link.roundtrip())
            #expect(recorder.take().contains("unlocked"), "the window went: the lock ends")
            zwp_locked_pointer_v1_set_region(lock, nil)
            zwp_locked_pointer_v1_set_cursor_position_hint(lock, 0, 0)
            session.server.seat.movePointer(byX: 3, y: 3)
            try #require(client.link.roundtrip())
            #expect(session.server.seat.pointerConstraintState == nil)
            #expect(client.link.errorNumber == 0)
        }
    }
}
