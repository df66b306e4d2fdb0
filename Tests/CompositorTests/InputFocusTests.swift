import Compositor
import Testing

/// Input focus without a server: the pointer (enter, motion, implicit grab, re-pick on scene change),
/// touch points, the keyboard focus with popup grabs, and the selection.
struct InputFocusTests {
    @Test func thePointerEntersMovesAndLeavesByTheSceneHitTest() {
        let bench = Bench()
        #expect(bench.compositor.addPointer() && !bench.compositor.addPointer())
        _ = bench.mappedWindow(1)   // at (32, 32), 100×100
        _ = bench.events.take()
        bench.compositor.movePointer(toX: 40, y: 42.5)
        bench.compositor.movePointer(toX: 41, y: 42.5)
        bench.compositor.movePointer(toX: 200, y: 200)
        #expect(bench.events.take() == ["pointer enter 1 8.0,10.5", "pointer motion 1 9.0,10.5", "pointer leave 1"])
    }

    @Test func aHeldButtonKeepsTheFocusWhereverThePointerGoes() {
        let bench = Bench()
        _ = bench.compositor.addPointer()
        _ = bench.mappedWindow(1)
        bench.compositor.movePointer(toX: 40, y: 40)
        bench.compositor.pointerButton(0x110, pressed: true)
        _ = bench.events.take()
        bench.compositor.movePointer(toX: 300, y: 300)
        #expect(bench.events.take() == ["pointer motion 1 268.0,268.0"], "outside the window, still its motion")
        bench.compositor.pointerButton(0x110, pressed: false)
        #expect(bench.events.take() == ["pointer button 1 up", "pointer leave 1"], "released: picked again")
    }

    @Test func aWindowMovingUnderAStillPointerGivesMotionOrAnotherFocus() {
        let bench = Bench()
        _ = bench.compositor.addPointer()
        let window = bench.mappedWindow(1)
        bench.compositor.movePointer(toX: 40, y: 40)
        _ = bench.events.take()
        bench.compositor.place(window.surface!, x: 30, y: 30)
        #expect(bench.events.take() == ["pointer motion 1 10.0,10.0"])
        bench.compositor.place(window.surface!, x: 300, y: 300)
        #expect(bench.events.take() == ["pointer leave 1"])
        #expect(bench.events.repaints > 0, "each change schedules a frame")
    }

    /// Input positions are not trusted to be numbers a pixel can be made of: NaN and values past Int64 (which
    /// trapped when turned into a pixel) are held to 0 and ±2^40, during a window move too.
    @Test func nanAndHugeInputPositionsAreHeldWithinTheCoordinateRange() {
        let bench = Bench()
        _ = bench.compositor.addPointer()
        _ = bench.compositor.addTouch()
        let window = bench.mappedWindow(1)
        for x in [Double.nan, .infinity, -.infinity, 1e300, -1e300] {
            bench.compositor.movePointer(toX: x, y: x)
            #expect(bench.compositor.pointerX.isFinite && abs(bench.compositor.pointerX) <= Double(maxCoordinate))
            bench.compositor.touchDown(id: 1, x: x, y: x)
            bench.compositor.touchMotion(id: 1, x: x, y: x)
            bench.compositor.touchUp(id: 1)
        }
        #expect(Double.nan.asInputCoordinate == 0 && (1e300).asInputCoordinate == Double(maxCoordinate))
        bench.compositor.movePointer(toX: 40, y: 40)
        bench.compositor.pointerButton(0x110, pressed: true)
        bench.compositor.startMove(of: window, serial: bench.compositor.nextSerial() &- 1)
        bench.compositor.movePointer(toX: .infinity, y: -.nan)
        let view = bench.compositor.scene.view(for: window.surface!)
        #expect(view.map { abs($0.x) <= 2 * maxCoordinate && abs($0.y) <= 2 * maxCoordinate } == true)
    }

