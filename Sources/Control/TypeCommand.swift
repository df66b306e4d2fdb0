import Compositor
import WaylandServer

/// `type`: any text typed to the keyboard focus. The compositor plans the key strokes (TextTyping.swift:
/// Seawall's keymap for what it has, keymaps with added keys for the rest, chunked) and sends the keymaps
/// (KeymapSwitching.swift); this checks the whole text before typing any of it, then types it in batches,
/// waiting between batches while the window has much unread (so that a long text cannot fill its socket,
/// which would disconnect it), and restores Seawall's keymap at the end or on a failure.
///
/// Wire form: `{"command":"type","text":"héllo €"}` →
/// `{"ok":true,"typed":7,"keymap_switches":2,"target":{"app_id":…,"title":…}}`.
extension ControlService {
    func registerTypeCommand() {
        router.register("type") { [unowned self] request, reply throws(ControlError) in
            let text = try request.string("text")
            let plan: TypingPlan
            let target: Surface
            do throws(KeyRefusal) {
                plan = try TypingPlan(text, table: server.seat.keymapTable)
                target = try server.compositor.keyTarget()
            } catch {
                throw ControlError("type: \(error.description)")
            }
            TextTypist(service: self, plan: plan, target: target, reply: reply).start()
        }
    }
}

/// One `type` request under way: where it is in the plan, and the keymap of the chunk being typed.
private final class TextTypist {
    unowned let service: ControlService
    let plan: TypingPlan
    weak var target: Surface?
    let reply: ControlReply
    private var chunk = 0, combo = 0, typed = 0
    private var keymap: KeymapHandle?
    private let switchesBefore: Int
    private var timer: LoopTimer?
    private var waitingSince: UInt64?

    /// Combos typed between two looks at the window's backlog (at most 6 events, ~150 bytes, each).
    static let batch = 200
    /// Unread bytes above which typing pauses until the window reads.
    static let backlogBytes = 64 << 10
    /// How long a window may leave its events unread before the command gives up.
    static let stallNanoseconds: UInt64 = 10_000_000_000

    init(service: ControlService, plan: TypingPlan, target: Surface, reply: ControlReply) {
        self.service = service
        self.plan = plan
        self.target = target
        self.reply = reply
        switchesBefore = service.server.compositor.keymapSwitches
    }

    /// Types the first batch; the timer (which keeps this object alive) types the rest.
    func start() {
        if step() { return }
        timer = service.server.display.makeTimer { [self] in
            if step() { timer?.remove(); timer = nil } else { timer?.arm(milliseconds: 1) }   // nil breaks the cycle
        }
        timer?.arm(milliseconds: 1)
    }

    /// One batch; true when the request is answered.
    private func step() -> Bool {
        let server = service.server, compositor = server.compositor
        guard reply.isPending else { return finish(nil) }
        guard let target, compositor.keyboardFocus === target else {
            return finish("the keyboard focus left the window after \(typed) of \(plan.characters) characters")
        }
        if (server.unreadBytes(of: target.client) ?? 0) > Self.backlogBytes {
            let now = ControlService.now()
            let since = waitingSince ?? now
            waitingSince = since
            if now - since > Self.stallNanoseconds {
                return finish("the window stopped reading its keyboard events after \(typed) of \(plan.characters) characters")
            }
            return false
        }
        waitingSince = nil
        do throws(KeyRefusal) {
            var count = 0
            while chunk < plan.chunks.count, count < Self.batch {
                let current = plan.chunks[chunk]
                if combo == 0 {
                    keymap = current.extraKeys.isEmpty ? nil : try server.seat.makeKeymap(adding: current.extraKeys)
                }
                if combo < current.combos.count {
                    try compositor.type(current.combos[combo], in: keymap)
                    typed += 1
                    combo += 1
                    count += 1
                }
                if combo >= current.combos.count { chunk += 1; combo = 0 }
            }
        } catch {
            return finish(error.description + " (after \(typed) of \(plan.characters) characters)")
        }
        server.display.flush()
        return chunk < plan.chunks.count ? false : finish(nil)
    }

    /// Seawall's keymap back, and the answer (an error if `failure`).
    private func finish(_ failure: String?) -> Bool {
        let server = service.server
        server.seat.restoreKeymap(after: keymap)
        guard reply.isPending else { return true }
        if let failure {
            reply.fail("type: \(failure)")
        } else {
            reply.succeed([("typed", .number(Double(typed))),
                           ("keymap_switches", .number(Double(server.compositor.keymapSwitches - switchesBefore))),
                           ("target", service.windowJSON(target))])
        }
        return true
    }
}
