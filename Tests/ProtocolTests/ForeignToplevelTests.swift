import CProtocolsClient
import CWaylandClient
import DemoClientKit
import SeawallTestSupport
import Testing
import WaylandServer

/// A task bar: a client with zwlr_foreign_toplevel_manager_v1 bound, recording every handle's events.
final class TaskBar {
    final class Handle {
        let proxy: OpaquePointer
        var title: String?
        /// Title events received.
        var titleEvents = 0
        var appID: String?
        var states: Set<UInt32> = []
        var outputs = 0
        /// The wl_outputs entered and not left, in the order entered.
        var entered: [OpaquePointer] = []
        var parent: OpaquePointer?
        /// Events since the last done (title, app_id, output_*, state, parent).
        var pending = 0
        var dones = 0
        var closed = false
        init(proxy: OpaquePointer) { self.proxy = proxy }
        var maximized: Bool { states.contains(ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_MAXIMIZED.rawValue) }
        var minimized: Bool { states.contains(ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_MINIMIZED.rawValue) }
        var activated: Bool { states.contains(ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_ACTIVATED.rawValue) }
        var fullscreen: Bool { states.contains(ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_FULLSCREEN.rawValue) }
    }

    let client: TestClient
    let manager: OpaquePointer
    private(set) var handles: [Handle] = []
    var finished = false

    init(_ client: TestClient, version: UInt32 = 3) throws {
        self.client = client
        manager = try client.bind("zwlr_foreign_toplevel_manager_v1", version: version)
        zwlr_foreign_toplevel_manager_v1_add_listener(manager, TaskBar.managerListener, Unmanaged.passUnretained(self).toOpaque())
        client.keep(self)
    }

    /// The open (not closed) handles.
    var open: [Handle] { handles.filter { !$0.closed } }

    /// The one open handle with this app id.
    func handle(_ appID: String) throws -> Handle {
        let matching = open.filter { $0.appID == appID }
        try #require(matching.count == 1, "\(matching.count) open handles for \(appID)")
        return matching[0]
    }

    nonisolated(unsafe) static let managerListener = listenerTable(zwlr_foreign_toplevel_manager_v1_listener(
        toplevel: { data, _, proxy in
            guard let data, let proxy else { return }
            let bar = Unmanaged<TaskBar>.fromOpaque(data).takeUnretainedValue()
            let handle = Handle(proxy: proxy)
            bar.client.link.track(proxy)
            bar.handles.append(handle)
            zwlr_foreign_toplevel_handle_v1_add_listener(proxy, TaskBar.handleListener, Unmanaged.passUnretained(handle).toOpaque())
        },
        finished: { data, _ in
            guard let data else { return }
            Unmanaged<TaskBar>.fromOpaque(data).takeUnretainedValue().finished = true
        }))

    private static func handle(_ data: UnsafeMutableRawPointer?) -> Handle? {
        data.map { Unmanaged<Handle>.fromOpaque($0).takeUnretainedValue() }
    }

    nonisolated(unsafe) static let handleListener = listenerTable(zwlr_foreign_toplevel_handle_v1_listener(
        title: { data, _, title in
            guard let handle = handle(data), let title else { return }
            handle.title = String(cString: title); handle.titleEvents += 1; handle.pending += 1
        },
        app_id: { data, _, appID in
            guard let handle = handle(data), let appID else { return }
            handle.appID = String(cString: appID); handle.pending += 1
        },
        output_enter: { data, _, output in
            guard let handle = handle(data) else { return }
            handle.outputs += 1; handle.pending += 1
            if let output { handle.entered.append(output) }
        },
        output_leave: { data, _, output in
            guard let handle = handle(data) else { return }
            handle.outputs -= 1; handle.pending += 1
            handle.entered.removeAll { $0 == output }
        },
        state: { data, _, states in
            guard let handle = handle(data) else { return }
            var values: Set<UInt32> = []
            if let states, let base = states.pointee.data {
                let words = base.bindMemory(to: UInt32.self, capacity: states.pointee.size / 4)
                values = Set((0..<states.pointee.size / 4).map { words[$0] })
            }
            handle.states = values; handle.pending += 1
        },
        done: { data, _ in
            guard let handle = handle(data) else { return }
            handle.pending = 0; handle.dones += 1
        },
        closed: { data, _ in handle(data)?.closed = true },
        parent: { data, _, parent in
            guard let handle = handle(data) else { return }
            handle.parent = parent; handle.pending += 1
        }))
}

