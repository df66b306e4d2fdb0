import CClientShims
import CProtocolsClient
import CShims
import CWaylandClient
import Glibc

/// zwp_virtual_keyboard_v1 against a Seawall started with --allow-virtual-input: keymap files that are not
/// what they claim, keys that name nothing, keys held when the keyboard's client goes away, and floods.
/// The test's well-behaved client has the keyboard focus and prints what it gets (--print-text).

/// A standalone keymap whose key 30 (XKB 38) types `symbol` and key 31 (XKB 39) types ☃.
func attackKeymap(_ symbol: String = "U263A") -> String {
    """
    xkb_keymap {
    xkb_keycodes "attack" { minimum = 8; maximum = 255; <K38> = 38; <K39> = 39; };
    xkb_types "attack" { type "ONE_LEVEL" { modifiers = none; level_name[Level1] = "Any"; }; };
    xkb_compatibility "attack" { };
    xkb_symbols "attack" { key <K38> { [ \(symbol) ] }; key <K39> { [ U2603 ] }; };
    };

    """
}

extension AttackClient {
    /// A new zwp_virtual_keyboard_v1 on the seat; nil (and a note) without the manager.
    func virtualKeyboard() -> OpaquePointer? {
        guard let manager = virtualKeyboardManager, let seat = input?.seat else {
            note("no zwp_virtual_keyboard_manager_v1 (is --allow-virtual-input set?)")
            return nil
        }
        return zwp_virtual_keyboard_manager_v1_create_virtual_keyboard(manager, seat)
    }

