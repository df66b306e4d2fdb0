import Compositor
import Control
import DemoClientKit
import Glibc
import Scanout
import SeawallTestSupport
import Testing

/// Several outputs (`--output`, repeated) under the real `seawall run`, with Debian's clients and the real
/// `seawall ctl` (`AppSession`):
/// - grim: `grim -o SEAWALL-2` is exactly `seawall ctl screenshot --output SEAWALL-2`; plain `grim` (which lays
///   the outputs out itself from xdg_output) is exactly the layout screenshot for two outputs of one scale;
///   `grim -g` over the boundary asks each output for its part (capture_output_region in that output's own
///   coordinates) and gets the same pixels as a crop of the layout;
/// - a client started after `seawall ctl pointer move` onto SEAWALL-2 opens there (foot, checked with
///   `seawall ctl windows`), drawn at SEAWALL-2's scale;
/// - `swaybg -o SEAWALL-2` paints SEAWALL-2 and nothing of SEAWALL-1;
/// - wayland-info lists a wl_output and an xdg_output per output, each with its position;
/// - `seawall run --screenshot` lays every output out, when settled and when COMMAND exits first.
/// grim and swaybg draw into shm_open files (never sealed): those sessions run under `--shm-policy copy`.
@Suite(.serialized)
struct MultiOutputClientTests {
    static let grim = "/usr/bin/grim"
    static let demo = Harness.binaryDirectory + "/seawall-demo"

    /// `seawall ctl --json ARGUMENTS`'s reply.
    static func json(_ session: AppSession, _ arguments: [String]) throws -> JSON {
        let child = try session.ctl(["--json"] + arguments)
        return try JSON.parse(Array(child.stdout.utf8.filter { $0 != 0x0A }))
    }

    /// The outputs `seawall ctl windows` lists for the window `appID`, and its geometry's x.
    static func placement(_ session: AppSession, _ appID: String) throws -> (outputs: [String], x: Double)? {
        let reply = try json(session, ["windows"])
        guard let window = reply["windows"]?.array?.first(where: { $0["app_id"]?.string == appID }) else { return nil }
        return (window["outputs"]?.array?.compactMap(\.string) ?? [], window["x"]?.number ?? -1)
    }

    /// `grim ARGUMENTS FILE.ppm` as a client of the session; the image it wrote.
    static func grim(_ session: AppSession, _ label: String, _ arguments: [String]) throws -> RGBImage {
        let path = session.directory + "/grim-\(label).ppm"
        try session.client(Self.grim, ["-t", "ppm"] + arguments + [path])
        return try RGBImage(contentsOfPPM: path)
    }

    @Test("two outputs of one scale, a window straddling them: plain grim is the layout screenshot, grim -o each output's, grim -g over the boundary a crop of the layout")
    func grimAgainstCtl() throws {
        try RealAppTests.require([Self.grim], packages: "grim")
        // The demo is 800 wide on a 640-wide output: the cascade puts it at x 0, so its last 160 columns are on
        // SEAWALL-2.
        let session = try AppSession("outputs-grim", app: "'\(Self.demo)' gradient --size 800x120 --frames 3 --hold", size: nil,
                                     options: ["--output", "640x480", "--output", "640x480", "--shm-policy", "copy"])
        defer { session.stop() }
        try session.waitWindow("seawall-demo.gradient")
        let layout = try session.stableScreenshot("layout")
        #expect(layout.width == 1280 && layout.height == 480)
        let placed = try #require(try Self.placement(session, "seawall-demo.gradient"))
        #expect(placed.outputs == ["SEAWALL-1", "SEAWALL-2"] && placed.x == 0, "the window is at x \(placed.x) on \(placed.outputs)")
        let one = try session.screenshot("one", output: "SEAWALL-1"), two = try session.screenshot("two", output: "SEAWALL-2")
        #expect(try Self.grim(session, "all", []) == layout, "plain grim's picture is the layout screenshot")
        #expect(try Self.grim(session, "one", ["-o", "SEAWALL-1"]) == one)
        #expect(try Self.grim(session, "two", ["-o", "SEAWALL-2"]) == two)
        // The window's columns either side of the boundary, on each output.
        let y = 32 + 60
        #expect(one.pixel(x: 639, y: y) == MultiOutputGoldenTests.pattern(639, 60, width: 800, height: 120))
        #expect(two.pixel(x: 0, y: y) == MultiOutputGoldenTests.pattern(640, 60, width: 800, height: 120))
        #expect(two.pixel(x: 160, y: y) == (0x20, 0x28, 0x30), "the window ends at 800")
        // 80x40 from 600,100: 40 columns from each output.
        let region = try Self.grim(session, "region", ["-g", "600,100 80x40"])
        #expect(region == (try Screenshot.crop(layout, to: Rect(x: 600, y: 100, width: 80, height: 40))))
    }

