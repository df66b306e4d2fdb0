import Compositor
import Control
import Glibc
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// The control commands with several outputs, in-process over the real control socket with a real
/// seawall-demo client: `outputs`, the outputs in `windows`, `screenshot --output NAME` and the layout
/// screenshot without it.
@Suite(.serialized)
struct CtlOutputsTests {
    /// SEAWALL-1: 320x240 at 0,0; SEAWALL-2: 200x160 pixels at scale 2, so 100x80 logical, at 320,0.
    static let outputs = [OutputSpec(width: 320, height: 240),
                          OutputSpec(width: 200, height: 160, scale: OutputScale(integer: 2))]

    @Test("outputs lists each output's name, position, logical size, pixels and scale, and which one new windows open on")
    func outputList() throws {
        let session = try ControlSession(outputs: Self.outputs)
        let client = try session.connect()
        let reply = try session.request(client, #"{"command":"outputs"}"#)
        #expect(reply.text == #"{"ok":true,"outputs":[{"name":"SEAWALL-1","x":0,"y":0,"width":320,"height":240,"device_width":320,"device_height":240,"scale":1,"focused":true},{"name":"SEAWALL-2","x":320,"y":0,"width":100,"height":80,"device_width":200,"device_height":160,"scale":2,"focused":false}]}"#)
        #expect(ControlCommandLine.describe(reply, command: "outputs") == """
            NAME       POSITION  SIZE     PIXELS   SCALE  NEW WINDOWS
            SEAWALL-1  0,0       320x240  320x240  1      *
            SEAWALL-2  320,0     100x80   200x160  2
            """)
        // The pointer moved onto SEAWALL-2: new windows open there.
        session.server.seat.addPointer()
        let moved = try session.request(client, #"{"command":"pointer.move","x":350,"y":20}"#)
        #expect(moved["ok"] == .bool(true), "\(moved.text)")
        let after = try session.request(client, #"{"command":"outputs"}"#)
        #expect(after["outputs"]?.array?.map { $0["focused"] } == [.bool(false), .bool(true)])
        let output = try session.request(client, #"{"command":"output"}"#)
        #expect(output["outputs"] == .number(2) && output["width"] == .number(320), "`output` describes the first output: \(output.text)")
    }

    @Test("windows names the outputs each window's geometry overlaps: one, both when it straddles them, none when minimized")
    func windowOutputs() throws {
        let session = try ControlSession(outputs: Self.outputs)
        _ = try session.demo(["solid", "--size", "60x40", "--frames", "1", "--hold"], appID: "seawall-demo.solid")
        let window = try #require(session.harness.window(appID: "seawall-demo.solid"))
        let client = try session.connect()
        func listed() throws -> JSON? { try session.request(client, #"{"command":"windows"}"#)["windows"]?.array?.first?["outputs"] }
        #expect(try listed() == .array([.string("SEAWALL-1")]))
        session.server.placeWindow(window.surface, x: 300, y: 10)
        #expect(try listed() == .array([.string("SEAWALL-1"), .string("SEAWALL-2")]))
        let table = ControlCommandLine.describe(try session.request(client, #"{"command":"windows"}"#), command: "windows")
        #expect(table.contains("OUTPUTS") && table.contains("SEAWALL-1,SEAWALL-2"), "\(table)")
        session.server.placeWindow(window.surface, x: 330, y: 10)
        #expect(try listed() == .array([.string("SEAWALL-2")]))
        #expect(session.server.compositor.minimize(window.window))
        #expect(try listed() == .array([]))
        #expect(ControlCommandLine.describe(try session.request(client, #"{"command":"windows"}"#), command: "windows").contains("minimized  -  "))
    }

    @Test("screenshot --output NAME is that output's frame in its pixels; without it, the layout at the largest scale; a wrong name lists the outputs")
    func screenshots() throws {
        let session = try ControlSession(outputs: Self.outputs)
        _ = try session.demo(["solid", "--size", "60x40", "--color", "3366cc", "--frames", "1", "--hold"], appID: "seawall-demo.solid")
        let window = try #require(session.harness.window(appID: "seawall-demo.solid"))
        // Straddling: x 290 to 350 (logical), y 10 to 50; on SEAWALL-2 from its pixel 0 to 60, rows 20 to 100.
        session.server.placeWindow(window.surface, x: 290, y: 10)
        session.server.repaint()
        let client = try session.connect()
        let file = session.directory + "/two.ppm"
        defer { unlink(file) }
        let reply = try session.request(client, #"{"command":"screenshot","file":"\#(file)","output":"SEAWALL-2"}"#)
        #expect(reply["ok"] == .bool(true) && reply["width"] == .number(200) && reply["height"] == .number(160), "\(reply.text)")
        let two = try RGBImage(contentsOfPPM: file)
        #expect(two == RGBImage(session.server.heads[1].renderer.image), "the same as SEAWALL-2's frame")
        let blue: (UInt8, UInt8, UInt8) = (0x33, 0x66, 0xCC), background: (UInt8, UInt8, UInt8) = (0x20, 0x28, 0x30)
        #expect(two.pixel(x: 0, y: 20) == blue && two.pixel(x: 59, y: 99) == blue)
        #expect(two.pixel(x: 60, y: 20) == background && two.pixel(x: 0, y: 19) == background && two.pixel(x: 0, y: 100) == background)

        // A region is in the output's own pixels; a name in lower case is the same output.
        let cropped = session.directory + "/crop.ppm"
        defer { unlink(cropped) }
        let crop = try session.request(client, #"{"command":"screenshot","file":"\#(cropped)","output":"seawall-2","region":[50,90,20,20]}"#)
        #expect(crop["ok"] == .bool(true) && crop["width"] == .number(20), "\(crop.text)")
        #expect(try RGBImage(contentsOfPPM: cropped) == (try Screenshot.crop(two, to: Rect(x: 50, y: 90, width: 20, height: 20))))

        // The layout: 420x240 logical at scale 2 = 840x480; SEAWALL-1 enlarged to 2x2 blocks, SEAWALL-2 as it is
        // at 640,0, the background below it, where no output is.
        let one = try session.request(client, #"{"command":"screenshot","file":"\#(file)","output":"SEAWALL-1"}"#)
        #expect(one["width"] == .number(320))
        let first = try RGBImage(contentsOfPPM: file)
        let whole = try session.request(client, #"{"command":"screenshot","file":"\#(file)"}"#)
        #expect(whole["ok"] == .bool(true) && whole["width"] == .number(840) && whole["height"] == .number(480), "\(whole.text)")
        let layout = try RGBImage(contentsOfPPM: file)
        #expect(try Screenshot.crop(layout, to: Rect(x: 640, y: 0, width: 200, height: 160)) == two)
        for (x, y) in [(0, 0), (289, 9), (290, 10), (319, 49), (319, 239)] {
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                #expect(layout.pixel(x: 2 * x + dx, y: 2 * y + dy) == first.pixel(x: x, y: y), "SEAWALL-1's \(x),\(y) in the layout")
            }
        }
        #expect(layout.pixel(x: 639, y: 20) == blue && layout.pixel(x: 640, y: 20) == blue)
        #expect(layout.pixel(x: 700, y: 160) == background && layout.pixel(x: 839, y: 479) == background)

        let unknown = try session.request(client, #"{"command":"screenshot","file":"\#(file)","output":"HDMI-A-1"}"#)
        #expect(unknown["error"]?.string == #"screenshot: no output is named "HDMI-A-1" (outputs: SEAWALL-1, SEAWALL-2)"#, "\(unknown.text)")
        let both = try session.request(client, #"{"command":"screenshot","file":"\#(file)","output":"SEAWALL-1","window":"seawall-demo.solid"}"#)
        #expect(both["ok"] == .bool(false) && (both["error"]?.string ?? "").contains("not both"), "\(both.text)")
        let wrongType = try session.request(client, #"{"command":"screenshot","file":"\#(file)","output":2}"#)
        #expect(wrongType["error"]?.string == #"screenshot: "output" must be a string, not a number"#, "\(wrongType.text)")

        // A window screenshot is at the scale of the output it is mostly on.
        session.server.placeWindow(window.surface, x: 340, y: 10)
        let windowShot = try session.request(client, #"{"command":"screenshot","file":"\#(file)","window":"seawall-demo.solid"}"#)
        #expect(windowShot["width"] == .number(120) && windowShot["height"] == .number(80), "\(windowShot.text)")
        session.server.placeWindow(window.surface, x: 10, y: 10)
        let onFirst = try session.request(client, #"{"command":"screenshot","file":"\#(file)","window":"seawall-demo.solid"}"#)
        #expect(onFirst["width"] == .number(60) && onFirst["height"] == .number(40), "\(onFirst.text)")
    }

    @Test("the layout screenshot of outputs with a gap between them and a fractional scale: the background in the gap (even under a window), each output's frame at its place")
    func gapsAndFractionalScales() throws {
        // SEAWALL-1 at 0,0 (100x80); SEAWALL-2 at 150,50, 90x60 pixels at scale 1.5 (60x40 logical). The layout
        // is 210x90 logical at 1.5: 315x135 pixels; SEAWALL-2 at 225,75 in it, SEAWALL-1 (enlarged) at 0,0 to
        // 150,120; the gap from x 150 to 225 is no output's.
        let session = try ControlSession(outputs: [OutputSpec(width: 100, height: 80),
                                                   OutputSpec(width: 90, height: 60, scale: try #require(OutputScale(numerator: 180)), position: (150, 50))])
        _ = try session.demo(["solid", "--size", "80x40", "--color", "3366cc", "--frames", "1", "--hold"], appID: "seawall-demo.solid")
        let window = try #require(session.harness.window(appID: "seawall-demo.solid"))
        // From x 80 to 160, y 55 to 95: over SEAWALL-1's right edge, the gap, and SEAWALL-2's left edge.
        session.server.placeWindow(window.surface, x: 80, y: 55)
        session.server.repaint()
        let client = try session.connect()
        let file = session.directory + "/gap.ppm"
        defer { unlink(file) }
        let reply = try session.request(client, #"{"command":"screenshot","file":"\#(file)"}"#)
        #expect(reply["width"] == .number(315) && reply["height"] == .number(135), "\(reply.text)")
        let layout = try RGBImage(contentsOfPPM: file)
        let second = Screenshot.output(1, of: session.server)
        #expect(try Screenshot.crop(layout, to: Rect(x: 225, y: 75, width: 90, height: 60)) == second)
        let blue: (UInt8, UInt8, UInt8) = (0x33, 0x66, 0xCC), background: (UInt8, UInt8, UInt8) = (0x20, 0x28, 0x30)
        #expect(layout.pixel(x: 149, y: 100) == blue, "the window on SEAWALL-1, enlarged")
        #expect(layout.pixel(x: 150, y: 100) == background && layout.pixel(x: 224, y: 100) == background,
                "the window is in the gap, which no output shows")
        #expect(layout.pixel(x: 225, y: 100) == blue && layout.pixel(x: 239, y: 100) == blue, "the window on SEAWALL-2: 10 logical, 15 pixels")
        #expect(layout.pixel(x: 240, y: 100) == background)
        #expect(layout.pixel(x: 100, y: 130) == background, "below SEAWALL-1 (its 80 rows are 120 here)")
    }
}
