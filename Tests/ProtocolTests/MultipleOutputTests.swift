import CClientShims
import CProtocolsClient
import Compositor
import CWaylandClient
import DemoClientKit
import SeawallTestSupport
import Testing
import WaylandServer

/// What a client hears about outputs: each wl_output's events, and the enter and leave events of its surfaces
/// and their preferred scales, named by the index of the output (0: SEAWALL-1).
final class OutputListener {
    /// The client's wl_outputs, in the order bound (`outputs[i]` is the `index[i]`-th output).
    private(set) var outputs: [OpaquePointer] = []
    private(set) var index: [Int] = []
    /// Per bound wl_output: geometry's x and y, the mode's size, scale and name.
    private(set) var geometry: [OpaquePointer: (x: Int32, y: Int32)] = [:]
    private(set) var mode: [OpaquePointer: (width: Int32, height: Int32)] = [:]
    private(set) var scale: [OpaquePointer: Int32] = [:]
    private(set) var name: [OpaquePointer: String] = [:]
    /// Per surface: "enter N" / "leave N", in order.
    private(set) var surfaceEvents: [OpaquePointer: [String]] = [:]

    /// Binds the `index`-th wl_output global and listens to it.
    @discardableResult
    func bind(_ client: TestClient, output number: Int) throws -> OpaquePointer {
        let output = try client.bindOutput(number)
        outputs.append(output)
        index.append(number)
        wl_output_add_listener(output, OutputListener.outputListener, Unmanaged.passUnretained(self).toOpaque())
        client.keep(self)
        return output
    }

