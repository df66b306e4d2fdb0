import Compositor
import Glibc
import Scanout
import Testing
import SeawallTestSupport
import WaylandServer

/// Debian's weston-simple-shm (package weston, installed by tools/test) against Seawall, connecting the way
/// any client does: through a listening socket in a private XDG_RUNTIME_DIR.
@Suite(.serialized)
struct RealClientTests {
    static let simpleShm = "/usr/bin/weston-simple-shm"

    @Test("weston-simple-shm: its frames reach the output and frame callbacks keep flowing")
    func westonSimpleShm() throws {
        try #require(access(Self.simpleShm, X_OK) == 0,
                     "\(Self.simpleShm) is missing: install Debian's weston package (tools/test does this as root)")
        let runtime = try TestFiles.makeRuntimeDirectory()
        defer { rmdir(runtime) }
        let socket = "wayland-test-\(getpid())"

        // The socket is made in the private runtime directory; the test process's environment (shared with
        // every suite running beside this one) is left alone: only the client's gets XDG_RUNTIME_DIR.
        let harness = try Harness(width: 640, height: 480)
        try harness.listen(inDirectory: runtime, name: socket)
        let client = try harness.launch(Self.simpleShm, [],
                                        environment: ["WAYLAND_DISPLAY": socket, "XDG_RUNTIME_DIR": runtime])

        // weston-simple-shm draws a new frame on every frame callback, animated by the callback's timestamp:
        // at a 100 Hz pace, wait for 60 of its commits.
        harness.frameInterval = 0.01
        var frames: [RGBImage] = []
        harness.afterRepaint = { h in
            if let w = h.server.windows.first, w.mapped, frames.count < 100 { frames.append(h.capture()) }
        }
        try harness.run(seconds: 30) {
            (harness.server.windows.first?.surface.commitCount ?? 0) >= 60 || !client.isRunning
        }
        #expect(client.isRunning, Comment(rawValue: "weston-simple-shm exited early\n" + client.transcript))

        let window = try #require(harness.server.windows.first)
        #expect(window.mapped)
        #expect(window.surface.width == 250 && window.surface.height == 250, "simple-shm's window is 250x250")
        #expect(window.surface.commitCount >= 60, "frame callbacks kept the client drawing")

        // Its pixels are on the output (not the background) and they change from frame to frame.
        let last = harness.capture()
        let background = harness.server.renderer.background
        let bg = (r: UInt8((background >> 16) & 0xff), g: UInt8((background >> 8) & 0xff), b: UInt8(background & 0xff))
        let centre = last.pixel(x: Int(window.x) + 125, y: Int(window.y) + 125)
        #expect(centre != bg, "the window's centre shows the client's pixels, not the background")
        let distinct = Set(frames.map(\.bytes.hashValue)).count
        #expect(distinct >= 10, "the animation reaches the output: \(distinct) distinct frames of \(frames.count)")

        client.terminate()
        #expect(client.exitSignal == SIGTERM || client.exitStatus == 0, Comment(rawValue: client.transcript))
        unlink(runtime + "/" + socket)
    }
}

/// More of Debian's clients, each run against an in-process Seawall (tools/test installs them).
@Suite(.serialized)
struct DebianClientTests {
    @Test("wayland-info lists Seawall's globals and exits cleanly")
    func waylandInfo() throws {
        let tool = "/usr/bin/wayland-info"
        try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's wayland-utils")
        let harness = try Harness()
        let client = try harness.spawn(tool, [])
        try harness.run { !client.isRunning }
        #expect(client.exitStatus == 0, Comment(rawValue: client.transcript))
        for global in ["wl_compositor", "wl_shm", "wl_output", "wl_seat", "xdg_wm_base", "wl_subcompositor",
                       "wl_data_device_manager", "zwp_primary_selection_device_manager_v1", "wp_presentation", "zxdg_output_manager_v1",
                       "zxdg_decoration_manager_v1", "xdg_activation_v1", "wp_viewporter", "wp_single_pixel_buffer_manager_v1",
                       "wp_fractional_scale_manager_v1"] {
            #expect(client.stdout.contains("'\(global)'"), "wayland-info does not list \(global)")
        }
        // Every wl_shm format, as wayland-info names them (their fourccs).
        for format in ["AB24", "XB24", "RG16", "RG24", "BG24", "AR30", "XR30", "AB30", "XB30"] {
            #expect(client.stdout.contains("'\(format)'"), "wayland-info does not list the wl_shm format \(format)")
        }
        for detail in ["'AR24'", "'XR24'", "name: SEAWALL-1", "width: 640 px, height: 480 px", "CLOCK_MONOTONIC",
                       "logical_width: 640, logical_height: 480"] {
            #expect(client.stdout.contains(detail), Comment(rawValue: "missing \(detail)\n" + client.stdout))
        }
    }

    @Test("wayland-info at --scale 1.5: wl_output scale 2 (rounded up), xdg_output 427x320 for 640x480")
    func waylandInfoAtAFractionalScale() throws {
        let tool = "/usr/bin/wayland-info"
        try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's wayland-utils")
        let harness = try Harness { if let scale = OutputScale(numerator: 180) { $0.outputScale = scale } }
        let client = try harness.spawn(tool, [])
        try harness.run { !client.isRunning }
        #expect(client.exitStatus == 0, Comment(rawValue: client.transcript))
        for detail in ["scale: 2", "width: 640 px, height: 480 px", "logical_width: 427, logical_height: 320"] {
            #expect(client.stdout.contains(detail), Comment(rawValue: "missing \(detail)\n" + client.stdout))
        }
    }

