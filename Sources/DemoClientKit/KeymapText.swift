import Glibc

/// `seawall-demo --print-input --print-text`: what the keys a client gets would type, as a real client
/// decides it. Each keymap the compositor sends is compiled by libxkbcommon (Debian's libxkbcommon0, loaded
/// with dlopen so that nothing else needs it), modifiers events update its state, and each pressed key's
/// UTF-8 is asked of that state, as toolkits do.
final class KeymapText {
    private typealias ContextNew = @convention(c) (Int32) -> OpaquePointer?
    private typealias KeymapNew = @convention(c) (OpaquePointer?, UnsafePointer<CChar>, Int32, Int32) -> OpaquePointer?
    private typealias StateNew = @convention(c) (OpaquePointer?) -> OpaquePointer?
    private typealias Unref = @convention(c) (OpaquePointer?) -> Void
    private typealias UpdateMask = @convention(c) (OpaquePointer?, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) -> Int32
    private typealias KeyUTF8 = @convention(c) (OpaquePointer?, UInt32, UnsafeMutablePointer<CChar>?, Int) -> Int32

    private let contextNew: ContextNew, keymapNew: KeymapNew, stateNew: StateNew
    private let keymapUnref: Unref, stateUnref: Unref
    private let updateMask: UpdateMask, keyUTF8: KeyUTF8
    private let context: OpaquePointer
    private var keymap: OpaquePointer?
    private var state: OpaquePointer?

    /// nil (and a line on standard error) when libxkbcommon.so.0 is missing.
    init?() {
        guard let library = dlopen("libxkbcommon.so.0", RTLD_NOW) else {
            let message = "seawall-demo: --print-text needs libxkbcommon.so.0 (Debian: libxkbcommon0)\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            return nil
        }
        func symbol<T>(_ name: String, _: T.Type) -> T? { dlsym(library, name).map { unsafeBitCast($0, to: T.self) } }
        guard let contextNew = symbol("xkb_context_new", ContextNew.self),
              let keymapNew = symbol("xkb_keymap_new_from_string", KeymapNew.self),
              let stateNew = symbol("xkb_state_new", StateNew.self),
              let keymapUnref = symbol("xkb_keymap_unref", Unref.self),
              let stateUnref = symbol("xkb_state_unref", Unref.self),
              let updateMask = symbol("xkb_state_update_mask", UpdateMask.self),
              let keyUTF8 = symbol("xkb_state_key_get_utf8", KeyUTF8.self),
              let context = contextNew(0)   // default include paths, as toolkits have (wtype's keymap includes "complete")
        else { return nil }
        (self.contextNew, self.keymapNew, self.stateNew) = (contextNew, keymapNew, stateNew)
        (self.keymapUnref, self.stateUnref, self.updateMask, self.keyUTF8) = (keymapUnref, stateUnref, updateMask, keyUTF8)
        self.context = context
    }

    /// wl_keyboard.keymap: reads `size` bytes of `fd` (pread) and compiles them; false if that fails.
    func load(fd: Int32, size: UInt32) -> Bool {
        if let state { stateUnref(state) }
        if let keymap { keymapUnref(keymap) }
        state = nil
        keymap = nil
        var bytes = [CChar](repeating: 0, count: Int(size) + 1)
        var done = 0
        while done < Int(size) {
            let n = bytes.withUnsafeMutableBytes { buffer in
                buffer.baseAddress.map { pread(fd, $0 + done, Int(size) - done, off_t(done)) } ?? -1
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        guard let compiled = keymapNew(context, bytes, 1, 0) else { return false }   // XKB_KEYMAP_FORMAT_TEXT_V1
        keymap = compiled
        state = stateNew(compiled)
        return state != nil
    }

    /// wl_keyboard.modifiers.
    func modifiers(depressed: UInt32, latched: UInt32, locked: UInt32, group: UInt32) {
        guard let state else { return }
        _ = updateMask(state, depressed, latched, locked, 0, 0, group)
    }

    /// The text a press of evdev `key` types now (nil for none, as for Shift), escaped to stay on one line: \r \n \t \\ and
    /// other control characters as \u{…}.
    func text(key: UInt32) -> String? {
        guard let state else { return nil }
        var buffer = [CChar](repeating: 0, count: 64)
        let n = keyUTF8(state, key + 8, &buffer, buffer.count)
        guard n > 0, Int(n) < buffer.count else { return nil }
        var out = ""
        for scalar in String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case _ where scalar.properties.generalCategory == .control: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