extension ProtocolTests {
    /// zwlr_foreign_toplevel_manager_v1: a task bar client lists other clients' windows, follows their
    /// changes, and acts on them under the compositor's rules (Compositor/WindowList.swift).
    @Suite struct ForeignToplevel {
        @Test func aTaskBarListsEveryClientsWindowsAndFollowsThem() throws {
            let session = try Session()
            let app = try session.connect()
            let editor = try session.showWindow(app, appID: "editor", color: 0x11_2233).toplevel
            xdg_toplevel_set_title(editor.toplevel, "notes.txt")
            try #require(app.link.roundtrip())

            let barClient = try session.connect()
            _ = try barClient.bind("wl_output", version: 4)
            let bar = try TaskBar(barClient)
            try #require(barClient.link.roundtrip())
            let handle = try bar.handle("editor")
            #expect(bar.open.count == 1)
            #expect(handle.title == "notes.txt")
            #expect(handle.outputs == 1)
            #expect(handle.states == [ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_ACTIVATED.rawValue])
            #expect(handle.pending == 0 && handle.dones == 1)

            // A title change: one title event and done.
            xdg_toplevel_set_title(editor.toplevel, "notes.txt — edited")
            try #require(app.link.roundtrip())
            try #require(barClient.link.roundtrip())
            #expect(handle.title == "notes.txt — edited")
            #expect(handle.pending == 0 && handle.dones == 2)

            // A second client's window maps: a new handle, and it takes the activated state.
            let other = try session.connect()
            try session.showWindow(other, appID: "viewer", color: 0x44_5566)
            try #require(barClient.link.roundtrip())
            let viewer = try bar.handle("viewer")
            #expect(viewer.activated)
            #expect(!handle.activated)
            #expect(handle.pending == 0 && viewer.pending == 0)

            // A window that is not mapped yet is not listed; the toplevel's destruction closes its handle.
            let pending = try session.configuredWindow(app, appID: "unmapped")
            try #require(barClient.link.roundtrip())
            #expect(bar.open.allSatisfy { $0.appID != "unmapped" })
            app.link.forget(pending.toplevel)
            xdg_toplevel_destroy(pending.toplevel)
            app.link.forget(editor.toplevel)
            xdg_toplevel_destroy(editor.toplevel)
            try #require(app.link.roundtrip())
            try #require(barClient.link.roundtrip())
            #expect(handle.closed)
            #expect(bar.open.map(\.appID) == ["viewer"])
        }

        @Test func aTaskBarMaximizesMinimizesActivatesAndClosesAnotherClientsWindow() throws {
            let session = try Session()
            let app = try session.connect()
            let shown = try session.showWindow(app, appID: "target", width: 40, height: 30, color: 0xAA_0000)
            let target = shown.toplevel
            let front = try session.connect()
            try session.showWindow(front, appID: "front", width: 20, height: 20, color: 0x00_AA00)
            let barClient = try session.connect()
            let bar = try TaskBar(barClient)
            try #require(barClient.link.roundtrip())
            let handle = try bar.handle("target")
            #expect(!handle.activated)

            // set_maximized: the window's own client gets a configure with the maximized state and the output's size.
            zwlr_foreign_toplevel_handle_v1_set_maximized(handle.proxy)
            try #require(barClient.link.roundtrip())
            try #require(app.link.roundtrip())
            let maximized = try #require(target.configures.last)
            #expect(maximized.states.contains(XDG_TOPLEVEL_STATE_MAXIMIZED.rawValue))
            #expect(maximized.width == 640 && maximized.height == 480)
            try #require(barClient.link.roundtrip())
            #expect(handle.maximized && handle.pending == 0)
            zwlr_foreign_toplevel_handle_v1_unset_maximized(handle.proxy)
            try #require(barClient.link.roundtrip())
            try #require(app.link.roundtrip())
            #expect(target.configures.last.map { !$0.states.contains(XDG_TOPLEVEL_STATE_MAXIMIZED.rawValue) } == true)
            try #require(barClient.link.roundtrip())
            #expect(!handle.maximized)

            // activate: as a click — the window is active (configure) and on top.
            let seat = try barClient.bind("wl_seat", version: 7)
            zwlr_foreign_toplevel_handle_v1_activate(handle.proxy, seat)
            try #require(barClient.link.roundtrip())
            try #require(app.link.roundtrip())
            #expect(target.configures.last.map { $0.states.contains(XDG_TOPLEVEL_STATE_ACTIVATED.rawValue) } == true)
            try #require(barClient.link.roundtrip())
            #expect(handle.activated)
            #expect(try !bar.handle("front").activated)
            let origin = try #require(session.position(of: "target"))
            session.repaint()
            #expect(session.pixel(origin.x + 5, origin.y + 5) == 0xAA_0000)

            // set_minimized: not drawn any more, no longer active; the other window is.
            zwlr_foreign_toplevel_handle_v1_set_minimized(handle.proxy)
            try #require(barClient.link.roundtrip())
            session.repaint()
            #expect(session.pixel(origin.x + 5, origin.y + 5) != 0xAA_0000)
            try #require(barClient.link.roundtrip())
            #expect(handle.minimized && !handle.activated)
            #expect(try bar.handle("front").activated)
            #expect(session.server.windows.first { $0.appID == "target" }?.mapped == true)

            // unset_minimized: drawn again, on top and active.
            zwlr_foreign_toplevel_handle_v1_unset_minimized(handle.proxy)
            try #require(barClient.link.roundtrip())
            session.repaint()
            #expect(session.pixel(origin.x + 5, origin.y + 5) == 0xAA_0000)
            try #require(barClient.link.roundtrip())
            #expect(!handle.minimized && handle.activated)

            // close: the window's client is asked to close it; the window stays until it does.
            let closesBefore = target.closes
            zwlr_foreign_toplevel_handle_v1_close(handle.proxy)
            try #require(barClient.link.roundtrip())
            try #require(app.link.roundtrip())
            #expect(target.closes == closesBefore + 1)
            #expect(!handle.closed)
        }

