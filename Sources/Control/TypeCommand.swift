import Compositor
import WaylandServer

/// `type`: any text typed to the keyboard focus. The compositor plans the key strokes (TextTyping.swift:
/// Seawall's keymap for what it has, keymaps with added keys for the rest, chunked) and sends the keymaps
/// (KeymapSwitching.swift); this checks the whole text before typing any of it, then types it one character
/// a step, paced like every long request (PacedInput.swift: a window with much unread holds the next
/// character), stops with an error saying how far it got if the keyboard focus leaves the window, and
/// restores Seawall's keymap at the end or on a failure.
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
            let seat = server.seat, compositor = server.compositor
            let switchesBefore = compositor.keymapSwitches
            // Step i types character i: the chunk it is in, and its place there.
            let strokes = plan.chunks.indices.flatMap { chunk in plan.chunks[chunk].combos.indices.map { (chunk, $0) } }
            weak let window = target
            var keymap: KeymapHandle?
            paced(strokes.count, watching: {
                guard let window, compositor.keyboardFocus === window else { return [] }
                return [window.client]
            }, step: { (index: Int) throws(ControlError) in
                let (chunk, combo) = strokes[index]
                do throws(KeyRefusal) {
                    guard reply.isPending else { throw KeyRefusal("the control connection closed") }
                    let focus = try compositor.keyTarget()
                    guard let window, focus === window else { throw KeyRefusal("the keyboard focus moved to another window") }
                    if combo == 0 {
                        let extra = plan.chunks[chunk].extraKeys
                        keymap = extra.isEmpty ? nil : try seat.makeKeymap(adding: extra)
                    }
                    try compositor.type(plan.chunks[chunk].combos[combo], in: keymap)
                } catch {
                    throw ControlError("type: typed \(index) of \(plan.characters) characters, then: \(error.description)")
                }
            }, finish: { [unowned self] error in
                seat.restoreKeymap(after: keymap)
                if let error { return reply.fail(error.description) }
                reply.succeed([("typed", .number(Double(plan.characters))),
                               ("keymap_switches", .number(Double(compositor.keymapSwitches - switchesBefore))),
                               ("target", windowJSON(window))])
            })
        }
    }
}
