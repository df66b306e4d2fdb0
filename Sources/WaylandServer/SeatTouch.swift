import CWaylandServer
import Compositor

/// Sending the compositor's touch events to a client's wl_touch objects, each batch followed by
/// wl_touch.frame.
extension Seat {
    func touchBound(_ touch: WlTouch) { touches.append(touch) }

    func touchDown(_ surface: Surface, serial: UInt32, id: Int32, x: Double, y: Double) {
        guard let target = resource(for: surface) else { return }
        let time = server.eventMilliseconds()
        for touch in touches where touch.client == target.client {
            wl_touch_send_down(touch.resource, serial, time, target.resource, id, wl_fixed_from_double(x), wl_fixed_from_double(y))
            wl_touch_send_frame(touch.resource)
        }
    }

    func touchMotion(client: ClientID, id: Int32, x: Double, y: Double) {
        let time = server.eventMilliseconds()
        for touch in touches(of: client) {
            wl_touch_send_motion(touch.resource, time, id, wl_fixed_from_double(x), wl_fixed_from_double(y))
            wl_touch_send_frame(touch.resource)
        }
    }

    func touchUp(client: ClientID, serial: UInt32, ids: [Int32]) {
        let time = server.eventMilliseconds()
        for touch in touches(of: client) {
            for id in ids { wl_touch_send_up(touch.resource, serial, time, id) }
            wl_touch_send_frame(touch.resource)
        }
    }

    private func touches(of client: ClientID) -> [WlTouch] {
        touches.filter { ClientID($0.client) == client }
    }
}
