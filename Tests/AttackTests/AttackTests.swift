import ClientMemory
import Compositor
import Glibc
import SeawallTestSupport
import Testing
import WaylandServer

/// What an attack should end in.
enum Expected: Sendable, CustomStringConvertible {
    /// The attack is harmless: the attacker carries on (and whatever it drew is shown).
    case ok
    /// A protocol error on `interface` with `code`, and a message containing `words`.
    case error(String, UInt32, String)
    /// The connection is cut (by libwayland, for a client whose queue is full).
    case disconnected
    /// wl_display's own errors (invalid object), which libwayland-client reports as a broken connection.
    case disconnectedSaying(String)
    /// The attacker kills itself mid-request.
    case killed
    /// The attack cannot be made on this machine (e.g. no huge pages) or errors out cleanly.
    case okOrError(String, UInt32, String)

    var description: String {
        switch self {
        case .ok: return "ok"
        case .error(let i, let c, let w): return "\(i) error \(c) (\(w))"
        case .disconnected: return "disconnected"
        case .disconnectedSaying(let words): return "disconnected (\(words))"
        case .killed: return "killed"
        case .okOrError(let i, let c, let w): return "ok or \(i) error \(c) (\(w))"
        }
    }
}

struct Attack: Sendable, CustomStringConvertible {
    let scenario: String
    let expected: Expected
    var policy: ShmPolicy = .require
    /// The attack needs the pointer pressed on its window, then moved and released (Grabs.swift).
    var press = false
    /// Lines the attacker must print besides its verdict ("note: …").
    var notes: [String] = []
    /// Seawall runs with --allow-virtual-input and a pointer, and the good client prints its pointer events
    /// (`--print-input`); `goodSees` are the pointer lines it must have printed, in this order, by the end.
    var virtualInput = false
    /// The attack uses the virtual keyboard: Seawall allows virtual input and has a keyboard, and the good
    /// client (which has the keyboard focus) prints its keyboard events and text (--print-input --print-text).
    var virtualKeyboard = false
    /// Lines the good client must print, in this order (others may come between).
    var goodSees: [String] = []
    /// The good client is stopped (SIGSTOP) while the attack runs, so it reads nothing, and continued after.
    var stopGood = false
    /// The seat has a pointer (pointer constraint and relative pointer attacks need a wl_pointer).
    var pointer = false
    /// Outputs after the first (640x480, where the good client is): the several-output attacks have one more.
    var moreOutputs: [OutputSpec] = []
    var description: String { scenario }
}

/// An attack on Seawall with a second output, 800x600 at scale 2 right of the first (Outputs.swift).
func outputsAttack(_ scenario: String, _ expected: Expected, notes: [String] = []) -> Attack {
    Attack(scenario: scenario, expected: expected, notes: notes,
           moreOutputs: [OutputSpec(width: 800, height: 600, scale: OutputScale(integer: 2))])
}

/// A virtual-keyboard attack.
func keyboardAttack(_ scenario: String, _ expected: Expected, notes: [String] = [], goodSees: [String] = [], stopGood: Bool = false) -> Attack {
    Attack(scenario: scenario, expected: expected, notes: notes, virtualKeyboard: true, goodSees: goodSees, stopGood: stopGood)
}

let notSealed = "pool fd is not sealed with F_SEAL_SHRINK"

