import Glibc
import SeawallTestSupport
import Testing
import WaylandServer

/// Copy and paste between real clients (Debian's wl-clipboard, installed by tools/test; its windows' memfds
/// cannot be sealed, so Seawall runs with --shm-policy copy here): wl-copy maps a
/// small window, gets the keyboard focus and sets the selection; wl-paste, mapped after it, gets the focus,
/// hears the selection as a wl_data_offer and receives the text through a pipe that wl-copy writes.
@Suite(.serialized)
struct ClipboardTests {
    static let copy = "/usr/bin/wl-copy", paste = "/usr/bin/wl-paste"

    @Test("wl-copy then wl-paste: the text crosses from one client to the other through Seawall's selection")
    func copyThenPaste() throws {
        try #require(access(Self.copy, X_OK) == 0 && access(Self.paste, X_OK) == 0,
                     "wl-copy/wl-paste are missing: install Debian's wl-clipboard package (tools/test does this as root)")
        // wl-clipboard's 1x1 window buffer is a memfd made without MFD_ALLOW_SEALING: it needs the copy policy.
        let harness = try Harness { $0.shmPolicy = .copy }
        harness.server.seat.addKeyboard()
        let text = "sealed pools, no SIGBUS \(getpid())"
        let copier = try harness.spawn(Self.copy, ["--foreground", text])
        defer { copier.terminate() }
        // wl-copy sets the selection once its window has the keyboard focus; wl-paste, started after that,
        // gets the focus in turn and is offered the selection. (Started earlier, it finds no selection.)
        try harness.run(seconds: 20) { harness.server.seat.selectionMimeTypes?.contains("text/plain") == true }
        #expect(copier.isRunning, Comment(rawValue: copier.transcript))
        let paster = try harness.spawn(Self.paste, ["--no-newline"])
        try harness.run(seconds: 20) { !paster.isRunning }
        #expect(paster.exitStatus == 0, Comment(rawValue: paster.transcript))
        #expect(paster.stdout == text, Comment(rawValue: paster.transcript + copier.transcript))
    }
}
