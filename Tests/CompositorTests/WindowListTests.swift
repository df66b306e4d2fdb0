import Compositor
import Testing

/// The window list (zwlr_foreign_toplevel_manager_v1's policy, WindowList.swift): which windows are listed,
/// when a list hears of a change, and what minimize, activate, maximize and close do when a list asks.
struct WindowListTests {
    /// Commits a buffer-less state on the surface: the window unmaps.
    func unmap(_ bench: Bench, _ window: Window) {
        guard let surface = window.surface else { return }
        surface.pending.buffer = .detach
        bench.compositor.commit(surface.commitTree())
    }

    @Test func aWindowIsListedFromItsMapToItsUnmapOrRemoval() {
        let bench = Bench()
        let a = bench.window(1)
        #expect(!bench.compositor.isListed(a), "no buffer yet")
        bench.commit(a.surface, 50, 50)
        #expect(bench.compositor.isListed(a))
        #expect(bench.events.listChanges.contains("list 1"))
        bench.events.listChanges = []
        unmap(bench, a)
        #expect(!bench.compositor.isListed(a))
        #expect(bench.events.listChanges == ["list 1"])
        bench.commit(a.surface, 50, 50)
        #expect(bench.compositor.isListed(a))
        let b = bench.mappedWindow(2)
        #expect(bench.compositor.listedWindows.map { $0.surface?.id } == [1, 2])
        bench.events.listChanges = []
        bench.compositor.removeWindow(b)
        #expect(!bench.compositor.isListed(b))
        #expect(bench.events.listChanges.contains("list 2"))
    }

    @Test func titleAppIDAndParentChangesReachTheList() {
        let bench = Bench()
        let a = bench.mappedWindow(1), b = bench.mappedWindow(2)
        bench.events.listChanges = []
        bench.compositor.setTitle("one", of: a)
        bench.compositor.setTitle("one", of: a)
        bench.compositor.setAppID("app", of: a)
        #expect(bench.events.listChanges == ["list 1", "list 1"], "the same title again changes nothing")
        #expect(bench.compositor.listEntry(of: a).title == "one" && bench.compositor.listEntry(of: a).appID == "app")

        #expect(bench.compositor.setParent(a, of: b))
        #expect(bench.compositor.listEntry(of: b).parent === a)
        #expect(!bench.compositor.setParent(b, of: a), "a loop")
        #expect(!bench.compositor.setParent(a, of: a), "its own parent")
        #expect(a.parent == nil)
        unmap(bench, a)
        #expect(bench.compositor.listEntry(of: b).parent == nil, "an unlisted parent is not named")
        bench.events.listChanges = []
        bench.compositor.removeWindow(a)
        #expect(b.parent == nil)
        #expect(bench.events.listChanges.contains("list 2"), "the child hears that its parent went")
    }

    @Test func minimizingHidesTheWindowAndActivatesTheNextOne() {
        let bench = Bench()
        let below = bench.mappedWindow(1)
        let top = bench.mappedWindow(2)
        bench.compositor.place(below.surface!, x: 0, y: 0)
        bench.compositor.place(top.surface!, x: 0, y: 0)
        _ = bench.compositor.addPointer()
        bench.compositor.movePointer(toX: 10, y: 10)
        _ = bench.events.take()
        #expect(bench.compositor.minimize(top))
        #expect(!bench.compositor.minimize(top), "already minimized")
        #expect(top.minimized && !top.activated)
        #expect(bench.compositor.isListed(top), "a minimized window stays listed")
        #expect(bench.compositor.scene.surface(atX: 10, y: 10)?.surface === below.surface, "not hit")
        #expect(bench.compositor.scene.mappedViews.map(\.surface.id) == [1], "not drawn")
        #expect(bench.compositor.activeWindow === below)
        let lines = bench.events.take()
        #expect(lines.contains("leave output 2"))
        #expect(lines.contains("configure 2") && lines.contains("configure 1 activated"))
        #expect(lines.contains("pointer leave 2") && lines.contains("pointer enter 1 10.0,10.0"))

        // Activation brings it back on top, active, drawn.
        bench.compositor.activate(top)
        #expect(!top.minimized && top.activated)
        #expect(bench.compositor.scene.mappedViews.map(\.surface.id) == [1, 2])
        #expect(bench.compositor.scene.surface(atX: 10, y: 10)?.surface === top.surface)
        #expect(bench.events.take().contains("enter output 2"))
    }