    @Test("a foot started after seawall ctl pointer move onto SEAWALL-2 (scale 2) opens there, and grim -o SEAWALL-2 is exactly seawall ctl screenshot --output SEAWALL-2")
    func clientOpensUnderThePointer() throws {
        try RealAppTests.require([Self.grim, DesktopClientTests.foot, DesktopClientTests.monoFont], packages: "grim, foot and fonts-dejavu-core")
        let session = try AppSession("outputs-foot", app: """
            while [ ! -e "$0/go" ]; do sleep 0.1; done; \
            foot --app-id seawall-foot-two sh -c 'printf "on SEAWALL-2\\n"; exec cat >/dev/null'
            """, size: nil, options: ["--output", "640x480", "--output", "1280x960@2", "--shm-policy", "copy"])
        defer { session.stop() }
        try session.ctl(["pointer", "move", "900", "200"])
        let outputs = try Self.json(session, ["outputs"])["outputs"]?.array ?? []
        #expect(outputs.map { $0["focused"] } == [.bool(false), .bool(true)], "new windows go to SEAWALL-2 now: \(outputs)")
        try DesktopClientTests.touch(session.directory + "/go")
        try session.waitWindow("seawall-foot-two")
        let empty = try session.screenshot("empty", output: "SEAWALL-1")
        _ = try session.stableScreenshot("layout")
        let placed = try #require(try Self.placement(session, "seawall-foot-two"))
        #expect(placed.outputs == ["SEAWALL-2"] && placed.x >= 640, "foot is at x \(placed.x) on \(placed.outputs)")
        let two = try session.screenshot("two", output: "SEAWALL-2")
        #expect(two.width == 1280 && two.height == 960)
        #expect(try Self.grim(session, "two", ["-o", "SEAWALL-2"]) == two, "grim -o SEAWALL-2 is SEAWALL-2's frame")
        // SEAWALL-1 shows nothing of it.
        #expect(AppSession.differingPixels(empty, try session.screenshot("one", output: "SEAWALL-1")).isEmpty)
        #expect(AppSession.colourCount(two, in: AppSession.Rect(0, 0, 1280, 960)) > 2, "foot is drawn on SEAWALL-2")
    }

    @Test("swaybg -o SEAWALL-2 paints SEAWALL-2 and none of SEAWALL-1")
    func swaybgOnOneOutput() throws {
        try RealAppTests.require(["/usr/bin/swaybg"], packages: "swaybg")
        let session = try AppSession("outputs-swaybg", app: "swaybg -o SEAWALL-2 -c '#336699'", size: nil,
                                     options: ["--output", "320x240", "--output", "400x300@2", "--shm-policy", "copy"])
        defer { session.stop() }
        let blue: (UInt8, UInt8, UInt8) = (0x33, 0x66, 0x99)
        let two = try session.screenshot("two", until: { shot in
            shot.width == 400 && (0..<shot.height).allSatisfy { y in (0..<shot.width).allSatisfy { shot.pixel(x: $0, y: y) == blue } }
        }, output: "SEAWALL-2")
        #expect(two.pixel(x: 0, y: 0) == blue && two.pixel(x: 399, y: 299) == blue, "SEAWALL-2 is the wallpaper's colour\n\(session.appLog)")
        let one = try session.screenshot("one", output: "SEAWALL-1")
        let painted = (0..<one.height).flatMap { y in (0..<one.width).filter { one.pixel(x: $0, y: y) == blue } }.count
        #expect(painted == 0, "\(painted) pixels of SEAWALL-1 have the wallpaper's colour")
        #expect(one.pixel(x: 160, y: 120) == (0x20, 0x28, 0x30))
    }

