import CProtocolsClient
import CWaylandClient
import DemoClientKit
import SeawallTestSupport
import Testing
import WaylandServer

/// A zwlr_layer_surface_v1 with what it was told.
final class LayerClientSurface {
    let surface: OpaquePointer
    let layerSurface: OpaquePointer
    /// configure events: serial and size, in order.
    private(set) var configures: [(serial: UInt32, width: UInt32, height: UInt32)] = []

    /// `get_layer_surface` on `layer` and `output` (nothing committed yet), then `setup` before the caller commits.
    init(_ client: TestClient, layer: UInt32, surface: OpaquePointer? = nil, output: OpaquePointer? = nil,
         _ setup: (OpaquePointer) -> Void = { _ in }) throws {
        let shell = try client.bind("zwlr_layer_shell_v1", version: 4)
        self.surface = try surface ?? client.surface()
        layerSurface = try #require(client.link.track(
            zwlr_layer_shell_v1_get_layer_surface(shell, self.surface, output, layer, "seawall-test")))
        zwlr_layer_surface_v1_add_listener(layerSurface, LayerClientSurface.listener, Unmanaged.passUnretained(self).toOpaque())
        client.keep(self)
        setup(layerSurface)
    }

    func ackLatest() throws {
        zwlr_layer_surface_v1_ack_configure(layerSurface, try #require(configures.last?.serial, "no configure to ack"))
    }

    /// The initial commit, its configure acked, and a buffer of the configured size in `color` shown.
    func map(_ client: TestClient, color: UInt32) throws {
        wl_surface_commit(surface)
        try #require(client.link.roundtrip())
        let size = try #require(configures.last, "the initial commit got no configure")
        try ackLatest()
        let (width, height) = (Int32(size.width), Int32(size.height))
        let file = try PoolFile(size: Int(width) * Int(height) * 4)
        file.fill(width: Int(width), height: Int(height), color: color)
        client.show(try client.buffer(try client.pool(file), width: width, height: height), on: surface,
                    width: width, height: height)
        try #require(client.link.roundtrip())
    }

    nonisolated(unsafe) static let listener = listenerTable(zwlr_layer_surface_v1_listener(
        configure: { data, _, serial, width, height in
            guard let data else { return }
            Unmanaged<LayerClientSurface>.fromOpaque(data).takeUnretainedValue().configures.append((serial, width, height))
        },
        closed: { _, _ in }))
}

/// xdg_surface.configure serials of a popup.
final class PopupSerials {
    var serials: [UInt32] = []
    nonisolated(unsafe) static let listener = listenerTable(xdg_surface_listener(
        configure: { data, _, serial in
            guard let data else { return }
            Unmanaged<PopupSerials>.fromOpaque(data).takeUnretainedValue().serials.append(serial)
        }))

    /// Maps a popup made on `surface` and `xdgSurface`: its initial commit, the configure that answers it
    /// acked, and a 20×20 green buffer shown.
    static func map(_ client: TestClient, surface: OpaquePointer, xdgSurface: OpaquePointer) throws {
        let record = PopupSerials()
        xdg_surface_add_listener(xdgSurface, PopupSerials.listener, Unmanaged.passUnretained(record).toOpaque())
        client.keep(record)
        wl_surface_commit(surface)
        try #require(client.link.roundtrip())
        xdg_surface_ack_configure(xdgSurface, try #require(record.serials.last, "the popup was not configured"))
        let file = try PoolFile(size: 20 * 20 * 4)
        file.fill(width: 20, height: 20, color: 0x00_FF00)
        client.show(try client.buffer(try client.pool(file), width: 20, height: 20), on: surface, width: 20, height: 20)
        try #require(client.link.roundtrip())
    }
}

extension ProtocolTests {
    /// zwlr_layer_shell_v1 with real clients: configures, placement, stacking against windows, the usable
    /// area, and every error the XML names.
    @Suite struct LayerShell {
        let top = ZWLR_LAYER_SHELL_V1_LAYER_TOP.rawValue
        let anchorTop = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP.rawValue
        let anchorBottom = ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM.rawValue
        let anchorLeft = ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT.rawValue
        let anchorRight = ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT.rawValue

        @Test func aPanelStretchesAlongItsEdgeAndShrinksMaximizedWindows() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try Toplevel(client, appID: "max")
            xdg_toplevel_set_maximized(window.toplevel)
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(window.configures.last.map { ($0.width, $0.height) == (640, 480) } == true)

            let panel = try LayerClientSurface(client, layer: top) {
                zwlr_layer_surface_v1_set_anchor($0, anchorBottom | anchorLeft | anchorRight)
                zwlr_layer_surface_v1_set_size($0, 0, 24)
                zwlr_layer_surface_v1_set_exclusive_zone($0, 24)
            }
            try panel.map(client, color: 0x33_6699)
            #expect(panel.configures.map { "\($0.width)x\($0.height)" } == ["640x24"])
            // The maximized window is told the space left.
            #expect(window.configures.last.map { ($0.width, $0.height) == (640, 456) } == true)
            session.repaint()
            #expect(session.pixel(0, 456) == 0x33_6699)
            #expect(session.pixel(639, 479) == 0x33_6699)
            #expect(session.pixel(320, 455) == Session.background)
        }