    /// Listens to `surface`'s enter and leave events.
    func follow(_ surface: OpaquePointer) {
        surfaceEvents[surface] = []
        wl_surface_add_listener(surface, OutputListener.surfaceListener, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The output index `output` stands for ("?" for a wl_output of no known output).
    func number(of output: OpaquePointer?) -> String {
        guard let output, let i = outputs.firstIndex(of: output) else { return "?" }
        return String(index[i])
    }

    nonisolated(unsafe) static let outputListener = listenerTable(wl_output_listener(
        geometry: { data, output, x, y, _, _, _, _, _, _ in
            guard let data, let output else { return }
            Unmanaged<OutputListener>.fromOpaque(data).takeUnretainedValue().geometry[output] = (x, y)
        },
        mode: { data, output, _, width, height, _ in
            guard let data, let output else { return }
            Unmanaged<OutputListener>.fromOpaque(data).takeUnretainedValue().mode[output] = (width, height)
        },
        done: { _, _ in },
        scale: { data, output, factor in
            guard let data, let output else { return }
            Unmanaged<OutputListener>.fromOpaque(data).takeUnretainedValue().scale[output] = factor
        },
        name: { data, output, name in
            guard let data, let output, let name else { return }
            Unmanaged<OutputListener>.fromOpaque(data).takeUnretainedValue().name[output] = String(cString: name)
        },
        description: { _, _, _ in }))

    nonisolated(unsafe) static let surfaceListener = listenerTable(wl_surface_listener(
        enter: { data, surface, output in
            guard let data, let surface else { return }
            let listener = Unmanaged<OutputListener>.fromOpaque(data).takeUnretainedValue()
            listener.surfaceEvents[surface, default: []].append("enter \(listener.number(of: output))")
        },
        leave: { data, surface, output in
            guard let data, let surface else { return }
            let listener = Unmanaged<OutputListener>.fromOpaque(data).takeUnretainedValue()
            listener.surfaceEvents[surface, default: []].append("leave \(listener.number(of: output))")
        }))
}

/// One zxdg_output_v1's logical position, size and name.
final class XdgOutputRecord {
    var position: (x: Int32, y: Int32)?
    var size: (width: Int32, height: Int32)?
    var name: String?

    nonisolated(unsafe) static let listener = listenerTable(zxdg_output_v1_listener(
        logical_position: { data, _, x, y in
            guard let data else { return }
            Unmanaged<XdgOutputRecord>.fromOpaque(data).takeUnretainedValue().position = (x, y)
        },
        logical_size: { data, _, width, height in
            guard let data else { return }
            Unmanaged<XdgOutputRecord>.fromOpaque(data).takeUnretainedValue().size = (width, height)
        },
        done: { _, _ in },
        name: { data, _, name in
            guard let data, let name else { return }
            Unmanaged<XdgOutputRecord>.fromOpaque(data).takeUnretainedValue().name = String(cString: name)
        },
        description: { _, _, _ in }))
}

/// The wl_outputs one wp_presentation_feedback synchronized to, and whether it was presented.
final class FeedbackRecord {
    var syncOutputs: [OpaquePointer] = []
    var presented = false
    var discarded = false

    nonisolated(unsafe) static let listener = listenerTable(wp_presentation_feedback_listener(
        sync_output: { data, _, output in
            guard let data, let output else { return }
            Unmanaged<FeedbackRecord>.fromOpaque(data).takeUnretainedValue().syncOutputs.append(output)
        },
        presented: { data, _, _, _, _, _, _, _, _ in
            guard let data else { return }
            Unmanaged<FeedbackRecord>.fromOpaque(data).takeUnretainedValue().presented = true
        },
        discarded: { data, _ in
            guard let data else { return }
            Unmanaged<FeedbackRecord>.fromOpaque(data).takeUnretainedValue().discarded = true
        }))
}

extension ProtocolTests {
    /// Two outputs — SEAWALL-1, 640×480 at scale 1 at (0, 0), and SEAWALL-2, 800×600 pixels at scale 2 (400×300
    /// logical) at (640, 0) — with real clients: each output's wl_output and xdg_output, enter and leave as a
    /// window crosses the boundary, where new, maximized and fullscreen windows and layer surfaces go, a window
    /// list's output_enter/leave, the preferred scale and presentation's sync_output.
    @Suite struct MultipleOutputs {
        /// The second output's rectangle in the layout (logical).
        static let second = (x: Int64(640), y: Int64(0), width: Int64(400), height: Int64(300))

        /// The session, with xdg_wm_base offered at version 4 (configure_bounds).
        func twoOutputs() throws -> Session {
            try Session {
                $0.outputs.append(OutputSpec(width: 800, height: 600, scale: OutputScale(integer: 2), position: (640, 0)))
                $0.xdgWmBaseVersion = 4
            }
        }

        /// The second output's pixel at device (x, y) as 0xRRGGBB.
        func secondPixel(_ session: Session, _ x: Int, _ y: Int) -> UInt32 {
            session.server.heads[1].renderer.image.pixel(x: x, y: y) & 0xFF_FFFF
        }

        /// Acks the window's latest configure (unless `ack` is false: `configuredWindow` acked it) and commits a
        /// `width`×`height` buffer of `color`.
        func commitBuffer(_ client: TestClient, _ window: Toplevel, width: Int32, height: Int32, color: UInt32,
                          ack: Bool = true) throws {
            if ack { try window.ackLatest() }
            let file = try PoolFile(size: Int(width) * Int(height) * 4)
            file.fill(width: Int(width), height: Int(height), color: color)
            client.show(try client.buffer(try client.pool(file), width: width, height: height), on: window.surface,
                        width: width, height: height)
            try #require(client.link.roundtrip())
        }

        func window(_ session: Session, _ appID: String) throws -> Server.Window {
            try #require(session.server.windows.first { $0.appID == appID }, "no window \(appID)")
        }

        func place(_ session: Session, _ appID: String, x: Int64, y: Int64) throws {
            session.server.place(try window(session, appID).surface, x: x, y: y)
        }

        @Test func eachOutputIsAWlOutputAndAnXdgOutputWithItsPlaceInTheLayout() throws {
            let session = try twoOutputs()
            let client = try session.connect()
            #expect(client.outputGlobals.count == 2)
            let listener = OutputListener()
            let first = try listener.bind(client, output: 0)
            let second = try listener.bind(client, output: 1)
            // (sw_client_interface_named does not know xdg-output: bound with its own table.)
            let global = try #require(client.globals["zxdg_output_manager_v1"])
            let manager = try #require(client.link.track(wl_registry_bind(client.registry, global.name,
                sw_client_interface_zxdg_output_manager_v1(), 3).map(OpaquePointer.init)))
            let records = [XdgOutputRecord(), XdgOutputRecord()]
            for (output, record) in zip([first, second], records) {
                let xdgOutput = try #require(client.link.track(zxdg_output_manager_v1_get_xdg_output(manager, output)))
                zxdg_output_v1_add_listener(xdgOutput, XdgOutputRecord.listener, Unmanaged.passUnretained(record).toOpaque())
                client.keep(record)
            }
            try #require(client.link.roundtrip())
            #expect(listener.name[first] == "SEAWALL-1" && listener.name[second] == "SEAWALL-2")
            #expect(listener.geometry[first].map { $0 == (0, 0) } == true)
            #expect(listener.geometry[second].map { $0 == (640, 0) } == true)
            #expect(listener.mode[first].map { $0 == (640, 480) } == true)
            #expect(listener.mode[second].map { $0 == (800, 600) } == true)
            #expect(listener.scale[first] == 1 && listener.scale[second] == 2)
            #expect(records[0].position.map { $0 == (0, 0) } == true && records[0].size.map { $0 == (640, 480) } == true)
            #expect(records[1].position.map { $0 == (640, 0) } == true && records[1].size.map { $0 == (400, 300) } == true)
            #expect(records.map(\.name) == ["SEAWALL-1", "SEAWALL-2"])
        }

