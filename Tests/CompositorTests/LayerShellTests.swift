import Compositor
import Testing

/// zwlr_layer_shell_v1's policy on the pure state: the arrangement (anchors, margins, size 0, exclusive
/// zones and the usable area), the strata of the stack, configures, and the keyboard rules.
struct LayerArrangementTests {
    let output = Rect(x: 0, y: 0, width: 640, height: 480)

    func state(_ width: UInt32, _ height: UInt32, _ anchor: LayerAnchor = [],
               zone: Int32 = 0, margins: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)) -> LayerSurfaceState {
        state(.top, width, height, anchor, zone: zone, margins: margins)
    }

    func state(_ layer: Layer, _ width: UInt32, _ height: UInt32, _ anchor: LayerAnchor = [],
               zone: Int32 = 0, margins: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)) -> LayerSurfaceState {
        var s = LayerSurfaceState(layer: layer)
        s.width = width; s.height = height; s.anchor = anchor; s.exclusiveZone = zone
        (s.marginTop, s.marginRight, s.marginBottom, s.marginLeft) = margins
        return s
    }

    @Test func noAnchorCentres() {
        #expect(LayerArrangement.box(for: state(200, 100), in: output) == Rect(x: 220, y: 190, width: 200, height: 100))
    }

    @Test func cornersAndEdgesKeepTheirMargins() {
        let m: (Int32, Int32, Int32, Int32) = (12, 9, 15, 6)   // top, right, bottom, left
        #expect(LayerArrangement.box(for: state(200, 100, [.top, .left], margins: m), in: output)
                == Rect(x: 6, y: 12, width: 200, height: 100))
        #expect(LayerArrangement.box(for: state(200, 100, [.bottom, .right], margins: m), in: output)
                == Rect(x: 640 - 200 - 9, y: 480 - 100 - 15, width: 200, height: 100))
        // One edge: centred along it.
        #expect(LayerArrangement.box(for: state(200, 100, [.bottom], margins: m), in: output)
                == Rect(x: 220, y: 365, width: 200, height: 100))
    }

    @Test func sizeZeroStretchesBetweenTheMargins() {
        let box = LayerArrangement.box(for: state(0, 30, [.left, .right, .top], margins: (0, 9, 0, 6)), in: output)
        #expect(box == Rect(x: 6, y: 0, width: 640 - 15, height: 30))
        let all = LayerArrangement.box(for: state(0, 0, .all), in: output)
        #expect(all == output)
    }

    @Test func sizeZeroNeedsBothAnchors() {
        #expect(state(0, 100, [.left]).sizeError != nil)
        #expect(state(100, 0, [.top, .left, .right]).sizeError != nil)
        #expect(state(0, 0).sizeError != nil)
        #expect(state(0, 0, .all).sizeError == nil)
        #expect(state(0, 100, [.left, .right]).sizeError == nil)
    }

    @Test func exclusiveEdgeIsOneEdgeOrOneEdgeWithBothPerpendicular() {
        #expect(LayerAnchor.top.exclusiveEdge == .top)
        #expect(LayerAnchor([.top, .left, .right]).exclusiveEdge == .top)
        #expect(LayerAnchor([.left, .top, .bottom]).exclusiveEdge == .left)
        #expect(LayerAnchor([.top, .left]).exclusiveEdge == nil)      // a corner
        #expect(LayerAnchor([.top, .bottom]).exclusiveEdge == nil)    // two parallel edges
        #expect(LayerAnchor.all.exclusiveEdge == nil)
        #expect(LayerAnchor([]).exclusiveEdge == nil)
        #expect(LayerAnchor(wire: 16) == nil)
        #expect(LayerAnchor(wire: 15) == .all)
    }

    @Test func exclusiveZonesShrinkTheUsableAreaAndPushZoneZeroSurfaces() {
        let panel = state(.top, 0, 30, [.top, .left, .right], zone: 30, margins: (5, 0, 0, 0))
        let dock = state(.bottom, 40, 0, [.left, .top, .bottom], zone: 40)
        let notification = state(.overlay, 100, 50, [.top, .left])
        let wallpaper = state(.background, 0, 0, .all, zone: -1)
        let (boxes, usable) = LayerArrangement.arrange([panel, dock, notification, wallpaper], output: output)
        // The panel takes 30 + its 5 margin from the top; the dock, placed in what is left, 40 from the left.
        #expect(usable == Rect(x: 40, y: 35, width: 600, height: 445))
        #expect(boxes[0] == Rect(x: 0, y: 5, width: 640, height: 30))
        #expect(boxes[1] == Rect(x: 0, y: 35, width: 40, height: 445))
        #expect(boxes[2] == Rect(x: 40, y: 35, width: 100, height: 50))   // zone 0: moved out of both zones
        #expect(boxes[3] == output)                                          // zone -1: ignores them
    }

    @Test func aPositiveZoneWithoutAnEdgeCountsAsZero() {
        let (_, usable) = LayerArrangement.arrange([state(100, 100, [.top, .left], zone: 50)], output: output)
        #expect(usable == output)
    }

    @Test func hostileNumbersStayInRange() {
        let huge = state(.top, UInt32.max, UInt32.max, [.bottom], zone: Int32.max,
                         margins: (Int32.min, Int32.min, Int32.max, Int32.max))
        let stretch = state(.top, 0, 0, .all, margins: (Int32.max, Int32.max, Int32.max, Int32.max))
        let (boxes, usable) = LayerArrangement.arrange([huge, stretch], output: output)
        #expect(boxes[0].width == Int64(UInt32.max))
        #expect(boxes[1].width == 1 && boxes[1].height == 1)   // never a configure of 0 (that hands the choice back)
        #expect(usable.width >= 0 && usable.height >= 0)
        #expect(usable.height == 0)   // the zone took everything, and no more
    }
}