    /// An unsealed memfd ("seawall-attack-keymap") holding `bytes`.
    func keymapFile(_ bytes: [UInt8]) -> Int32 {
        let fd = sw_memfd_create("seawall-attack-keymap", UInt32(SW_MFD_CLOEXEC))
        guard fd >= 0, bytes.withUnsafeBytes({ pwrite(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { return -1 }
        return fd
    }

    /// A virtual keyboard with `attackKeymap(symbol)` (the fd closed again at once).
    func keyboardWithKeymap(_ symbol: String = "U263A") -> OpaquePointer? {
        let bytes = Array(attackKeymap(symbol).utf8) + [0]
        let fd = keymapFile(bytes)
        guard fd >= 0, let keyboard = virtualKeyboard() else { return nil }
        zwp_virtual_keyboard_v1_keymap(keyboard, 1, fd, UInt32(bytes.count))
        close(fd)
        return keyboard
    }
}

/// One keymap request with `fd` (closed afterwards), `size` and `format` on a fresh virtual keyboard.
private func keymapScenario(_ name: String, _ summary: String, format: UInt32 = 1, size: UInt32,
                            _ makeFD: @escaping @Sendable (AttackClient) -> Int32) -> Scenario {
    Scenario(name: name, summary: summary) { client in
        let fd = makeFD(client)
        defer { close(fd) }
        guard fd >= 0, let keyboard = client.virtualKeyboard() else { return note("setup failed") }
        zwp_virtual_keyboard_v1_keymap(keyboard, format, fd, size)
        wl_display_roundtrip(client.display)
    }
}

let virtualKeyboardScenarios: [Scenario] = [
    Scenario(name: "virtual-keyboard-unsealed-keymap", summary: "a keymap in an unsealed memfd, truncated to 0 after the request, then a key") { client in
        let bytes = Array(attackKeymap().utf8) + [0]
        let fd = client.keymapFile(bytes)
        defer { close(fd) }
        guard fd >= 0, let keyboard = client.virtualKeyboard() else { return note("setup failed") }
        zwp_virtual_keyboard_v1_keymap(keyboard, 1, fd, UInt32(bytes.count))
        wl_display_roundtrip(client.display)
        _ = ftruncate(fd, 0)   // a mapping of it would now raise SIGBUS; Seawall's copy is untouched
        zwp_virtual_keyboard_v1_key(keyboard, 0, 30, 1)
        zwp_virtual_keyboard_v1_key(keyboard, 0, 30, 0)
        wl_display_roundtrip(client.display)
        note("typed with a truncated keymap file")
    },
    keymapScenario("virtual-keyboard-truncated-keymap", "a keymap request whose size is larger than its file", size: 65536) { client in
        client.keymapFile(Array(attackKeymap().utf8))
    },
    keymapScenario("virtual-keyboard-huge-keymap", "a keymap request of 64 MiB (a sparse file of that size)", size: 64 << 20) { client in
        let fd = client.keymapFile(Array(attackKeymap().utf8))
        _ = ftruncate(fd, 64 << 20)
        return fd
    },
    keymapScenario("virtual-keyboard-empty-keymap", "a keymap request of size 0", size: 0) { client in
        client.keymapFile(Array(attackKeymap().utf8))
    },
    keymapScenario("virtual-keyboard-keymap-format", "a keymap request with format 7", format: 7, size: 64) { client in
        client.keymapFile(Array(attackKeymap().utf8))
    },
    keymapScenario("virtual-keyboard-garbage-keymap", "a keymap of 4096 bytes that are not UTF-8", size: 4096) { client in
        client.keymapFile((0..<4096).map { UInt8(0x80 | ($0 & 0x7f)) })
    },
    keymapScenario("virtual-keyboard-pipe-keymap", "a keymap request whose fd is a pipe", size: 64) { _ in
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return -1 }
        _ = write(fds[1], "xkb_keymap", 10)
        close(fds[1])
        return fds[0]
    },
    Scenario(name: "virtual-keyboard-key-before-keymap", summary: "a key request before any keymap") { client in
        guard let keyboard = client.virtualKeyboard() else { return }
        zwp_virtual_keyboard_v1_key(keyboard, 0, 30, 1)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "virtual-keyboard-key-out-of-range", summary: "a key with code 65536") { client in
        guard let keyboard = client.keyboardWithKeymap() else { return }
        zwp_virtual_keyboard_v1_key(keyboard, 0, 65536, 1)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "virtual-keyboard-bad-key-state", summary: "a key with state 2") { client in
        guard let keyboard = client.keyboardWithKeymap() else { return }
        zwp_virtual_keyboard_v1_key(keyboard, 0, 30, 2)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "virtual-keyboard-held-keys-then-disconnect", summary: "press two keys (and Shift in the modifiers), never release them, disconnect") { client in
        guard let keyboard = client.keyboardWithKeymap() else { return }
        zwp_virtual_keyboard_v1_key(keyboard, 0, 30, 1)
        zwp_virtual_keyboard_v1_key(keyboard, 0, 31, 1)
        zwp_virtual_keyboard_v1_modifiers(keyboard, 1, 0, 0, 0)
        wl_display_roundtrip(client.display)
        note("left two keys down")
    },
    Scenario(name: "virtual-keyboard-many-keymaps", summary: "101 keymap requests on one virtual keyboard") { client in
        let bytes = Array(attackKeymap().utf8) + [0]
        let fd = client.keymapFile(bytes)
        defer { close(fd) }
        guard fd >= 0, let keyboard = client.virtualKeyboard() else { return note("setup failed") }
        for i in 0..<101 {
            zwp_virtual_keyboard_v1_keymap(keyboard, 1, fd, UInt32(bytes.count))
            if i % 20 == 19 && wl_display_roundtrip(client.display) < 0 { return }
        }
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "virtual-keyboard-too-many", summary: "17 virtual keyboards on one connection") { client in
        for _ in 0..<17 { _ = client.virtualKeyboard() }
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "virtual-keyboard-keymap-flip", summary: "two virtual keyboards with different keymaps taking turns, 1001 keys each (each switches the focused window's keymap)") { client in
        guard let first = client.keyboardWithKeymap("U263A"), let second = client.keyboardWithKeymap("U2602") else { return }
        for i in 0..<1001 {
            for keyboard in [first, second] {
                zwp_virtual_keyboard_v1_key(keyboard, 0, 30, 1)
                zwp_virtual_keyboard_v1_key(keyboard, 0, 30, 0)
            }
            // Slow enough for the focused window to read: the switch limit, not the backlog, is the test.
            if i % 20 == 19 { usleep(20_000); if wl_display_roundtrip(client.display) < 0 { return } }
        }
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "virtual-keyboard-flood", summary: "100,000 key presses and releases as fast as the socket takes them", run: flood),
    Scenario(name: "virtual-keyboard-flood-unread", summary: "the same flood while the focused window reads nothing (the test stops it)", run: flood),
]

/// 100,000 key events, draining the socket as it goes.
@Sendable private func flood(_ client: AttackClient) {
    guard let keyboard = client.keyboardWithKeymap() else { return }
    for i in 0..<50_000 {
        zwp_virtual_keyboard_v1_key(keyboard, 0, 30, 1)
        zwp_virtual_keyboard_v1_key(keyboard, 0, 30, 0)
        if i % 64 == 63 && !drain(client.display) { return }
    }
    wl_display_roundtrip(client.display)
}
