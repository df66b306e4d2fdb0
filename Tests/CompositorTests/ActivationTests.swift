import Compositor
import Testing

/// xdg-activation without a server: which tokens activate a window (Activation.swift).
struct ActivationTests {
    /// Three windows of three clients side by side (A, B, C; C mapped last, so active), a pointer and a clock set by hand.
    final class Desk {
        let bench = Bench()
        var now: UInt64 = 5_000_000_000
        let a: Window, b: Window, c: Window
        init() {
            _ = bench.compositor.addPointer()
            a = bench.mappedWindow(1, client: 1)
            b = bench.mappedWindow(2, client: 2)
            c = bench.mappedWindow(3, client: 3)
            for (index, window) in [a, b, c].enumerated() {   // side by side: a click hits only the one aimed at
                bench.compositor.placeWindow(window.surface!, x: Int64(index) * 200, y: 0)
            }
            bench.compositor.activationClock = { [unowned self] in self.now }
        }
        var compositor: Compositor { bench.compositor }

        /// A left click on the visible top-left corner of `window`; returns the press's serial.
        @discardableResult
        func click(_ window: Window) -> UInt32 {
            let rect = compositor.windowRect(window)!
            compositor.movePointer(toX: Double(rect.x) + 2, y: Double(rect.y) + 2)
            compositor.pointerButton(0x110, pressed: true)
            let serial = bench.events.inputSerial
            compositor.pointerButton(0x110, pressed: false)
            return serial
        }
    }

    @Test func aTokenFromAClickInTheFocusedClientActivatesAnotherClientsWindow() {
        let desk = Desk()
        let serial = desk.click(desk.a)
        #expect(desk.compositor.activeWindow === desk.a)
        #expect(desk.compositor.issueActivationToken("t1", client: ClientID(1), serial: serial))
        #expect(desk.compositor.activate(token: "t1", surface: desk.b.surface!) == .activated)
        #expect(desk.compositor.activeWindow === desk.b)
        #expect(desk.compositor.keyboardFocus === desk.b.surface)
        #expect(desk.compositor.scene.mappedViews.last?.surface === desk.b.surface, "raised")
    }

    @Test func aTokenIsUsedOnce() {
        let desk = Desk()
        let serial = desk.click(desk.a)
        desk.compositor.issueActivationToken("t", client: ClientID(1), serial: serial)
        #expect(desk.compositor.activate(token: "t", surface: desk.b.surface!) == .activated)
        desk.click(desk.a)
        #expect(desk.compositor.activate(token: "t", surface: desk.b.surface!) == .unknownToken)
        #expect(desk.compositor.activeWindow === desk.a)
    }

    @Test func noSerialAnUnknownSerialOrAReleaseActivatesNothing() {
        let desk = Desk()
        let press = desk.click(desk.a)
        let release = desk.compositor.nextSerial() - 1
        #expect(!desk.compositor.issueActivationToken("none", client: ClientID(1), serial: nil))
        #expect(!desk.compositor.issueActivationToken("made-up", client: ClientID(1), serial: press &+ 1000))
        #expect(!desk.compositor.issueActivationToken("release", client: ClientID(1), serial: release))
        for token in ["none", "made-up", "release"] {
            #expect(desk.compositor.activate(token: token, surface: desk.b.surface!) == .notFromUserInput)
        }
        #expect(desk.compositor.activate(token: "never-issued", surface: desk.b.surface!) == .unknownToken)
        #expect(desk.compositor.activeWindow === desk.a)
    }

    @Test func anotherClientsSerialActivatesNothing() {
        let desk = Desk()
        let serial = desk.click(desk.a)   // client 1's click
        #expect(!desk.compositor.issueActivationToken("stolen", client: ClientID(2), serial: serial))
        #expect(desk.compositor.activate(token: "stolen", surface: desk.b.surface!) == .notFromUserInput)
        #expect(desk.compositor.activeWindow === desk.a)
    }

