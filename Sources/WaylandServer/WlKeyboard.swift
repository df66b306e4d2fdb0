import CWaylandServer
import ClientMemory
import SystemCalls

/// wl_keyboard: one client's view of the seat's keyboard focus. It gets the keymap its client's keyboards
/// hold (Seawall's, `Keymap`, in a sealed memfd, unless the compositor switched the client to another:
/// KeymapSwitching.swift) and repeat info when made, then enter/leave (with modifiers) as the focus moves
/// between windows and grabbing popups (`Seat`), and the keys `seawall ctl key`/`type` and virtual keyboards
/// type, with modifiers and, when they need it, another keymap.
final class WlKeyboard: SeatResource, ProtocolObject {
    static let implementation = Implementation(wl_keyboard_interface(release: Resource.destroyRequest))

    static func create(seat: Seat, keymap: KeymapFile?, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let keyboard = make(seat: seat, client: client, version: version, id: id) else { return }
        if let keymap { keyboard.send(keymap) }
        if version >= 4 { wl_keyboard_send_repeat_info(keyboard.resource, 25, 600) }
        seat.keyboardBound(keyboard)
    }

    /// wl_keyboard.enter with no keys down, then modifiers (none).
    func enter(_ surface: OpaquePointer, serial: UInt32) {
        Resource.withArray(of: []) { wl_keyboard_send_enter(resource, serial, surface, $0) }
        wl_keyboard_send_modifiers(resource, serial, 0, 0, 0, 0)
    }

    /// wl_keyboard.keymap (libwayland duplicates the fd into the message).
    func send(_ keymap: KeymapFile) {
        wl_keyboard_send_keymap(resource, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1.rawValue, keymap.fd.rawValue, keymap.size)
    }

    func leave(_ surface: OpaquePointer, serial: UInt32) {
        wl_keyboard_send_leave(resource, serial, surface)
    }
}

/// A keymap in a memfd sealed against every change, sent (libwayland duplicates the fd) to keyboards:
/// Seawall's own, made once per server; one `seawall ctl type` made; one a virtual keyboard gave (copied).
final class KeymapFile {
    let fd: OwnedFD
    let size: UInt32

    /// Seawall's keymap.
    convenience init() throws(SystemError) { try self.init(bytes: Array(Keymap.text.utf8) + [0]) }

    /// `bytes` as they are (a keymap text and its terminating NUL). At most 4 GiB − 1 bytes.
    init(bytes: [UInt8]) throws(SystemError) {
        precondition(bytes.count < Int(UInt32.max), "keymap larger than wl_keyboard.keymap can announce")
        fd = try Keymap.makeFile(bytes: bytes)
        size = UInt32(bytes.count)
    }
}
