import CPixelConvert
import CPixman
import Compositor

/// Composes scene items into an `OutputImage` with pixman, repainting only damaged pixels.
///
/// Rules:
/// - Stacking order is array order: the first item is at the bottom.
/// - Items are placed at integer positions through the src/dst offsets of `pixman_image_composite32`,
///   never a pixman transform (a transform takes pixman off its fast paths, 3–4× slower).
/// - Sources are read in their own wl_shm format (`pixmanFormat`: 16-, 24- and 32-bit, 8- and 10-bit channels).
/// - Items of a format without alpha (XRGB8888, RGB565, …) are opaque and copied with `PIXMAN_OP_SRC`.
///   Items with alpha (ARGB8888, ABGR2101010, …; premultiplied) are blended
///   with `PIXMAN_OP_OVER`, except inside the opaque region their client declared, which is copied with
///   `PIXMAN_OP_SRC` (as weston's pixman renderer does; identical for a client whose declared-opaque pixels
///   have alpha 255).
/// - HiDPI: items, their opaque regions and the damage are in logical coordinates; the renderer is the one
///   place that multiplies them by the output scale into device pixels. An item whose buffer scale equals
///   the output scale is placed by offsets alone (pixel-exact); any other is resampled with a pixman scale
///   transform and `PIXMAN_FILTER_NEAREST` (a scale-1 client on a scale-2 output: each buffer pixel becomes
///   a 2×2 block). At scale 1 with buffer scale 1 nothing differs from a renderer without HiDPI.
/// - wp_viewport (`SceneItem.viewport`): a 1:1 crop is placed by offsets (pixel-exact), a 1×1 source is
///   repeated (a solid fill), any other crop is stretched bilinearly (`viewportSampling`, `stretch`).
/// - Occlusion: an item paints only the damaged pixels that no opaque part of an item above covers, and the
///   background is filled only where nothing opaque covers the damage.
/// - Blending onto the background: where the lowest item painting a pixel blends (ARGB outside its opaque
///   region) and only the background is below it, the background is not filled first: the item is blended
///   onto the background colour in one pass (`sw_over_solid`, bit for bit what fill + OVER give). Items
///   drawn through a transform (viewport, a buffer scale other than the output's) keep fill + OVER. Every damaged pixel is written
///   exactly by the layers that show there; no pixel outside the damage is touched (the destination image
///   carries the clip region of what each step may write).
public final class Renderer {
    /// The frame: the composed output, or the direct frame's pixels copied in on first read (the copy a
    /// direct frame saves is paid only when someone reads the image: screencopy, a screenshot, the last
    /// frame at exit). The same object for the renderer's whole life.
    public var image: OutputImage {
        materializeDirectFrame()
        return storage
    }
    /// The output image's memory (possibly behind a direct frame: see `direct`).
    let storage: OutputImage
    /// The direct frame shown, if the last frame was one and `storage` does not hold it yet.
    public internal(set) var direct: DirectFrame?
    /// Background colour as `0xAARRGGBB`; the alpha byte is ignored.
    public let background: UInt32

    /// `pixman_image_t *` over `image`'s memory (`PIXMAN_x8r8g8b8`), created once.
    private let destination: OpaquePointer
    /// The image, in device pixels.
    private let outputRect: Rect
    /// Device pixels per logical unit (`--scale`), in 1/120 steps.
    public let outputScale: OutputScale
    /// `outputScale` rounded up (the integer scale wl_output advertises).
    public var scale: Int64 { outputScale.wlOutputScale }
    /// The output in logical coordinates: `outputRect` divided by `scale`, rounded up.
    public let logicalRect: Rect

    /// Creates the output image, fills it with `background`, and wraps it in a pixman image
    /// (`pixman_image_create_bits`).
    /// `width`×`height` are device pixels; `scale` (1 or more) is how many make one logical unit.
    public convenience init(width: Int, height: Int, scale: Int = 1, background: UInt32 = 0xFF20_2830) {
        precondition(scale >= 1, "Renderer: the output scale must be positive")
        self.init(width: width, height: height, outputScale: OutputScale(integer: scale), background: background)
    }

