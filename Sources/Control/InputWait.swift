import Compositor
import WaylandServer

/// `input.wait`: a roundtrip with every client that has the pointer, keyboard or a touch focus. Each such
/// client that has bound xdg_wm_base gets an `xdg_wm_base.ping` with a fresh serial (`Server.ping`); a
/// client handles events in the order they were sent, so its pong proves it has handled every input event
/// sent before. A client without xdg_wm_base cannot be made to answer: for it Seawall can only watch its
/// socket until it has read everything Seawall wrote (`Server.unreadBytes`, SIOCOUTQ). The answer comes once
/// every client has answered (or is gone); checks run every millisecond. Handling an event is not yet
/// showing its result: a client may still be drawing, which `wait settled` covers.
///
/// Wire form: `{"command":"input.wait","timeout":5}` →
/// `{"ok":true,"waited":0.001,"clients":[{"app_id":"foot","title":"~","pid":42,"by":"ping"}],"frame":41}`.
/// On timeout, an error naming each client that did not answer (app_id, title, pid).
extension ControlService {
    /// How one focused client is being waited for.
    private enum Roundtrip {
        /// An xdg_wm_base.ping is out; done once it is answered.
        case ping(PingToken, Pong)
        /// No xdg_wm_base: done once the socket holds nothing unread.
        case socket
    }

    /// Set when the pong arrives.
    private final class Pong { var arrived = false }

    func registerInputWait() {
        router.register("input.wait") { [unowned self] request, reply throws(ControlError) in
            let timeout = try request.seconds("timeout", default: ControlService.defaultTimeoutSeconds, in: 0...86_400)
            let clients = server.compositor.focusedClients
            var waits: [(client: ClientID, how: Roundtrip)] = clients.map { client in
                let pong = Pong()
                return (client, server.ping(client, answered: { pong.arrived = true }).map { .ping($0, pong) } ?? .socket)
            }
            let summary: JSON = .array(waits.map { describe($0.client, how: $0.how) })
            server.display.flush()
            let started = ControlService.now()
            let deadline = started.addingReportingOverflow(UInt64(timeout * 1e9)).partialValue
            var timer: LoopTimer?
            let check: () -> Bool = { [unowned self] in
                guard reply.isPending else {
                    for case (_, .ping(let token, _)) in waits { server.cancelPing(token) }
                    return true
                }
                server.display.flush()
                waits.removeAll { wait in isDone(wait.client, wait.how) }
                let now = ControlService.now()
                let waited = Double((now - started) / 1_000_000) / 1000
                if waits.isEmpty {
                    reply.succeed([("waited", .number(waited)), ("clients", summary), ("frame", .number(Double(server.frameCount)))])
                    return true
                }
                if now >= deadline {
                    for case (_, .ping(let token, _)) in waits { server.cancelPing(token) }   // a late pong is then ignored
                    let names = waits.map { wait in
                        let what: String
                        switch wait.how {
                        case .ping: what = "no answer to a ping"
                        case .socket: what = "\(server.unreadBytes(of: wait.client) ?? 0) bytes of events unread (no xdg_wm_base to ping)"
                        }
                        return "\(name(of: wait.client)): \(what)"
                    }
                    reply.fail("input.wait: timed out after \(JSON.format(waited)) s: \(names.joined(separator: "; "))")
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

    /// Whether `client` has answered: its ping was ponged, or its socket was read to the end; a client that
    /// is gone no longer counts, and one that destroyed its xdg_wm_base is watched by its socket instead.
    private func isDone(_ client: ClientID, _ how: Roundtrip) -> Bool {
        guard server.isConnected(client) else { return true }
        switch how {
        case .ping(let token, let pong):
            if pong.arrived { return true }
            // The ping can no longer be answered (the client destroyed its xdg_wm_base): its socket decides.
            return !server.isWaiting(for: token) && (server.unreadBytes(of: client) ?? 0) == 0
        case .socket:
            return (server.unreadBytes(of: client) ?? 0) == 0
        }
    }

    /// A client for a reply: its first mapped window's app_id and title, its pid, and how it was waited for.
    private func describe(_ client: ClientID, how: Roundtrip) -> JSON {
        let info = server.describe(client)
        let by: String
        switch how {
        case .ping: by = "ping"
        case .socket: by = "socket"
        }
        return .object([("app_id", info.windows.first?.appID.map(JSON.string) ?? .null),
                        ("title", info.windows.first?.title.map(JSON.string) ?? .null),
                        ("pid", .number(Double(info.pid))), ("by", .string(by))])
    }

    /// "seawall-demo.solid / seawall-demo solid (pid 42)": a client for an error message.
    private func name(of client: ClientID) -> String {
        let info = server.describe(client)
        let window = info.windows.first.map { [$0.appID, $0.title].compactMap { $0 }.joined(separator: " / ") } ?? ""
        return (window.isEmpty ? "a client without a window" : window) + " (pid \(info.pid))"
    }
}
