import Compositor
import Testing

/// HiDPI geometry: logical sizes from buffer scales, buffer damage in surface coordinates, the invalid_size
/// decision, and the saturating scale arithmetic.
struct HiDPITests {
    @Test func surfaceSizeIsTheBufferDividedByItsScale() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(640, 480))
        surface.pending.bufferScale = 2
        #expect(surface.bufferSizeError() == nil)
        let effect = surface.commit()
        #expect(surface.width == 320 && surface.height == 240)
        #expect(effect.sizeChanged)
        // The same buffer at scale 1 doubles the surface: a size change.
        surface.pending.bufferScale = 1
        let back = surface.commit()
        #expect(surface.width == 640 && surface.height == 480)
        #expect(back.sizeChanged)
    }

    @Test func bufferDamageBecomesSurfaceDamageRoundedOutwards() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(200, 100))
        surface.pending.bufferScale = 2
        _ = surface.commit()
        surface.pending.bufferDamage = Region(Rect(x: 3, y: 5, width: 4, height: 1))   // buffer x 3..<7, y 5..<6
        let effect = surface.commit()
        #expect(effect.damage == Region(Rect(x: 1, y: 2, width: 3, height: 1)))       // surface x 1..<4, y 2..<3
        // Surface damage stays in surface coordinates, clipped to the logical size (100x50).
        surface.pending.surfaceDamage = Region(Rect(x: 90, y: 40, width: 50, height: 50))
        #expect(surface.commit().damage == Region(Rect(x: 90, y: 40, width: 10, height: 10)))
        // Damage at the edge of the 32-bit wire range cannot overflow.
        surface.pending.bufferDamage = Region(Rect.wire(Int32.min / 2, Int32.min / 2, Int32.max, Int32.max))
        #expect(surface.commit().damage == Region(Rect(x: 0, y: 0, width: 100, height: 50)))
    }

    @Test func aBufferNotAMultipleOfItsScaleIsRefused() {
        let surface = Surface(id: 1)
        surface.pending.buffer = .attach(CountingBuffer(101, 100))
        surface.pending.bufferScale = 2
        #expect(surface.bufferSizeError() == "buffer size 101x100 is not a multiple of the buffer scale 2")
        surface.pending.buffer = .attach(CountingBuffer(100, 99))
        #expect(surface.bufferSizeError() != nil)
        surface.pending.buffer = .attach(CountingBuffer(100, 100))
        #expect(surface.bufferSizeError() == nil)
        _ = surface.commit()
        // A scale change alone is checked against the current buffer.
        surface.pending.bufferScale = 3
        #expect(surface.bufferSizeError() == "buffer size 100x100 is not a multiple of the buffer scale 3")
        surface.pending.bufferScale = 4
        #expect(surface.bufferSizeError() == nil)
        // Detaching at any scale is fine.
        surface.pending.buffer = .detach
        surface.pending.bufferScale = 3
        #expect(surface.bufferSizeError() == nil)
    }

    @Test func sceneItemsCarryLogicalBounds() {
        let scene = Scene(outputWidth: 640, outputHeight: 360)   // 1280x720 at scale 2
        let surface = Surface(id: 1)
        surface.role = .toplevel
        scene.addView(for: surface)
        scene.place(surface, x: 10, y: 20)
        surface.pending.buffer = .attach(CountingBuffer(200, 100))
        surface.pending.bufferScale = 2
        scene.apply(surface.commit(), to: surface)
        let item = try! #require(scene.items().first)
        #expect(item.bufferScale == 2)
        #expect(item.bounds == Rect(x: 10, y: 20, width: 100, height: 50))
        // The hit test is logical too.
        #expect(scene.surface(atX: 109, y: 69)?.surface === surface)
        #expect(scene.surface(atX: 110, y: 20) == nil)
    }

    @Test func logicalOutputSizeRoundsUp() {
        #expect(HiDPI.logicalLength(device: 1280, scale: 2) == 640)
        #expect(HiDPI.logicalLength(device: 1281, scale: 2) == 641)
        #expect(HiDPI.logicalLength(device: 720, scale: 3) == 240)
        #expect(HiDPI.logicalLength(device: 7, scale: 4) == 2)
    }

    @Test func scalingSaturatesAndCoversOutwards() {
        #expect(Rect(x: -3, y: 2, width: 5, height: 1).scaled(by: 2) == Rect(x: -6, y: 4, width: 10, height: 2))
        let huge = Rect(x: Int64.max / 8, y: 0, width: 1, height: 1).scaled(by: 4)
        #expect(huge.x == Int64.max / 4)
        #expect(Rect(x: -3, y: -1, width: 5, height: 2).covering(dividedBy: 2) == Rect(x: -2, y: -1, width: 3, height: 2))
        #expect(Rect(x: 4, y: 4, width: 4, height: 4).covering(dividedBy: 4) == Rect(x: 1, y: 1, width: 1, height: 1))
    }
}