extension Bench {
    /// A left click at output point (x, y).
    func click(x: Double, y: Double) {
        _ = compositor.addPointer()
        compositor.movePointer(toX: x, y: y)
        compositor.pointerButton(0x110, pressed: true)
        compositor.pointerButton(0x110, pressed: false)
    }
}

struct LayerShellPolicyTests {
    /// A layer surface for surface `id` in `layer` with `configure` applied as its first commit's state.
    func layer(_ bench: Bench, _ id: UInt64, _ layer: Layer, client: Int = 2,
               _ configure: (inout LayerSurfaceState) -> Void) -> (LayerSurface, LayerSurfaceState) {
        let surface = Surface(id: id, client: ClientID(client))
        bench.compositor.surfaceCreated(surface)
        let object = LayerSurface(surface: surface, layer: layer, namespace: "test")
        bench.compositor.addLayerSurface(object)
        var state = LayerSurfaceState(layer: layer)
        configure(&state)
        bench.compositor.layerCommitted(object, state: state, hasBuffer: false)   // the initial commit
        return (object, state)
    }

    /// Maps the layer surface with a buffer of its configured size, as its client would.
    func map(_ bench: Bench, _ layer: LayerSurface, _ state: LayerSurfaceState) {
        guard let surface = layer.surface, let size = layer.configuredSize else { return }
        surface.pending.buffer = .attach(CountingBuffer(Int32(size.width), Int32(size.height)))
        bench.compositor.layerCommitted(layer, state: state, hasBuffer: true)
        bench.compositor.commit(surface.commitTree())
    }