        @Test func aWindowEntersEachOutputItOverlapsAndLeavesThoseItLeaves() throws {
            let session = try twoOutputs()
            let client = try session.connect()
            let listener = OutputListener()
            try listener.bind(client, output: 0)
            try listener.bind(client, output: 1)
            try #require(client.link.roundtrip())
            let window = try session.configuredWindow(client, appID: "crossing")
            listener.follow(window.surface)
            try commitBuffer(client, window, width: 40, height: 30, color: 0xAA_3311, ack: false)
            try place(session, "crossing", x: 100, y: 100)
            try #require(client.link.roundtrip())
            #expect(listener.surfaceEvents[window.surface] == ["enter 0"])

            // Straddling the boundary: on both, drawn on both.
            try place(session, "crossing", x: 620, y: 100)
            try #require(client.link.roundtrip())
            #expect(listener.surfaceEvents[window.surface] == ["enter 0", "enter 1"])
            session.repaint()
            #expect(session.pixel(630, 110) == 0xAA_3311)
            #expect(secondPixel(session, 2 * 10, 2 * 110) == 0xAA_3311)   // layout (650, 110) at scale 2
            #expect(secondPixel(session, 2 * 30, 2 * 110) == Session.background)

            // Wholly on the second: it leaves the first.
            try place(session, "crossing", x: 700, y: 100)
            try #require(client.link.roundtrip())
            #expect(listener.surfaceEvents[window.surface] == ["enter 0", "enter 1", "leave 0"])

            // Back to the first in one move: leave, then enter.
            try place(session, "crossing", x: 10, y: 10)
            try #require(client.link.roundtrip())
            #expect(listener.surfaceEvents[window.surface] == ["enter 0", "enter 1", "leave 0", "leave 1", "enter 0"])
        }

        /// A subsurface moved by its parent's commit (set_position) without committing itself enters and leaves
        /// outputs too.
        @Test func aSubsurfaceMovedByItsParentFollowsTheOutputs() throws {
            let session = try twoOutputs()
            let client = try session.connect()
            let listener = OutputListener()
            try listener.bind(client, output: 0)
            try listener.bind(client, output: 1)
            let window = try session.configuredWindow(client, appID: "parent")
            try commitBuffer(client, window, width: 40, height: 30, color: 0x10_2030, ack: false)
            try place(session, "parent", x: 600, y: 100)
            let child = try client.surface()
            listener.follow(child)
            let subcompositor = try client.bind("wl_subcompositor", version: 1)
            let subsurface = try #require(client.link.track(wl_subcompositor_get_subsurface(subcompositor, child, window.surface)))
            let file = try PoolFile(size: 10 * 10 * 4)
            file.fill(width: 10, height: 10, color: 0xC0_FFEE)
            client.show(try client.buffer(try client.pool(file), width: 10, height: 10), on: child, width: 10, height: 10)
            wl_surface_commit(window.surface)   // the synchronized child's state takes effect
            try #require(client.link.roundtrip())
            #expect(listener.surfaceEvents[child] == ["enter 0"])

            wl_subsurface_set_position(subsurface, 50, 0)   // at 650: on the second output only
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(listener.surfaceEvents[child] == ["enter 0", "leave 0", "enter 1"])
            session.repaint()
            #expect(secondPixel(session, 2 * 15, 2 * 105) == 0xC0_FFEE)
        }