        @Test func theParentEventNamesTheParentsHandle() throws {
            let session = try Session()
            let app = try session.connect()
            let main = try session.showWindow(app, appID: "main", color: 0x10_1010).toplevel
            let dialog = try session.showWindow(app, appID: "dialog", color: 0x20_2020).toplevel
            xdg_toplevel_set_parent(dialog.toplevel, main.toplevel)
            try #require(app.link.roundtrip())
            let barClient = try session.connect()
            let bar = try TaskBar(barClient)
            try #require(barClient.link.roundtrip())
            let mainHandle = try bar.handle("main"), dialogHandle = try bar.handle("dialog")
            #expect(dialogHandle.parent == mainHandle.proxy)
            #expect(mainHandle.parent == nil)

            // Unset, then the parent goes away while set again: parent null each time.
            xdg_toplevel_set_parent(dialog.toplevel, nil)
            try #require(app.link.roundtrip())
            try #require(barClient.link.roundtrip())
            #expect(dialogHandle.parent == nil && dialogHandle.pending == 0)
            xdg_toplevel_set_parent(dialog.toplevel, main.toplevel)
            try #require(app.link.roundtrip())
            try #require(barClient.link.roundtrip())
            #expect(dialogHandle.parent == mainHandle.proxy)
            app.link.forget(main.toplevel)
            xdg_toplevel_destroy(main.toplevel)
            try #require(app.link.roundtrip())
            try #require(barClient.link.roundtrip())
            #expect(mainHandle.closed)
            #expect(dialogHandle.parent == nil && dialogHandle.pending == 0)

            // A version 2 manager's handles get no parent event (and no error).
            let oldClient = try session.connect()
            let old = try TaskBar(oldClient, version: 2)
            try #require(oldClient.link.roundtrip())
            #expect(try old.handle("dialog").parent == nil)
        }

        @Test func aParentLoopIsInvalidParent() throws {
            let session = try Session()
            let app = try session.connect()
            let a = try session.configuredWindow(app, appID: "a")
            let b = try session.configuredWindow(app, appID: "b")
            xdg_toplevel_set_parent(b.toplevel, a.toplevel)
            xdg_toplevel_set_parent(a.toplevel, b.toplevel)
            try session.expectProtocolError(app, interface: "xdg_toplevel", code: XDG_TOPLEVEL_ERROR_INVALID_PARENT.rawValue,
                                            message: "set_parent would make xdg_toplevel@\(wl_proxy_get_id(a.toplevel)) its own ancestor")
        }

        @Test func requestsOnAClosedHandleAreIgnored() throws {
            let session = try Session()
            let app = try session.connect()
            try session.showWindow(app, appID: "gone", color: 0x30_3030)
            let other = try session.connect()
            try session.showWindow(other, appID: "stays", color: 0x40_4040)
            let barClient = try session.connect()
            let bar = try TaskBar(barClient)
            try #require(barClient.link.roundtrip())
            let handle = try bar.handle("gone")
            app.link.disconnect()
            try #require(barClient.link.roundtrip())
            #expect(handle.closed)
            let seat = try barClient.bind("wl_seat", version: 7)
            zwlr_foreign_toplevel_handle_v1_set_maximized(handle.proxy)
            zwlr_foreign_toplevel_handle_v1_set_minimized(handle.proxy)
            zwlr_foreign_toplevel_handle_v1_set_fullscreen(handle.proxy, nil)
            zwlr_foreign_toplevel_handle_v1_activate(handle.proxy, seat)
            zwlr_foreign_toplevel_handle_v1_close(handle.proxy)
            #expect(barClient.link.roundtrip())
            #expect(try bar.handle("stays").activated)
            #expect(session.server.windows.map(\.appID) == ["stays"])
        }

