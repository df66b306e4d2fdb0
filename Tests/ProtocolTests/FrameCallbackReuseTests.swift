import CWaylandClient
import SeawallTestSupport
import Testing
@testable import WaylandServer

extension ProtocolTests {
    /// wl_callback objects are reused from frame to frame (WlCallback.swift): every frame is still answered
    /// once, and the Swift object behind a finished callback serves the next request instead of a new one.
    @Suite struct FrameCallbackReuse {
        @Test func aClientDrawingFrameAfterFrameIsServedByOneCallbackObject() throws {
            let session = try Session()
            let client = try session.connect()
            let (window, _, _) = try session.showWindow(client, appID: "frames", color: 0x80_8080)
            for round in 0..<20 {
                let frame = try client.frame(window.surface)
                wl_surface_commit(window.surface)
                try #require(client.link.roundtrip())
                #expect(session.server.spareFrameCallbacks.isEmpty, "round \(round): the spare serves the request")
                session.repaint()
                #expect(frame.times.count == 1, "round \(round): answered once")
                #expect(session.server.spareFrameCallbacks.count == 1, "round \(round): one object, back among the spares")
            }
        }

        @Test func twoCallbacksPendingAtOnceAreBothAnsweredAndBothObjectsKept() throws {
            let session = try Session()
            let client = try session.connect()
            let (window, _, _) = try session.showWindow(client, appID: "frames", color: 0x80_8080)
            for round in 0..<5 {
                let first = try client.frame(window.surface)
                let second = try client.frame(window.surface)
                wl_surface_commit(window.surface)
                try #require(client.link.roundtrip())
                session.repaint()
                #expect(first.times.count == 1 && second.times.count == 1, "round \(round)")
                #expect(session.server.spareFrameCallbacks.count == 2, "round \(round)")
            }
            // A surface destroyed with a callback pending: destroyed unanswered, its object kept too.
            let bare = try client.surface()
            let pending = try client.frame(bare)
            wl_surface_commit(bare)
            try #require(client.link.roundtrip())
            #expect(session.server.spareFrameCallbacks.count == 1)
            client.link.forget(bare)
            wl_surface_destroy(bare)
            try #require(client.link.roundtrip())
            session.repaint()
            #expect(!pending.done)
            #expect(session.server.spareFrameCallbacks.count == 2)
            #expect(client.link.errorNumber == 0)
        }
    }
}