        @Test func theLayersStackAroundWindows() throws {
            let session = try Session()
            let client = try session.connect()
            try session.showWindow(client, appID: "middle", width: 100, height: 100, color: 0x00_FF00)
            let surface = try #require(session.server.windows.first?.surface)
            session.server.place(surface, x: 0, y: 0)
            let background = try LayerClientSurface(client, layer: ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND.rawValue) {
                zwlr_layer_surface_v1_set_anchor($0, anchorTop | anchorBottom | anchorLeft | anchorRight)
                zwlr_layer_surface_v1_set_exclusive_zone($0, -1)
            }
            try background.map(client, color: 0x33_6699)
            let overlay = try LayerClientSurface(client, layer: ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY.rawValue) {
                zwlr_layer_surface_v1_set_anchor($0, anchorTop | anchorLeft)
                zwlr_layer_surface_v1_set_size($0, 30, 30)
                zwlr_layer_surface_v1_set_margin($0, 10, 0, 0, 10)
            }
            try overlay.map(client, color: 0xFF_0000)
            session.repaint()
            #expect(background.configures.last.map { ($0.width, $0.height) == (640, 480) } == true)
            #expect(session.pixel(5, 5) == 0x00_FF00)       // the window, above the wallpaper
            #expect(session.pixel(15, 15) == 0xFF_0000)     // the overlay, above the window, at its margins
            #expect(session.pixel(39, 39) == 0xFF_0000)
            #expect(session.pixel(40, 40) == 0x00_FF00)
            #expect(session.pixel(300, 300) == 0x33_6699)   // the wallpaper where no window is
        }