        @Test func aNegativeRectangleIsInvalidRectangle() throws {
            let session = try Session()
            let app = try session.connect()
            try session.showWindow(app, appID: "app", color: 0x30_3030)
            let barClient = try session.connect()
            let bar = try TaskBar(barClient)
            try #require(barClient.link.roundtrip())
            let button = try barClient.surface()
            let handle = try bar.handle("app")
            zwlr_foreign_toplevel_handle_v1_set_rectangle(handle.proxy, button, .min, .max, 0, 0)   // unset: fine
            zwlr_foreign_toplevel_handle_v1_set_rectangle(handle.proxy, button, .max, .max, .max, .max)
            #expect(barClient.link.roundtrip())
            zwlr_foreign_toplevel_handle_v1_set_rectangle(handle.proxy, button, 0, 0, 10, -1)
            try session.expectProtocolError(barClient, interface: "zwlr_foreign_toplevel_handle_v1",
                                            code: ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_ERROR_INVALID_RECTANGLE.rawValue,
                                            message: "set_rectangle: the size 10x-1 is negative")
        }

        @Test func stopEndsTheAnnouncementsButNotTheHandles() throws {
            let session = try Session()
            let app = try session.connect()
            let first = try session.showWindow(app, appID: "first", color: 0x30_3030).toplevel
            let barClient = try session.connect()
            let bar = try TaskBar(barClient)
            try #require(barClient.link.roundtrip())
            barClient.link.forget(bar.manager)
            zwlr_foreign_toplevel_manager_v1_stop(bar.manager)
            try #require(barClient.link.roundtrip())
            #expect(bar.finished)
            try session.showWindow(app, appID: "second", color: 0x40_4040)
            xdg_toplevel_set_title(first.toplevel, "still followed")
            try #require(app.link.roundtrip())
            try #require(barClient.link.roundtrip())
            #expect(bar.open.map(\.appID) == ["first"])
            #expect(try bar.handle("first").title == "still followed")
            wl_proxy_destroy(bar.manager)
        }

        @Test func aTaskBarThatReadsSlowlyIsHeldBackNotDisconnected() throws {
            let session = try Session()
            let app = try session.connect()
            let window = try session.showWindow(app, appID: "chatty", color: 0x30_3030).toplevel
            let barClient = try session.connect()
            let bar = try TaskBar(barClient)
            try #require(barClient.link.roundtrip())
            let handle = try bar.handle("chatty")
            let before = handle.titleEvents
            // 300 titles of 4000 bytes (1.2 MB) while the task bar reads nothing: more than its socket holds
            // (libwayland would disconnect it if Seawall kept writing).
            for i in 0..<300 {
                xdg_toplevel_set_title(window.toplevel, String(repeating: Character(UnicodeScalar(UInt8(65 + i % 26))), count: 4000))
                if i % 10 == 9 { try #require(app.link.roundtrip()) }
            }
            try #require(barClient.link.roundtrip(), "the task bar was disconnected")
            #expect(handle.titleEvents - before < 300, "every title was sent: nothing was held back")
            // The next change brings the held-back handle up to date in one batch.
            xdg_toplevel_set_title(window.toplevel, "final")
            try #require(app.link.roundtrip())
            try #require(barClient.link.roundtrip())
            #expect(handle.title == "final" && handle.pending == 0)
        }

        @Test func aClientBindsAtMostSixteenManagers() throws {
            let session = try Session()
            let barClient = try session.connect()
            for _ in 0..<16 { _ = try barClient.bind("zwlr_foreign_toplevel_manager_v1", version: 3) }
            #expect(barClient.link.roundtrip())
            _ = try barClient.bind("zwlr_foreign_toplevel_manager_v1", version: 3)
            try session.expectProtocolError(barClient, interface: "wl_display", code: WL_DISPLAY_ERROR_IMPLEMENTATION.rawValue,
                                            message: "zwlr_foreign_toplevel_manager_v1: more than 16 bound by one client")
        }
    }
}