    /// With a panel in the top layer, the topmost window is still on top of the windows: clicking it again
    /// or activating it from a window list must not raise it (a repaint, a settle wait restarted) every time.
    /// The stack's last view is the panel, which the checks compared with before.
    @Test func theTopWindowUnderAPanelIsNotRaisedAgainByEachClick() {
        let bench = Bench()
        let (bar, state) = layer(bench, 5, .top) { $0.anchor = [.top, .left, .right]; $0.height = 30 }
        map(bench, bar, state)
        let below = bench.mappedWindow(1), window = bench.mappedWindow(2)
        #expect(window.activated && !below.activated)
        let view = bench.compositor.scene.view(for: window.surface!)!
        bench.click(x: Double(view.x + 5), y: Double(view.y + 5))
        _ = bench.compositor.scene.takeDamage()
        let repaints = bench.events.repaints
        bench.click(x: Double(view.x + 6), y: Double(view.y + 6))
        #expect(bench.compositor.scene.takeDamage().isEmpty, "the active top window clicked again: nothing to repaint")
        #expect(!bench.compositor.activateFromList(window), "already active and on top of the windows: nothing changes")
        #expect(bench.events.repaints == repaints)
        #expect(bench.compositor.scene.mappedViews.map(\.surface.id) == [1, 2, 5])
        #expect(bench.compositor.activateFromList(below))
        #expect(bench.compositor.scene.mappedViews.map(\.surface.id) == [2, 1, 5])
    }

    @Test func theInitialCommitIsConfiguredWithTheArrangedSize() {
        let bench = Bench()
        var configures: [String] = []
        bench.events.onLayerConfigure = { configures.append("\($0.surface?.id ?? 0) \($1)x\($2)") }
        let (bar, _) = layer(bench, 5, .top) { $0.anchor = [.top, .left, .right]; $0.height = 30 }
        #expect(configures == ["5 640x30"])
        #expect(bar.box == Rect(x: 0, y: 0, width: 640, height: 30))
    }