    @Test func aTokenExpiresTenSecondsAfterItsInput() {
        let desk = Desk()
        let serial = desk.click(desk.a)
        desk.compositor.issueActivationToken("late", client: ClientID(1), serial: serial)
        desk.compositor.issueActivationToken("in-time", client: ClientID(1), serial: serial)
        desk.now += Compositor.activationTokenLifetime
        #expect(desk.compositor.activate(token: "in-time", surface: desk.c.surface!) == .activated)
        desk.now += 1
        #expect(desk.compositor.activate(token: "late", surface: desk.b.surface!) == .expired)
        #expect(desk.compositor.activeWindow === desk.c)
        #expect(!desk.compositor.issueActivationToken("too-late", client: ClientID(1), serial: serial),
                "a serial older than the lifetime makes a dead token")
    }

    @Test func inputToAThirdClientSinceTheTokenSupersedesIt() {
        let desk = Desk()
        let serial = desk.click(desk.a)
        desk.compositor.issueActivationToken("t", client: ClientID(1), serial: serial)
        desk.click(desk.b)   // the user moved on to client 2
        #expect(desk.compositor.activate(token: "t", surface: desk.c.surface!) == .superseded)
        #expect(desk.compositor.activeWindow === desk.b)
    }

    @Test func inputToTheTargetsClientSinceDoesNotSupersede() {
        let desk = Desk()
        let serial = desk.click(desk.a)
        desk.compositor.issueActivationToken("t", client: ClientID(1), serial: serial)
        desk.click(desk.b)
        desk.click(desk.a)
        #expect(desk.compositor.activate(token: "t", surface: desk.b.surface!) == .activated)
    }

    @Test func aKeyPressOrATouchDownOfTheFocusedClientMakesAToken() throws {
        let desk = Desk()
        let keys = KeySource(client: ClientID(9))
        try desk.compositor.key(30, pressed: true, from: keys)   // to C, the active window
        let keySerial = desk.bench.events.inputSerial
        try desk.compositor.key(30, pressed: false, from: keys)
        #expect(desk.compositor.issueActivationToken("key", client: ClientID(3), serial: keySerial))
        #expect(desk.compositor.activate(token: "key", surface: desk.a.surface!) == .activated)

        _ = desk.compositor.addTouch()
        let rect = desk.compositor.windowRect(desk.b)!
        desk.compositor.touchDown(id: 0, x: Double(rect.x) + 2, y: Double(rect.y) + 2)
        let touchSerial = desk.bench.events.inputSerial
        desk.compositor.touchUp(id: 0)
        #expect(desk.compositor.issueActivationToken("touch", client: ClientID(2), serial: touchSerial))
        #expect(desk.compositor.activate(token: "touch", surface: desk.c.surface!) == .activated)
    }

    @Test func anUnmappedWindowIsNotActivated() {
        let desk = Desk()
        let serial = desk.click(desk.a)
        let hidden = desk.bench.window(4, client: 4)
        desk.compositor.issueActivationToken("t", client: ClientID(1), serial: serial)
        #expect(desk.compositor.activate(token: "t", surface: hidden.surface!) == .noWindow)
        #expect(desk.compositor.activeWindow === desk.a)
    }

    @Test func aClientKeepsOnlyItsNewestTokens() {
        let desk = Desk()
        let serial = desk.click(desk.a)
        for index in 0..<(Compositor.maxActivationTokensPerClient + 8) {
            desk.compositor.issueActivationToken("t\(index)", client: ClientID(1), serial: serial)
        }
        desk.compositor.issueActivationToken("other", client: ClientID(2), serial: nil)
        #expect(desk.compositor.activationTokenCount == Compositor.maxActivationTokensPerClient + 1)
        #expect(desk.compositor.activate(token: "t0", surface: desk.b.surface!) == .unknownToken, "the oldest went")
        #expect(desk.compositor.activate(token: "t39", surface: desk.b.surface!) == .activated)
    }

    @Test func expiredTokensAreDroppedWhenNewOnesAreIssued() {
        let desk = Desk()
        for index in 0..<10 { desk.compositor.issueActivationToken("old\(index)", client: ClientID(index), serial: nil) }
        desk.now += Compositor.activationTokenLifetime + 1
        desk.compositor.issueActivationToken("new", client: ClientID(1), serial: nil)
        #expect(desk.compositor.activationTokenCount == 1)
    }
}