    @Test func touchPointsStayWithTheirSurfaceAndLiftWhenItGoes() {
        let bench = Bench()
        _ = bench.compositor.addTouch()
        let window = bench.mappedWindow(1, client: 7)
        _ = bench.events.take()
        bench.compositor.touchDown(id: 3, x: 42, y: 52)
        bench.compositor.touchDown(id: 4, x: 500, y: 400)   // nothing there
        bench.compositor.touchMotion(id: 3, x: 300, y: 300)
        bench.compositor.touchDown(id: 5, x: 40, y: 40)
        bench.compositor.touchUp(id: 3)
        #expect(bench.events.take() == ["touch down 1 #3 10.0,20.0", "touch motion client 7 #3 268.0,268.0",
                                        "touch down 1 #5 8.0,8.0", "touch up client 7 [3]"])
        bench.compositor.touchDown(id: 6, x: 41, y: 41)
        bench.compositor.surfaceDestroyed(window.surface!)
        #expect(bench.events.take().contains("touch up client 7 [5, 6]"))
    }

    /// Two windows of two clients, the second active, and a popup of it that grabs with the press's serial.
    func grabbingPopup(_ bench: Bench) -> (popup: Popup, press: UInt32) {
        _ = bench.compositor.addPointer()
        _ = bench.mappedWindow(1, client: 1)
        let b = bench.mappedWindow(2, client: 2)
        bench.compositor.place(b.surface!, x: 200, y: 200)
        bench.compositor.movePointer(toX: 210, y: 210)
        bench.compositor.pointerButton(0x110, pressed: true)
        let press = bench.compositor.nextSerial() &- 1
        bench.compositor.pointerButton(0x110, pressed: false)
        let popupSurface = Surface(id: 3, client: ClientID(2))
        bench.compositor.surfaceCreated(popupSurface)
        b.surface!.attachPopup(popupSurface)
        _ = bench.events.take()
        return (Popup(client: ClientID(2), surface: popupSurface), press)
    }

    @Test func aPopupGrabTakesTheKeyboardAndAPressElsewhereEndsIt() {
        let bench = Bench()
        let (popup, press) = grabbingPopup(bench)
        bench.compositor.grabPopup(popup, serial: press, parentIsToplevel: true, parent: nil)
        #expect(bench.events.take() == ["keyboard leave 2", "keyboard enter 3"])
        bench.compositor.movePointer(toX: 40, y: 40)   // over client 1's window
        _ = bench.events.take()
        bench.compositor.pointerButton(0x110, pressed: true)
        #expect(bench.events.take() == ["popup done 3", "keyboard leave 3", "keyboard enter 2"],
                "the press goes nowhere and activates nothing")
        #expect(popup.dismissed)
        bench.compositor.popupDestroyed(popup)
        #expect(bench.events.take().isEmpty, "popup_done goes out once")
    }

    /// The press that ends a popup grab reaches no client, and neither does its release: the window under
    /// the pointer never sees a release without its press. Nor does that held button make an implicit grab.
    /// A press on the grabbing client's own window goes through and keeps the grab.
    @Test func thePressThatEndsAPopupGrabIsSwallowedWholeWithItsRelease() {
        let bench = Bench()
        let (popup, press) = grabbingPopup(bench)
        bench.compositor.grabPopup(popup, serial: press, parentIsToplevel: true, parent: nil)
        bench.compositor.movePointer(toX: 210, y: 210)   // client 2's own window: the grab holds
        bench.compositor.pointerButton(0x110, pressed: true)
        bench.compositor.pointerButton(0x110, pressed: false)
        #expect(bench.events.take().filter { $0.hasPrefix("pointer button") || $0.hasPrefix("popup") } == ["pointer button 2 down", "pointer button 2 up"])
        #expect(!popup.dismissed)

        bench.compositor.movePointer(toX: 40, y: 40)   // client 1's window
        _ = bench.events.take()
        bench.compositor.pointerButton(0x110, pressed: true)
        #expect(bench.events.take() == ["popup done 3", "keyboard leave 3", "keyboard enter 2"])
        #expect(bench.compositor.pointerButtonsDown == [0x110] && bench.compositor.buttonIsSwallowed(0x110),
                "the button is down (it may be released) but reached nobody")
        bench.compositor.movePointer(toX: 300, y: 300)   // no implicit grab: the window is left
        bench.compositor.movePointer(toX: 50, y: 50)
        bench.compositor.pointerButton(0x110, pressed: false)
        #expect(bench.events.take() == ["pointer leave 1", "pointer enter 1 18.0,18.0"], "no release")
        #expect(bench.compositor.pointerButtonsDown.isEmpty && !bench.compositor.buttonIsSwallowed(0x110))

        // The next click is whole, and activates the window as any press does.
        bench.compositor.pointerButton(0x110, pressed: true)
        bench.compositor.pointerButton(0x110, pressed: false)
        #expect(bench.events.take().filter { $0.hasPrefix("pointer ") } == ["pointer button 1 down", "pointer button 1 up"])
        #expect(bench.compositor.keyboardFocus?.id == 1)
    }

    /// A second button pressed while the swallowed one is held is a new press with no grab left: delivered
    /// whole; the swallowed one's release still goes nowhere.
    @Test func aButtonPressedWhileTheSwallowedOneIsHeldIsDeliveredWhole() {
        let bench = Bench()
        let (popup, press) = grabbingPopup(bench)
        bench.compositor.grabPopup(popup, serial: press, parentIsToplevel: true, parent: nil)
        bench.compositor.movePointer(toX: 40, y: 40)
        bench.compositor.pointerButton(0x110, pressed: true)    // ends the grab
        _ = bench.events.take()
        bench.compositor.pointerButton(0x111, pressed: true)
        bench.compositor.pointerButton(0x110, pressed: false)
        bench.compositor.pointerButton(0x111, pressed: false)
        #expect(bench.events.take().filter { $0.hasPrefix("pointer ") } == ["pointer button 1 down", "pointer button 1 up"])
    }

    /// A move started by a delivered press ends with that press's release, though the swallowed button is
    /// still held (the client knows of no other button down).
    @Test func aMoveEndsWithTheLastDeliveredButtonWhileASwallowedOneIsHeld() throws {
        let bench = Bench()
        let (popup, press) = grabbingPopup(bench)
        bench.compositor.grabPopup(popup, serial: press, parentIsToplevel: true, parent: nil)
        bench.compositor.movePointer(toX: 40, y: 40)
        let window = try #require(bench.compositor.pointerFocusSurface.flatMap { bench.compositor.window(of: $0) })
        bench.compositor.pointerButton(0x110, pressed: true)    // ends the grab, swallowed
        bench.compositor.pointerButton(0x111, pressed: true)    // delivered
        bench.compositor.startMove(of: window, serial: bench.compositor.nextSerial() &- 1)
        bench.compositor.movePointer(toX: 50, y: 50)
        #expect(bench.position(window).map { $0 == (42, 42) } == true, "the move follows the pointer")
        bench.compositor.pointerButton(0x111, pressed: false)
        bench.compositor.movePointer(toX: 60, y: 60)
        #expect(bench.position(window).map { $0 == (42, 42) } == true, "the move ended with the right button")
        _ = bench.events.take()
        bench.compositor.pointerButton(0x110, pressed: false)
        #expect(!bench.events.take().contains { $0.hasPrefix("pointer button") })
    }

    /// The same through a virtual pointer (its buttons go through the same decision).
    @Test func aVirtualPointersPressThatEndsAPopupGrabIsSwallowedWhole() throws {
        let bench = Bench()
        let (popup, press) = grabbingPopup(bench)
        bench.compositor.grabPopup(popup, serial: press, parentIsToplevel: true, parent: nil)
        bench.compositor.movePointer(toX: 40, y: 40)
        _ = bench.events.take()
        let pointer = VirtualPointer()
        try pointer.button(0x110, state: 1)
        bench.compositor.virtualPointerFrame(pointer)
        try pointer.button(0x110, state: 0)
        bench.compositor.virtualPointerFrame(pointer)
        #expect(bench.events.take() == ["popup done 3", "keyboard leave 3", "keyboard enter 2"])
        #expect(pointer.heldButtons.isEmpty && bench.compositor.pointerButtonsDown.isEmpty)
    }

    /// A touch-down outside the grabbing client ends the grab and that touch point reaches no client (no
    /// down, motion or up) though it counts as down until it lifts; the next touch is whole.
    @Test func aTouchThatEndsAPopupGrabIsSwallowedWhole() throws {
        let bench = Bench()
        _ = bench.compositor.addTouch()
        let (popup, press) = grabbingPopup(bench)
        bench.compositor.grabPopup(popup, serial: press, parentIsToplevel: true, parent: nil)
        _ = bench.events.take()
        bench.compositor.touchDown(id: 0, x: 40, y: 40)   // client 1's window
        #expect(bench.events.take() == ["popup done 3", "keyboard leave 3", "keyboard enter 2"])
        #expect(bench.compositor.touchIDsDown == [0] && bench.compositor.touchIsSwallowed(0) && bench.compositor.freeTouchID == 1)
        #expect(throws: PointerRefusal.self) { try bench.compositor.touchDownTarget(id: 0, x: 40, y: 40) }
        #expect(try bench.compositor.touchMoveTarget(id: 0, x: 45, y: 45) == nil)
        #expect(try bench.compositor.touchUpTarget(id: 0) == nil)
        bench.compositor.touchDown(id: 0, x: 50, y: 50)   // that point is down already: ignored
        bench.compositor.touchMotion(id: 0, x: 45, y: 45)
        bench.compositor.touchUp(id: 0)
        #expect(bench.events.take().isEmpty)
        #expect(bench.compositor.touchIDsDown.isEmpty && !bench.compositor.touchIsSwallowed(0))
        bench.compositor.touchDown(id: 0, x: 40, y: 40)
        bench.compositor.touchUp(id: 0)
        #expect(bench.events.take().filter { $0.hasPrefix("touch ") } == ["touch down 1 #0 8.0,8.0", "touch up client 1 [0]"])
    }

    @Test func aGrabWithAStaleSerialOrTheWrongParentIsDismissedAtOnce() {
        let bench = Bench()
        let (popup, press) = grabbingPopup(bench)
        bench.compositor.grabPopup(popup, serial: press &+ 1000, parentIsToplevel: true, parent: nil)
        #expect(bench.events.take() == ["popup done 3"])
        let other = Popup(client: ClientID(2), surface: popup.surface!)
        bench.compositor.grabPopup(other, serial: press, parentIsToplevel: false, parent: nil)
        #expect(bench.events.take() == ["popup done 3"], "a first grab needs a toplevel parent")
    }

    @Test func nestedGrabsEndInnermostFirstWhenTheirParentGoes() {
        let bench = Bench()
        let (outer, press) = grabbingPopup(bench)
        let innerSurface = Surface(id: 4, client: ClientID(2))
        bench.compositor.surfaceCreated(innerSurface)
        let inner = Popup(client: ClientID(2), surface: innerSurface)
        bench.compositor.grabPopup(outer, serial: press, parentIsToplevel: true, parent: nil)
        bench.compositor.grabPopup(inner, serial: press, parentIsToplevel: false, parent: outer)
        #expect(bench.compositor.keyboardFocus === innerSurface)
        _ = bench.events.take()
        bench.compositor.popupDestroyed(outer)
        #expect(bench.events.take() == ["popup done 4", "keyboard leave 4", "keyboard enter 2"])
    }

    @Test(arguments: SelectionKind.allCases)
    func onlyTheFocusedClientSetsTheSelectionAndItIsOfferedToTheFocus(_ kind: SelectionKind) {
        let bench = Bench()
        let tag = kind == .primary ? "primary " : ""
        _ = bench.mappedWindow(1, client: 1)
        _ = bench.mappedWindow(2, client: 2)   // active: client 2 has the keyboard focus
        _ = bench.events.take()
        let background = DataSource(client: ClientID(1), kind: kind)
        background.offer("text/plain")
        #expect(!bench.compositor.setSelection(background, kind, from: ClientID(1)))
        // Refused: a clipboard source is cancelled, a primary one left alone (GTK 4 sets it before its focus).
        #expect(bench.events.take() == (kind == .clipboard ? ["cancel \(tag)[\"text/plain\"]"] : [])
                && bench.compositor.selection(kind) == nil)
        let front = DataSource(client: ClientID(2), kind: kind)
        front.offer("text/plain")
        front.offer("text/plain")
        #expect(bench.compositor.setSelection(front, kind, from: ClientID(2)))
        #expect(bench.events.take() == ["offer \(tag)[\"text/plain\"] to client 2"])
        #expect(bench.compositor.setSelection(front, kind, from: ClientID(2)) && bench.events.take().isEmpty, "set again: nothing new")
        #expect(bench.compositor.mayReceive("text/plain", from: front))
        #expect(!bench.compositor.mayReceive("image/png", from: front) && !bench.compositor.mayReceive("text/plain", from: background))
        bench.compositor.dragStarted(with: front)
        #expect(bench.events.take().isEmpty, "the selection is not cancelled by a drag")
        bench.compositor.dragStarted(with: background)
        #expect(bench.events.take() == ["cancel \(tag)[\"text/plain\"]"], "no drags: any other source is cancelled")
        let replacement = DataSource(client: ClientID(2), kind: kind)
        #expect(bench.compositor.setSelection(replacement, kind, from: ClientID(2)))
        #expect(bench.events.take() == ["cancel \(tag)[\"text/plain\"]", "offer \(tag)[] to client 2"], "the old source is cancelled")
        #expect(!bench.compositor.mayReceive("text/plain", from: front), "an offer of a replaced selection receives nothing")
        bench.compositor.dataSourceDestroyed(front)
        #expect(bench.events.take().isEmpty, "a source that is no longer the selection goes quietly")
        bench.compositor.dataSourceDestroyed(replacement)
        #expect(bench.events.take() == ["offer \(tag)[] to client 2"] && bench.compositor.selection(kind) == nil)
        #expect(bench.compositor.setSelection(nil, kind, from: ClientID(2)) && bench.events.take().isEmpty, "cleared again: nothing new")
    }

    @Test func theClipboardAndThePrimarySelectionAreIndependentAndBothFollowTheFocus() {
        let bench = Bench()
        let first = bench.mappedWindow(1, client: 1)
        _ = bench.mappedWindow(2, client: 2)   // active: client 2 has the keyboard focus
        _ = bench.events.take()
        let clipboard = DataSource(client: ClientID(2), kind: .clipboard)
        clipboard.offer("text/plain")
        let primary = DataSource(client: ClientID(2), kind: .primary)
        primary.offer("UTF8_STRING")
        #expect(bench.compositor.setSelection(clipboard, .clipboard, from: ClientID(2)))
        #expect(bench.compositor.setSelection(primary, .primary, from: ClientID(2)))
        #expect(bench.events.take() == ["offer [\"text/plain\"] to client 2", "offer primary [\"UTF8_STRING\"] to client 2"],
                "setting one does not cancel the other")
        #expect(bench.compositor.selection === clipboard && bench.compositor.selection(.primary) === primary)
        #expect(!bench.compositor.mayReceive("UTF8_STRING", from: clipboard) && bench.compositor.mayReceive("UTF8_STRING", from: primary))
        // The focus moves to client 1: it hears both selections, the clipboard first.
        bench.compositor.activate(first)
        let lines = bench.events.take().filter { $0.hasPrefix("offer") }
        #expect(lines == ["offer [\"text/plain\"] to client 1", "offer primary [\"UTF8_STRING\"] to client 1"])
        // Client 2, in the background now, can set neither.
        let late = DataSource(client: ClientID(2), kind: .primary)
        #expect(!bench.compositor.setSelection(late, .primary, from: ClientID(2)))
        #expect(!bench.compositor.setSelection(nil, .clipboard, from: ClientID(2)))
        #expect(bench.events.take() == [] && bench.compositor.selection === clipboard)   // refused, not cancelled
        // The clipboard's source goes: only the clipboard empties.
        bench.compositor.dataSourceDestroyed(clipboard)
        #expect(bench.events.take() == ["offer [] to client 1"] && bench.compositor.selection(.primary) === primary)
    }
}