    @Test func layersStackInOrderWithWindowsBetweenBottomAndTop() {
        let bench = Bench()
        let (overlay, o) = layer(bench, 10, .overlay) { $0.width = 50; $0.height = 50; $0.anchor = [.top, .left] }
        let (background, b) = layer(bench, 11, .background) { $0.width = 50; $0.height = 50; $0.anchor = [.top, .left] }
        let (top, t) = layer(bench, 12, .top) { $0.width = 50; $0.height = 50; $0.anchor = [.top, .left] }
        let (bottom, bt) = layer(bench, 13, .bottom) { $0.width = 50; $0.height = 50; $0.anchor = [.top, .left] }
        for (l, s) in [(overlay, o), (background, b), (top, t), (bottom, bt)] { map(bench, l, s) }
        let window = bench.mappedWindow(1)
        bench.compositor.raise(try! #require(background.surface))   // raising stays inside the layer
        let order: [UInt64] = Array(bench.compositor.scene.mappedViews.map(\.surface.id))
        #expect(order == [11, 13, 1, 12, 10])
        bench.compositor.place(try! #require(window.surface), x: 0, y: 0)
        #expect(bench.compositor.scene.surface(atX: 10, y: 10)?.surface.id == 10)
    }

    @Test func setLayerMovesTheSurfaceAtItsNextCommit() {
        let bench = Bench()
        let (panel, s) = layer(bench, 10, .background) { $0.width = 50; $0.height = 50; $0.anchor = [.top, .left] }
        map(bench, panel, s)
        _ = bench.mappedWindow(1)
        var moved = s
        moved.layer = .overlay
        bench.compositor.layerCommitted(panel, state: moved, hasBuffer: true)
        #expect(Array(bench.compositor.scene.mappedViews.map(\.surface.id)) == [1, 10])
    }

    @Test func maximizedWindowsAndTheCascadeUseTheUsableArea() {
        let bench = Bench()
        let window = bench.window(1)
        _ = bench.compositor.request(window, maximized: true)
        bench.commit(window.surface, 640, 480)
        #expect(bench.compositor.configureSize(of: window) == (640, 480))
        _ = bench.events.take()
        let (panel, s) = layer(bench, 10, .top) { $0.anchor = [.top, .left, .right]; $0.height = 30; $0.exclusiveZone = 30 }
        map(bench, panel, s)
        #expect(bench.events.take().contains("configure 1 activated"))
        #expect(bench.compositor.configureSize(of: window) == (640, 450))
        #expect(bench.position(window).map { $0 == (0, 30) } == true)
        let next = bench.mappedWindow(2, 100, 100)
        #expect(bench.position(next).map { $0.1 >= 30 } == true)   // the cascade starts below the panel
        // The panel goes: the window gets the whole output back.
        bench.compositor.removeLayerSurface(panel)
        #expect(bench.compositor.configureSize(of: window) == (640, 480))
    }

    @Test func exclusiveInTheTopLayerHoldsTheKeyboard() {
        let bench = Bench()
        let window = bench.mappedWindow(1, client: 1)
        let (lock, s) = layer(bench, 10, .overlay) {
            $0.width = 50; $0.height = 50; $0.anchor = [.top, .left]; $0.keyboardInteractivity = .exclusive
        }
        map(bench, lock, s)
        #expect(bench.compositor.keyboardFocus?.id == 10)
        // A click on the window does not take it back.
        bench.compositor.place(try! #require(window.surface), x: 200, y: 200)
        bench.click(x: 210, y: 210)
        #expect(bench.compositor.keyboardFocus?.id == 10)
        // Interactivity none: the keyboard goes back to the window.
        var none = s
        none.keyboardInteractivity = .none
        bench.compositor.layerCommitted(lock, state: none, hasBuffer: true)
        #expect(bench.compositor.keyboardFocus?.id == 1)
    }

    @Test func aDestroyedSurfaceGivesTheKeyboardBack() {
        let bench = Bench()
        _ = bench.mappedWindow(1, client: 1)
        let (lock, s) = layer(bench, 10, .top) { $0.width = 50; $0.height = 50; $0.keyboardInteractivity = .exclusive }
        map(bench, lock, s)
        #expect(bench.compositor.keyboardFocus?.id == 10)
        _ = bench.events.take()
        bench.compositor.surfaceDestroyed(try! #require(lock.surface))
        #expect(bench.compositor.keyboardFocus?.id == 1)
        #expect(bench.events.take().contains("keyboard enter 1"))
        #expect(bench.compositor.scene.view(for: Surface(id: 10)) == nil)
    }

    @Test func onDemandIsFocusedWhenMappedAndLosesItToAWindowClicked() {
        let bench = Bench()
        _ = bench.mappedWindow(1, client: 1)
        let (launcher, s) = layer(bench, 10, .top) { $0.width = 50; $0.height = 50; $0.keyboardInteractivity = .onDemand }
        map(bench, launcher, s)
        #expect(bench.compositor.keyboardFocus?.id == 10)
        bench.click(x: 40, y: 40)   // the window, at its cascade place
        #expect(bench.compositor.keyboardFocus?.id == 1)
        bench.click(x: 300, y: 220)   // the launcher, centred
        #expect(bench.compositor.keyboardFocus?.id == 10)
    }

    @Test func noneNeverTakesTheKeyboard() {
        let bench = Bench()
        _ = bench.mappedWindow(1, client: 1)
        let (widget, s) = layer(bench, 10, .overlay) { $0.width = 50; $0.height = 50 }
        map(bench, widget, s)
        bench.click(x: 300, y: 220)   // the widget, centred
        #expect(bench.compositor.keyboardFocus?.id == 1)
    }

    @Test func unmappingRestartsTheConfigureCycle() {
        let bench = Bench()
        var count = 0
        bench.events.onLayerConfigure = { _, _, _ in count += 1 }
        let (panel, s) = layer(bench, 10, .top) { $0.width = 50; $0.height = 50 }
        map(bench, panel, s)
        #expect(count == 1)
        bench.compositor.layerCommitted(panel, state: s, hasBuffer: false)   // unmap
        #expect(!panel.initialized && panel.configuredSize == nil)
        bench.compositor.layerCommitted(panel, state: s, hasBuffer: false)   // the new initial commit
        #expect(count == 2)
    }
}
