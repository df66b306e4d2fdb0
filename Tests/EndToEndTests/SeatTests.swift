import Glibc
import SeawallTestSupport
import Testing

/// The real `seawall` binary's seat: pointer, keyboard and touch by default, so clients that need a keyboard
/// focus work under it. Debian's wl-clipboard (installed by tools/test) is the client: wl-copy makes a
/// surface to get the focus, then offers the selection; wl-paste reads it back.
@Suite(.serialized)
struct SeatTests {
    static let seawall = Harness.binaryDirectory + "/seawall"

    /// A running seawall on socket "s" in a fresh runtime directory.
    static func start(_ arguments: [String]) throws -> (ChildProcess, runtime: String) {
        let runtime = try TestFiles.makeRuntimeDirectory(prefix: "seawall-seat")
        let child = try ChildProcess(executable: seawall, arguments: ["--socket", "s", "--backend", "null"] + arguments,
                                     environment: ["XDG_RUNTIME_DIR": runtime])
        guard child.wait(seconds: 20, until: { $0.stdout.contains("seawall: control socket") }) else {
            throw ChildProcess.SpawnError(description: "seawall did not start\n" + child.transcript)
        }
        return (child, runtime)
    }

    /// Runs a shell line against the seawall in `runtime`, to the end; files, not pipes, take wl-copy's
    /// output, since it goes on in the background holding the selection.
    static func shell(_ runtime: String, _ line: String, _ arguments: [String]) throws -> ChildProcess {
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", line, "sh"] + arguments,
                                     environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "s"])
        #expect(child.wait(seconds: 60), "\(line) did not finish")
        return child
    }

    @Test("wl-copy of a 20 MB random file, then wl-paste, under the real seawall: identical bytes (and with --no-keyboard, nothing)")
    func clipboardRoundTrip() throws {
        for tool in ["/usr/bin/wl-copy", "/usr/bin/wl-paste"] {
            try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's wl-clipboard")
        }
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-clip")
        let input = directory + "/in", output = directory + "/out", errors = directory + "/copy.err"
        let make = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "head -c 20971520 /dev/urandom > \"$1\"", "sh", input])
        #expect(make.wait(seconds: 30) && make.exitStatus == 0)

        // wl-clipboard's buffers (wl-copy's focus surface) are memfds without seals: they need --shm-policy copy.
        let (seawall, runtime) = try Self.start(["--shm-policy", "copy"])
        defer { seawall.terminate() }
        let copy = try Self.shell(runtime, "wl-copy < \"$1\" > /dev/null 2> \"$2\"", [input, errors])
        #expect(copy.exitStatus == 0, "\(copy.transcript)\n\(String(decoding: TestFiles.read(errors) ?? [], as: UTF8.self))")
        // wl-copy forks and offers the selection once its surface has the keyboard focus: wait for it.
        var pasted = false
        for _ in 0..<100 where !pasted {
            let paste = try Self.shell(runtime, "wl-paste --no-newline > \"$1\"", [output])
            pasted = paste.exitStatus == 0 && (TestFiles.read(output)?.count ?? 0) > 0
            if !pasted { usleep(50_000) }
        }
        #expect(pasted, "wl-paste never got the selection\n\(seawall.transcript)")
        let compare = try Self.shell(runtime, "cmp \"$1\" \"$2\"", [input, output])
        #expect(compare.exitStatus == 0, "the pasted bytes differ: \(compare.transcript)")

        // Without a keyboard, wl-paste has no seat to read from: "This seat has no keyboard".
        let (keyboardless, runtime2) = try Self.start(["--shm-policy", "copy", "--no-keyboard"])
        defer { keyboardless.terminate() }
        let refused = try Self.shell(runtime2, "wl-paste --no-newline", [])
        #expect(refused.exitStatus != 0, "\(refused.transcript)")
        #expect(refused.stderr.contains("keyboard"), "\(refused.transcript)")
        try? TestFiles.remove(directory)
    }

    @Test("wl-copy --primary and wl-copy, then wl-paste --primary and wl-paste, under the real seawall: each selection keeps its own text")
    func primarySelectionRoundTrip() throws {
        for tool in ["/usr/bin/wl-copy", "/usr/bin/wl-paste"] {
            try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's wl-clipboard")
        }
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-primary")
        defer { try? TestFiles.remove(directory) }
        let (seawall, runtime) = try Self.start(["--shm-policy", "copy"])
        defer { seawall.terminate() }
        /// Pastes (wl-paste with `flags`) until the text is there or 5 s have passed; the last output.
        func paste(_ flags: String, expecting text: String) throws -> String {
            let output = directory + "/out"
            var pasted = ""
            for _ in 0..<100 where pasted != text {
                let child = try Self.shell(runtime, "wl-paste --no-newline \(flags) > \"$1\"", [output])
                pasted = child.exitStatus == 0 ? String(decoding: TestFiles.read(output) ?? [], as: UTF8.self) : ""
                if pasted != text { usleep(50_000) }
            }
            return pasted
        }
        let primaryText = "middle-click \(getpid())", clipboardText = "ctrl-v \(getpid())"
        let copyPrimary = try Self.shell(runtime, "wl-copy --primary \"$1\" > /dev/null 2>&1", [primaryText])
        #expect(copyPrimary.exitStatus == 0, "\(copyPrimary.transcript)")
        #expect(try paste("--primary", expecting: primaryText) == primaryText, "wl-paste --primary: \(seawall.transcript)")
        // The clipboard is another selection: still empty ("Nothing is copied"), then its own text.
        let empty = try Self.shell(runtime, "wl-paste --no-newline", [])
        #expect(empty.exitStatus != 0 && empty.stdout.isEmpty, "\(empty.transcript)")
        let copyClipboard = try Self.shell(runtime, "wl-copy \"$1\" > /dev/null 2>&1", [clipboardText])
        #expect(copyClipboard.exitStatus == 0, "\(copyClipboard.transcript)")
        #expect(try paste("", expecting: clipboardText) == clipboardText)
        #expect(try paste("--primary", expecting: primaryText) == primaryText, "setting the clipboard left the primary selection alone")
        // wl-copy --primary --clear empties the primary selection only.
        let clear = try Self.shell(runtime, "wl-copy --primary --clear", [])
        #expect(clear.exitStatus == 0, "\(clear.transcript)")
        var cleared = false
        for _ in 0..<100 where !cleared {
            cleared = try Self.shell(runtime, "wl-paste --primary --no-newline", []).exitStatus != 0
            if !cleared { usleep(50_000) }
        }
        #expect(cleared, "the primary selection outlived wl-copy --primary --clear")
        #expect(try paste("", expecting: clipboardText) == clipboardText)
    }
}
