import CPixman
import Compositor

/// Composes scene items into an `OutputImage` with pixman, repainting only damaged pixels.
///
/// Rules:
/// - Stacking order is array order: the first item is at the bottom.
/// - Items are placed at integer positions through the src/dst offsets of `pixman_image_composite32`,
///   never a pixman transform (a transform takes pixman off its fast paths, 3–4× slower).
/// - XRGB8888 items are opaque and copied with `PIXMAN_OP_SRC`. ARGB8888 items (premultiplied) are blended
///   with `PIXMAN_OP_OVER`, except inside the opaque region their client declared, which is copied with
///   `PIXMAN_OP_SRC` (as weston's pixman renderer does; identical for a client whose declared-opaque pixels
///   have alpha 255).
/// - Occlusion: an item paints only the damaged pixels that no opaque part of an item above covers, and the
///   background is filled only where nothing opaque covers the damage. Every damaged pixel is written
///   exactly by the layers that show there; no pixel outside the damage is touched (the destination image
///   carries the clip region of what each step may write).
public final class Renderer {
    /// The composed frame. The same object for the renderer's whole life.
    public let image: OutputImage
    /// Background colour as `0xAARRGGBB`; the alpha byte is ignored.
    public let background: UInt32

    /// `pixman_image_t *` over `image`'s memory (`PIXMAN_x8r8g8b8`), created once.
    private let destination: OpaquePointer
    private let outputRect: Rect

    /// Creates the output image, fills it with `background`, and wraps it in a pixman image
    /// (`pixman_image_create_bits`).
    public init(width: Int, height: Int, background: UInt32 = 0xFF20_2830) {
        let image = OutputImage(width: width, height: height)
        image.fill(background)
        let bits = image.base.assumingMemoryBound(to: UInt32.self)
        guard let destination = pixman_image_create_bits(PIXMAN_x8r8g8b8, Int32(width), Int32(height),
                                                         bits, Int32(image.stride)) else {
            preconditionFailure("Renderer: pixman_image_create_bits failed for \(width)x\(height) (out of memory)")
        }
        self.image = image
        self.background = background
        self.destination = destination
        self.outputRect = Rect(x: 0, y: 0, width: Int64(width), height: Int64(height))
    }

    deinit {
        pixman_image_unref(destination)
    }

    /// What one item paints this frame, in output coordinates.
    private struct Layer {
        var index: Int
        /// The item's bounds clipped to the output (where the composite call operates).
        var placed: Rect
        /// Copied with SRC.
        var opaquePart: PixmanRegion
        /// Blended with OVER.
        var blendPart: PixmanRegion
    }

    /// Recomposes only `damage` (output coordinates, clipped to the output): fills background, then items
    /// bottom-to-top. Items whose `withPixels` returns nil are left out (what is below them shows).
    public func render(_ items: [SceneItem], damage: Region) {
        let damaged = PixmanRegion(damage, clippedTo: outputRect)
        if damaged.isEmpty { return }
        var excluded = Set<Int>()
        // A source that turns out unavailable while painting invalidates the occlusion computed with it;
        // the damage is then repainted from scratch without it (rare: a buffer that went away mid-frame).
        while let missing = paint(items, damaged: damaged, excluding: excluded) {
            excluded.insert(missing)
        }
        pixman_image_set_clip_region32(destination, nil)
    }

    /// One painting pass. Returns the index of an item whose pixels were unavailable, or nil when done.
    private func paint(_ items: [SceneItem], damaged: PixmanRegion, excluding excluded: Set<Int>) -> Int? {
        let layers = plan(items, damaged: damaged, excluding: excluded)
        fillBackground(layers.background)
        for layer in layers.visible.reversed() {
            if !composite(items[layer.index], layer) { return layer.index }
        }
        return nil
    }