let attacks: [Attack] = [
    Attack(scenario: "memfd-without-sealing", expected: .error("wl_shm", 2, "\(notSealed) (it has F_SEAL_SEAL")),
    Attack(scenario: "memfd-unsealed", expected: .error("wl_shm", 2, "\(notSealed) (it has no seals)")),
    Attack(scenario: "shm-open", expected: .error("wl_shm", 2, notSealed)),
    Attack(scenario: "tmpfile-dev-shm", expected: .error("wl_shm", 2, notSealed)),
    Attack(scenario: "regular-file", expected: .error("wl_shm", 2, "\(notSealed): it cannot carry seals")),
    Attack(scenario: "pipe", expected: .error("wl_shm", 2, "\(notSealed): it cannot carry seals")),
    Attack(scenario: "socket", expected: .error("wl_shm", 2, "\(notSealed): it cannot carry seals")),
    Attack(scenario: "eventfd", expected: .error("wl_shm", 2, "\(notSealed): it cannot carry seals")),
    Attack(scenario: "dev-null", expected: .error("wl_shm", 2, "\(notSealed): it cannot carry seals")),
    Attack(scenario: "directory", expected: .error("wl_shm", 2, "\(notSealed): it cannot carry seals")),
    Attack(scenario: "write-only", expected: .error("wl_shm", 2, "cannot map the pool: mmap: Permission denied")),
    Attack(scenario: "o-path", expected: .error("wl_shm", 2, "\(notSealed): it cannot carry seals (Bad file descriptor)")),
    Attack(scenario: "hugetlb", expected: .okOrError("wl_shm", 2, "cannot map the pool")),
    Attack(scenario: "pool-larger-than-file", expected: .error("wl_shm", 2, "pool size 8192 exceeds file size 4096")),
    Attack(scenario: "resize-beyond-file", expected: .error("wl_shm_pool", 2, "pool size 1048576 exceeds file size 4096")),
    Attack(scenario: "resize-smaller", expected: .error("wl_shm_pool", 1, "pools can only grow")),
    Attack(scenario: "pool-size-zero", expected: .error("wl_shm", 1, "pool size 0 is not positive")),
    Attack(scenario: "pool-size-negative", expected: .error("wl_shm", 1, "pool size -4096 is not positive")),
    Attack(scenario: "pool-size-int32-max", expected: .error("wl_shm", 2, "pool size 2147483647 exceeds file size 4096")),
    Attack(scenario: "grow-then-resize", expected: .ok),
    Attack(scenario: "shrink-after-sealing", expected: .ok),
    Attack(scenario: "negative-offset", expected: .error("wl_shm_pool", 1, "buffer offset -4 is negative")),
    Attack(scenario: "offset-wraps-32-bits", expected: .error("wl_shm_pool", 1, "ends at byte 4294971392, past the pool's 65536 bytes")),
    Attack(scenario: "stride-too-small", expected: .error("wl_shm_pool", 1, "stride 60 is less than width 16")),
    Attack(scenario: "stride-unaligned", expected: .error("wl_shm_pool", 1, "stride 66 is not a multiple of 4")),
    Attack(scenario: "zero-width", expected: .error("wl_shm_pool", 1, "buffer size 0x16 is not positive")),
    Attack(scenario: "negative-height", expected: .error("wl_shm_pool", 1, "buffer size 16x-1 is not positive")),
    Attack(scenario: "over-the-size-limit", expected: .error("wl_shm_pool", 1, "exceeds the limit of 16384 pixels")),
    Attack(scenario: "unknown-format", expected: .error("wl_shm_pool", 0, "fourcc 'NV12') is not supported: wl_shm did not advertise it")),
    Attack(scenario: "fourcc-for-argb8888", expected: .error("wl_shm_pool", 0, "fourcc 'AR24') is not supported: wl_shm did not advertise it")),
    Attack(scenario: "rgb565-stride-too-small", expected: .error("wl_shm_pool", 1, "stride 28 is less than width 16 × 2 = 32")),
    Attack(scenario: "rgb888-stride-odd", expected: .error("wl_shm_pool", 1, "stride 45 is not a multiple of 4")),
    Attack(scenario: "rgb565-wraps-32-bits", expected: .error("wl_shm_pool", 1, "ends at byte 2684354556, past the pool's 65536 bytes")),
    Attack(scenario: "rgb888-odd-width-shown", expected: .ok),
    Attack(scenario: "write-sealed", expected: .ok),
    Attack(scenario: "future-write-sealed", expected: .ok),
    Attack(scenario: "pool-destroyed-with-buffers", expected: .ok),
    Attack(scenario: "buffer-destroyed-while-shown", expected: .ok),
    Attack(scenario: "attach-destroyed-buffer", expected: .disconnectedSaying("invalid arguments for wl_surface@3.attach")),
    Attack(scenario: "requests-on-destroyed-surface", expected: .error("xdg_surface", 4, "ack_configure with serial 1")),
    Attack(scenario: "killed-between-attach-and-commit", expected: .killed),
    Attack(scenario: "same-fd-twice", expected: .ok),
    Attack(scenario: "copy-policy-truncate", expected: .error("wl_buffer", 2, "short read"), policy: .copy),
    Attack(scenario: "copy-policy-procfs-file", expected: .error("wl_shm", 2, "pool file is on filesystem 0x9fa0, not memory or a local disk"),
           policy: .copy),
    Attack(scenario: "copy-policy-many-copies", expected: .error("wl_display", 3, "over the limit (--max-copy-mib) of 268435456"),
           policy: .copy, notes: ["note: surface 4 committed"]),
    Attack(scenario: "thousands-of-pools", expected: .error("wl_display", 3, "too many pools")),
    Attack(scenario: "region-flood", expected: .error("wl_display", 3, "wl_region has more than 1024 rectangles")),
    Attack(scenario: "request-burst", expected: .ok),
    Attack(scenario: "never-reads", expected: .disconnected),
    Attack(scenario: "destroy-toplevel-mid-resize", expected: .ok, press: true),
    Attack(scenario: "destroy-toplevel-mid-move", expected: .ok, press: true),
    Attack(scenario: "popup-grab-then-destroy-toplevel", expected: .ok, press: true, notes: ["note: popup_done: 1"]),
    Attack(scenario: "popup-grab-twice", expected: .ok, press: true, notes: ["note: popup_done: 0"]),
    Attack(scenario: "popup-grab-destroy-parent-popup", expected: .ok, press: true, notes: ["note: popup_done: 1"]),
    Attack(scenario: "move-after-shutdown-read", expected: .disconnected, press: true, notes: ["note: moved with the read side shut"]),
    Attack(scenario: "receive-after-shutdown", expected: .disconnected, notes: ["note: receive sent with the read side shut"]),
    Attack(scenario: "subsurface-again", expected: .ok, notes: ["note: shown with the subsurface"]),
    Attack(scenario: "subsurface-twice", expected: .error("wl_subcompositor", 0, "already has a wl_subsurface")),
    Attack(scenario: "viewport-huge-source", expected: .error("wp_viewport", 2, "(buffer scale 16) is outside")),
    Attack(scenario: "viewport-negative-source", expected: .error("wp_viewport", 0, "the origin must not be negative")),
    Attack(scenario: "viewport-zero-destination", expected: .error("wp_viewport", 0, "set_destination(0, -1)")),
    Attack(scenario: "viewport-source-outside-buffer", expected: .error("wp_viewport", 2, "source rectangle (8, 8, 16x16)")),
    Attack(scenario: "viewport-of-destroyed-surface", expected: .error("wp_viewport", 3, "the wl_surface was destroyed")),
    Attack(scenario: "viewport-twice", expected: .error("wp_viewporter", 0, "already has a wp_viewport")),
    Attack(scenario: "viewport-flood", expected: .ok, notes: ["note: shown after the flood"]),
    Attack(scenario: "constraints-lock-twice", expected: .error("zwp_pointer_constraints_v1", 1, "the surface's pointer is already locked by another constraint object"), pointer: true),
    Attack(scenario: "constraints-bad-lifetime", expected: .error("wl_display", 3, "lifetime 4294967295 is neither oneshot (1) nor persistent (2)"), pointer: true),
    Attack(scenario: "constraints-destroyed-region", expected: .disconnectedSaying("invalid arguments for zwp_pointer_constraints_v1@"), pointer: true),
    Attack(scenario: "constraints-surface-destroyed", expected: .ok, notes: ["note: still served after its surfaces went"], pointer: true),
    Attack(scenario: "constraints-flood", expected: .ok, notes: ["note: still served after the flood"], pointer: true),
    Attack(scenario: "relative-pointer-flood", expected: .ok, notes: ["note: still served after the flood"], pointer: true),
    Attack(scenario: "single-pixel-flood", expected: .ok, notes: ["note: shown after the flood"]),
    Attack(scenario: "layer-bad-layer", expected: .error("zwlr_layer_shell_v1", 1, "layer 4294967295 is not a zwlr_layer_shell_v1.layer")),
    Attack(scenario: "layer-bad-anchor", expected: .error("zwlr_layer_surface_v1", 2, "anchor 4294967295 has bits outside")),
    Attack(scenario: "layer-size-zero-unanchored", expected: .error("zwlr_layer_surface_v1", 1, "width 0 (the compositor chooses) needs anchors on both")),
    Attack(scenario: "layer-buffer-before-initial-commit", expected: .error("zwlr_layer_surface_v1", 0, "buffer attached before the initial commit")),
    Attack(scenario: "layer-commit-before-ack", expected: .error("zwlr_layer_surface_v1", 0, "buffer attached before the first configure was acked")),
    Attack(scenario: "layer-extreme-values", expected: .ok, notes: ["note: survived"]),
    Attack(scenario: "layer-destroyed-surface", expected: .ok, notes: ["note: survived"]),
    Attack(scenario: "layer-popup-with-two-parents", expected: .error("zwlr_layer_surface_v1", 0, "the xdg_popup already has a parent")),
    Attack(scenario: "layer-popup-never-parented", expected: .error("xdg_wm_base", 3, "made with a null parent that was never given one")),
    Attack(scenario: "layer-flood", expected: .ok, notes: ["note: shown after the flood"]),
    Attack(scenario: "layer-many-surfaces", expected: .ok, notes: ["note: shown after the flood"]),
    Attack(scenario: "fractional-scale-twice", expected: .error("wp_fractional_scale_manager_v1", 0, "already has a wp_fractional_scale_v1")),
    Attack(scenario: "fractional-scale-outlives-surface", expected: .ok, notes: ["note: shown after"]),
    Attack(scenario: "fractional-scale-flood", expected: .ok, notes: ["note: flood done"]),
    Attack(scenario: "feedback-then-destroy-surface", expected: .ok, notes: ["note: feedback: 0 presented, 3 discarded"]),
    Attack(scenario: "feedback-replaced-by-later-commit", expected: .ok,
           notes: ["note: first: 0 presented, 1 discarded; second: 1 presented, 0 discarded"]),
    Attack(scenario: "feedback-for-unseen-surfaces", expected: .ok,
           notes: ["note: role-less: 0 presented, 1 discarded", "note: outside the output: 0 presented, 1 discarded",
                   "note: shown: 1 presented, 0 discarded"]),
    Attack(scenario: "selection-mime-type-too-long", expected: .error("wl_display", 3, "a MIME type of 4000 bytes (the limit is 255)")),
    Attack(scenario: "selection-too-many-mime-types", expected: .error("wl_display", 3, "more than 64 MIME types")),
    Attack(scenario: "drag-the-selection", expected: .ok, notes: ["note: source cancelled 0 times"]),
    Attack(scenario: "selection-from-background", expected: .ok, notes: ["note: source cancelled 100 times"]),
    Attack(scenario: "primary-selection-mime-type-too-long",
           expected: .error("wl_display", 3, "zwp_primary_selection_source_v1.offer: a MIME type of 4000 bytes (the limit is 255)")),
    Attack(scenario: "primary-selection-too-many-mime-types",
           expected: .error("wl_display", 3, "zwp_primary_selection_source_v1.offer: more than 64 MIME types")),
    // Refused without a cancel (GTK 4 sets the primary selection before its window has the focus), and no offers.
    Attack(scenario: "primary-selection-from-background", expected: .ok, notes: ["note: source cancelled 0 times, 0 offers"]),
    Attack(scenario: "primary-selection-flood", expected: .ok,
           notes: ["note: source cancelled 999 times", "note: offers 1000, last selection null"]),
    Attack(scenario: "primary-selection-receive-flood-then-destroy", expected: .ok,
           notes: ["note: sends 200", "note: stale offer: end of file, selection null"]),
    Attack(scenario: "virtual-pointer-bad-axis", expected: .error("zwlr_virtual_pointer_v1", 0,
                                                                  "axis 2 is neither vertical_scroll (0) nor horizontal_scroll (1)"),
           virtualInput: true),
    Attack(scenario: "virtual-pointer-bad-axis-stop", expected: .error("zwlr_virtual_pointer_v1", 0, "axis 4294967295 is neither"),
           virtualInput: true),
    Attack(scenario: "virtual-pointer-bad-axis-source", expected: .error("zwlr_virtual_pointer_v1", 1,
                                                                         "axis source 7 is not one of wheel (0), finger (1), continuous (2) or wheel_tilt (3)"),
           virtualInput: true),
    Attack(scenario: "virtual-pointer-extent-zero", expected: .error("wl_display", 3,
                                                                     "motion_absolute with an extent of 0x480: x_extent and y_extent must be at least 1"),
           virtualInput: true),
    Attack(scenario: "virtual-pointer-bad-button-state", expected: .error("wl_display", 3, "button state 2 is neither released (0) nor pressed (1)"),
           virtualInput: true),
    // The axis sums go out clamped to wl_fixed's range, the steps to int32's; wheel_tilt is wheel below wl_pointer 6.
    Attack(scenario: "virtual-pointer-huge-values", expected: .ok, virtualInput: true,
           goodSees: ["pointer enter 68.0 68.0", "pointer axis_source 0", "pointer axis_discrete 0 2147483647",
                      "pointer axis 0 8388607.99609375", "pointer axis_stop 0", "pointer axis_discrete 1 -2147483648",
                      "pointer axis 1 -8388607.99609375"]),
    Attack(scenario: "virtual-pointer-held-then-gone", expected: .ok, notes: ["note: left and right held"], virtualInput: true,
           goodSees: ["pointer enter 68.0 68.0", "pointer button 272 pressed", "pointer button 273 pressed",
                      "pointer motion 468.0 68.0", "pointer button 272 released", "pointer button 273 released", "pointer leave"]),
    Attack(scenario: "virtual-pointer-unframed-flood", expected: .error("wl_display", 3, "more than 64 button events without a frame request"),
           virtualInput: true),
    Attack(scenario: "virtual-pointer-frame-flood", expected: .ok, notes: ["note: 40 buttons pressed"], virtualInput: true,
           goodSees: (0x110..<0x120).map { "pointer button \($0) pressed" } + ["pointer motion 69.0 68.0"]
               + (0x110..<0x120).map { "pointer button \($0) released" } + ["pointer leave"]),
    keyboardAttack("virtual-keyboard-unsealed-keymap", .ok, notes: ["note: typed with a truncated keymap file"],
                   goodSees: ["keyboard keymap", "keyboard key 30 pressed", "keyboard text ☺", "keyboard key 30 released", "keyboard keymap"]),
    keyboardAttack("virtual-keyboard-truncated-keymap", .disconnectedSaying("keymap: the file holds fewer than the 65536 bytes announced")),
    keyboardAttack("virtual-keyboard-huge-keymap", .disconnectedSaying("keymap: size 67108864 bytes is over the limit of 1048576 bytes")),
    keyboardAttack("virtual-keyboard-empty-keymap", .disconnectedSaying("keymap: size 0")),
    keyboardAttack("virtual-keyboard-keymap-format", .disconnectedSaying("keymap: format 7 is not xkb_v1 (1)")),
    keyboardAttack("virtual-keyboard-garbage-keymap", .disconnectedSaying("keymap: the keymap is not UTF-8 text")),
    keyboardAttack("virtual-keyboard-pipe-keymap", .disconnectedSaying("keymap: the fd is not a regular file (a memfd or a file): Seawall reads keymaps only from those")),
    keyboardAttack("virtual-keyboard-key-before-keymap", .error("zwp_virtual_keyboard_v1", 0, "key before any keymap request")),
    keyboardAttack("virtual-keyboard-key-out-of-range", .disconnectedSaying("key: key code 65536 is out of range")),
    keyboardAttack("virtual-keyboard-bad-key-state", .disconnectedSaying("key: state 2 is neither released (0) nor pressed (1)")),
    keyboardAttack("virtual-keyboard-held-keys-then-disconnect", .ok, notes: ["note: left two keys down"],
                   goodSees: ["keyboard keymap", "keyboard key 30 pressed", "keyboard text ☺", "keyboard key 31 pressed", "keyboard text ☃",
                              "keyboard modifiers 1 0 0 0", "keyboard key 30 released", "keyboard key 31 released",
                              "keyboard modifiers 0 0 0 0", "keyboard keymap"]),
    keyboardAttack("virtual-keyboard-many-keymaps", .error("wl_display", 3, "keymap: more than 100 keymaps for one virtual keyboard")),
    keyboardAttack("virtual-keyboard-too-many", .error("wl_display", 3, "create_virtual_keyboard: more than 16 virtual keyboards for one client")),
    keyboardAttack("virtual-keyboard-keymap-flip", .error("wl_display", 3, "switch keymaps more than 1000 times"),
                   goodSees: ["keyboard text ☺", "keyboard text ☂", "keyboard keymap"]),
    keyboardAttack("virtual-keyboard-flood", .okOrError("wl_display", 3, "key: typed faster than the focused window reads (half its socket buffer is unread)"),
                   goodSees: ["keyboard text ☺"]),
    // The window under the flood reads nothing: the flooder is stopped before the window's socket fills
    // (which would make libwayland disconnect the window), and the window carries on afterwards.
    keyboardAttack("virtual-keyboard-flood-unread", .error("wl_display", 3, "key: typed faster than the focused window reads (half its socket buffer is unread)"),
                   goodSees: ["keyboard text ☺"], stopGood: true),
    Attack(scenario: "decoration-twice", expected: .error("zxdg_toplevel_decoration_v1", 1, "already has a zxdg_toplevel_decoration_v1")),
    Attack(scenario: "decoration-after-buffer", expected: .error("zxdg_toplevel_decoration_v1", 0, "after the toplevel's surface got a buffer")),
    Attack(scenario: "decoration-orphaned", expected: .error("zxdg_toplevel_decoration_v1", 2, "xdg_toplevel destroyed before its zxdg_toplevel_decoration_v1")),
    Attack(scenario: "decoration-mode-flood", expected: .ok),
    Attack(scenario: "activation-bad-tokens", expected: .ok),
    Attack(scenario: "activation-huge-app-id", expected: .ok),
    Attack(scenario: "activation-double-commit", expected: .error("xdg_activation_token_v1", 0, "commit: the token was already committed")),
    Attack(scenario: "activation-set-after-commit", expected: .error("xdg_activation_token_v1", 0, "set_app_id: the token was already committed")),
    Attack(scenario: "activation-unmapped-surfaces", expected: .ok, notes: ["note: 3 tokens used"]),
    Attack(scenario: "activation-token-flood", expected: .ok),
    Attack(scenario: "activation-too-many-token-objects", expected: .error("wl_display", 3, "more than 64 xdg_activation_token_v1 objects for one client")),
    Attack(scenario: "foreign-toplevel-closed-handle", expected: .ok, notes: ["note: closed"]),
    Attack(scenario: "foreign-toplevel-activate-not-a-seat", expected: .disconnectedSaying("invalid arguments for zwlr_foreign_toplevel_handle_v1@")),
    Attack(scenario: "foreign-toplevel-rectangle-not-a-surface", expected: .disconnectedSaying("invalid arguments for zwlr_foreign_toplevel_handle_v1@")),
    Attack(scenario: "foreign-toplevel-rectangle-extremes", expected: .error("zwlr_foreign_toplevel_handle_v1", 0, "set_rectangle: the size 1x-2147483648 is negative"),
           notes: ["note: extremes accepted"]),
    Attack(scenario: "foreign-toplevel-many-managers", expected: .error("wl_display", 3, "more than 16 bound by one client")),
    // The good client reads nothing meanwhile: requests that would send it more events are ignored once half
    // its socket buffer is unread, so it is not disconnected.
    Attack(scenario: "foreign-toplevel-flood", expected: .ok, notes: ["note: every list has the last title"], stopGood: true),
    // Each wl_output bound updates the binder's handles, which looked for every output among those entered
    // (a list): cubic in the outputs bound, the server stalled for minutes at 3000.
    Attack(scenario: "foreign-toplevel-many-outputs", expected: .ok, notes: ["note: 3000 outputs bound"]),
    outputsAttack("outputs-fullscreen-then-release", .ok, notes: ["note: fullscreen on 2 outputs", "note: back from fullscreen"]),
    // A wl_output released before it is named: its id is gone on the server's side, so libwayland refuses the
    // request before Seawall sees it.
    outputsAttack("outputs-fullscreen-released-output", .disconnectedSaying("invalid arguments for xdg_toplevel@")),
    outputsAttack("outputs-layer-surface-released-output", .disconnectedSaying("invalid arguments for zwlr_layer_shell_v1@")),
    outputsAttack("outputs-fullscreen-not-an-output", .disconnectedSaying("invalid arguments for xdg_toplevel@")),
    outputsAttack("outputs-layer-surfaces-released", .ok, notes: ["note: 8 layer surfaces mapped"]),
    outputsAttack("outputs-bind-flood", .ok, notes: ["note: 4000 outputs bound and released"]),
    outputsAttack("outputs-bind-release-cycle", .ok, notes: ["note: 20000 outputs bound and released"]),
    outputsAttack("outputs-fullscreen-flood", .ok, notes: ["note: flood done"]),
]

