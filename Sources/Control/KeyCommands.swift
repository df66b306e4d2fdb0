import Compositor
import WaylandServer

/// The keyboard's control commands: `key` (combos of Seawall's keymap, typed to the keyboard focus) and
/// `focus` (a window becomes the active one; the keyboard focus follows). The combos and the events are the
/// compositor's (KeyboardInput.swift); this parses, checks every combo before typing any, and reports.
///
/// Wire form: `{"command":"key","keys":["ctrl+a","Return"]}`, `{"command":"focus","window":"APP_ID|TITLE"}`.
extension ControlService {
    func registerKeyCommands() {
        router.register("key") { [unowned self] request, reply throws(ControlError) in
            guard let value = request.body["keys"], let words = value.array, !words.isEmpty,
                  words.allSatisfy({ $0.string != nil }) else {
                throw ControlError("key: \"keys\" must be a non-empty array of key combos (like [\"ctrl+a\", \"Return\"])")
            }
            guard words.count <= Compositor.maxKeyCombos else {
                throw ControlError("key: at most \(Compositor.maxKeyCombos) combos per request, not \(words.count)")
            }
            let seat = server.seat
            var combos: [KeyCombo] = []
            do throws(KeyRefusal) {
                for word in words { combos.append(try KeyCombo(word.string ?? "", table: seat.keymapTable)) }
                _ = try server.compositor.keyTarget()
            } catch {
                throw ControlError("key: \(error.description)")
            }
            // Each combo goes down and up whole; a long list is paced (PacedInput.swift), so the focus can
            // go away between two combos: the rest is then not typed.
            var surface: Surface?
            let compositor = server.compositor
            paced(combos.count, watching: { compositor.keyboardFocusClient.map { [$0] } ?? [] }, step: { (index: Int) throws(ControlError) in
                do throws(KeyRefusal) { surface = try seat.type(combos[index]) } catch {
                    throw ControlError("key: typed \(index) of \(combos.count) combos, then: \(error.description)")
                }
            }, finish: { [unowned self] error in
                if let error { return reply.fail(error.description) }
                reply.succeed([("keys", .array(combos.map { .string(($0.modifiers.map(\.name) + [$0.keysym]).joined(separator: "+")) })),
                               ("target", windowJSON(surface))])
            })
        }
        router.register("focus") { [unowned self] request, reply throws(ControlError) in
            let window = try self.window(named: try request.string("window"), "focus")
            do throws(KeyRefusal) { try server.compositor.focus(window) } catch { throw ControlError("focus: \(error.description)") }
            server.seat.flush()
            reply.succeed([("target", windowJSON(server.compositor.keyboardFocus))])
        }
    }

    /// The window whose tree holds `surface`, for a reply.
    func windowJSON(_ surface: Surface?) -> JSON {
        guard let surface else { return .null }
        let window = server.compositor.window(of: surface.root)
        return .object([("app_id", window?.appID.map(JSON.string) ?? .null), ("title", window?.title.map(JSON.string) ?? .null)])
    }
}
