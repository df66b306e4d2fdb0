import Compositor
import Render
import Scanout

/// One output as the server drives it (`--output`, repeated): its place in the layout, the renderer that
/// composes its frames and the scanout target they go to. The first is the default output (the DRM display,
/// the frames at the top of --output-dir, --record); the others write their frames to files of their own
/// or nowhere.
public final class OutputHead {
    /// Where it is in the layout, its size and scale.
    public let area: OutputArea
    /// Composes this output's frames (device pixels at its scale, its own origin).
    public let renderer: Renderer
    public let scanout: ScanoutTarget
    /// The scanout as one that finishes frames on a thread of its own (frame files), if it is one.
    let queued: QueuedScanoutTarget?
    /// The client buffer of the direct frame this output shows without having copied it (`Renderer.direct`),
    /// locked so that the client does not get it back (wl_buffer.release) while the output image may still be
    /// copied from it: until this output's next frame is composed or shown.
    var directHold: ShmBuffer?
    /// This output's items for the frame being composed, in its own coordinates (kept from frame to frame).
    var items: [SceneItem] = []

    init(area: OutputArea, background: UInt32, scanout: ScanoutTarget) {
        self.area = area
        renderer = Renderer(width: Int(area.deviceWidth), height: Int(area.deviceHeight), outputScale: area.scale,
                            background: background)
        self.scanout = scanout
        queued = scanout as? QueuedScanoutTarget
    }

    /// The name clients see (wl_output.name, xdg_output.name).
    public var name: String { area.name }

    /// The scene's `items` (layout coordinates) that reach this output, moved to its origin, into `items`.
    func takeItems(from layoutItems: [SceneItem]) {
        items.removeAll(keepingCapacity: true)
        layoutItems.appendItems(on: area.rect, to: &items)
    }

    /// Layout damage as this output's damage (its own coordinates).
    func damage(from layoutDamage: Region) -> Region {
        let origin = area.rect
        let inside = layoutDamage.intersection(origin)
        return origin.x == 0 && origin.y == 0 ? inside : inside.offsetBy(dx: -origin.x, dy: -origin.y)
    }
}