    @Test func maximizeOrFullscreenBringAMinimizedWindowBackAndKeepTheirState() {
        let bench = Bench()
        let window = bench.mappedWindow(1)
        _ = bench.compositor.request(window, maximized: true)
        bench.compositor.minimize(window)
        #expect(window.minimized && window.maximized)
        #expect(!bench.compositor.request(window, maximized: true, byWindowList: true))
        #expect(!window.minimized && window.activated, "a window list's maximize brings it back")
        bench.compositor.minimize(window)
        bench.compositor.unminimize(window)
        #expect(!window.minimized && window.maximized && window.activated, "unminimized to maximized")
        bench.compositor.minimize(window)
        #expect(bench.compositor.request(window, fullscreen: true, byWindowList: true))
        #expect(!window.minimized && window.fullscreen)
        bench.compositor.minimize(window)
        #expect(bench.compositor.request(window, maximized: false))
        #expect(window.minimized, "leaving a state does not show the window")
    }

    /// The window's own client asking for maximized or fullscreen while minimized gets the state but stays
    /// minimized: a minimized window must not be able to take the keyboard back from the active one when it
    /// likes (a background window cannot; only an xdg-activation token gives a client the focus).
    @Test func aMinimizedWindowsOwnMaximizeOrFullscreenDoesNotBringItBack() {
        let bench = Bench()
        let other = bench.mappedWindow(1), window = bench.mappedWindow(2)
        bench.compositor.minimize(window)
        #expect(other.activated && bench.compositor.keyboardFocus === other.surface)
        #expect(bench.compositor.request(window, fullscreen: true))
        #expect(bench.compositor.request(window, maximized: true))
        #expect(window.minimized && window.fullscreen && window.maximized && !window.activated)
        #expect(bench.compositor.keyboardFocus === other.surface, "the active window keeps the keyboard")
        #expect(bench.compositor.scene.mappedViews.map(\.surface.id) == [1], "still hidden")
    }

    @Test func aWindowThatIsNotMappedIsNotMinimizedAndAnUnmapEndsMinimized() {
        let bench = Bench()
        let window = bench.window(1)
        #expect(!bench.compositor.minimize(window))
        bench.commit(window.surface, 40, 40)
        #expect(bench.compositor.minimize(window))
        unmap(bench, window)
        #expect(!window.minimized)
        bench.commit(window.surface, 40, 40)
        #expect(bench.compositor.scene.mappedViews.map(\.surface.id) == [1], "mapped again, it is drawn")
    }

    @Test func activateFromTheListIsAClickAndCloseAsksTheClient() {
        let bench = Bench()
        let a = bench.mappedWindow(1), b = bench.mappedWindow(2)
        _ = bench.events.take()
        #expect(bench.compositor.activateFromList(a))
        #expect(a.activated && !b.activated)
        #expect(bench.compositor.scene.mappedViews.last?.surface === a.surface, "on top")
        #expect(!bench.compositor.activateFromList(a), "already active and on top: nothing is sent")
        _ = bench.events.take()
        bench.compositor.requestClose(b)
        #expect(bench.events.take() == ["close 2"])
        unmap(bench, b)
        _ = bench.events.take()
        bench.compositor.requestClose(b)
        #expect(!bench.compositor.activateFromList(b))
        #expect(bench.events.take().isEmpty, "an unlisted window is not acted on")
    }

    @Test func aWindowThatMapsComesUpOnTopWhateverItsRoleOrder() {
        let bench = Bench()
        let early = bench.window(1)
        _ = bench.mappedWindow(2)
        bench.commit(early.surface, 100, 100)
        #expect(bench.compositor.scene.mappedViews.map(\.surface.id) == [2, 1])
    }
}

extension WindowListTests {
    @Test func aControlCommandStillNamesAMinimizedWindowAndFocusBringsItBack() throws {
        let bench = Bench()
        let a = bench.mappedWindow(1)
        a.appID = "editor"
        _ = bench.mappedWindow(2)
        bench.compositor.minimize(a)
        let named = try #require(bench.compositor.window(matching: "editor"))
        #expect(named === a)
        try bench.compositor.focus(a)
        #expect(!a.minimized && a.activated)
        #expect(bench.compositor.scene.mappedViews.last?.surface === a.surface)
    }
}

extension WindowListTests {
    @Test func aMinimizedWindowsCommitsDoNotDamageTheOutput() {
        let bench = Bench()
        let window = bench.mappedWindow(1, 100, 100)
        _ = bench.mappedWindow(2, 10, 10)
        _ = bench.compositor.scene.takeDamage()
        bench.compositor.minimize(window)
        #expect(bench.compositor.scene.takeDamage().rects == [Rect(x: 32, y: 32, width: 100, height: 100)], "where it was drawn")
        bench.commit(window.surface, 120, 120)
        #expect(bench.compositor.scene.takeDamage().isEmpty, "not drawn, nothing to repaint")
        bench.compositor.place(window.surface!, x: 0, y: 0)
        #expect(bench.compositor.scene.takeDamage().isEmpty)
        bench.compositor.unminimize(window)
        #expect(bench.compositor.scene.takeDamage().rects == [Rect(x: 0, y: 0, width: 120, height: 120)], "where it is drawn now, at its new size")
    }
}