/// Whether `lines` holds `wanted` in order (other lines may come between).
func containsInOrder(_ lines: [Substring], _ wanted: [String]) -> Bool {
    var rest = wanted[...]
    for line in lines where rest.first.map({ line == $0 }) == true { rest = rest.dropFirst() }
    return rest.isEmpty
}

/// The hostile-client suite: each attack on its own connection while a well-behaved client keeps its window
/// up. Per attack: the expected verdict (interface, code, message), Seawall still serving new clients, the
/// good client's next frame unchanged, and nothing of the attacker left in Seawall's fds and mappings.
@Suite(.serialized)
struct AttackTests {
    static let attacker = Harness.binaryDirectory + "/seawall-attack"

    /// Counts of this process's (the server's) fds and mappings: all fds, and the fds and mappings of the
    /// attack client's memfds (named "seawall-attack").
    static func resources() -> ProcessResources { .count(marker: "seawall-attack") }

    /// Whether this run may compare the total fd count (tools/test runs this suite alone, so nothing else
    /// in the process opens files meanwhile).
    static var exactFDs: Bool { getenv("SEAWALL_ATTACK_EXACT_FDS").map { String(cString: $0) == "1" } ?? false }

    /// For attacks on the seat: presses on the attacker's window when it asks ("note: press me"); once it
    /// has answered ("note: drag me"), drags the pointer across the output and releases. Returns
    /// whether the seat's move or resize had ended before the drag, or nil while waiting.
    static func pressAndDrag(_ harness: Harness, _ attacker: ChildProcess) -> Bool? {
        let seat = harness.server.seat
        if !seat.movingOrResizing, !attacker.stdout.contains("pointer button"), attacker.stdout.contains("note: press me"),
           let window = harness.window(appID: "seawall-attack") {
            seat.movePointer(toX: Double(window.x) + 4, y: Double(window.y) + 4)
            seat.pointerButton(0x110, pressed: true)
            return nil
        }
        guard attacker.stdout.contains("note: drag me") else { return nil }
        let ended = !seat.movingOrResizing
        for step in 0..<20 { seat.movePointer(toX: 300 - Double(step * 10), y: 200 - Double(step * 5)) }
        seat.pointerButton(0x110, pressed: false)
        return ended
    }

