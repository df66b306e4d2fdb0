/// Touch: each touch point belongs to the surface it went down on until it lifts (or the surface goes).
extension Compositor {
    /// A touch screen appears; returns whether it is new (every wl_seat then hears the capabilities).
    public func addTouch() -> Bool {
        guard !hasTouch else { return false }
        hasTouch = true
        return true
    }

    /// Touch point `id` goes down at output coordinates (x, y): the surface there gets it until it lifts,
    /// and its window becomes active and comes to the top.
    public func touchDown(id: Int32, x: Double, y: Double) {
        let x = x.asInputCoordinate, y = y.asInputCoordinate
        guard let under = surface(atX: x, y: y) else { return }
        touchPoints[id] = (under.surface, under.x, under.y)
        focusWindow(of: under.surface)
        let serial = nextSerial()
        sentInput(serial: serial)
        events?.touchDown(under.surface, serial: serial, id: id, x: x - Double(under.x), y: y - Double(under.y))
    }

    /// Touch point `id` moves to output coordinates (x, y): its surface hears where, in its own coordinates
    /// (from where the surface was at touch-down).
    public func touchMotion(id: Int32, x: Double, y: Double) {
        let x = x.asInputCoordinate, y = y.asInputCoordinate
        guard let point = touchPoints[id] else { return }
        events?.touchMotion(client: point.surface.client, id: id, x: x - Double(point.x), y: y - Double(point.y))
    }

    /// Touch point `id` lifts.
    public func touchUp(id: Int32) {
        guard let point = touchPoints.removeValue(forKey: id) else { return }
        events?.touchUp(client: point.surface.client, serial: nextSerial(), ids: [id])
    }

    /// The surface is going away: each touch point on it ends with wl_touch.up (its client still has its
    /// wl_touch), lowest id first, in one frame.
    func liftTouches(on surface: Surface) {
        let lifted = touchPoints.filter { $0.value.surface === surface }.keys.sorted()
        guard !lifted.isEmpty else { return }
        for id in lifted { touchPoints[id] = nil }
        events?.touchUp(client: surface.client, serial: nextSerial(), ids: lifted)
    }
}
