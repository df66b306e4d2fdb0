import Compositor
import WaylandServer

/// Long input requests (`key` with many combos, `drag` and `swipe` with many steps) sent at the pace the
/// clients read. Seawall writes a client's events into its socket, which holds a few hundred KB; libwayland
/// 1.21 disconnects a client whose socket is full when one more event does not fit ("error in client
/// communication"). A client busy for a moment (drawing, or printing every event to a slow pipe) while a
/// thousand combos arrive would be cut off mid-typing. So a long request runs step by step, and whenever a
/// client the request sends to has more than `pacingHighWater` bytes unread, the next step waits (checked
/// every millisecond) until it has read them; other requests may run meanwhile. A receiving client that has
/// hung up holds the next step until the event loop has destroyed it (and its focus with it). A client that reads
/// nothing for `pacingPatience` stops holding the request up: the rest is sent as it comes, so that the
/// request always ends with its releases and no button or key stays down.
extension ControlService {
    /// Unread bytes in a receiving client's socket above which a long request waits (SIOCOUTQ).
    static let pacingHighWater = 32 << 10
    /// How long one client that reads nothing may hold a request up.
    static let pacingPatience: UInt64 = 10_000_000_000
    /// Steps run between two checks of the clients' sockets.
    static let pacingStride = 8

    /// Runs `step(0)`, `step(1)`, … `step(count - 1)` in order, pausing between them while one of the
    /// `clients` the steps send to (asked before each step) has more than `pacingHighWater` bytes to read; then `finish(nil)`, or `finish(error)` with the error
    /// of the first step that threw (later steps do not run). Finishes before returning when nothing waits.
    func paced(_ count: Int, watching clients: @escaping () -> [ClientID], step: @escaping (Int) throws(ControlError) -> Void,
               finish: @escaping (ControlError?) -> Void) {
        var next = 0
        var blockedSince: UInt64?
        var patient = true
        var timer: LoopTimer?
        let run: () -> Bool = { [unowned self] in
            while next < count {
                let check = next > 0 && next % ControlService.pacingStride == 0
                if patient && (hungUp(clients()) || (check && behind(clients()))) {
                    let now = ControlService.now()
                    let since = blockedSince ?? now
                    blockedSince = since
                    if now - since < ControlService.pacingPatience { return false }
                    patient = false
                    server.log.notice("control: a client receiving a long request has read nothing for \(ControlService.pacingPatience / 1_000_000_000) s; sending the rest of the request unpaced")
                } else {
                    blockedSince = nil
                }
                do throws(ControlError) { try step(next) } catch {
                    finish(error)
                    return true
                }
                next += 1
            }
            finish(nil)
            return true
        }
        if run() { return }
        timer = server.display.makeTimer {
            if run() { timer?.remove(); timer = nil } else { timer?.arm(milliseconds: 1) }   // nil breaks the timer's cycle
        }
        timer?.arm(milliseconds: 1)
    }

    /// Whether one of `clients` has gone (its socket hung up) without the event loop having noticed yet: the
    /// next step waits for the loop to destroy it, so that its input focus goes first and the request does
    /// not go on typing into a dead socket.
    private func hungUp(_ clients: [ClientID]) -> Bool {
        clients.contains { server.hasHungUp($0) }
    }

    /// Whether one of `clients` has more than `pacingHighWater` bytes of events unread.
    private func behind(_ clients: [ClientID]) -> Bool {
        server.display.flush()
        return clients.contains { (server.unreadBytes(of: $0) ?? 0) > ControlService.pacingHighWater }
    }
}
