import CWaylandServer
import ClientMemory
import SystemCalls

/// wl_keyboard: one client's view of the seat's keyboard focus. It gets Seawall's keymap (`Keymap`, in a
/// sealed memfd) and repeat info when made, then enter/leave (with modifiers) as the focus moves between
/// windows and grabbing popups (`Seat`), and the keys `seawall ctl key` types, with modifiers.
final class WlKeyboard: SeatResource, ProtocolObject {
    static let implementation = Implementation(wl_keyboard_interface(release: Resource.destroyRequest))

    static func create(seat: Seat, keymap: KeymapFile?, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let keyboard = make(seat: seat, client: client, version: version, id: id) else { return }
        if let keymap {
            wl_keyboard_send_keymap(keyboard.resource, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1.rawValue, keymap.fd.rawValue, keymap.size)
        }
        if version >= 4 { wl_keyboard_send_repeat_info(keyboard.resource, 25, 600) }
        seat.keyboardBound(keyboard)
    }

    /// wl_keyboard.enter with no keys down, then modifiers (none).
    func enter(_ surface: OpaquePointer, serial: UInt32) {
        var keys = wl_array()
        wl_array_init(&keys)
        wl_keyboard_send_enter(resource, serial, surface, &keys)
        wl_array_release(&keys)
        wl_keyboard_send_modifiers(resource, serial, 0, 0, 0, 0)
    }

    func leave(_ surface: OpaquePointer, serial: UInt32) {
        wl_keyboard_send_leave(resource, serial, surface)
    }
}

/// Seawall's keymap file, made once per server and sent (libwayland duplicates the fd) to every keyboard.
final class KeymapFile {
    let fd: OwnedFD
    let size: UInt32

    init() throws(SystemError) {
        fd = try Keymap.makeFile()
        size = Keymap.fileSize
    }
}
