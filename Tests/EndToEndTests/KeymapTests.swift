import Glibc
import ClientMemory
import Compositor
import Testing
@testable import WaylandServer

/// The keymap every wl_keyboard gets: a sealed file that a real libxkbcommon (Debian's libxkbcommon0, which
/// every toolkit uses to read keymaps) compiles into the keys it claims.
struct KeymapTests {
    @Test("the keymap file is sealed against every change and holds the text with its NUL")
    func sealedFile() throws {
        let fd = try Keymap.makeFile()
        #expect(try fd.seals() == [.shrink, .grow, .write, .seal])
        #expect(try fd.fileSize() == Int64(Keymap.fileSize))
        var bytes = [UInt8](repeating: 0, count: Int(Keymap.fileSize))
        #expect(pread(fd.rawValue, &bytes, bytes.count, 0) == bytes.count)
        #expect(bytes == Array(Keymap.text.utf8) + [0])
        #expect(pwrite(fd.rawValue, "x", 1, 0) == -1 && errno == EPERM, "F_SEAL_WRITE refuses writes")
    }

    @Test("libxkbcommon compiles it: a is a/A, 1 is 1/!, the space bar is space, Shift is Shift_L")
    func xkbcommonCompilesIt() throws {
        let library = try #require(dlopen("libxkbcommon.so.0", RTLD_NOW),
                                   "libxkbcommon.so.0 is missing: install Debian's libxkbcommon0 (tools/test does this as root)")
        defer { dlclose(library) }
        typealias ContextNew = @convention(c) (Int32) -> OpaquePointer?
        typealias KeymapNew = @convention(c) (OpaquePointer?, UnsafePointer<CChar>, Int32, Int32) -> OpaquePointer?
        typealias SymsByLevel = @convention(c) (OpaquePointer?, UInt32, UInt32, UInt32,
                                                UnsafeMutablePointer<UnsafePointer<UInt32>?>) -> Int32
        typealias Unref = @convention(c) (OpaquePointer?) -> Void
        func symbol<T>(_ name: String, _: T.Type) throws -> T {
            unsafeBitCast(try #require(dlsym(library, name), "\(name) not found"), to: T.self)
        }
        let contextNew = try symbol("xkb_context_new", ContextNew.self)
        let keymapNew = try symbol("xkb_keymap_new_from_string", KeymapNew.self)
        let symsByLevel = try symbol("xkb_keymap_key_get_syms_by_level", SymsByLevel.self)
        let keymapUnref = try symbol("xkb_keymap_unref", Unref.self)
        let contextUnref = try symbol("xkb_context_unref", Unref.self)

        let context = contextNew(1)   // XKB_CONTEXT_NO_DEFAULT_INCLUDES: the keymap must stand alone
        defer { contextUnref(context) }
        let keymap = try #require(keymapNew(context, Keymap.text, 1, 0), "XKB_KEYMAP_FORMAT_TEXT_V1 did not compile")
        defer { keymapUnref(keymap) }
        func keysym(_ keycode: UInt32, level: UInt32) -> UInt32? {
            var syms: UnsafePointer<UInt32>?
            guard symsByLevel(keymap, keycode, 0, level, &syms) == 1, let syms else { return nil }
            return syms[0]
        }
        // evdev KEY_A = 30, KEY_1 = 2, KEY_SPACE = 57, KEY_LEFTSHIFT = 42; XKB key codes are evdev + 8.
        #expect(keysym(38, level: 0) == 0x61 && keysym(38, level: 1) == 0x41)
        #expect(keysym(10, level: 0) == 0x31 && keysym(10, level: 1) == 0x21)
        #expect(keysym(65, level: 0) == 0x20)
        #expect(keysym(50, level: 0) == 0xffe1)

        // `seawall ctl type`'s keymaps: Seawall's plus keys on unused codes with Unicode keysyms.
        let extra = Keymap.text(adding: [.init(code: 120, keysym: "U20AC"), .init(code: 247, keysym: "U00E9"), .init(code: 121, keysym: "U1F600")])
        #expect(extra.hasPrefix("xkb_keymap {") && extra.count > Keymap.text.count)
        let extended = try #require(keymapNew(context, extra, 1, 0), "the keymap with added keys did not compile")
        defer { keymapUnref(extended) }
        func extendedKeysym(_ keycode: UInt32) -> UInt32? {
            var syms: UnsafePointer<UInt32>?
            guard symsByLevel(extended, keycode, 0, 0, &syms) == 1, let syms else { return nil }
            return syms[0]
        }
        #expect(extendedKeysym(128) == 0x10020ac && extendedKeysym(255) == 0xe9 && extendedKeysym(129) == 0x101f600)
        #expect(extendedKeysym(38) == 0x61, "Seawall's own keys are still there")
        #expect(Keymap.text(adding: []) == Keymap.text)
    }
}
