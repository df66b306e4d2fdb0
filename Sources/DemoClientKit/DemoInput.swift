import CClientShims
import CWaylandClient
import Glibc

/// `seawall-demo --print-input`: binds wl_seat, takes a wl_pointer, a wl_keyboard and a wl_touch when the seat
/// has them, and prints each pointer, keyboard and touch event as one line on stdout ("pointer enter 18.0 28.0", "pointer button 272 pressed",
/// "pointer axis_source 0", "pointer axis_discrete 0 3", "pointer axis 0 45.0", "pointer axis_stop 1", …;
/// wl_pointer.frame as "pointer frame" only with `printsFrames`), so tests and people can see what the
/// compositor sends. With `printText`, each keymap is also compiled with libxkbcommon ("keyboard keymap" on
/// success, "keyboard keymap failed" if not) and each pressed key's text is printed after its key line
/// ("keyboard text é"; KeymapText.swift).
public final class InputPrinter {
    /// The bound wl_seat.
    public private(set) var seat: OpaquePointer?
    /// The wl_pointer, once the seat has a pointer.
    public private(set) var pointer: OpaquePointer?
    private var touch: OpaquePointer?
    private var keyboard: OpaquePointer?
    /// Called with the wl_seat and the serial of each button press (seawall-demo --move-on-press).
    public var onPress: ((OpaquePointer, UInt32) -> Void)?
    /// Also print each wl_pointer.frame ("pointer frame"; seawall-demo --print-frames).
    public let printsFrames: Bool

    /// Called once the seat's wl_pointer is made (seawall-demo --constrain).
    public var onPointer: ((OpaquePointer) -> Void)?

    /// Called after each button press, key press and touch down is printed (seawall-demo --stall-after-input).
    public var onInput: (() -> Void)?

    static func input(_ data: UnsafeMutableRawPointer?) {
        guard let data else { return }
        Unmanaged<InputPrinter>.fromOpaque(data).takeUnretainedValue().onInput?()
    }

    /// Compiles keymaps and prints what pressed keys type (nil: not asked, or libxkbcommon missing).
    private var keymapText: KeymapText?
    private let printText: Bool

    public init(printsFrames: Bool = false, printText: Bool = false) {
        self.printsFrames = printsFrames
        self.printText = printText
        if printText { keymapText = KeymapText() }
    }

    /// `wl_registry_bind` of wl_seat (version ≤ 5, for wl_pointer.frame).
    func bind(registry: OpaquePointer, name: UInt32, version: UInt32) {
        guard seat == nil, let proxy = wl_registry_bind(registry, name, sw_client_interface_wl_seat(), min(version, 5))
        else { return }
        let seat = OpaquePointer(proxy)
        self.seat = seat
        wl_seat_add_listener(seat, InputPrinter.seatListener, Unmanaged.passUnretained(self).toOpaque())
    }

    fileprivate func capabilities(_ caps: UInt32) {
        let hasPointer = caps & WL_SEAT_CAPABILITY_POINTER.rawValue != 0
        if hasPointer, pointer == nil, let seat, let pointer = wl_seat_get_pointer(seat) {
            self.pointer = pointer
            wl_pointer_add_listener(pointer, InputPrinter.pointerListener, Unmanaged.passUnretained(self).toOpaque())
            onPointer?(pointer)
        } else if !hasPointer, let pointer {
            wl_pointer_release(pointer)
            self.pointer = nil
        }
        let hasKeyboard = caps & WL_SEAT_CAPABILITY_KEYBOARD.rawValue != 0
        if hasKeyboard, keyboard == nil, let seat, let keyboard = wl_seat_get_keyboard(seat) {
            self.keyboard = keyboard
            wl_keyboard_add_listener(keyboard, InputPrinter.keyboardListener, Unmanaged.passUnretained(self).toOpaque())
        } else if !hasKeyboard, let keyboard {
            wl_keyboard_release(keyboard)
            self.keyboard = nil
        }
        let hasTouch = caps & WL_SEAT_CAPABILITY_TOUCH.rawValue != 0
        if hasTouch, touch == nil, let seat, let touch = wl_seat_get_touch(seat) {
            self.touch = touch
            wl_touch_add_listener(touch, InputPrinter.touchListener, Unmanaged.passUnretained(self).toOpaque())
        } else if !hasTouch, let touch {
            wl_touch_release(touch)
            self.touch = nil
        }
    }

    static func say(_ line: String) {
        print(line)
        fflush(nil)
    }

    func destroy() {
        if let keyboard { wl_keyboard_release(keyboard) }
        if let touch { wl_touch_release(touch) }
        if let pointer { wl_pointer_release(pointer) }
        if let seat { wl_seat_release(seat) }
        pointer = nil
        seat = nil
    }

