import Compositor
import Render
import Glibc
import SeawallTestSupport
import Testing
import WaylandServer

/// Real layer-shell clients: swaybg (a wallpaper on the background layer, drawn in shm_open pools, so under
/// `--shm-policy copy`) and fuzzel (a launcher on the overlay layer with exclusive keyboard focus).
@Suite struct LayerShellClientTests {
    @Test("swaybg paints its colour over the whole output from the background layer, below windows")
    func swaybg() throws {
        let tool = "/usr/bin/swaybg"
        try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's swaybg (tools/test does this as root)")
        // swaybg's pools are shm_open files, which it does not seal: only the copy policy reads them.
        let harness = try Harness { $0.shmPolicy = .copy }
        let client = try harness.spawn(tool, ["-c", "#336699"])
        func wallpaper() -> LayerSurface? {
            harness.server.compositor.layerSurfaces.first { $0.mapped && $0.state.layer == .background }
        }
        try harness.run(seconds: 30) { wallpaper() != nil || !client.isRunning }
        #expect(client.isRunning, Comment(rawValue: "swaybg exited\n" + client.transcript))
        let layer = try #require(wallpaper())
        #expect(layer.namespace == "wallpaper")
        #expect(layer.box == Rect(x: 0, y: 0, width: 640, height: 480))
        harness.repaint()
        func pixel(_ x: Int64, _ y: Int64) -> UInt32 { harness.server.renderer.image.pixel(x: Int(x), y: Int(y)) & 0xFF_FFFF }
        for (x, y) in [(0, 0), (320, 240), (639, 479), (5, 470)] as [(Int64, Int64)] {
            #expect(pixel(x, y) == 0x33_6699, "the wallpaper at (\(x), \(y))")
        }

        // A window maps above it.
        let demo = try harness.demo(["solid", "--color", "cc3300", "--size", "100x80"])
        try harness.run(seconds: 30) { harness.server.windows.first?.mapped == true || !demo.isRunning }
        let window = try #require(harness.server.windows.first)
        harness.repaint()
        #expect(pixel(window.x + 10, window.y + 10) == 0xCC_3300)
        #expect(pixel(window.x + 110, window.y + 10) == 0x33_6699)
    }

    @Test("fuzzel --dmenu on the overlay layer takes the keyboard exclusively and prints the entry typed")
    func fuzzel() throws {
        let tool = "/usr/bin/fuzzel"
        try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's fuzzel (tools/test does this as root)")
        // fuzzel 1.8 draws in memfds made without MFD_ALLOW_SEALING: only the copy policy reads them.
        let harness = try Harness(width: 800, height: 600) { $0.shmPolicy = .copy }
        harness.server.seat.addKeyboard()
        let window = try harness.demo(["solid", "--color", "cc3300"])
        try harness.run(seconds: 30) { harness.server.windows.first?.mapped == true || !window.isRunning }
        let launcher = try harness.spawn("/bin/sh", ["-c", "printf 'alpha\\nbeta\\ngamma\\n' | exec \(tool) --dmenu --layer=overlay"])
        func overlay() -> LayerSurface? {
            harness.server.compositor.layerSurfaces.first { $0.mapped && $0.state.layer == .overlay }
        }
        try harness.run(seconds: 30) { overlay() != nil || !launcher.isRunning }
        let layer = try #require(overlay(), Comment(rawValue: launcher.transcript))
        #expect(layer.state.keyboardInteractivity == .exclusive)
        #expect(harness.server.compositor.keyboardFocus === layer.surface, "the launcher has the keyboard")
        // Clicking the window behind does not take the keyboard from it.
        let behind = try #require(harness.server.windows.first)
        try harness.server.compositor.focus(behind.window)
        #expect(harness.server.compositor.keyboardFocus === layer.surface)

        for keysym in ["g", "a", "m", "Return"] {
            _ = try harness.server.seat.type(KeyCombo(keysym, table: harness.server.seat.keymapTable))
        }
        try harness.run(seconds: 30) { !launcher.isRunning }
        #expect(launcher.exitStatus == 0, Comment(rawValue: launcher.transcript))
        #expect(launcher.stdout == "gamma\n", Comment(rawValue: launcher.transcript))
        // The launcher is gone: the keyboard goes back to the window.
        try harness.run(seconds: 10) { harness.server.compositor.layerSurfaces.isEmpty }
        #expect(harness.server.compositor.keyboardFocus === behind.surface)
    }
}
