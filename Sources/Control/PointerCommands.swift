import Compositor
import WaylandServer

/// The pointer's control commands: `pointer.move`, `pointer.relative`, `click`, `button` and `scroll`. Each
/// parses its arguments, asks the compositor whether and where (PointerControl.swift), drives the seat, and
/// answers with where the pointer is and which surface got the events (`target`: its window's app_id and
/// title, and the pointer in surface coordinates), or null when the pointer is over no surface, and while a
/// client's pointer constraint holds the pointer, `constraint`: "locked" or "confined".
///
/// `pointer.relative` moves as a mouse does: the focused client hears relative motion (zwp_relative_pointer_v1),
/// a lock keeps the pointer where it is and a confinement holds it in its region (PointerConstraints.swift);
/// `pointer.move` is an absolute move (no relative motion; a lock keeps the pointer, a confinement clamps it).
///
/// Wire form: `{"command":"pointer.move","x":50,"y":60}` (`"window":"APP_ID|TITLE"` makes x and y window
/// coordinates), `{"command":"pointer.relative","dx":5,"dy":-2}`, `{"command":"click","button":"left","double":true}`,
/// `{"command":"button","button":"right","state":"down"}`, `{"command":"scroll","amount":3,"horizontal":false}`.
extension ControlService {
    /// Buttons by name (Linux input codes, linux/input-event-codes.h).
    static let buttons: [(String, UInt32)] = [
        ("left", 0x110), ("right", 0x111), ("middle", 0x112), ("side", 0x113), ("extra", 0x114),
        ("forward", 0x115), ("back", 0x116),
    ]

    func registerPointerCommands() {
        router.register("pointer.move") { [unowned self] request, reply throws(ControlError) in
            let x = try request.number("x"), y = try request.number("y")
            let window = try request.optionalString("window").map { (query) throws(ControlError) in try self.window(named: query, "pointer.move") }
            let point = try refusing("pointer.move") { () throws(PointerRefusal) in try server.compositor.pointerDestination(x: x, y: y, in: window) }
            server.seat.movePointer(toX: point.x, y: point.y)
            reply.succeed(pointerState())
        }
        router.register("pointer.relative") { [unowned self] request, reply throws(ControlError) in
            let dx = try request.number("dx"), dy = try request.number("dy")
            if let refusal = server.compositor.relativeMotionRefusal(dx: dx, dy: dy) { throw ControlError("pointer.relative: \(refusal)") }
            server.seat.movePointer(byX: dx, y: dy)
            reply.succeed(pointerState())
        }
        router.register("click") { [unowned self] request, reply throws(ControlError) in
            let button = try self.button(request, default: "left")
            let double = try request.flag("double")
            if let refusal = server.compositor.pointerButtonRefusal(button.code, pressed: true) { throw ControlError("click: \(refusal)") }
            var target: JSON = .null
            var dismissed = false
            for _ in 0..<(double ? 2 : 1) {
                server.seat.pointerButton(button.code, pressed: true)
                // A press that ended a popup grab reached no client (Compositor.pointerButton).
                let swallowed = server.compositor.buttonIsSwallowed(button.code)
                dismissed = dismissed || swallowed
                target = swallowed ? .null : targetJSON()
                server.seat.pointerButton(button.code, pressed: false)
            }
            reply.succeed([("button", .string(button.name)), ("clicks", .number(double ? 2 : 1))] + pointerState(target: target)
                          + (dismissed ? [("popup_dismissed", .bool(true))] : []))
        }
        router.register("button") { [unowned self] request, reply throws(ControlError) in
            let button = try self.button(request, default: nil)
            let state = try request.string("state")
            guard state == "down" || state == "up" else { throw ControlError("button: \"state\" must be \"down\" or \"up\", not \"\(state)\"") }
            let pressed = state == "down"
            if let refusal = server.compositor.pointerButtonRefusal(button.code, pressed: pressed) {
                throw ControlError("button: \(refusal)")
            }
            // A release goes where the press went, before the focus is re-picked; nowhere if the press ended a
            // popup grab (Compositor.pointerButton), as that press itself did.
            let compositor = server.compositor
            let releaseOfSwallowed = !pressed && compositor.buttonIsSwallowed(button.code)
            let target = pressed ? nil : releaseOfSwallowed ? JSON.null : targetJSON()
            server.seat.pointerButton(button.code, pressed: pressed)
            let dismissed = pressed && compositor.buttonIsSwallowed(button.code)
            reply.succeed([("button", .string(button.name)), ("state", .string(state))]
                          + pointerState(target: dismissed ? .null : target ?? targetJSON()) + (dismissed ? [("popup_dismissed", .bool(true))] : []))
        }
        router.register("scroll") { [unowned self] request, reply throws(ControlError) in
            let amount = try request.integer("amount", in: Int.min...Int.max)
            let horizontal = try request.flag("horizontal")
            if let refusal = server.compositor.scrollRefusal(steps: amount) { throw ControlError("scroll: \(refusal)") }
            server.seat.scroll(steps: amount, horizontal: horizontal)
            reply.succeed([("amount", .number(Double(amount))), ("axis", .string(horizontal ? "horizontal" : "vertical"))]
                          + pointerState())
        }
    }

    /// The request's `button`: a name (left, right, middle, side, extra, forward, back) or a Linux input code
    /// from BTN_MOUSE (272) to 287.
    func button(_ request: ControlRequest, default defaultName: String?) throws(ControlError) -> (name: String, code: UInt32) {
        let value = request.body["button"]
        if let code = value?.integer {
            guard (0x110...0x11f).contains(code) else { throw ControlError("\(request.command): button code \(code) is not a mouse button (272 to 287)") }
            return (Self.buttons.first { $0.1 == UInt32(code) }?.0 ?? String(code), UInt32(code))
        }
        guard let name = try request.optionalString("button") ?? defaultName else {
            throw ControlError("\(request.command): missing argument \"button\"")
        }
        guard let code = Self.buttons.first(where: { $0.0 == name })?.1 else {
            throw ControlError("\(request.command): unknown button \"\(name)\" (buttons: \(Self.buttons.map(\.0).joined(separator: ", ")), or a code 272 to 287)")
        }
        return (name, code)
    }

    private func refusing<T>(_ command: String, _ body: () throws(PointerRefusal) -> T) throws(ControlError) -> T {
        do { return try body() } catch { throw ControlError("\(command): \(error.description)") }
    }

    /// The surface with the pointer focus, for a reply.
    func targetJSON() -> JSON {
        guard let target = server.compositor.pointerTarget else { return .null }
        return .object([
            ("app_id", target.window?.appID.map(JSON.string) ?? .null),
            ("title", target.window?.title.map(JSON.string) ?? .null),
            ("x", .number(target.x)), ("y", .number(target.y)),
        ])
    }

    /// Where the pointer is on the output, and its target.
    private func pointerState(target: JSON? = nil) -> [(String, JSON)] {
        [("x", .number(server.seat.pointerX)), ("y", .number(server.seat.pointerY)), ("target", target ?? targetJSON())]
            + (server.seat.pointerConstraintState.map { [("constraint", JSON.string($0))] } ?? [])
    }
}
