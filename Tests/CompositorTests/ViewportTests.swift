import Compositor
import Testing

/// wp_viewport on the pure state: double-buffered, the logical size it gives, the commit errors, and the
/// subsurface sync rules.
struct ViewportTests {
    func fixed(_ v: Int32) -> Int32 { v * 256 }
    func source(_ x: Int32, _ y: Int32, _ w: Int32, _ h: Int32) -> Viewport.Source {
        Viewport.Source(x: fixed(x), y: fixed(y), width: fixed(w), height: fixed(h))
    }

    @Test func appliedOnCommitOnly() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(100, 80))
        _ = surface.commit()
        surface.pending.viewport = Viewport(destination: (50, 40))
        #expect(surface.width == 100 && surface.height == 80)
        let effect = surface.commit()
        #expect(surface.width == 50 && surface.height == 40)
        #expect(effect.sizeChanged)
    }

    @Test func logicalSizeIsDestinationElseSourceElseBufferOverScale() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(100, 80))
        surface.pending.bufferScale = 2
        surface.pending.viewport = Viewport(source: source(10, 10, 30, 20))
        _ = surface.commit()
        #expect(surface.width == 30 && surface.height == 20)
        surface.pending.viewport = Viewport(source: source(10, 10, 30, 20), destination: (7, 9))
        _ = surface.commit()
        #expect(surface.width == 7 && surface.height == 9)
        surface.pending.viewport = Viewport()
        _ = surface.commit()
        #expect(surface.width == 50 && surface.height == 40)
    }

    @Test func aCropChangeWithTheSameSizeRepaints() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(100, 80))
        surface.pending.viewport = Viewport(source: source(0, 0, 10, 10))
        _ = surface.commit()
        surface.pending.viewport = Viewport(source: source(5, 5, 10, 10))
        #expect(surface.commit().changesPicture)
    }

    @Test func outOfBufferIsCheckedWithTheBufferScale() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(100, 80))
        surface.pending.viewport = Viewport(source: source(50, 0, 50, 80))
        #expect(surface.viewportError() == nil)
        surface.pending.bufferScale = 2   // the source is in surface units: 100 buffer pixels from x = 100
        if case .outOfBuffer? = surface.viewportError() {} else { Issue.record("expected out_of_buffer") }
        surface.pending.viewport = Viewport(source: Viewport.Source(x: 1, y: 0, width: fixed(50), height: fixed(40)))
        if case .outOfBuffer? = surface.viewportError() {} else { Issue.record("a 1/256 overhang is out of the buffer") }
    }

    @Test func hugeValuesDoNotOverflow() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(100, 80))
        surface.pending.bufferScale = .max
        surface.pending.viewport = Viewport(source: Viewport.Source(x: .max, y: .max, width: .max, height: .max))
        if case .outOfBuffer? = surface.viewportError() {} else { Issue.record("expected out_of_buffer") }
    }

    @Test func fractionalSourceNeedsADestination() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(100, 80))
        surface.pending.viewport = Viewport(source: Viewport.Source(x: 0, y: 0, width: fixed(10) + 128, height: fixed(10)))
        if case .badSize? = surface.viewportError() {} else { Issue.record("expected bad_size") }
        surface.pending.viewport?.destination = (20, 20)
        #expect(surface.viewportError() == nil)
    }

    @Test func noBufferNoCheck() {
        let surface = Surface(id: 1)
        surface.pending.viewport = Viewport(source: source(500, 500, 10, 10))
        #expect(surface.viewportError() == nil)
        _ = surface.commit()
        #expect(surface.width == 0)
        // The state was committed; attaching a buffer it does not fit is refused then.
        surface.pending.buffer = .attach(CountingBuffer(100, 80))
        if case .outOfBuffer? = surface.viewportError() {} else { Issue.record("expected out_of_buffer") }
    }

    @Test func synchronizedSubsurfaceAppliesItsViewportWithTheParent() {
        let parent = Surface(id: 1), child = Surface(id: 2)
        parent.pending.buffer = .attach(CountingBuffer(100, 100))
        _ = parent.commitTree()
        parent.addSubsurface(child)
        _ = parent.commitTree()
        child.pending.buffer = .attach(CountingBuffer(10, 10))
        child.pending.viewport = Viewport(destination: (40, 30))
        child.cacheCommit()
        #expect(child.width == 0)
        // A later cached commit that checks the cached viewport against the cached buffer.
        child.pending.viewport = Viewport(source: source(0, 0, 20, 20))
        if case .outOfBuffer? = child.viewportError() {} else { Issue.record("checked against the cached buffer") }
        child.pending = Surface.PendingState()
        _ = parent.commitTree()
        #expect(child.width == 40 && child.height == 30)
    }

    @Test func cropIsInBufferPixels() {
        var viewport = Viewport(source: source(1, 2, 3, 4), destination: (30, 40))
        #expect(viewport.crop(bufferWidth: 100, bufferHeight: 100, bufferScale: 2)
                == Crop(x: 512, y: 1024, width: 1536, height: 2048))
        viewport.source = nil
        #expect(viewport.crop(bufferWidth: 10, bufferHeight: 20, bufferScale: 2) == Crop(x: 0, y: 0, width: 2560, height: 5120))
    }

    @Test func hitTestAndSceneItemFollowTheDestination() {
        let scene = Scene(outputWidth: 640, outputHeight: 480)
        let surface = Surface(id: 1)
        scene.addView(for: surface)
        scene.place(surface, x: 10, y: 10)
        surface.pending.buffer = .attach(CountingBuffer(1, 1))   // a single-pixel buffer's size
        surface.pending.viewport = Viewport(destination: (200, 100))
        for (s, e) in surface.commitTree() { scene.apply(e, to: s) }
        #expect(scene.surface(atX: 209, y: 109)?.surface === surface)
        #expect(scene.surface(atX: 210, y: 50) == nil)
        let item = scene.items().first
        #expect(item?.bounds == Rect(x: 10, y: 10, width: 200, height: 100))
        #expect(item?.viewport?.crop == Crop(x: 0, y: 0, width: 256, height: 256))
        // Buffer damage under a viewport damages the whole (logical) surface.
        surface.pending.bufferDamage = Region(Rect(x: 0, y: 0, width: 1, height: 1))
        #expect(surface.commit().damage == Region(Rect(x: 0, y: 0, width: 200, height: 100)))
    }
}