        @Test func aPopupMadeWithoutAParentIsPlacedInItsLayerSurface() throws {
            let session = try Session()
            let client = try session.connect()
            let panel = try LayerClientSurface(client, layer: top) {
                zwlr_layer_surface_v1_set_anchor($0, anchorTop | anchorLeft)
                zwlr_layer_surface_v1_set_size($0, 100, 100)
                zwlr_layer_surface_v1_set_margin($0, 50, 0, 0, 40)
            }
            try panel.map(client, color: 0xFF_0000)
            let wmBase = try client.wmBase()
            let positioner = try #require(client.link.track(xdg_wm_base_create_positioner(wmBase)))
            xdg_positioner_set_size(positioner, 20, 20)
            xdg_positioner_set_anchor_rect(positioner, 10, 10, 1, 1)
            xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_TOP_LEFT.rawValue)
            xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT.rawValue)
            let surface = try client.surface()
            let xdgSurface = try #require(client.link.track(xdg_wm_base_get_xdg_surface(wmBase, surface)))
            let popup = try #require(client.link.track(xdg_surface_get_popup(xdgSurface, nil, positioner)))
            zwlr_layer_surface_v1_get_popup(panel.layerSurface, popup)
            try PopupSerials.map(client, surface: surface, xdgSurface: xdgSurface)
            session.repaint()
            // The panel is at (40, 50); the popup at (10, 10) inside it.
            #expect(session.pixel(45, 55) == 0xFF_0000)
            #expect(session.pixel(50, 60) == 0x00_FF00)
            #expect(session.pixel(69, 79) == 0x00_FF00)
            #expect(session.pixel(70, 80) == 0xFF_0000)
        }

        @Test func aSizeOfZeroWithoutBothAnchorsIsInvalidSize() throws {
            let session = try Session()
            let client = try session.connect()
            let layer = try LayerClientSurface(client, layer: top) {
                zwlr_layer_surface_v1_set_anchor($0, anchorLeft)
                zwlr_layer_surface_v1_set_size($0, 0, 50)
            }
            wl_surface_commit(layer.surface)
            try session.expectProtocolError(client, interface: "zwlr_layer_surface_v1",
                                            code: ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_SIZE.rawValue,
                                            message: "width 0 (the compositor chooses) needs anchors on both the left and the right edge; anchors are left")
        }

        @Test func aBufferBeforeTheConfigureIsAckedIsInvalidSurfaceState() throws {
            let session = try Session()
            let client = try session.connect()
            let layer = try LayerClientSurface(client, layer: top) { zwlr_layer_surface_v1_set_size($0, 10, 10) }
            wl_surface_commit(layer.surface)
            try #require(client.link.roundtrip())
            let file = try PoolFile(size: 10 * 10 * 4)
            client.show(try client.buffer(try client.pool(file), width: 10, height: 10), on: layer.surface, width: 10, height: 10)
            try session.expectProtocolError(client, interface: "zwlr_layer_surface_v1",
                                            code: ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_SURFACE_STATE.rawValue,
                                            message: "buffer attached before the first configure was acked")
        }

        @Test func aBadAnchorIsInvalidAnchor() throws {
            let session = try Session()
            let client = try session.connect()
            _ = try LayerClientSurface(client, layer: top) { zwlr_layer_surface_v1_set_anchor($0, 16) }
            try session.expectProtocolError(client, interface: "zwlr_layer_surface_v1",
                                            code: ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_ANCHOR.rawValue,
                                            message: "anchor 16 has bits outside top (1), bottom (2), left (4) and right (8)")
        }

        @Test func aBadKeyboardInteractivityIsRefused() throws {
            let session = try Session()
            let client = try session.connect()
            _ = try LayerClientSurface(client, layer: top) { zwlr_layer_surface_v1_set_keyboard_interactivity($0, 3) }
            try session.expectProtocolError(client, interface: "zwlr_layer_surface_v1",
                                            code: ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_KEYBOARD_INTERACTIVITY.rawValue,
                                            message: "keyboard interactivity 3 is not none (0), exclusive (1) or on_demand (2)")
        }

        @Test func aBadLayerIsInvalidLayer() throws {
            let session = try Session()
            let client = try session.connect()
            _ = try LayerClientSurface(client, layer: 4)
            try session.expectProtocolError(client, interface: "zwlr_layer_shell_v1",
                                            code: ZWLR_LAYER_SHELL_V1_ERROR_INVALID_LAYER.rawValue,
                                            message: "layer 4 is not a zwlr_layer_shell_v1.layer (0 background, 1 bottom, 2 top, 3 overlay)")
        }

        @Test func setLayerWithABadLayerIsInvalidLayer() throws {
            let session = try Session()
            let client = try session.connect()
            _ = try LayerClientSurface(client, layer: top) { zwlr_layer_surface_v1_set_layer($0, 9) }
            try session.expectProtocolError(client, interface: "zwlr_layer_surface_v1",
                                            code: ZWLR_LAYER_SHELL_V1_ERROR_INVALID_LAYER.rawValue,
                                            message: "set_layer(9): not a layer (0 background, 1 bottom, 2 top, 3 overlay)")
        }

        @Test func aSurfaceWithAnotherRoleIsRole() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try Toplevel(client, appID: "roled")
            _ = try LayerClientSurface(client, layer: top, surface: window.surface)
            try session.expectProtocolError(client, interface: "zwlr_layer_shell_v1",
                                            code: ZWLR_LAYER_SHELL_V1_ERROR_ROLE.rawValue,
                                            message: "wl_surface@\(wl_proxy_get_id(window.surface)) already has the role xdg_toplevel")
        }

        @Test func aSurfaceWithABufferIsAlreadyConstructed() throws {
            let session = try Session()
            let client = try session.connect()
            let surface = try client.surface()
            let file = try PoolFile(size: 4 * 4 * 4)
            wl_surface_attach(surface, try client.buffer(try client.pool(file), width: 4, height: 4), 0, 0)
            _ = try LayerClientSurface(client, layer: top, surface: surface)
            try session.expectProtocolError(client, interface: "zwlr_layer_shell_v1",
                                            code: ZWLR_LAYER_SHELL_V1_ERROR_ALREADY_CONSTRUCTED.rawValue,
                                            message: "wl_surface@\(wl_proxy_get_id(surface)) already has a buffer; a layer surface must be made before the first attach")
        }

        @Test func anUnknownSerialIsInvalidSurfaceState() throws {
            let session = try Session()
            let client = try session.connect()
            let layer = try LayerClientSurface(client, layer: top) { zwlr_layer_surface_v1_set_size($0, 10, 10) }
            zwlr_layer_surface_v1_ack_configure(layer.layerSurface, 4242)
            try session.expectProtocolError(client, interface: "zwlr_layer_surface_v1",
                                            code: ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_SURFACE_STATE.rawValue,
                                            message: "ack_configure with serial 4242, which Seawall never sent or was already acked")
        }

        @Test func aDestroyedWlSurfaceLeavesTheLayerSurfaceInert() throws {
            let session = try Session()
            let client = try session.connect()
            let layer = try LayerClientSurface(client, layer: top) {
                zwlr_layer_surface_v1_set_anchor($0, anchorTop | anchorLeft | anchorRight)
                zwlr_layer_surface_v1_set_size($0, 0, 30)
                zwlr_layer_surface_v1_set_exclusive_zone($0, 30)
            }
            try layer.map(client, color: 0x33_6699)
            client.link.forget(layer.surface)
            wl_surface_destroy(layer.surface)
            zwlr_layer_surface_v1_set_size(layer.layerSurface, 0, 60)
            zwlr_layer_surface_v1_ack_configure(layer.layerSurface, layer.configures.last?.serial ?? 0)
            try #require(client.link.roundtrip())
            session.repaint()
            #expect(session.pixel(10, 10) == Session.background)
            // Its zone went with it: a maximized window gets the whole output.
            let window = try Toplevel(client, appID: "after")
            xdg_toplevel_set_maximized(window.toplevel)
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(window.configures.last.map { ($0.width, $0.height) == (640, 480) } == true)
        }
    }
}