    /// The same at any `OutputScale` (fractional: 1.25, 1.5, …).
    public init(width: Int, height: Int, outputScale: OutputScale, background: UInt32 = 0xFF20_2830) {
        let image = OutputImage(width: width, height: height)
        image.fill(background)
        let bits = image.base.assumingMemoryBound(to: UInt32.self)
        guard let destination = pixman_image_create_bits(PIXMAN_x8r8g8b8, Int32(width), Int32(height),
                                                         bits, Int32(image.stride)) else {
            preconditionFailure("Renderer: pixman_image_create_bits failed for \(width)x\(height) (out of memory)")
        }
        self.storage = image
        self.background = background
        self.destination = destination
        self.outputRect = Rect(x: 0, y: 0, width: Int64(width), height: Int64(height))
        self.outputScale = outputScale
        self.logicalRect = Rect(x: 0, y: 0, width: outputScale.logicalLength(device: Int64(width)),
                                height: outputScale.logicalLength(device: Int64(height)))
    }

    /// Logical damage as the device pixels it covers, clipped to the image (what a scanout target copies).
    public func deviceDamage(_ damage: Region) -> Region {
        if outputScale == .one { return damage.intersection(outputRect) }
        return damage.intersection(logicalRect).scaled(by: outputScale).intersection(outputRect)
    }

    deinit {
        pixman_image_unref(destination)
    }

    /// What one item paints this frame, in output coordinates.
    private struct Layer {
        var index: Int
        /// The item's bounds clipped to the output (where the composite call operates), in device pixels.
        var placed: Rect
        /// Its regions in `parts`: the part copied with SRC, and the part blended with OVER.
        var part: Int
        /// It blends somewhere and `isFusable`: its blend may go onto the background colour in one pass.
        var fusable: Bool
    }

    // Scratch, kept from frame to frame so that planning a frame allocates nothing once the regions' box
    // storage and the lists have grown to the scene's size.
    private let damaged = PixmanRegion()
    private let covered = PixmanRegion()
    private let placedScratch = PixmanRegion()
    private let opaqueScratch = PixmanRegion()
    private let visibleScratch = PixmanRegion()
    private let backgroundScratch = PixmanRegion()
    /// What the layers below the one being planned paint (bottom-up pass of `plan`).
    private let paintedScratch = PixmanRegion()
    /// Per visible layer, by `Layer.part`: what it copies (SRC), what it blends (OVER), and what it blends
    /// onto the background colour in one pass (no fill under it).
    private var parts: [(opaque: PixmanRegion, blend: PixmanRegion, fused: PixmanRegion)] = []
    private var layers: [Layer] = []
    private var boxes: [pixman_box32_t] = []

    /// Recomposes only `damage` (logical output coordinates, clipped to the output): fills background, then
    /// items bottom-to-top. Items whose `withPixels` returns nil are left out (what is below them shows).
    public func render(_ items: [SceneItem], damage: Region) {
        damaged.set(deviceDamage(damage), clippedTo: outputRect, boxes: &boxes)
        if damaged.isEmpty { return }
        if direct != nil {
            // The image still lacks the direct frame shown last: bring it in, unless this damage repaints
            // every pixel anyway.
            placedScratch.set(outputRect)
            placedScratch.subtract(damaged)
            if placedScratch.isEmpty { direct = nil } else { materializeDirectFrame() }
        }
        var excluded = Set<Int>()
        // A source that turns out unavailable while painting invalidates the occlusion computed with it;
        // the damage is then repainted from scratch without it (rare: a buffer that went away mid-frame).
        while let missing = paint(items, excluding: excluded) {
            excluded.insert(missing)
        }
        pixman_image_set_clip_region32(destination, nil)
    }

    /// One painting pass over `damaged`. Returns the index of an item whose pixels were unavailable, or nil
    /// when done.
    private func paint(_ items: [SceneItem], excluding excluded: Set<Int>) -> Int? {
        plan(items, excluding: excluded)
        fillBackground(backgroundScratch)
        for layer in layers.reversed() {
            if !composite(items[layer.index], layer) { return layer.index }
        }
        return nil
    }

