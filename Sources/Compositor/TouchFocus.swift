/// Touch: each touch point belongs to the surface it went down on until it lifts (or the surface goes).
extension Compositor {
    /// A touch screen appears; returns whether it is new (every wl_seat then hears the capabilities).
    public func addTouch() -> Bool {
        guard !hasTouch else { return false }
        hasTouch = true
        return true
    }

    /// Touch point `id` goes down at output coordinates (x, y): the surface there gets it until it lifts,
    /// and its window becomes active and comes to the top. Like a button press, a touch-down outside the
    /// grabbing popups' client ends the popup grab and is used up doing so: that point reaches no client,
    /// neither its down nor its motion nor its up, and activates nothing.
    public func touchDown(id: Int32, x: Double, y: Double) {
        let x = x.asInputCoordinate, y = y.asInputCoordinate
        guard touchPoints[id] == nil, !swallowedTouches.contains(id) else { return }   // that point is down already
        let under = surface(atX: x, y: y)
        if let owner = grabbingPopups.last?.client, under?.surface.client != owner {
            swallowedTouches.insert(id)
            return dismissPopups()
        }
        guard let under else { return }
        touchPoints[id] = (under.surface, under.x, under.y)
        focusWindow(of: under.surface)
        let serial = nextSerial()
        sentInput(serial: serial)
        userInput(serial: serial, to: under.surface)
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
        guard let point = touchPoints.removeValue(forKey: id) else {
            swallowedTouches.remove(id)
            return
        }
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