        /// A popup repositioned onto the other output moves there at once (before its next commit): it leaves
        /// and enters then.
        @Test func aRepositionedPopupFollowsTheOutputs() throws {
            let session = try twoOutputs()
            let client = try session.connect()
            let listener = OutputListener()
            try listener.bind(client, output: 0)
            try listener.bind(client, output: 1)
            let wmBase = try client.bind("xdg_wm_base", version: 4)
            let window = try Toplevel(client, appID: "parent", wmBase: wmBase)
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            try commitBuffer(client, window, width: 40, height: 30, color: 0x10_2030)
            try place(session, "parent", x: 600, y: 100)

            func positioner(x: Int32) throws -> OpaquePointer {
                let positioner = try #require(client.link.track(xdg_wm_base_create_positioner(wmBase)))
                xdg_positioner_set_size(positioner, 20, 20)
                xdg_positioner_set_anchor_rect(positioner, x, 0, 1, 1)
                xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_TOP_LEFT.rawValue)
                xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT.rawValue)
                return positioner   // no constraint adjustment: it may leave the parent's output
            }
            let surface = try client.surface()
            listener.follow(surface)
            let xdgSurface = try #require(client.link.track(xdg_wm_base_get_xdg_surface(wmBase, surface)))
            let popup = try #require(client.link.track(xdg_surface_get_popup(xdgSurface, window.xdgSurface, try positioner(x: 0))))
            try PopupSerials.map(client, surface: surface, xdgSurface: xdgSurface)
            #expect(listener.surfaceEvents[surface] == ["enter 0"])

            xdg_popup_reposition(popup, try positioner(x: 50), 1)   // to (650, 100)
            try #require(client.link.roundtrip())
            #expect(listener.surfaceEvents[surface] == ["enter 0", "leave 0", "enter 1"])
        }

        @Test func aNewWindowOpensOnTheOutputUnderThePointer() throws {
            let session = try twoOutputs()
            session.server.seat.addPointer()
            session.server.seat.movePointer(toX: 800, y: 150)
            let client = try session.connect()
            let listener = OutputListener()
            try listener.bind(client, output: 0)
            try listener.bind(client, output: 1)
            let wmBase = try client.bind("xdg_wm_base", version: 4)
            let window = try Toplevel(client, appID: "under-pointer", wmBase: wmBase)
            listener.follow(window.surface)
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            // Its first configure's bounds are the second output's.
            #expect(window.bounds.last.map { $0 == (400, 300) } == true)
            try commitBuffer(client, window, width: 40, height: 30, color: 0x11_AA33)
            let position = try #require(session.position(of: "under-pointer"))
            #expect(position.x >= Self.second.x && position.x + 40 <= Self.second.x + Self.second.width, "at \(position)")
            #expect(position.y >= Self.second.y && position.y + 30 <= Self.second.y + Self.second.height, "at \(position)")
            #expect(listener.surfaceEvents[window.surface] == ["enter 1"])

            // The pointer back on the first output: the next window opens there.
            session.server.seat.movePointer(toX: 100, y: 100)
            try session.showWindow(client, appID: "back-on-first", color: 0x33_11AA)
            let other = try #require(session.position(of: "back-on-first"))
            #expect(other.x + 40 <= 640 && other.y + 30 <= 480, "at \(other)")
        }

        @Test func aMaximizedWindowFillsTheOutputItIsOn() throws {
            let session = try twoOutputs()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "right")
            try commitBuffer(client, window, width: 40, height: 30, color: 0x22_4466, ack: false)
            try place(session, "right", x: 700, y: 50)
            xdg_toplevel_set_maximized(window.toplevel)
            try #require(client.link.roundtrip())
            let configure = try #require(window.configures.last)
            #expect(configure.states.contains(XDG_TOPLEVEL_STATE_MAXIMIZED.rawValue))
            #expect((configure.width, configure.height) == (400, 300))
            try commitBuffer(client, window, width: 400, height: 300, color: 0x22_4466)
            #expect(session.position(of: "right").map { $0 == (640, 0) } == true)
            session.repaint()
            #expect(secondPixel(session, 0, 0) == 0x22_4466 && secondPixel(session, 799, 599) == 0x22_4466)

            // One on the first output fills the first.
            let left = try session.configuredWindow(client, appID: "left")
            try commitBuffer(client, left, width: 40, height: 30, color: 0x66_4422, ack: false)
            try place(session, "left", x: 100, y: 100)
            xdg_toplevel_set_maximized(left.toplevel)
            try #require(client.link.roundtrip())
            #expect(left.configures.last.map { ($0.width, $0.height) == (640, 480) } == true)
        }

        @Test func setFullscreenFillsTheOutputItNames() throws {
            let session = try twoOutputs()
            let client = try session.connect()
            let listener = OutputListener()
            let first = try listener.bind(client, output: 0)
            let second = try listener.bind(client, output: 1)
            let wmBase = try client.bind("xdg_wm_base", version: 4)
            let window = try Toplevel(client, appID: "movie", wmBase: wmBase)
            listener.follow(window.surface)
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            try commitBuffer(client, window, width: 40, height: 30, color: 0x55_0055)
            try place(session, "movie", x: 100, y: 100)
            try #require(client.link.roundtrip())
            #expect(listener.surfaceEvents[window.surface] == ["enter 0"])

            xdg_toplevel_set_fullscreen(window.toplevel, second)
            try #require(client.link.roundtrip())
            let configure = try #require(window.configures.last)
            #expect(configure.states.contains(XDG_TOPLEVEL_STATE_FULLSCREEN.rawValue))
            #expect((configure.width, configure.height) == (400, 300))
            #expect(window.bounds.last.map { $0 == (400, 300) } == true)
            try commitBuffer(client, window, width: 400, height: 300, color: 0x55_0055)
            #expect(session.position(of: "movie").map { $0 == (640, 0) } == true)
            #expect(listener.surfaceEvents[window.surface] == ["enter 0", "leave 0", "enter 1"])
            session.repaint()
            #expect(secondPixel(session, 0, 0) == 0x55_0055 && secondPixel(session, 799, 599) == 0x55_0055)

            // Fullscreen again, on the first output: it moves there.
            xdg_toplevel_set_fullscreen(window.toplevel, first)
            try #require(client.link.roundtrip())
            #expect(window.configures.last.map { ($0.width, $0.height) == (640, 480) } == true)
            try commitBuffer(client, window, width: 640, height: 480, color: 0x55_0055)
            #expect(session.position(of: "movie").map { $0 == (0, 0) } == true)

            // No output named: the one the window is mostly on.
            let other = try session.configuredWindow(client, appID: "mostly-right")
            try commitBuffer(client, other, width: 40, height: 30, color: 0x00_5555, ack: false)
            try place(session, "mostly-right", x: 630, y: 10)   // 10 units on the first, 30 on the second
            xdg_toplevel_set_fullscreen(other.toplevel, nil)
            try #require(client.link.roundtrip())
            #expect(other.configures.last.map { ($0.width, $0.height) == (400, 300) } == true)

            // Asked before the first commit (a player started fullscreen on a chosen output): the initial
            // configure has that output's size, and the window maps at its corner.
            let early = try Toplevel(client, appID: "early", wmBase: wmBase)
            xdg_toplevel_set_fullscreen(early.toplevel, second)
            wl_surface_commit(early.surface)
            try #require(client.link.roundtrip())
            #expect(early.configures.last.map { ($0.width, $0.height) == (400, 300) } == true)
            #expect(early.bounds.last.map { $0 == (400, 300) } == true)
            try commitBuffer(client, early, width: 400, height: 300, color: 0x00_AA00)
            #expect(session.position(of: "early").map { $0 == (640, 0) } == true)
        }

        @Test func aLayerSurfaceOnTheSecondOutputTakesItsZoneThereOnly() throws {
            let session = try twoOutputs()
            let client = try session.connect()
            let second = try client.bindOutput(1)
            let left = try session.configuredWindow(client, appID: "left")
            try commitBuffer(client, left, width: 40, height: 30, color: 0x11_1111, ack: false)
            try place(session, "left", x: 10, y: 10)
            xdg_toplevel_set_maximized(left.toplevel)
            try #require(client.link.roundtrip())
            #expect(left.configures.last.map { ($0.width, $0.height) == (640, 480) } == true)
            try commitBuffer(client, left, width: 640, height: 480, color: 0x11_1111)
            let right = try session.configuredWindow(client, appID: "right")
            try commitBuffer(client, right, width: 40, height: 30, color: 0x22_2222, ack: false)
            try place(session, "right", x: 700, y: 10)
            xdg_toplevel_set_maximized(right.toplevel)
            try #require(client.link.roundtrip())
            #expect(right.configures.last.map { ($0.width, $0.height) == (400, 300) } == true)
            try commitBuffer(client, right, width: 400, height: 300, color: 0x22_2222)
            let leftConfigures = left.configures.count

            let panel = try LayerClientSurface(client, layer: ZWLR_LAYER_SHELL_V1_LAYER_TOP.rawValue, output: second) {
                zwlr_layer_surface_v1_set_anchor($0, ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP.rawValue
                    | ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT.rawValue | ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT.rawValue)
                zwlr_layer_surface_v1_set_size($0, 0, 20)
                zwlr_layer_surface_v1_set_exclusive_zone($0, 20)
            }
            try panel.map(client, color: 0x99_CC00)
            #expect(panel.configures.map { "\($0.width)x\($0.height)" } == ["400x20"])
            // The window on the second output is told the space left, and moves below the panel; the one on
            // the first is not touched.
            #expect(right.configures.last.map { ($0.width, $0.height) == (400, 280) } == true)
            try commitBuffer(client, right, width: 400, height: 280, color: 0x22_2222)
            #expect(session.position(of: "right").map { $0 == (640, 20) } == true)
            #expect(left.configures.count == leftConfigures)
            #expect(session.position(of: "left").map { $0 == (0, 0) } == true)
            session.repaint()
            #expect(secondPixel(session, 0, 0) == 0x99_CC00 && secondPixel(session, 799, 39) == 0x99_CC00)
            #expect(secondPixel(session, 0, 40) == 0x22_2222)
            #expect(session.pixel(0, 0) == 0x11_1111)
        }

        @Test func aLayerSurfaceWithoutAnOutputGoesWhereThePointerIs() throws {
            let session = try twoOutputs()
            session.server.seat.addPointer()
            session.server.seat.movePointer(toX: 900, y: 200)
            let client = try session.connect()
            let panel = try LayerClientSurface(client, layer: ZWLR_LAYER_SHELL_V1_LAYER_TOP.rawValue) {
                zwlr_layer_surface_v1_set_anchor($0, ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM.rawValue
                    | ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT.rawValue | ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT.rawValue)
                zwlr_layer_surface_v1_set_size($0, 0, 10)
            }
            try panel.map(client, color: 0x00_99CC)
            #expect(panel.configures.map { "\($0.width)x\($0.height)" } == ["400x10"])
            session.repaint()
            #expect(secondPixel(session, 0, 599) == 0x00_99CC)
            #expect(session.pixel(0, 479) == Session.background)
        }

        @Test func aWindowListSeesTheOutputsAWindowIsOn() throws {
            let session = try twoOutputs()
            let app = try session.connect()
            let shown = try session.showWindow(app, appID: "listed", color: 0x44_4444)
            try place(session, "listed", x: 100, y: 100)
            let barClient = try session.connect()
            let first = try barClient.bindOutput(0)
            let second = try barClient.bindOutput(1)
            let bar = try TaskBar(barClient)
            try #require(barClient.link.roundtrip())
            let handle = try bar.handle("listed")
            #expect(handle.entered == [first])
            #expect(handle.dones == 1)

            // Straddling: it enters the second, in one batch.
            try place(session, "listed", x: 620, y: 100)
            try #require(barClient.link.roundtrip())
            #expect(handle.entered == [first, second])
            #expect(handle.dones == 2 && handle.pending == 0)

            // Wholly on the second: it leaves the first.
            try place(session, "listed", x: 700, y: 100)
            try #require(barClient.link.roundtrip())
            #expect(handle.entered == [second])
            #expect(handle.dones == 3 && handle.pending == 0)

            // Minimized, it stays listed on the output it was on.
            zwlr_foreign_toplevel_handle_v1_set_minimized(handle.proxy)
            try #require(barClient.link.roundtrip())
            try #require(barClient.link.roundtrip())
            #expect(handle.minimized)
            #expect(handle.entered == [second])
            // A task bar started while it is minimized sees it on the output it is mostly on.
            let lateClient = try session.connect()
            _ = try lateClient.bindOutput(0)
            let lateSecond = try lateClient.bindOutput(1)
            let late = try TaskBar(lateClient)
            try #require(lateClient.link.roundtrip())
            #expect(try late.handle("listed").entered == [lateSecond])
            zwlr_foreign_toplevel_handle_v1_unset_minimized(handle.proxy)
            try #require(barClient.link.roundtrip())
            try #require(barClient.link.roundtrip())
            #expect(handle.entered == [second])

            // Fullscreen on the first output, asked by the task bar: it moves there once it has drawn at that size.
            zwlr_foreign_toplevel_handle_v1_set_fullscreen(handle.proxy, first)
            try #require(barClient.link.roundtrip())
            try #require(app.link.roundtrip())
            let configure = try #require(shown.toplevel.configures.last)
            #expect(configure.states.contains(XDG_TOPLEVEL_STATE_FULLSCREEN.rawValue))
            #expect((configure.width, configure.height) == (640, 480))
            try commitBuffer(app, shown.toplevel, width: 640, height: 480, color: 0x44_4444)
            try #require(barClient.link.roundtrip())
            #expect(handle.entered == [first])
            #expect(handle.fullscreen && handle.pending == 0)

            // A wl_output of the first output bound later is entered too; one of the second is not.
            let again = try barClient.bindOutput(0)
            _ = try barClient.bindOutput(1)
            try #require(barClient.link.roundtrip())
            #expect(handle.entered == [first, again])
            #expect(handle.pending == 0)
        }

        @Test func thePreferredScaleIsTheLargestOfTheOutputsTheSurfaceIsOn() throws {
            let session = try twoOutputs()
            let client = try session.connect()
            let window = try Toplevel(client, appID: "scaled")
            let received = FractionalScale.Received()
            _ = try FractionalScale().fractionalScale(client, window.surface, received)
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(received.scales == [120], "before it is on any output: the first output's (the pointer's)")
            try commitBuffer(client, window, width: 40, height: 30, color: 0x12_3456)
            try place(session, "scaled", x: 100, y: 100)
            try #require(client.link.roundtrip())
            #expect(received.scales == [120])

            try place(session, "scaled", x: 620, y: 100)   // on both: the larger
            try #require(client.link.roundtrip())
            #expect(received.scales == [120, 240])
            try place(session, "scaled", x: 700, y: 100)   // on the second only: no change
            try #require(client.link.roundtrip())
            #expect(received.scales == [120, 240])
            try place(session, "scaled", x: 100, y: 100)
            try #require(client.link.roundtrip())
            #expect(received.scales == [120, 240, 120])

            // Made while the pointer is on the second output, where a new window opens: its scale at once.
            session.server.seat.addPointer()
            session.server.seat.movePointer(toX: 900, y: 100)
            let later = try Toplevel(client, appID: "later")
            let laterScales = FractionalScale.Received()
            _ = try FractionalScale().fractionalScale(client, later.surface, laterScales)
            try #require(client.link.roundtrip())
            #expect(laterScales.scales == [240])
        }

        @Test func presentationIsSynchronizedToTheOutputTheSurfaceIsMostlyOn() throws {
            let session = try twoOutputs()
            let client = try session.connect()
            let first = try client.bindOutput(0)
            let second = try client.bindOutput(1)
            let presentation = try client.bind("wp_presentation", version: 1)
            let window = try session.configuredWindow(client, appID: "presented")
            try commitBuffer(client, window, width: 40, height: 30, color: 0x77_7777, ack: false)
            session.repaint()

            func present(atX x: Int64) throws -> FeedbackRecord {
                try place(session, "presented", x: x, y: 100)
                let record = FeedbackRecord()
                client.keep(record)
                let feedback = try #require(wp_presentation_feedback(presentation, window.surface))
                wp_presentation_feedback_add_listener(feedback, FeedbackRecord.listener, Unmanaged.passUnretained(record).toOpaque())
                wl_surface_damage_buffer(window.surface, 0, 0, 40, 30)
                wl_surface_commit(window.surface)
                try #require(client.link.roundtrip())
                session.repaint()
                try #require(client.link.roundtrip())
                #expect(record.presented)
                return record
            }
            #expect(try present(atX: 700).syncOutputs == [second])
            #expect(try present(atX: 100).syncOutputs == [first])
            #expect(try present(atX: 610).syncOutputs == [first], "30 units on the first, 10 on the second")
            #expect(try present(atX: 630).syncOutputs == [second], "10 units on the first, 30 on the second")
        }
    }
}
