import CClientShims
import CProtocolsClient
import CWaylandClient
import Glibc

/// Windows that go away in the middle of something the seat does for them. These need the test to press
/// the pointer on the attacker's window (AttackClient.awaitPress) and to move the pointer and release after
/// "note: drag me".
let grabScenarios: [Scenario] = [
    grabThenDestroy("destroy-toplevel-mid-resize", "start xdg_toplevel.resize on a press, destroy the toplevel at once") {
        toplevel, seat, serial in xdg_toplevel_resize(toplevel, seat, serial, XDG_TOPLEVEL_RESIZE_EDGE_TOP_LEFT.rawValue)
    },
    grabThenDestroy("destroy-toplevel-mid-move", "start xdg_toplevel.move on a press, destroy the toplevel at once") {
        toplevel, seat, serial in xdg_toplevel_move(toplevel, seat, serial)
    },
    Scenario(name: "move-after-shutdown-read", summary: "on a press, shut the socket's read side, then xdg_toplevel.move and more requests") { client in
        guard let window = client.shownWindow(), let input = client.input else { return }
        var moved = false
        input.onPress = { seat, serial in
            guard !moved else { return }
            moved = true
            shutdown(wl_display_get_fd(client.display), Int32(SHUT_RD))
            xdg_toplevel_move(window.toplevel, seat, serial)   // the move's leave event cannot be sent
            for _ in 0..<20 { xdg_toplevel_set_title(window.toplevel, "after the move") }
            drain(client.display)
        }
        note(client.awaitPress { moved } ? "moved with the read side shut" : "no press came")
        note("drag me")
        usleep(500_000)
    },
]

/// Popup grabs whose popups or windows go away, or that are asked for twice: each popup that loses its grab
/// hears popup_done, and none keeps the grab (and the keyboard) while dismissed. Each opens a grabbing popup
/// on a press, then does its `then` and reports "popup_done: N" (the number of popup_done events).
let popupGrabScenarios: [Scenario] = [
    popupGrab("popup-grab-then-destroy-toplevel", "open a grabbing popup on a press, then destroy the toplevel under it") {
        client, window, _ in xdg_toplevel_destroy(window.toplevel)
    },
    popupGrab("popup-grab-twice", "xdg_popup.grab twice before the popup is mapped (the second is ignored)", grabTwice: true) { _, _, _ in },
    popupGrab("popup-grab-destroy-parent-popup", "a grabbing popup opens a nested grabbing popup; the outer one is destroyed first") {
        client, _, popup in
        let fd = client.sealedMemfd(1024)
        defer { close(fd) }
        guard let seat = client.input?.seat, let serial = client.lastPressSerial,
              let nested = client.popup(of: popup.xdgSurface, grab: (seat, serial)) else { return note("no nested popup") }
        _ = client.show(client.buffer(client.pool(fd: fd, size: 1024), width: 16, height: 16), on: nested.surface)
        xdg_popup_destroy(popup.popup)
    },
    Scenario(name: "popup-grab-then-hang", summary: "open a grabbing popup on a press, then stop reading until killed (the test kills it: ControlTests' CtlRobustnessTests)") {
        client in
        guard let window = client.shownWindow(), let input = client.input else { return }
        var pressed = false
        input.onPress = { _, serial in client.lastPressSerial = serial; pressed = true }
        guard client.awaitPress({ pressed }), let seat = input.seat, let serial = client.lastPressSerial,
              let popup = client.popup(of: window.xdgSurface, grab: (seat, serial)) else { return note("no popup") }
        let popupFD = client.sealedMemfd(1024)
        defer { close(popupFD) }
        _ = client.show(client.buffer(client.pool(fd: popupFD, size: 1024), width: 16, height: 16), on: popup.surface)
        note("popup open")
        fflush(nil)
        sleep(60)   // the test SIGKILLs it long before
    },
]

private func popupGrab(_ name: String, _ summary: String, grabTwice: Bool = false,
                       _ then: @escaping @Sendable (AttackClient, (surface: OpaquePointer, xdgSurface: OpaquePointer, toplevel: OpaquePointer),
                                                    (surface: OpaquePointer, xdgSurface: OpaquePointer, popup: OpaquePointer)) -> Void) -> Scenario {
    Scenario(name: name, summary: summary) { client in
        guard let window = client.shownWindow(), let input = client.input else { return }
        var pressed = false
        input.onPress = { _, serial in client.lastPressSerial = serial; pressed = true }
        guard client.awaitPress({ pressed }), let seat = input.seat, let serial = client.lastPressSerial,
              let popup = client.popup(of: window.xdgSurface, grab: (seat, serial)) else { return note("no popup") }
        if grabTwice { xdg_popup_grab(popup.popup, seat, serial) }
        let popupFD = client.sealedMemfd(1024)
        defer { close(popupFD) }
        _ = client.show(client.buffer(client.pool(fd: popupFD, size: 1024), width: 16, height: 16), on: popup.surface)
        then(client, window, popup)
        for _ in 0..<3 where wl_display_roundtrip(client.display) >= 0 {}
        note("popup_done: \(client.popupsDone)")
        note("drag me")
    }
}

/// A 64x64 window; on the first press, `grab` (move or resize) then xdg_toplevel.destroy in the same
/// batch; then the client stays connected, its wl_surface and xdg_surface alive, for two seconds while the
/// test moves the pointer (a compositor still running the grab would send configures to the dead toplevel).
private func grabThenDestroy(_ name: String, _ summary: String,
                             _ grab: @escaping @Sendable (OpaquePointer, OpaquePointer, UInt32) -> Void) -> Scenario {
    Scenario(name: name, summary: summary) { client in
        guard let window = client.shownWindow(), let input = client.input else { return }
        var destroyed = false
        input.onPress = { seat, serial in
            guard !destroyed else { return }
            grab(window.toplevel, seat, serial)
            xdg_toplevel_destroy(window.toplevel)
            destroyed = true
        }
        guard client.awaitPress({ destroyed }), wl_display_roundtrip(client.display) >= 0 else { return note("no press came") }
        note("toplevel destroyed")
        note("drag me")
        fflush(nil)
        client.dispatch(for: 2)
    }
}
