import Compositor
import Testing

/// Window management without a server: activation and its successor, the order a commit flows in,
/// maximize/fullscreen sizes and places, resize anchors, raising on press.
struct WindowManagementTests {
    @Test func aWindowMapsAtItsCascadePlaceThenComesUpActive() {
        let bench = Bench()
        let a = bench.window(1)
        bench.commit(a.surface, 100, 50)
        #expect(bench.position(a)! == (32, 32))
        #expect(bench.events.take() == ["enter output 1", "configure 1 activated", "keyboard enter 1", "offer [] to client 1", "offer primary [] to client 1"],
                "the scene has the window before the window policy activates it")
        #expect(bench.compositor.activeWindow === a && a.activated)
        let b = bench.mappedWindow(2)
        #expect(bench.position(b)! == (80, 80))
        #expect(bench.events.take() == ["enter output 2", "configure 1", "configure 2 activated",
                                        "keyboard leave 1", "keyboard enter 2"])
    }

    @Test func theTopmostMappedWindowSucceedsTheActiveOne() {
        let bench = Bench()
        let a = bench.mappedWindow(1), b = bench.mappedWindow(2), c = bench.mappedWindow(3)
        bench.compositor.raise(a.surface!)
        _ = bench.events.take()
        bench.compositor.removeWindow(c)
        #expect(bench.compositor.activeWindow === a, "a is on top of b now")
        #expect(bench.events.take() == ["configure 1 activated", "keyboard leave 3", "keyboard enter 1"])
        bench.compositor.removeWindow(a)
        bench.compositor.removeWindow(b)
        #expect(bench.compositor.activeWindow == nil && bench.compositor.keyboardFocus == nil)
    }

    @Test func maximizedAndFullscreenWindowsGetTheOutputAndGoBackWhereTheyWere() {
        let bench = Bench()
        let window = bench.mappedWindow(1)
        window.geometry = Rect(x: 10, y: 5, width: 80, height: 90)
        #expect(bench.compositor.configureSize(of: window) == (0, 0), "the client picks")
        #expect(bench.compositor.request(window, maximized: true))
        #expect(!bench.compositor.request(window, maximized: true), "no change, no configure")
        #expect(bench.compositor.configureSize(of: window) == (640, 480))
        bench.commit(window.surface, 660, 490)
        #expect(bench.position(window)! == (-10, -5), "the window geometry's corner at the output's")
        #expect(bench.compositor.request(window, maximized: false, fullscreen: true))
        bench.commit(window.surface, 660, 490)
        #expect(bench.position(window)! == (-10, -5))
        #expect(bench.compositor.request(window, fullscreen: false))
        #expect(bench.compositor.configureSize(of: window) == (0, 0))
        bench.commit(window.surface, 100, 100)
        #expect(bench.position(window)! == (32, 32))
    }

    @Test func aWindowMappedMaximizedGoesBackToWhereItWasBeforeMapping() {
        let bench = Bench()
        let window = bench.window(1)
        #expect(bench.compositor.request(window, maximized: true))
        bench.commit(window.surface, 640, 480)
        #expect(bench.position(window)! == (0, 0))
        #expect(bench.compositor.request(window, maximized: false))
        bench.commit(window.surface, 100, 100)
        #expect(bench.position(window)! == (0, 0), "unplaced before mapping: (0, 0), as before the reorder")
    }

    @Test func aPressActivatesAndRaisesTheWindowUnderThePointer() {
        let bench = Bench()
        _ = bench.compositor.addPointer()
        let a = bench.mappedWindow(1), b = bench.mappedWindow(2)
        bench.compositor.movePointer(toX: 40, y: 40)   // only a is there
        _ = bench.events.take()
        bench.compositor.pointerButton(0x110, pressed: true)
        #expect(bench.compositor.activeWindow === a)
        #expect(bench.compositor.scene.mappedViews.last?.surface === a.surface)
        #expect(bench.events.take() == ["configure 2", "configure 1 activated", "keyboard leave 2", "keyboard enter 1",
                                        "pointer button 1 down"])
        _ = b
    }

    @Test func resizingByTheLeftAndTopEdgesKeepsTheRightAndBottomEdges() {
        let bench = Bench()
        _ = bench.compositor.addPointer()
        let window = bench.mappedWindow(1, 100, 100)   // at (32, 32)
        bench.compositor.movePointer(toX: 33, y: 33)
        bench.compositor.pointerButton(0x110, pressed: true)
        _ = bench.events.take()
        bench.compositor.startResize(of: window, edges: [.left, .top], serial: 999)
        #expect(!bench.compositor.movingOrResizing, "a serial that is not the press's starts nothing")
        // The press's serial: the last one handed out before the button event.
        let press = bench.compositor.nextSerial() &- 1
        bench.compositor.startResize(of: window, edges: [.left, .top], serial: press)
        #expect(bench.compositor.movingOrResizing && window.resizing)
        #expect(bench.events.take() == ["configure 1 activated", "pointer leave 1"])
        bench.compositor.movePointer(toX: 13, y: 23)
        #expect(bench.compositor.configureSize(of: window) == (120, 110))
        bench.commit(window.surface, 120, 110)
        #expect(bench.position(window)! == (12, 22), "right and bottom edges stay at 132")
        bench.compositor.pointerButton(0x110, pressed: false)
        #expect(!window.resizing && !bench.compositor.movingOrResizing)
        #expect(bench.compositor.configureSize(of: window) == (0, 0))
    }

    @Test func aMoveFollowsThePointerUntilTheButtonGoesUp() {
        let bench = Bench()
        _ = bench.compositor.addPointer()
        let window = bench.mappedWindow(1)
        bench.compositor.movePointer(toX: 50, y: 50)
        bench.compositor.pointerButton(0x110, pressed: true)
        bench.compositor.startMove(of: window, serial: bench.compositor.nextSerial() &- 1)
        bench.compositor.movePointer(toX: 150, y: 250)
        #expect(bench.position(window)! == (132, 232))
        _ = bench.events.take()
        bench.compositor.pointerButton(0x110, pressed: false)
        #expect(bench.events.take() == ["pointer enter 1 18.0,18.0"], "the release is not sent; the focus is picked again")
    }

    @Test func aPopupIsPlacedByItsRulesInsideTheOutput() {
        let bench = Bench()
        let parent = bench.mappedWindow(1, 100, 100)   // at (32, 32)
        parent.geometry = Rect(x: 4, y: 4, width: 92, height: 92)
        let popup = Surface(id: 2)
        bench.compositor.surfaceCreated(popup)
        parent.surface!.attachPopup(popup)
        var rules = PopupPositioner()
        rules.width = 50; rules.height = 40
        rules.anchorRect = Rect(x: 600, y: 10, width: 10, height: 10)   // far right of the output
        rules.anchor = .bottomRight; rules.gravity = .bottomRight
        rules.adjustment = [.slideX]
        let repaints = bench.events.repaints
        let geometry = bench.compositor.placePopup(popup, rules: rules, parent: parent.surface!,
                                                   parentGeometryOrigin: (4, 4), geometryOrigin: (2, 2))
        // The output's right edge is at 640 - 36 = 604 in the parent's window geometry: slid left to 554.
        #expect(geometry == Rect(x: 554, y: 20, width: 50, height: 40))
        #expect(popup.positionX == 4 + 554 - 2 && popup.positionY == 4 + 20 - 2)
        #expect(bench.events.repaints > repaints, "the tree changed shape")
    }
}