    /// Top to bottom: into `layers` and `parts`, each item's visible damaged pixels, split into the SRC and
    /// OVER parts; into `backgroundScratch`, what is left for the background.
    private func plan(_ items: [SceneItem], excluding excluded: Set<Int>) {
        covered.clear()
        layers.removeAll(keepingCapacity: true)
        for index in items.indices.reversed() where !excluded.contains(index) {
            let item = items[index]
            guard Renderer.isUsable(item.source, bufferScale: item.bufferScale) else { continue }
            if let viewport = item.viewport, Renderer.viewportSampling(viewport, source: item.source, outputScale: outputScale) == nil {
                continue
            }
            // Clipped to the output while logical, so that the device coordinates stay small.
            let logicalPlaced = item.bounds.intersection(logicalRect)
            if logicalPlaced.isEmpty { continue }
            let placed = logicalPlaced.scaled(by: outputScale).intersection(outputRect)
            if placed.isEmpty { continue }
            placedScratch.set(placed)
            visibleScratch.setIntersection(damaged, placedScratch)
            visibleScratch.subtract(covered)
            if item.source.format.isOpaque {
                opaqueScratch.set(placed)
            } else {
                let logicalOpaque = item.opaqueRegion.offsetBy(dx: item.x, dy: item.y)
                opaqueScratch.set(outputScale == .one ? logicalOpaque : logicalOpaque.intersection(logicalPlaced).scaled(by: outputScale),
                                  clippedTo: placed, boxes: &boxes)
            }
            covered.formUnion(opaqueScratch)
            if visibleScratch.isEmpty { continue }
            let part = layers.count
            if parts.count <= part { parts.append((PixmanRegion(), PixmanRegion(), PixmanRegion())) }
            parts[part].opaque.setIntersection(visibleScratch, opaqueScratch)
            parts[part].blend.setDifference(visibleScratch, opaqueScratch)
            layers.append(Layer(index: index, placed: placed, part: part,
                                fusable: !parts[part].blend.isEmpty && Renderer.isFusable(item, outputScale: outputScale)))
        }
        backgroundScratch.setDifference(damaged, covered)
        // Bottom up: a fusable layer's blended pixels where the background shows and no layer below paints
        // are blended onto the background colour directly, and the background is not filled there. Scenes
        // with nothing to fuse (opaque windows only) skip the pass.
        for layer in layers { parts[layer.part].fused.clear() }
        if !layers.contains(where: \.fusable) || backgroundScratch.isEmpty { return }
        paintedScratch.clear()
        for layer in layers.reversed() {
            let part = parts[layer.part]
            let fusable = layer.fusable
            if fusable {
                part.fused.setIntersection(part.blend, backgroundScratch)
                part.fused.subtract(paintedScratch)
            }
            paintedScratch.formUnion(part.opaque)
            paintedScratch.formUnion(part.blend)
            if fusable && !part.fused.isEmpty {
                part.blend.subtract(part.fused)
                backgroundScratch.subtract(part.fused)
            }
        }
    }

    /// Whether an item can be blended onto the background in one pass: ARGB8888 (the layout `sw_over_solid`
    /// reads; other formats with alpha go through pixman) placed by offsets alone (no viewport, its buffer
    /// scale the output's, which is then a whole number), so that its pixels map 1:1 to device pixels.
    static func isFusable(_ item: SceneItem, outputScale: OutputScale) -> Bool {
        item.source.format == .argb8888 && item.viewport == nil
            && (1...maxBufferScale).contains(item.bufferScale) && outputScale == OutputScale(integer: Int(item.bufferScale))
    }

    /// Whether a source's geometry is something pixman can wrap: positive size within 32 bits and a stride
    /// of whole pixels covering a row. (The Wayland layer validates buffers; this keeps the renderer safe
    /// on its own.)
    static func isUsable(_ source: any PixelSource, bufferScale: Int64 = 1) -> Bool {
        source.width > 0 && source.height > 0 && source.stride % 4 == 0
            && Int64(source.stride) >= Int64(source.width) * source.format.bytesPerPixel
            && (1...maxBufferScale).contains(bufferScale)
    }

    /// The largest buffer scale the renderer resamples (a pixman transform holds 16.16 fixed-point numbers;
    /// a larger scale could only go with a buffer over 16384 pixels a side, which nothing accepts).
    static let maxBufferScale: Int64 = 16384

    /// Fills `region` with the background colour (`pixman_image_fill_boxes`, PIXMAN_OP_SRC).
    private func fillBackground(_ region: PixmanRegion) {
        if region.isEmpty { return }
        pixman_image_set_clip_region32(destination, nil)
        var color = Renderer.pixmanColor(background)
        region.withBoxes { boxes in
            _ = pixman_image_fill_boxes(PIXMAN_OP_SRC, destination, &color, Int32(boxes.count), boxes.baseAddress)
        }
    }