    @Test(arguments: attacks)
    func attack(_ attack: Attack) throws {
        let harness = try Harness {
            $0.shmPolicy = attack.policy
            $0.allowVirtualInput = attack.virtualInput || attack.virtualKeyboard
            $0.outputs += attack.moreOutputs
        }
        if attack.press || attack.virtualInput || attack.pointer { harness.server.seat.addPointer() }
        if attack.virtualKeyboard { harness.server.seat.addKeyboard() }
        let printing = attack.virtualInput ? ["--print-input"] : attack.virtualKeyboard ? ["--print-input", "--print-text"] : []
        let good = try harness.demo(["solid", "--size", "200x150", "--frames", "2", "--hold"] + printing)
        try harness.run { good.stdout.contains("2 frames shown") && (!attack.virtualKeyboard || good.stdout.contains("keyboard enter")) }
        let baseline = Self.resources()

        if attack.stopGood { kill(good.pid, SIGSTOP) }
        let attacker = try harness.spawn(Self.attacker, [attack.scenario])
        var grabEnded: Bool?
        try harness.run(seconds: 60) {
            if attack.press { grabEnded = grabEnded ?? Self.pressAndDrag(harness, attacker) }
            return !attacker.isRunning
        }
        if attack.stopGood { kill(good.pid, SIGCONT) }
        if attack.press {
            #expect(grabEnded == true, "the move or resize outlived the window's toplevel")
            #expect(!harness.server.seat.movingOrResizing)
        }
        let verdict = attacker.stdout.split(separator: "\n").last { $0.hasPrefix("result: ") }.map(String.init) ?? ""
        let transcript = Comment(rawValue: attacker.transcript)

        // (a) the verdict
        switch attack.expected {
        case .ok:
            #expect(verdict == "result: ok", transcript)
            #expect(!attacker.stdout.contains("not shown"), transcript)
        case .error(let interface, let code, let words):
            #expect(verdict.hasPrefix("result: protocol-error \(interface) \(code) "), transcript)
            #expect(verdict.contains(words), transcript)
        case .okOrError(let interface, let code, let words):
            #expect(verdict == "result: ok" || (verdict.hasPrefix("result: protocol-error \(interface) \(code) ")
                                               && verdict.contains(words)) || attacker.stdout.contains("skipped"), transcript)
        case .disconnected:
            #expect(verdict.hasPrefix("result: disconnected"), transcript)
        case .disconnectedSaying(let words):
            #expect(verdict.hasPrefix("result: disconnected") && verdict.contains(words), transcript)
        case .killed:
            #expect(attacker.exitSignal == SIGKILL, transcript)
        }
        for line in attack.notes { #expect(attacker.stdout.contains(line), transcript) }
        if attack.virtualKeyboard && !attack.goodSees.isEmpty {
            // What the focused good client printed: keys, texts, keymaps (it reads and prints as Seawall serves).
            _ = try? harness.run(seconds: 10) { containsInOrder(good.stdout.split(separator: "\n"), attack.goodSees) }
            #expect(containsInOrder(good.stdout.split(separator: "\n"), attack.goodSees), Comment(rawValue: good.transcript))
        }
        #expect(good.isRunning, "the good client died: \(good.transcript)")
        if case .killed = attack.expected {} else { #expect(attacker.exitStatus == 0, transcript) }

        // (b) Seawall still serves new clients
        let newcomer = try harness.demo(["checkerboard", "--size", "64x64", "--frames", "2"])
        try harness.run { !newcomer.isRunning }
        #expect(newcomer.exitStatus == 0, Comment(rawValue: newcomer.transcript))
        try harness.run { harness.window(appID: "seawall-demo.checkerboard") == nil }   // its disconnect is served
        if attack.virtualInput {
            // The attacker's disconnect is served; what it caused reaches the good client (its lines, in order).
            func missing() -> String? {
                var rest = good.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("pointer ") }[...]
                for line in attack.goodSees {
                    guard let index = rest.firstIndex(of: line) else { return line }
                    rest = rest[(index + 1)...]
                }
                return nil
            }
            _ = try? harness.run(seconds: 10) { missing() == nil }
            #expect(missing() == nil, "the good client did not print \"\(missing() ?? "")\" in order: \(good.stdout.suffix(2000))")
            #expect(harness.server.compositor.pointerButtonsDown.isEmpty, "a button stayed down after the attacker went")
        }

        // (c) the good client's window is as it was (the newcomer has gone again)
        harness.repaint()
        expectGolden(harness.capture(), "attack-good-client")

        // (d) nothing of the attacker is left in Seawall
        var after = Self.resources()
        let deadline = monotonicSeconds() + 5
        while (after.markedFDs, after.markedMappings) != (baseline.markedFDs, baseline.markedMappings) && monotonicSeconds() < deadline {
            harness.server.display.dispatch(timeoutMilliseconds: 10)
            after = Self.resources()
        }
        #expect(after.markedFDs == baseline.markedFDs, "attack memfds still open: \(after.markedFDs) vs \(baseline.markedFDs)")
        #expect(after.markedMappings == baseline.markedMappings, "attack memfds still mapped: \(after.markedMappings) vs \(baseline.markedMappings)")
        if Self.exactFDs { #expect(after.fds == baseline.fds, "open fds: \(after.fds) after, \(baseline.fds) before") }
    }
}
