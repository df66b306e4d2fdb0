import CProtocolsServer
import CWaylandServer
import Compositor
import Glibc
import SystemCalls

/// zwp_virtual_keyboard_v1: a keyboard a client drives. Its keymap is copied out of the client's file into a
/// sealed memfd of Seawall's (never mapped: a client could truncate a mapped file and Seawall would die of
/// SIGBUS); its keys and modifiers reach the keyboard focus in that keymap, which the compositor sends to the
/// focused client first when it holds another (KeymapSwitching.swift). Keys it holds when it goes away, by
/// request or with its client, are released to the surface that got them, and Seawall's keymap comes back.
///
/// Errors: key or modifiers before a keymap → `no_keymap`; a keymap that is not one (wrong format, size 0 or
/// over 1 MiB, a file shorter than the size, not a regular file, not UTF-8 XKB text), a key code past evdev's
/// KEY_MAX, a state that is neither pressed nor released → `wl_display.invalid_method`; more keymaps or
/// keymap switches than a virtual keyboard may cause, or keys faster than the focused window reads them →
/// an implementation error. Each message names the request and what was wrong, in under 128 bytes
/// (libwayland cuts a protocol error's message there).
final class ZwpVirtualKeyboardV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    let client: OpaquePointer
    /// The compositor's view of it: keymap, keys held, switches caused.
    let source: KeySource
    private var keymapsSet = 0

    /// The largest keymap accepted, in bytes (Seawall's own is about 8 KiB; a full xkbcomp dump ~100 KiB).
    static let maxKeymapBytes: UInt32 = 1 << 20
    /// The most keymap requests one virtual keyboard may make (each is a new file sent to focused clients).
    static let maxKeymaps = 100
    /// evdev's KEY_MAX: key codes above it name no key.
    static let highestKey: UInt32 = 0x2ff

    static let implementation = Implementation(zwp_virtual_keyboard_v1_interface(
        keymap: { _, resource, format, fd, size in
            // The fd is ours from the first line on: closed on every path that does not copy it.
            let owned = OwnedFD(taking: fd)
            guard let keyboard = ZwpVirtualKeyboardV1.from(resource) else { return }
            keyboard.setKeymap(format: format, fd: owned, size: size)
        },
        key: { _, resource, _, key, state in
            ZwpVirtualKeyboardV1.from(resource)?.key(key, state: state)
        },
        modifiers: { _, resource, depressed, latched, locked, group in
            ZwpVirtualKeyboardV1.from(resource)?.modifiers(depressed: depressed, latched: latched, locked: locked, group: group)
        },
        destroy: Resource.destroyRequest))

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32) {
        guard let (_, keyboard) = makeResource(client: client, version: version, id: id, {
            ZwpVirtualKeyboardV1(server: server, resource: $0, client: client)
        }) else { return }
        server.seat.virtualKeyboards.append(keyboard)
    }

    private init(server: Server, resource: OpaquePointer, client: OpaquePointer) {
        self.server = server
        self.resource = resource
        self.client = client
        source = KeySource(client: ClientID(client))
    }

    /// Gone by request, by an error, or with its client: no stuck keys, Seawall's keymap back.
    func resourceDestroyed() {
        server.seat.virtualKeyboards.removeAll { $0 === self }
        server.compositor.keySourceGone(source)
    }

    private var name: String { "zwp_virtual_keyboard_v1@\(wl_resource_get_id(resource))" }

    private func setKeymap(format: UInt32, fd: consuming OwnedFD, size: UInt32) {
        guard keymapsSet < Self.maxKeymaps else {
            return server.postImplementationError(client: client, "\(name).keymap: more than \(Self.maxKeymaps) keymaps for one virtual keyboard")
        }
        keymapsSet += 1
        let bytes: [UInt8]
        do { bytes = try Self.copyKeymap(format: format, fd: fd, size: size) } catch {
            return server.postInvalidRequest(client: client, "\(name).keymap: \(error.description)")
        }
        let file: KeymapFile
        do { file = try KeymapFile(bytes: bytes) } catch {
            return server.postImplementationError(client: client, "\(name).keymap: Seawall could not make its copy: \(error)")
        }
        server.compositor.setKeymap(KeymapHandle(file: file), of: source)
    }

    private func key(_ code: UInt32, state: UInt32) {
        guard source.keymap != nil else {
            return Resource.postError(resource, code: ZWP_VIRTUAL_KEYBOARD_V1_ERROR_NO_KEYMAP.rawValue, "\(name).key before any keymap request")
        }
        guard code <= Self.highestKey else {
            return server.postInvalidRequest(client: client, "\(name).key: key code \(code) is out of range (evdev codes end at KEY_MAX, \(Self.highestKey))")
        }
        guard state == WL_KEYBOARD_KEY_STATE_RELEASED.rawValue || state == WL_KEYBOARD_KEY_STATE_PRESSED.rawValue else {
            return server.postInvalidRequest(client: client, "\(name).key: state \(state) is neither released (0) nor pressed (1)")
        }
        do throws(KeyRefusal) {
            try server.compositor.key(code, pressed: state == WL_KEYBOARD_KEY_STATE_PRESSED.rawValue, from: source)
        } catch {
            return server.postImplementationError(client: client, "\(name).key: \(error.description)")
        }
        checkBacklog("key")
    }

    private func modifiers(depressed: UInt32, latched: UInt32, locked: UInt32, group: UInt32) {
        guard source.keymap != nil else {
            return Resource.postError(resource, code: ZWP_VIRTUAL_KEYBOARD_V1_ERROR_NO_KEYMAP.rawValue, "\(name).modifiers before any keymap request")
        }
        do throws(KeyRefusal) {
            try server.compositor.modifiers(depressed: depressed, latched: latched, locked: locked, group: group, from: source)
        } catch {
            return server.postImplementationError(client: client, "\(name).modifiers: \(error.description)")
        }
        checkBacklog("modifiers")
    }

    /// A virtual keyboard may not type faster than the focused window reads: the window would otherwise be
    /// disconnected when its socket's buffer filled.
    private func checkBacklog(_ request: String) {
        guard let focus = server.compositor.keyboardFocusClient, server.isBacklogged(focus) else { return }
        server.postImplementationError(client: client,
            "\(name).\(request): typed faster than the focused window reads (half its socket buffer is unread)")
    }

    /// The keymap in `fd` as the bytes to send: read with pread (never mapped), checked to be UTF-8 XKB text
    /// with nothing after its end but NULs, and NUL-terminated. The fd need not be sealed: it is copied.
    static func copyKeymap(format: UInt32, fd: borrowing OwnedFD, size: UInt32) throws(KeyRefusal) -> [UInt8] {
        guard format == WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1.rawValue else {
            throw KeyRefusal("format \(format) is not xkb_v1 (\(WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1.rawValue)), the only keymap format Seawall takes")
        }
        guard size > 0 else { throw KeyRefusal("size 0: a keymap file cannot be empty") }
        guard size <= maxKeymapBytes else { throw KeyRefusal("size \(size) bytes is over the limit of \(maxKeymapBytes) bytes (1 MiB)") }
        guard let type = try? fd.fileType(), type == S_IFREG else {
            throw KeyRefusal("the fd is not a regular file (a memfd or a file): Seawall reads keymaps only from those")
        }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        let complete = bytes.withUnsafeMutableBytes { buffer in
            buffer.baseAddress.map { fd.read(into: $0, count: buffer.count, at: 0) } ?? false
        }
        guard complete else { throw KeyRefusal("the file holds fewer than the \(size) bytes announced (or cannot be read)") }
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        guard bytes[end...].allSatisfy({ $0 == 0 }) else {
            throw KeyRefusal("a NUL byte at offset \(end) comes before the end of the text: not an XKB keymap")
        }
        guard let text = String(validating: bytes[..<end], as: UTF8.self) else { throw KeyRefusal("the keymap is not UTF-8 text") }
        guard text.contains("xkb_keymap") else { throw KeyRefusal("the text has no xkb_keymap block: not an XKB keymap") }
        return Array(bytes[..<end]) + [0]
    }
}