    @Test("wayland-info lists a wl_output and an xdg_output per output, with its name, position, size and scale")
    func waylandInfo() throws {
        try RealAppTests.require(["/usr/bin/wayland-info"], packages: "wayland-utils")
        let run = try ChildProcess(executable: RealAppTests.seawall,
                                   arguments: ["run", "--output", "640x480", "--output", "800x600@2+640,120", "--", "/usr/bin/wayland-info"],
                                   environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        #expect(run.wait(seconds: 60) && run.exitStatus == 0, Comment(rawValue: run.transcript))
        let outputs = run.stdout.split(separator: "\n").filter { $0.hasPrefix("interface: 'wl_output'") }
        #expect(outputs.count == 2, Comment(rawValue: run.stdout))
        for detail in ["name: SEAWALL-1", "x: 0, y: 0, scale: 1,", "width: 640 px, height: 480 px",
                       "name: SEAWALL-2", "x: 640, y: 120, scale: 2,", "width: 800 px, height: 600 px",
                       "name: 'SEAWALL-1'", "logical_x: 0, logical_y: 0", "logical_width: 640, logical_height: 480",
                       "name: 'SEAWALL-2'", "logical_x: 640, logical_y: 120", "logical_width: 400, logical_height: 300"] {
            #expect(run.stdout.contains(detail), Comment(rawValue: "missing \(detail)\n" + run.stdout))
        }
        // Each xdg_output names the wl_output it describes (wayland-info prints the wl_output's global name).
        let globalNames = outputs.compactMap { $0.split(separator: " ").last.map(String.init) }
        for name in globalNames { #expect(run.stdout.contains("output: \(name)\n"), Comment(rawValue: run.stdout)) }
    }

    @Test("seawall run --screenshot with two outputs writes the layout, whether the output settled or COMMAND exited first", arguments: [true, false])
    func runScreenshot(settled: Bool) throws {
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-run-outputs")
        let path = directory + "/shot.ppm"
        defer { unlink(path); rmdir(directory) }
        // A 400x100 gradient on a 320-wide SEAWALL-1 (x 0, y 32 by the cascade), its last 80 columns on SEAWALL-2
        // (scale 2). Settled: it holds its third frame until killed 3 s later; otherwise it exits after it.
        let script = settled ? "\"$0\" gradient --size 400x100 --frames 3 --hold & sleep 3; kill $!; wait"
                             : "exec \"$0\" gradient --size 400x100 --frames 3"
        let child = try RunTests.run(["--output", "320x240", "--output", "320x240@2", "--settle-ms", "300", "--verbose",
                                      "--screenshot", path, "--", "/bin/sh", "-c", script, Self.demo])
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        #expect(child.stderr.contains(settled ? "output settled: screenshot \(path)" : "before the output settled: screenshot \(path)"),
                Comment(rawValue: child.transcript))
        let shot = try RGBImage(contentsOfPPM: path)
        // SEAWALL-2 is 160x120 logical at 320,0: the layout is 480x240 logical, at scale 2.
        #expect(shot.width == 960 && shot.height == 480)
        func pattern(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8) { MultiOutputGoldenTests.pattern(x, y, width: 400, height: 100) }
        for (x, y) in [(0, 0), (319, 50), (99, 99)] {
            // SEAWALL-1's pixels, enlarged to 2x2 blocks.
            #expect(shot.pixel(x: 2 * x, y: 2 * (32 + y)) == pattern(x, y) && shot.pixel(x: 2 * x + 1, y: 2 * (32 + y) + 1) == pattern(x, y),
                    "window pixel \(x),\(y) on SEAWALL-1")
        }
        for (x, y) in [(320, 0), (399, 87), (350, 50)] {
            #expect(shot.pixel(x: 2 * x, y: 2 * (32 + y)) == pattern(x, y) && shot.pixel(x: 2 * x + 1, y: 2 * (32 + y) + 1) == pattern(x, y),
                    "window pixel \(x),\(y) on SEAWALL-2")
        }
        #expect(shot.pixel(x: 800, y: 100) == (0x20, 0x28, 0x30), "right of the window on SEAWALL-2")
        // The window's rows below SEAWALL-2's bottom edge (y 120) are on no output: the background there.
        #expect(shot.pixel(x: 700, y: 2 * (32 + 95)) == (0x20, 0x28, 0x30))
    }
}