    @Test("weston-simple-damage: its bouncing ball, drawn with partial damage, moves on the output")
    func westonSimpleDamage() throws {
        let tool = "/usr/bin/weston-simple-damage"
        try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's weston")
        let harness = try Harness()
        harness.frameInterval = 0.01   // the ball moves with the frame callbacks' timestamps
        var frames: [RGBImage] = []
        var damagedAreas: [Int64] = []   // output damage of each frame after the window is up
        harness.beforeRepaint = { h in
            if let w = h.server.windows.first, w.mapped, w.surface.commitCount > 2 { damagedAreas.append(h.server.scene.damage.area) }
        }
        harness.afterRepaint = { h in
            if let w = h.server.windows.first, w.mapped, frames.count < 100 { frames.append(h.capture()) }
        }
        let client = try harness.spawn(tool, [])
        try harness.run(seconds: 30) {
            (harness.server.windows.first?.surface.commitCount ?? 0) >= 60 || !client.isRunning
        }
        #expect(client.isRunning, Comment(rawValue: "weston-simple-damage exited early\n" + client.transcript))
        let window = try #require(harness.server.windows.first)
        #expect(window.mapped && window.surface.commitCount >= 60, "frame callbacks kept it drawing")
        let distinct = Set(frames.map(\.bytes.hashValue)).count
        #expect(distinct >= 10, "the ball moves on the output: \(distinct) distinct frames of \(frames.count)")
        // Its commits damage the ball's old and new place, not the window: so does Seawall's output.
        let windowArea = window.surface.width * window.surface.height
        let partial = damagedAreas.filter { $0 > 0 && $0 < windowArea / 2 }.count
        #expect(partial >= damagedAreas.count / 2 && partial > 0,
                "frames repainting less than half the window: \(partial) of \(damagedAreas.count) (window \(windowArea) px)")
        #expect(!client.stderr.contains("error"), Comment(rawValue: client.transcript))
        client.terminate()
        #expect(client.exitSignal == SIGTERM || client.exitStatus == 0, Comment(rawValue: client.transcript))
    }

    @Test("foot (sealed pools, client-side decorations in subsurfaces, seat and data device) draws its window")
    func foot() throws {
        let tool = "/usr/bin/foot"
        try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's foot")
        let harness = try Harness(width: 1024, height: 768)
        harness.frameInterval = 0.005
        let client = try harness.spawn(tool, ["--override=colors.background=203040", "sh", "-c", "echo seawall; sleep 60"])
        // Until foot's background colour is on the output inside its window (or it gives up).
        func terminalShown() -> Bool {
            guard let window = harness.window(appID: "foot"), window.mapped else { return false }
            let pixel = harness.capture().pixel(x: Int(window.x) + 100, y: Int(window.y) + 100)
            return pixel == (0x20, 0x30, 0x40)
        }
        try harness.run(seconds: 30) { terminalShown() || !client.isRunning }
        #expect(client.isRunning, Comment(rawValue: client.transcript))
        let window = try #require(harness.window(appID: "foot"))
        #expect(window.mapped)
        #expect(harness.server.scene.items().count >= 2, "the title bar is a subsurface above the terminal")
        // The terminal's background colour reaches the output.
        let image = harness.capture()
        let inside = image.pixel(x: Int(window.x) + 100, y: Int(window.y) + 100)
        #expect(inside == (0x20, 0x30, 0x40), "foot's background at the window's centre: \(inside)")
        #expect(!client.stderr.contains("protocol error"), Comment(rawValue: client.transcript))
        // foot asks for server-side decorations; Seawall draws none and answers client_side, and foot says so.
        #expect(client.stderr.contains("requesting SSD decorations") && client.stderr.contains("using CSD decorations"),
                Comment(rawValue: client.transcript))
        client.terminate()
    }
}

/// grim takes screenshots through zwlr_screencopy_manager_v1 into shm_open buffers, which can never be
/// sealed: it works under the copy policy (Seawall writes with pwrite), and what it saves is Seawall's frame.
@Suite(.serialized)
struct ScreencopyTests {
    @Test("grim under the copy policy saves exactly the frame Seawall composed")
    func grimMatchesScanout() throws {
        let grim = "/usr/bin/grim"
        try #require(access(grim, X_OK) == 0, "\(grim) is missing: install Debian's grim")
        let harness = try Harness { $0.shmPolicy = .copy }
        let client = try harness.demo(["box", "--size", "300x200", "--frames", "3", "--hold"])
        try harness.run { client.stdout.contains("3 frames shown") }
        let path = "/tmp/seawall-grim-\(getpid()).ppm"
        defer { unlink(path) }
        let shot = try harness.spawn(grim, ["-t", "ppm", path])
        try harness.run { !shot.isRunning }
        #expect(shot.exitStatus == 0, Comment(rawValue: shot.transcript))
        let saved = try RGBImage(contentsOfPPM: path)
        let comparison = saved.compare(to: harness.capture())
        #expect(comparison.matches, Comment(rawValue: comparison.summary))
    }

    @Test("under the default policy grim's unsealed buffer is refused with the reason")
    func grimRefusedByDefault() throws {
        let grim = "/usr/bin/grim"
        try #require(access(grim, X_OK) == 0, "\(grim) is missing: install Debian's grim")
        let harness = try Harness()
        let shot = try harness.spawn(grim, ["-t", "ppm", "/tmp/seawall-grim-refused-\(getpid()).ppm"])
        try harness.run { !shot.isRunning }
        #expect(shot.exitStatus != 0)
        #expect(shot.stderr.contains("not sealed with F_SEAL_SHRINK"), Comment(rawValue: shot.transcript))
    }
}
