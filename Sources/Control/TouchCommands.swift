import Compositor
import WaylandServer

/// The touch screen's control commands — `touch.down`, `touch.move`, `touch.up`, `tap`, `swipe` — and the
/// pointer's `drag`. Each parses its arguments, asks the compositor whether and where (TouchControl.swift,
/// PointerControl.swift) before sending anything, drives the seat, and answers with the window and the
/// surface coordinates the events reached. A refused command sends nothing.
///
/// Wire form: `{"command":"touch.down","touch":0,"x":50,"y":60}`, `{"command":"touch.move","touch":0,"x":55,"y":60}`,
/// `{"command":"touch.up","touch":0}`, `{"command":"tap","x":50,"y":60}`,
/// `{"command":"swipe","x1":50,"y1":60,"x2":150,"y2":60,"steps":10}`,
/// `{"command":"drag","x1":50,"y1":60,"x2":150,"y2":60,"steps":10,"button":"left"}`.
extension ControlService {
    /// Motions of a swipe or drag when the request names none.
    public static let defaultGestureSteps = 10

    func registerTouchCommands() {
        router.register("touch.down") { [unowned self] request, reply throws(ControlError) in
            let id = try request.integer("touch", in: Int.min...Int.max)
            let x = try request.number("x"), y = try request.number("y")
            let target = try touchRefusing("touch.down") { () throws(PointerRefusal) in try server.compositor.touchDownTarget(id: id, x: x, y: y) }
            server.seat.touchDown(id: Int32(id), x: x, y: y)
            reply.succeed([("touch", .number(Double(id))), ("x", .number(x)), ("y", .number(y)), ("target", Self.json(target))])
        }
        router.register("touch.move") { [unowned self] request, reply throws(ControlError) in
            let id = try request.integer("touch", in: Int.min...Int.max)
            let x = try request.number("x"), y = try request.number("y")
            let target = try touchRefusing("touch.move") { () throws(PointerRefusal) in try server.compositor.touchMoveTarget(id: id, x: x, y: y) }
            server.seat.touchMotion(id: Int32(id), x: x, y: y)
            reply.succeed([("touch", .number(Double(id))), ("x", .number(x)), ("y", .number(y)), ("target", Self.json(target))])
        }
        router.register("touch.up") { [unowned self] request, reply throws(ControlError) in
            let id = try request.integer("touch", in: Int.min...Int.max)
            let target = try touchRefusing("touch.up") { () throws(PointerRefusal) in try server.compositor.touchUpTarget(id: id) }
            server.seat.touchUp(id: Int32(id))
            reply.succeed([("touch", .number(Double(id))), ("target", Self.json(target, coordinates: false))])
        }
        router.register("tap") { [unowned self] request, reply throws(ControlError) in
            let x = try request.number("x"), y = try request.number("y")
            let id = server.compositor.freeTouchID
            let target = try touchRefusing("tap") { () throws(PointerRefusal) in try server.compositor.touchDownTarget(id: id, x: x, y: y) }
            server.seat.touchDown(id: Int32(id), x: x, y: y)
            server.seat.touchUp(id: Int32(id))
            reply.succeed([("touch", .number(Double(id))), ("x", .number(x)), ("y", .number(y)), ("target", Self.json(target))])
        }
        router.register("swipe") { [unowned self] request, reply throws(ControlError) in
            let (start, end, steps) = try gesture(request)
            let compositor = server.compositor
            let id = compositor.freeTouchID
            let (first, last) = try touchRefusing("swipe") { () throws(PointerRefusal) in
                try compositor.swipeTargets(id: id, from: start, to: end, steps: steps)
            }
            let seat = server.seat
            seat.touchDown(id: Int32(id), x: start.x, y: start.y)
            let path = Compositor.gesturePath(from: start, to: end, steps: steps)
            let receiver = first.surface.client   // a touch point stays with the surface it went down on
            paced(path.count, watching: { [receiver] }, step: { (index: Int) throws(ControlError) in
                seat.touchMotion(id: Int32(id), x: path[index].x, y: path[index].y)
            }, finish: { _ in
                seat.touchUp(id: Int32(id))
                reply.succeed([("touch", .number(Double(id))), ("steps", .number(Double(steps))),
                               ("start", Self.json(first)), ("end", Self.json(last))])
            })
        }
        router.register("drag") { [unowned self] request, reply throws(ControlError) in
            let (start, end, steps) = try gesture(request)
            let button = try self.button(request, default: "left")
            let compositor = server.compositor
            try touchRefusing("drag") { () throws(PointerRefusal) in
                if let refusal = compositor.gestureStepsRefusal(steps) { throw refusal }
                _ = try compositor.pointerDestination(x: start.x, y: start.y)
                _ = try compositor.pointerDestination(x: end.x, y: end.y)
                if let refusal = compositor.pointerButtonRefusal(button.code, pressed: true) { throw refusal }
            }
            let seat = server.seat
            seat.movePointer(toX: start.x, y: start.y)
            seat.pointerButton(button.code, pressed: true)
            let first = targetJSON()
            let path = Compositor.gesturePath(from: start, to: end, steps: steps)
            paced(path.count, watching: { compositor.pointerFocusSurface.map { [$0.client] } ?? [] }, step: { (index: Int) throws(ControlError) in
                seat.movePointer(toX: path[index].x, y: path[index].y)
            }, finish: { [unowned self] _ in
                let last = targetJSON()
                // Another connection's request may have released it while the drag was paced.
                if compositor.pointerButtonRefusal(button.code, pressed: false) == nil { seat.pointerButton(button.code, pressed: false) }
                reply.succeed([("button", .string(button.name)), ("steps", .number(Double(steps))),
                               ("x", .number(seat.pointerX)), ("y", .number(seat.pointerY)),
                               ("start", first), ("end", last), ("target", targetJSON())])
            })
        }
    }

    /// A swipe's or drag's two points and its number of motions.
    private func gesture(_ request: ControlRequest) throws(ControlError) -> (start: (x: Double, y: Double), end: (x: Double, y: Double), steps: Int) {
        let x1 = try request.number("x1"), y1 = try request.number("y1")
        let x2 = try request.number("x2"), y2 = try request.number("y2")
        let steps = try request.integer("steps", default: ControlService.defaultGestureSteps, in: Int.min...Int.max)
        return ((x1, y1), (x2, y2), steps)
    }

    private func touchRefusing<T>(_ command: String, _ body: () throws(PointerRefusal) -> T) throws(ControlError) -> T {
        do { return try body() } catch { throw ControlError("\(command): \(error.description)") }
    }

    /// A touch target for a reply: its window's app_id and title, and (unless it is a lift) the surface
    /// coordinates.
    static func json(_ target: PointerTarget, coordinates: Bool = true) -> JSON {
        var members: [(String, JSON)] = [
            ("app_id", target.window?.appID.map(JSON.string) ?? .null),
            ("title", target.window?.title.map(JSON.string) ?? .null),
        ]
        if coordinates { members += [("x", .number(target.x)), ("y", .number(target.y))] }
        return .object(members)
    }
}
