import Compositor
import SeawallTestSupport
import Testing
import WaylandServer

/// The seat's pointer: focus by position and input region, enter/motion/button/leave with surface-local
/// coordinates, and an implicit grab while a button is down — seen by a real client (seawall-demo --print-input).
@Suite(.serialized)
struct PointerTests {
    static func lines(_ child: ChildProcess) -> [String] {
        child.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("pointer ") }
    }

    @Test("enter, motion, button and leave reach the client under the pointer, in its coordinates")
    func pointerEvents() throws {
        let harness = try Harness()
        harness.server.seat.addPointer()
        let client = try harness.demo(["solid", "--size", "200x100", "--frames", "2", "--hold", "--print-input"])
        try harness.run { client.stdout.contains("2 frames shown") }
        let window = try #require(harness.window(appID: "seawall-demo.solid"))
        #expect(window.x == 32 && window.y == 32)

        let seat = harness.server.seat
        seat.movePointer(toX: 50, y: 60)              // inside: (18, 28) in the window
        try harness.run { Self.lines(client).count >= 1 }
        seat.movePointer(toX: 60.5, y: 70)
        seat.pointerButton(0x110, pressed: true)
        seat.movePointer(toX: 600, y: 400)            // outside, but the button holds the focus
        seat.pointerButton(0x110, pressed: false)     // released outside: now the focus leaves
        try harness.run { Self.lines(client).count >= 6 }
        #expect(Self.lines(client) == [
            "pointer enter 18.0 28.0",
            "pointer motion 28.5 38.0",
            "pointer button 272 pressed",
            "pointer motion 568.0 368.0",
            "pointer button 272 released",
            "pointer leave",
        ], Comment(rawValue: client.stdout))
    }

    @Test("a window that vanishes under a held button: the one beneath gets the pointer on release, not a stray release")
    func heldButtonOutlivesItsWindow() throws {
        let harness = try Harness()
        harness.server.seat.addPointer()
        let below = try harness.demo(["solid", "--size", "200x150", "--frames", "2", "--hold", "--print-input"])
        try harness.run { below.stdout.contains("2 frames shown") }
        let above = try harness.demo(["checkerboard", "--size", "200x150", "--frames", "2", "--hold", "--print-input"])
        try harness.run { above.stdout.contains("2 frames shown") }
        let seat = harness.server.seat
        seat.movePointer(toX: 100, y: 100)             // (32..232) and (80..280): both windows, the second on top
        seat.pointerButton(0x110, pressed: true)
        try harness.run { Self.lines(above).contains("pointer button 272 pressed") }
        above.terminate()
        try harness.run { harness.window(appID: "seawall-demo.checkerboard") == nil }
        _ = try? harness.run(seconds: 0.2) { false }
        #expect(Self.lines(below).isEmpty, "the button is still down: no focus yet")
        seat.pointerButton(0x110, pressed: false)
        try harness.run { !Self.lines(below).isEmpty }
        _ = try? harness.run(seconds: 0.2) { false }
        #expect(Self.lines(below) == ["pointer enter 68.0 68.0"], Comment(rawValue: below.stdout))
    }

    @Test("a window appearing under a still pointer gets enter at once")
    func focusFollowsTheScene() throws {
        let harness = try Harness()
        harness.server.seat.addPointer()
        harness.server.seat.movePointer(toX: 40, y: 40)
        let client = try harness.demo(["solid", "--size", "100x100", "--frames", "2", "--hold", "--print-input"])
        try harness.run { client.stdout.contains("2 frames shown") && Self.lines(client).count >= 1 }
        #expect(Self.lines(client).first == "pointer enter 8.0 8.0")
    }

    @Test("touch down, motion and up go to the surface touched, in its coordinates")
    func touchEvents() throws {
        let harness = try Harness()
        harness.server.seat.addTouch()
        let client = try harness.demo(["solid", "--size", "200x100", "--frames", "2", "--hold", "--print-input"])
        try harness.run { client.stdout.contains("2 frames shown") }
        let seat = harness.server.seat
        seat.touchDown(id: 3, x: 40, y: 50)
        seat.touchMotion(id: 3, x: 400, y: 300)   // leaves the window, still its touch point
        seat.touchUp(id: 3)
        seat.touchDown(id: 4, x: 600, y: 400)     // nothing there: nobody hears it
        try harness.run { client.stdout.contains("touch up 3") }
        let lines = client.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("touch ") }
        #expect(lines == ["touch down 3 8.0 18.0", "touch motion 3 368.0 268.0", "touch up 3"], Comment(rawValue: client.stdout))
    }

    @Test("xdg_toplevel.move with the press's serial: the window follows the pointer until the button is up")
    func interactiveMove() throws {
        let harness = try Harness()
        harness.server.seat.addPointer()
        let client = try harness.demo(["solid", "--size", "200x100", "--frames", "2", "--hold", "--print-input",
                                       "--move-on-press"])
        try harness.run { client.stdout.contains("2 frames shown") }
        let seat = harness.server.seat
        seat.movePointer(toX: 50, y: 50)
        seat.pointerButton(0x110, pressed: true)
        try harness.run { client.stdout.contains("pointer button 272 pressed") }
        _ = try? harness.run(seconds: 0.3) { false }   // let the client answer with xdg_toplevel.move
        seat.movePointer(toX: 150, y: 250)
        #expect(harness.window(appID: "seawall-demo.solid").map { ($0.x, $0.y) } ?? (0, 0) == (132, 232))
        seat.pointerButton(0x110, pressed: false)
        seat.movePointer(toX: 160, y: 260)
        #expect(harness.window(appID: "seawall-demo.solid").map { ($0.x, $0.y) } ?? (0, 0) == (132, 232), "released: no longer moving")
        // The client loses the pointer while its window moves, and gets it back where the move ended; the
        // release belongs to the move.
        try harness.run { Self.lines(client).count >= 5 }
        #expect(Self.lines(client) == [
            "pointer enter 18.0 18.0",
            "pointer button 272 pressed",
            "pointer leave",
            "pointer enter 18.0 18.0",
            "pointer motion 28.0 28.0",
        ], Comment(rawValue: client.stdout))
    }

    @Test("xdg_toplevel.resize: the client draws every size it is configured with; the opposite edge stays put")
    func interactiveResize() throws {
        let harness = try Harness()
        harness.server.seat.addPointer()
        let client = try harness.demo(["solid", "--size", "200x100", "--frames", "2", "--hold", "--print-input",
                                       "--resize-on-press", "top-left"])
        try harness.run { client.stdout.contains("2 frames shown") }
        func rect() -> [Int64] {
            guard let window = harness.window(appID: "seawall-demo.solid") else { return [] }
            return [window.x, window.y, window.surface.width, window.surface.height]
        }
        #expect(rect() == [32, 32, 200, 100])
        let seat = harness.server.seat
        seat.movePointer(toX: 34, y: 35)                  // near the top-left corner, inside
        seat.pointerButton(0x110, pressed: true)
        try harness.run { client.stdout.contains("configured 200x100 resizing") }
        seat.movePointer(toX: 14, y: 25)                  // 20 left, 10 up: 220x110
        try harness.run { client.stdout.contains("resized to 220x110") && rect() == [12, 22, 220, 110] }
        seat.movePointer(toX: 84, y: 45)                  // 50 right, 10 down of the start: 150x90
        try harness.run { rect() == [82, 42, 150, 90] }
        seat.pointerButton(0x110, pressed: false)
        try harness.run { client.stdout.contains("configured 150x90\n") }
        _ = try? harness.run(seconds: 0.2) { false }
        #expect(rect() == [82, 42, 150, 90], "the bottom-right corner (232, 132) never moved")
        let configures = client.stdout.split(separator: "\n").filter { $0.contains("configured") }
        #expect(configures == ["seawall-demo: configured 200x100 resizing", "seawall-demo: configured 220x110 resizing",
                               "seawall-demo: configured 150x90 resizing", "seawall-demo: configured 150x90"],
                Comment(rawValue: client.stdout))
        // What is on the output is the client's new buffer at its new place: solid colour to its edges.
        let image = harness.capture()
        let inside = image.pixel(x: 82, y: 42), corner = image.pixel(x: 231, y: 131), outside = image.pixel(x: 232, y: 132)
        #expect(inside == corner && inside != outside)
    }

    @Test("a window moved under a still pointer: its client hears the new position as motion")
    func windowMovesUnderThePointer() throws {
        let harness = try Harness()
        harness.server.seat.addPointer()
        let client = try harness.demo(["solid", "--size", "200x100", "--frames", "2", "--hold", "--print-input"])
        try harness.run { client.stdout.contains("2 frames shown") }
        let window = try #require(harness.window(appID: "seawall-demo.solid"))
        harness.server.seat.movePointer(toX: 100, y: 80)            // (68, 48) in the window at (32, 32)
        harness.server.place(window.surface, x: 50, y: 40)          // now (50, 40) in it
        harness.server.place(window.surface, x: 150, y: 40)         // now left of it
        try harness.run { Self.lines(client).count >= 3 }
        #expect(Self.lines(client) == ["pointer enter 68.0 48.0", "pointer motion 50.0 40.0", "pointer leave"],
                Comment(rawValue: client.stdout))
    }

    @Test("a press activates and raises the window under the pointer")
    func clickToFocus() throws {
        let harness = try Harness()
        harness.server.seat.addPointer()
        let first = try harness.demo(["solid", "--size", "200x100", "--frames", "2", "--hold", "--title", "first"])
        try harness.run { first.stdout.contains("2 frames shown") }
        let second = try harness.demo(["solid", "--size", "200x100", "--frames", "2", "--hold", "--title", "second"])
        try harness.run { second.stdout.contains("2 frames shown") }
        func state() -> [String] {
            harness.server.scene.mappedViews.compactMap { view in
                harness.server.windows.first { $0.surface === view.surface }.map { "\($0.title ?? "?")\($0.activated ? "*" : "")" }
            }
        }
        #expect(state() == ["first", "second*"], "bottom to top; * is activated: the last mapped")
        let seat = harness.server.seat
        seat.movePointer(toX: 40, y: 40)                   // only on the first (cascade: 32,32 and 64,64)
        seat.pointerButton(0x110, pressed: true)
        seat.pointerButton(0x110, pressed: false)
        #expect(state() == ["second", "first*"])
        seat.movePointer(toX: 250, y: 150)                 // only on the second
        seat.pointerButton(0x110, pressed: true)
        #expect(state() == ["first", "second*"])
        seat.pointerButton(0x110, pressed: false)
    }
}
