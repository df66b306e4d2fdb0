import CProtocolsClient
import CWaylandClient
import DemoClientKit
import SeawallTestSupport
import Testing
import WaylandServer

extension ProtocolTests {
    /// The pointer is re-picked after a commit only where the commit changed what the hit test finds
    /// (`Scene.hitTestChanges`): a real libwayland client's wl_pointer and frame callbacks, in the order the
    /// client reads them. A commit that changes where the window takes input gives enter, leave or motion
    /// while the commit is handled, so before the frame callback of that commit is answered; a commit of
    /// new pixels only gives no pointer event at all.
    @Suite struct PointerRepick {
        /// The client's wl_pointer events and frame callbacks, one line each, in the order they arrived.
        final class Recorder: PointerEventLines {
            nonisolated(unsafe) static let callbackListener = listenerTable(wl_callback_listener(
                done: { data, callback, _ in
                    if let callback { wl_callback_destroy(callback) }
                    from(data)?.lines.append("done")
                }))
        }

        /// A session with a pointer and one client whose 40x30 window is mapped at its cascade place, with its
        /// wl_pointer recorded and a pool large enough for a 200x100 buffer; the pointer rests 100 units right
        /// of and 10 below the window's corner: 60 units right of its right edge.
        static func setUp() throws -> (Session, TestClient, Toplevel, pool: OpaquePointer, Recorder, origin: (x: Int64, y: Int64)) {
            let session = try Session()
            session.server.seat.addPointer()
            let client = try session.connect()
            let (window, _, _) = try session.showWindow(client, appID: "grower", width: 40, height: 30, color: 0x30_6090)
            let origin = try #require(session.position(of: "grower"))
            let recorder = Recorder()
            _ = try recorder.recordPointer(of: client)
            let file = try PoolFile(size: 200 * 100 * 4)
            file.fill(width: 200, height: 100, color: 0x90_3060)
            let pool = try client.pool(file)
            try #require(client.link.roundtrip())
            session.server.seat.movePointer(toX: Double(origin.x) + 100, y: Double(origin.y) + 10)
            try #require(client.link.roundtrip())
            #expect(recorder.take().isEmpty, "the pointer is beside the window, not on it")
            return (session, client, window, pool, recorder, origin)
        }

        /// Commits `buffer` (or the current one, damaged) with a frame callback, then lets the server repaint.
        /// `dx`, `dy`: the attach offset (wl_compositor version 4).
        static func commitAndRepaint(_ session: Session, _ client: TestClient, _ window: Toplevel, _ recorder: Recorder,
                                     buffer: OpaquePointer?, width: Int32, height: Int32, dx: Int32 = 0, dy: Int32 = 0) throws {
            let callback = try #require(wl_surface_frame(window.surface))
            wl_callback_add_listener(callback, Recorder.callbackListener, recorder.data)
            if let buffer { wl_surface_attach(window.surface, buffer, dx, dy) }
            wl_surface_damage_buffer(window.surface, 0, 0, width, height)
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            session.repaint()
            try #require(client.link.roundtrip())
        }

        @Test("a commit that grows the window under the pointer enters it before the commit's frame callback is answered; a commit of new pixels only sends no pointer event")
        func aGrowingWindowIsEnteredBeforeItsFrameCallback() throws {
            let (session, client, window, pool, recorder, _) = try Self.setUp()
            let small = try client.buffer(pool, width: 40, height: 30)
            try Self.commitAndRepaint(session, client, window, recorder, buffer: small, width: 40, height: 30)
            #expect(recorder.take() == ["done"], "the same size: nothing under the pointer changed")

            let large = try client.buffer(pool, width: 200, height: 100)
            try Self.commitAndRepaint(session, client, window, recorder, buffer: large, width: 200, height: 100)
            #expect(recorder.take() == ["enter 100.0,10.0", "frame", "done"])

            try Self.commitAndRepaint(session, client, window, recorder, buffer: nil, width: 200, height: 100)
            #expect(recorder.take() == ["done"], "new pixels only: the focus stays, and nothing is sent")

            try Self.commitAndRepaint(session, client, window, recorder, buffer: small, width: 40, height: 30)
            #expect(recorder.take() == ["leave", "frame", "done"], "shrunk away from under the pointer")
            #expect(client.link.errorNumber == 0)
        }

        @Test("a new input region that leaves out the pointer's place gives leave, and a reset one enter, each before the frame callback")
        func anInputRegionChangeRepicksThePointer() throws {
            let (session, client, window, pool, recorder, _) = try Self.setUp()
            let large = try client.buffer(pool, width: 200, height: 100)
            try Self.commitAndRepaint(session, client, window, recorder, buffer: large, width: 200, height: 100)
            #expect(recorder.take() == ["enter 100.0,10.0", "frame", "done"])

            let region = try #require(client.link.track(wl_compositor_create_region(try client.compositor())))
            wl_region_add(region, 0, 0, 50, 100)
            wl_surface_set_input_region(window.surface, region)
            try Self.commitAndRepaint(session, client, window, recorder, buffer: nil, width: 200, height: 100)
            #expect(recorder.take() == ["leave", "frame", "done"], "the pointer is outside the input region")

            wl_surface_set_input_region(window.surface, nil)
            try Self.commitAndRepaint(session, client, window, recorder, buffer: nil, width: 200, height: 100)
            #expect(recorder.take() == ["enter 100.0,10.0", "frame", "done"], "the whole surface takes input again")
            #expect(client.link.errorNumber == 0)
        }

        @Test("an attach offset that moves the window under a still pointer gives motion before the frame callback")
        func anOffsetUnderThePointerGivesMotion() throws {
            let (session, client, window, pool, recorder, _) = try Self.setUp()
            let large = try client.buffer(pool, width: 200, height: 100)
            try Self.commitAndRepaint(session, client, window, recorder, buffer: large, width: 200, height: 100)
            #expect(recorder.take() == ["enter 100.0,10.0", "frame", "done"])
            try Self.commitAndRepaint(session, client, window, recorder, buffer: large, width: 200, height: 100, dx: -8, dy: -4)
            #expect(recorder.take() == ["motion 108.0,14.0", "frame", "done"])
            #expect(client.link.errorNumber == 0)
        }
    }
}