    nonisolated(unsafe) static let seatListener: UnsafeMutablePointer<wl_seat_listener> = {
        let p = UnsafeMutablePointer<wl_seat_listener>.allocate(capacity: 1)
        p.initialize(to: wl_seat_listener(
            capabilities: { data, _, caps in
                guard let data else { return }
                Unmanaged<InputPrinter>.fromOpaque(data).takeUnretainedValue().capabilities(caps)
            },
            name: { _, _, _ in }))
        return p
    }()

    nonisolated(unsafe) static let keyboardListener: UnsafeMutablePointer<wl_keyboard_listener> = {
        let p = UnsafeMutablePointer<wl_keyboard_listener>.allocate(capacity: 1)
        p.initialize(to: wl_keyboard_listener(
            keymap: { data, _, _, fd, size in
                defer { close(fd) }
                guard let printer = data.map({ Unmanaged<InputPrinter>.fromOpaque($0).takeUnretainedValue() }), printer.printText else { return }
                say(printer.keymapText?.load(fd: fd, size: size) == true ? "keyboard keymap" : "keyboard keymap failed")
            },
            enter: { _, _, _, _, _ in say("keyboard enter") },
            leave: { _, _, _, _ in say("keyboard leave") },
            key: { data, _, _, _, key, state in
                let pressed = state == WL_KEYBOARD_KEY_STATE_PRESSED.rawValue
                say("keyboard key \(key) \(pressed ? "pressed" : "released")")
                guard pressed else { return }
                if let printer = data.map({ Unmanaged<InputPrinter>.fromOpaque($0).takeUnretainedValue() }),
                   let text = printer.keymapText?.text(key: key) {
                    say("keyboard text \(text)")
                }
                input(data)
            },
            modifiers: { data, _, _, depressed, latched, locked, group in
                say("keyboard modifiers \(depressed) \(latched) \(locked) \(group)")
                let printer = data.map { Unmanaged<InputPrinter>.fromOpaque($0).takeUnretainedValue() }
                printer?.keymapText?.modifiers(depressed: depressed, latched: latched, locked: locked, group: group)
            },
            repeat_info: { _, _, _, _ in }))
        return p
    }()

    nonisolated(unsafe) static let touchListener: UnsafeMutablePointer<wl_touch_listener> = {
        let p = UnsafeMutablePointer<wl_touch_listener>.allocate(capacity: 1)
        p.initialize(to: wl_touch_listener(
            down: { data, _, _, _, _, id, x, y in
                say("touch down \(id) \(wl_fixed_to_double(x)) \(wl_fixed_to_double(y))")
                input(data)
            },
            up: { _, _, _, _, id in say("touch up \(id)") },
            motion: { _, _, _, id, x, y in say("touch motion \(id) \(wl_fixed_to_double(x)) \(wl_fixed_to_double(y))") },
            frame: { _, _ in },
            cancel: { _, _ in say("touch cancel") },
            shape: { _, _, _, _, _ in },
            orientation: { _, _, _, _ in }))
        return p
    }()

    nonisolated(unsafe) static let pointerListener: UnsafeMutablePointer<wl_pointer_listener> = {
        let p = UnsafeMutablePointer<wl_pointer_listener>.allocate(capacity: 1)
        p.initialize(to: wl_pointer_listener(
            enter: { _, _, _, _, x, y in say("pointer enter \(wl_fixed_to_double(x)) \(wl_fixed_to_double(y))") },
            leave: { _, _, _, _ in say("pointer leave") },
            motion: { _, _, _, x, y in say("pointer motion \(wl_fixed_to_double(x)) \(wl_fixed_to_double(y))") },
            button: { data, _, serial, _, button, state in
                let pressed = state == WL_POINTER_BUTTON_STATE_PRESSED.rawValue
                say("pointer button \(button) \(pressed ? "pressed" : "released")")
                guard pressed, let data else { return }
                let printer = Unmanaged<InputPrinter>.fromOpaque(data).takeUnretainedValue()
                if let seat = printer.seat { printer.onPress?(seat, serial) }
                printer.onInput?()
            },
            axis: { _, _, _, axis, value in say("pointer axis \(axis) \(wl_fixed_to_double(value))") },
            frame: { data, _ in
                guard let data, Unmanaged<InputPrinter>.fromOpaque(data).takeUnretainedValue().printsFrames else { return }
                say("pointer frame")
            },
            axis_source: { _, _, source in say("pointer axis_source \(source)") },
            axis_stop: { _, _, _, axis in say("pointer axis_stop \(axis)") },
            axis_discrete: { _, _, axis, discrete in say("pointer axis_discrete \(axis) \(discrete)") },
            axis_value120: { _, _, _, _ in }))
        return p
    }()
}