    /// Top to bottom: each item's visible damaged pixels, split into the SRC and OVER parts, and what is
    /// left for the background.
    private func plan(_ items: [SceneItem], damaged: PixmanRegion, excluding excluded: Set<Int>)
        -> (visible: [Layer], background: PixmanRegion)
    {
        let covered = PixmanRegion()
        var layers: [Layer] = []
        for index in items.indices.reversed() where !excluded.contains(index) {
            let item = items[index]
            guard Renderer.isUsable(item.source) else { continue }
            let placed = item.bounds.intersection(outputRect)
            if placed.isEmpty { continue }
            let placedRegion = PixmanRegion(placed)
            let visible = damaged.intersection(placedRegion)
            visible.subtract(covered)
            let opaque: PixmanRegion
            if item.source.format.isOpaque {
                opaque = placedRegion
            } else {
                opaque = PixmanRegion(item.opaqueRegion.offsetBy(dx: item.x, dy: item.y), clippedTo: placed)
            }
            covered.formUnion(opaque)
            if visible.isEmpty { continue }
            layers.append(Layer(index: index, placed: placed,
                                opaquePart: visible.intersection(opaque), blendPart: visible.subtracting(opaque)))
        }
        return (layers, damaged.subtracting(covered))
    }

    /// Whether a source's geometry is something pixman can wrap: positive size within 32 bits and a stride
    /// of whole pixels covering a row. (The Wayland layer validates buffers; this keeps the renderer safe
    /// on its own.)
    static func isUsable(_ source: any PixelSource) -> Bool {
        source.width > 0 && source.height > 0 && source.stride % 4 == 0
            && Int64(source.stride) >= Int64(source.width) * 4
    }

    /// Fills `region` with the background colour (`pixman_image_fill_boxes`, PIXMAN_OP_SRC).
    private func fillBackground(_ region: PixmanRegion) {
        if region.isEmpty { return }
        pixman_image_set_clip_region32(destination, nil)
        var color = Renderer.pixmanColor(background)
        region.withBoxes { boxes in
            _ = pixman_image_fill_boxes(PIXMAN_OP_SRC, destination, &color, Int32(boxes.count), boxes.baseAddress)
        }
    }

    /// `0xAARRGGBB` → `pixman_color_t` (16 bits per channel), opaque.
    static func pixmanColor(_ argb: UInt32) -> pixman_color_t {
        func channel(_ shift: UInt32) -> UInt16 { UInt16((argb >> shift) & 0xFF) * 0x101 }
        return pixman_color_t(red: channel(16), green: channel(8), blue: channel(0), alpha: 0xFFFF)
    }

    /// Wraps the item's pixels in a pixman image for the duration of `withPixels`
    /// (`pixman_image_create_bits` … `pixman_image_unref`) and composites each part under its own clip
    /// (`pixman_image_set_clip_region32`, `pixman_image_composite32`). Returns false if the pixels were
    /// unavailable.
    private func composite(_ item: SceneItem, _ layer: Layer) -> Bool {
        let source = item.source
        let format = source.format == .xrgb8888 ? PIXMAN_x8r8g8b8 : PIXMAN_a8r8g8b8
        let srcX = Int32(layer.placed.x - item.x), srcY = Int32(layer.placed.y - item.y)
        let dstX = Int32(layer.placed.x), dstY = Int32(layer.placed.y)
        let width = Int32(layer.placed.width), height = Int32(layer.placed.height)
        let done: Bool? = source.withPixels { pixels in
            // pixman only reads a source image; create_bits merely lacks a const-qualified parameter.
            let bits = UnsafeMutablePointer(mutating: pixels.assumingMemoryBound(to: UInt32.self))
            guard let image = pixman_image_create_bits(format, source.width, source.height, bits, source.stride) else {
                return false
            }
            defer { pixman_image_unref(image) }
            for (part, op) in [(layer.opaquePart, PIXMAN_OP_SRC), (layer.blendPart, PIXMAN_OP_OVER)] where !part.isEmpty {
                pixman_image_set_clip_region32(destination, part.raw)
                pixman_image_composite32(op, image, nil, destination, srcX, srcY, 0, 0, dstX, dstY, width, height)
            }
            return true
        }
        return done ?? false
    }
}