    /// The pixman format that reads a wl_shm format's memory as it is. wl_shm formats are little-endian DRM
    /// fourccs and pixman's are native-endian packed values, so on a little-endian machine each is the
    /// pixman format of the same name (RGB888 — bytes B, G, R — is pixman's r8g8b8, read bytewise).
    static func pixmanFormat(_ format: PixelFormat) -> pixman_format_code_t {
        switch format {
        case .argb8888: return PIXMAN_a8r8g8b8
        case .xrgb8888: return PIXMAN_x8r8g8b8
        case .abgr8888: return PIXMAN_a8b8g8r8
        case .xbgr8888: return PIXMAN_x8b8g8r8
        case .rgb565: return PIXMAN_r5g6b5
        case .rgb888: return PIXMAN_r8g8b8
        case .bgr888: return PIXMAN_b8g8r8
        case .argb2101010: return PIXMAN_a2r10g10b10
        case .xrgb2101010: return PIXMAN_x2r10g10b10
        case .abgr2101010: return PIXMAN_a2b10g10r10
        case .xbgr2101010: return PIXMAN_x2b10g10r10
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
    /// unavailable, or the item's offset does not fit pixman's 32 bits.
    private func composite(_ item: SceneItem, _ layer: Layer) -> Bool {
        let source = item.source
        let format = Renderer.pixmanFormat(source.format)
        // Where the drawn part starts inside the item, in device pixels. A client can place a huge item far
        // off the output (a layer surface's margin of -2^31 and a viewport 2^31 wide, × a fractional scale),
        // so this need not fit pixman's 32 bits: a repeated single pixel samples the same at any offset;
        // anything else that does not fit is left out of the frame (the caller repaints without it).
        var offsetX = layer.placed.x - outputScale.device(item.x), offsetY = layer.placed.y - outputScale.device(item.y)
        let sampling = item.viewport.flatMap { Renderer.viewportSampling($0, source: source, outputScale: outputScale) }
        switch sampling {
        case .offset(let dx, let dy)?: offsetX += Int64(dx); offsetY += Int64(dy)
        case .solid?: (offsetX, offsetY) = (0, 0)
        default: break
        }
        guard let srcX = Int32(exactly: offsetX), let srcY = Int32(exactly: offsetY) else { return false }
        let dstX = Int32(layer.placed.x), dstY = Int32(layer.placed.y)
        let width = Int32(layer.placed.width), height = Int32(layer.placed.height)
        let part = parts[layer.part]
        let done: Bool? = source.withPixels { pixels in
            // The parts blended onto the background colour (`sw_over_solid`), where pixman is not needed.
            func blendFused() {
                blendOntoBackground(part.fused, pixels: pixels, stride: Int(source.stride),
                                    sourceOrigin: (Int(layer.placed.x) - Int(srcX), Int(layer.placed.y) - Int(srcY)))
            }
            // Blended onto the background everywhere it shows: no pixman image to make (nor to allocate).
            if part.opaque.isEmpty && part.blend.isEmpty {
                blendFused()
                return true
            }
            // pixman only reads a source image; create_bits merely lacks a const-qualified parameter.
            var first = pixels
            var imageWidth = source.width, imageHeight = source.height
            if case .transform(_, _, _, _, let window)? = sampling {
                // A sub-image: the first row and column of the crop's window (inside the source, see above),
                // in bytes (2, 3 or 4 per pixel; pixman reads 16- and 24-bit pixels bytewise or unaligned).
                first += Int(window.y) * Int(source.stride) + Int(window.x) * Int(source.format.bytesPerPixel)
                imageWidth = window.width; imageHeight = window.height
            }
            let bits = UnsafeMutablePointer(mutating: first.assumingMemoryBound(to: UInt32.self))
            guard let image = pixman_image_create_bits(format, imageWidth, imageHeight, bits, source.stride) else {
                return false
            }
            defer { pixman_image_unref(image) }
            switch sampling {
            case nil:
                if item.bufferScale * OutputScale.denominator != outputScale.numerator {
                    Renderer.resample(image, bufferScale: item.bufferScale, outputScale: outputScale)
                }
            case .offset?: break
            case .solid?: pixman_image_set_repeat(image, PIXMAN_REPEAT_NORMAL)
            case .transform(let sx, let sy, let tx, let ty, _)?: Renderer.stretch(image, sx: sx, sy: sy, tx: tx, ty: ty)
            }
            // Each part under its own clip (two calls rather than a loop over a literal array: no allocation).
            func draw(_ part: PixmanRegion, _ op: pixman_op_t) {
                if part.isEmpty { return }
                pixman_image_set_clip_region32(destination, part.raw)
                pixman_image_composite32(op, image, nil, destination, srcX, srcY, 0, 0, dstX, dstY, width, height)
            }
            draw(part.opaque, PIXMAN_OP_SRC)
            draw(part.blend, PIXMAN_OP_OVER)
            blendFused()
            return true
        }
        return done ?? false
    }

    /// Blends the source over the background colour into `region`'s boxes (`sw_over_solid`). The source
    /// pixel for output pixel (x, y) is (x − origin.x, y − origin.y); the plan keeps the boxes inside the
    /// item (`isFusable`: 1:1 placement).
    private func blendOntoBackground(_ region: PixmanRegion, pixels: UnsafeRawPointer, stride: Int, sourceOrigin origin: (x: Int, y: Int)) {
        if region.isEmpty { return }
        let target = storage.base, targetStride = storage.stride
        region.withBoxes { boxes in
            for box in boxes {
                let x = Int(box.x1), y = Int(box.y1)
                sw_over_solid(pixels + (y - origin.y) * stride + (x - origin.x) * 4, stride,
                              target + y * targetStride + x * 4, targetStride,
                              Int(box.x2 - box.x1), Int(box.y2 - box.y1), background)
            }
        }
    }

    /// How a viewport item's source is sampled (wp_viewport).
    enum ViewportSampling {
        /// 1:1 from a whole-pixel crop origin: placed by offsets alone, pixel-exact.
        case offset(Int32, Int32)
        /// A 1×1 source (a single-pixel buffer) repeated: pixman treats it as a solid fill.
        case solid
        /// Device pixel → source: x × sx + tx, y × sy + ty, all 16.16 fixed point, in the sub-image of the
        /// source that holds the crop's whole pixels (`window`, in source pixels): sampling stops at the crop's
        /// edges instead of blending in what lies outside it.
        case transform(sx: pixman_fixed_t, sy: pixman_fixed_t, tx: pixman_fixed_t, ty: pixman_fixed_t,
                       window: (x: Int32, y: Int32, width: Int32, height: Int32))
    }

    /// The sampling for `viewport` at `outputScale`, or nil if it cannot be drawn (an empty size, or a ratio
    /// or origin that 16.16 fixed point cannot hold).
    static func viewportSampling(_ viewport: ScaledCrop, source: any PixelSource, outputScale: OutputScale) -> ViewportSampling? {
        let crop = viewport.crop
        // The destination's device size: × the output scale, rounded (saturating far beyond any output).
        let deviceWidth = (partialValue: outputScale.device(viewport.width), overflow: false)
        let deviceHeight = (partialValue: outputScale.device(viewport.height), overflow: false)
        guard viewport.width > 0, viewport.height > 0, crop.width > 0, crop.height > 0, crop.x >= 0, crop.y >= 0,
              deviceWidth.partialValue > 0, deviceHeight.partialValue > 0,
              deviceWidth.partialValue < Int64.max / 4, deviceHeight.partialValue < Int64.max / 4 else { return nil }
        if source.width == 1 && source.height == 1 { return .solid }
        let one = Viewport.fixedOne
        if crop.width == deviceWidth.partialValue * one && crop.height == deviceHeight.partialValue * one
            && crop.x % one == 0 && crop.y % one == 0,
           let dx = Int32(exactly: crop.x / one), let dy = Int32(exactly: crop.y / one) {
            return .offset(dx, dy)
        }
        // The whole source pixels the crop touches, which must lie inside the source (checked at commit).
        let left = crop.x / one, top = crop.y / one
        let (right, o5) = crop.x.addingReportingOverflow(crop.width)
        let (bottom, o6) = crop.y.addingReportingOverflow(crop.height)
        guard !(o5 || o6) else { return nil }
        let rightPixel = (right + one - 1) / one, bottomPixel = (bottom + one - 1) / one
        guard rightPixel <= Int64(source.width), bottomPixel <= Int64(source.height) else { return nil }
        // 1/256 units to 16.16: × 256, relative to the window's origin.
        let (sxWide, o1) = crop.width.multipliedReportingOverflow(by: 256)
        let (syWide, o2) = crop.height.multipliedReportingOverflow(by: 256)
        let (txWide, o3) = (crop.x - left * one).multipliedReportingOverflow(by: 256)
        let (tyWide, o4) = (crop.y - top * one).multipliedReportingOverflow(by: 256)
        guard !(o1 || o2 || o3 || o4),
              // At least 1/65536: a stretch beyond what 16.16 holds samples the crop's first column/row.
              let sx = pixman_fixed_t(exactly: Swift.max(1, sxWide / deviceWidth.partialValue)),
              let sy = pixman_fixed_t(exactly: Swift.max(1, syWide / deviceHeight.partialValue)),
              let tx = pixman_fixed_t(exactly: txWide), let ty = pixman_fixed_t(exactly: tyWide) else { return nil }
        return .transform(sx: sx, sy: sy, tx: tx, ty: ty,
                          window: (Int32(left), Int32(top), Int32(rightPixel - left), Int32(bottomPixel - top)))
    }

    /// Stretches the crop over the destination: an affine scale and translation
    /// (`pixman_image_set_transform`), sampled with `PIXMAN_FILTER_BILINEAR` and `PIXMAN_REPEAT_PAD`.
    /// Bilinear rather than nearest because viewport ratios are arbitrary (video, GTK4's fractional scale
    /// drawing at 1.5×): nearest makes uneven pixel columns there, bilinear is what weston's pixman renderer
    /// does. PAD keeps the edges from fading into transparency. A 1:1 viewport never gets here (offsets).
    static func stretch(_ image: OpaquePointer, sx: pixman_fixed_t, sy: pixman_fixed_t, tx: pixman_fixed_t, ty: pixman_fixed_t) {
        var transform = pixman_transform_t()
        pixman_transform_init_scale(&transform, sx, sy)
        transform.matrix.0.2 = tx
        transform.matrix.1.2 = ty
        _ = pixman_image_set_transform(image, &transform)
        _ = pixman_image_set_filter(image, PIXMAN_FILTER_BILINEAR, nil, 0)
        pixman_image_set_repeat(image, PIXMAN_REPEAT_PAD)
    }

    /// Makes pixman sample `image` (a buffer at `bufferScale`) for an output at `outputScale`: destination
    /// pixel centres map to buffer coordinates × bufferScale / outputScale (`pixman_image_set_transform`),
    /// taking the nearest pixel (`PIXMAN_FILTER_NEAREST`: an exact integer upscale makes blocks, never blurs).
    /// A ratio that 16.16 fixed point holds exactly (output scale 1, 2 or 4) is an affine scale; any other
    /// (output scale 3) is the projective matrix diag(b, b, N), which pixman divides exactly.
    static func resample(_ image: OpaquePointer, bufferScale: Int64, outputScale: OutputScale) {
        var transform = pixman_transform_t()
        let one = Int64(1) << 16
        // buffer pixels per device pixel = bufferScale × 120 / numerator, reduced so the matrix stays small.
        var b = bufferScale * OutputScale.denominator, n = outputScale.numerator
        var (x, y) = (b, n)
        while y != 0 { (x, y) = (y, x % y) }
        b /= x; n /= x
        if (b * one) % n == 0 {
            let ratio = pixman_fixed_t(clamping: b * one / n)
            pixman_transform_init_scale(&transform, ratio, ratio)
        } else {
            pixman_transform_init_identity(&transform)
            // Clamped: only a buffer scale in the thousands (a buffer over 16384 pixels a side, which nothing
            // accepts) could pass 16.16's range; it would then be sampled at the wrong size, never crash.
            transform.matrix.0.0 = pixman_fixed_t(clamping: b * one)
            transform.matrix.1.1 = pixman_fixed_t(clamping: b * one)
            transform.matrix.2.2 = pixman_fixed_t(clamping: n * one)
        }
        _ = pixman_image_set_transform(image, &transform)
        // Integer ratios: nearest (a scale-1 client on a scale-2 output: sharp 2×2 blocks). A fractional
        // ratio (a scale-2 buffer on a 1.5 output) is downscaled bilinearly: nearest would drop whole rows
        // and columns unevenly.
        let integral = outputScale.isInteger
        _ = pixman_image_set_filter(image, integral ? PIXMAN_FILTER_NEAREST : PIXMAN_FILTER_BILINEAR, nil, 0)
        if !integral { pixman_image_set_repeat(image, PIXMAN_REPEAT_PAD) }
    }
}
