import Compositor
import WaylandServer

/// `input.wait`: answers once every event sent so far has left Seawall and been read by each client with a
/// pointer, keyboard or touch focus. libwayland gives a server no way to make a client roundtrip, so this
/// flushes every client and then watches the focused clients' sockets until nothing Seawall wrote is left
/// unread (`Server.unreadBytes`, SIOCOUTQ), checking every millisecond. A client reading its socket does
/// not prove it has handled the events (redrawn, committed): a screenshot right after may still predate
/// the client's answer, which `wait settled` covers.
///
/// Wire form: `{"command":"input.wait","timeout":5}` → `{"ok":true,"waited":0.001,"clients":2,"frame":41}`.
extension ControlService {
    func registerInputWait() {
        router.register("input.wait") { [unowned self] request, reply throws(ControlError) in
            let timeout = try request.seconds("timeout", default: ControlService.defaultTimeoutSeconds, in: 0...86_400)
            server.display.flush()
            let clients = server.compositor.focusedClients
            let started = ControlService.now()
            let deadline = started.addingReportingOverflow(UInt64(timeout * 1e9)).partialValue
            var timer: LoopTimer?
            let check: () -> Bool = { [unowned self] in
                guard reply.isPending else { return true }
                server.display.flush()
                let unread = clients.compactMap { server.unreadBytes(of: $0) }.filter { $0 > 0 }
                let now = ControlService.now()
                let waited = Double((now - started) / 1_000_000) / 1000
                if unread.isEmpty {
                    reply.succeed([("waited", .number(waited)), ("clients", .number(Double(clients.count))),
                                   ("frame", .number(Double(server.frameCount)))])
                    return true
                }
                if now >= deadline {
                    reply.fail("input.wait: timed out after \(JSON.format(waited)) s: \(unread.reduce(0, +)) bytes of events still unread by \(unread.count) client(s)")
                    return true
                }
                return false
            }
            if check() { return }
            timer = server.display.makeTimer {
                if check() { timer?.remove(); timer = nil } else { timer?.arm(milliseconds: 1) }   // nil breaks the timer's cycle
            }
            timer?.arm(milliseconds: 1)
        }
    }
}
