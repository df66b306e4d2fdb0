import Compositor
import Testing

/// xdg_positioner rules: anchor points, gravity, offset, and the flip/slide/resize adjustments.
struct PopupPositionerTests {
    func rules(anchor: PopupPositioner.Edge, gravity: PopupPositioner.Edge, _ adjust: PopupPositioner.Adjustment = [],
               offset: (Int64, Int64) = (0, 0)) -> PopupPositioner {
        var p = PopupPositioner()
        p.width = 40; p.height = 20
        p.anchorRect = Rect(x: 100, y: 100, width: 10, height: 10)
        p.anchor = anchor; p.gravity = gravity; p.adjustment = adjust
        p.offsetX = offset.0; p.offsetY = offset.1
        return p
    }

    @Test func anchorAndGravity() {
        #expect(rules(anchor: .bottomRight, gravity: .bottomRight).unconstrained() == Rect(x: 110, y: 110, width: 40, height: 20))
        #expect(rules(anchor: .topLeft, gravity: .topLeft).unconstrained() == Rect(x: 60, y: 80, width: 40, height: 20))
        #expect(rules(anchor: .none, gravity: .none).unconstrained() == Rect(x: 85, y: 95, width: 40, height: 20))
        #expect(rules(anchor: .bottom, gravity: .bottom, offset: (3, 4)).unconstrained() == Rect(x: 88, y: 114, width: 40, height: 20))
        #expect(!PopupPositioner().isComplete)
    }

    @Test func flipWhenTheFlippedPlaceFits() {
        let bounds = Rect(x: 0, y: 0, width: 140, height: 500)   // 110 + 40 > 140: constrained on the right
        let flipped = rules(anchor: .right, gravity: .right, .flipX).constrained(to: bounds)
        #expect(flipped.x == 100 - 40, "flipped to the left of the anchor rect")
        let unflippable = rules(anchor: .right, gravity: .right, .flipX).constrained(to: Rect(x: 70, y: 0, width: 70, height: 500))
        #expect(unflippable.x == 110, "a flip that is still constrained is not taken")
    }

    @Test func slideAndResize() {
        let bounds = Rect(x: 0, y: 0, width: 130, height: 500)
        #expect(rules(anchor: .right, gravity: .right, .slideX).constrained(to: bounds).x == 90)
        let resized = rules(anchor: .right, gravity: .right, .resizeX).constrained(to: bounds)
        #expect(resized.x == 110 && resized.width == 20)
        let none = rules(anchor: .right, gravity: .right).constrained(to: bounds)
        #expect(none == rules(anchor: .right, gravity: .right).unconstrained(), "no adjustment allowed: left as is")
        let vertical = rules(anchor: .bottom, gravity: .bottom, [.flipY]).constrained(to: Rect(x: 0, y: 0, width: 500, height: 125))
        #expect(vertical.y == 100 - 20)
    }
}
