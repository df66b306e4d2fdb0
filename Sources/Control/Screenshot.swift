import Compositor
import Glibc
import Render
import Scanout
import WaylandServer

/// Screenshots for `seawall ctl screenshot` and `seawall run --screenshot`: an output's frame as the scene is
/// now, composed afresh into an image of its own (so a screenshot never waits for, or disturbs, the next
/// frame); the whole layout of several outputs; or one window's surface tree alone.
///
/// The layout (every output, `--output` given more than once) is what grim makes of the outputs: one image of
/// the layout's bounding box at the largest scale among the outputs, each output's frame placed at its
/// position, a frame of an output at a smaller scale enlarged to it (nearest neighbour: a scale-1 frame beside
/// a scale-2 output becomes 2x2 blocks), and Seawall's background colour where no output is. So the layout
/// shows exactly what the outputs show (a window straddling two of them is cut where they meet, each part
/// drawn at its output's scale), and the part of an output at the largest scale is its frame, pixel for
/// pixel. With one output, the layout is that output's frame.
public enum Screenshot {
    /// The largest window screenshot, in pixels (a window's geometry is the client's to choose).
    public static let maxPixels = 1 << 25
    /// The largest layout screenshot, in pixels (8 outputs of 3840x2160, say, or 2 at 5120x2880 and scale 2).
    public static let maxLayoutPixels = 1 << 27

    /// Output `index`'s frame (device pixels at its scale), with the background where no window is.
    public static func output(_ index: Int, of server: Server) -> RGBImage {
        let area = server.heads[index].area
        let renderer = Renderer(width: Int(area.deviceWidth), height: Int(area.deviceHeight), outputScale: area.scale,
                                background: server.configuration.background)
        var items = server.scene.items()
        if area.rect.x != 0 || area.rect.y != 0 || server.heads.count > 1 {
            var moved: [SceneItem] = []
            items.appendItems(on: area.rect, to: &moved)
            items = moved
        }
        renderer.render(items, damage: Region(Rect(x: 0, y: 0, width: area.rect.width, height: area.rect.height)))
        return RGBImage(renderer.image)
    }

    /// Every output, composed afresh, in one image of the layout (above).
    public static func layout(of server: Server) throws(ControlError) -> RGBImage {
        if server.heads.count == 1 { return output(0, of: server) }
        try checkLayoutSize(server.heads.map(\.area))
        return try assemble(server.heads.indices.map { output($0, of: server) }, areas: server.heads.map(\.area),
                            background: server.configuration.background)
    }

    /// Every output's last composed frame (what the outputs show now, not the scene), in one image of the
    /// layout: `seawall run --screenshot`, which keeps the last frame that showed windows.
    public static func lastFrames(of server: Server) throws(ControlError) -> RGBImage {
        if server.heads.count == 1 { return RGBImage(server.renderer.image) }
        try checkLayoutSize(server.heads.map(\.area))
        return try assemble(server.heads.map { RGBImage($0.renderer.image) }, areas: server.heads.map(\.area),
                            background: server.configuration.background)
    }

    /// The layout image's size in device pixels: the bounding box of `areas` at their largest scale.
    public static func layoutSize(_ areas: [OutputArea]) -> (width: Int64, height: Int64, scale: OutputScale) {
        let scale = areas.map(\.scale).max { $0.numerator < $1.numerator } ?? .one
        let bounds = areas.bounds
        let device = Rect(x: 0, y: 0, width: bounds.width, height: bounds.height).scaled(by: scale)
        return (device.width, device.height, scale)
    }

    private static func checkLayoutSize(_ areas: [OutputArea]) throws(ControlError) {
        let size = layoutSize(areas)
        // Each side is at most (65536 + 16384) x 4 device pixels: the product fits in 64 bits.
        guard size.width * size.height <= Int64(maxLayoutPixels) else {
            throw ControlError("the layout of \(areas.count) outputs is \(size.width)x\(size.height) pixels at scale \(size.scale), more than a screenshot may have (\(maxLayoutPixels) pixels); take each output with --output \(areas.map(\.name).joined(separator: "|"))")
        }
    }

    /// `frames` (one per output of `areas`, in order, each the output's device size) in one image of the
    /// layout's bounding box at the largest scale; `background` (0xAARRGGBB) where no output is.
    public static func assemble(_ frames: [RGBImage], areas: [OutputArea], background: UInt32) throws(ControlError) -> RGBImage {
        precondition(frames.count == areas.count, "Screenshot.assemble: one frame per output")
        if areas.count == 1, let frame = frames.first { return frame }
        try checkLayoutSize(areas)
        let size = layoutSize(areas)
        let width = Int(size.width), height = Int(size.height)
        let bounds = areas.bounds
        let fill: [UInt8] = [UInt8((background >> 16) & 0xFF), UInt8((background >> 8) & 0xFF), UInt8(background & 0xFF)]
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        bytes.withUnsafeMutableBufferPointer { canvas in
            guard let base = canvas.baseAddress else { return }
            // The background: the first row pixel by pixel, then copied down.
            for index in stride(from: 0, to: width * 3, by: 3) {
                canvas[index] = fill[0]; canvas[index + 1] = fill[1]; canvas[index + 2] = fill[2]
            }
            for row in 1..<max(1, height) { (base + row * width * 3).update(from: base, count: width * 3) }
            for (area, frame) in zip(areas, frames) {
                // Where the output's logical rectangle falls in the image (edges rounded as the renderer does).
                let place = area.rect.offsetBy(dx: -bounds.x, dy: -bounds.y).scaled(by: size.scale)
                    .intersection(Rect(x: 0, y: 0, width: size.width, height: size.height))
                guard !place.isEmpty, frame.width > 0, frame.height > 0 else { continue }
                // A canvas pixel shows the frame pixel under its centre: source = (2·d + 1)·s / (2·S), where d is
                // its distance from the output's corner in the image, s the output's scale and S the image's
                // (both in 1/120). With s = S that is d itself.
                let s = area.scale.numerator, big = size.scale.numerator
                func source(_ d: Int64) -> Int { Int((2 * d + 1) * s / (2 * big)) }
                let columns = (0..<place.width).map { source($0) }
                frame.bytes.withUnsafeBufferPointer { pixels in
                    guard let origin = pixels.baseAddress else { return }
                    for row in 0..<Int(place.height) {
                        let sy = source(Int64(row))
                        guard sy < frame.height else { break }
                        let target = ((Int(place.y) + row) * width + Int(place.x)) * 3
                        let from = sy * frame.width * 3
                        if s == big {
                            (base + target).update(from: origin + from, count: min(Int(place.width), frame.width) * 3)
                            continue
                        }
                        for (column, sx) in columns.enumerated() where sx < frame.width {
                            let t = target + column * 3, f = from + sx * 3
                            canvas[t] = pixels[f]; canvas[t + 1] = pixels[f + 1]; canvas[t + 2] = pixels[f + 2]
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, bytes: bytes)
    }

    /// One window's surface tree (subsurfaces and popups included) composed on its own over black, in an
    /// image of the window's geometry (xdg_surface.set_window_geometry, else its surface's size), at the scale
    /// of the output it is mostly on: windows above or below it do not show.
    public static func window(_ window: Window, of server: Server) throws(ControlError) -> RGBImage {
        guard let surface = window.surface, let view = server.scene.view(for: surface), view.mapped else {
            throw ControlError("the window is not mapped")
        }
        // The geometry is logical; the image is in device pixels, like the output's.
        let area = window.geometry ?? Rect(x: 0, y: 0, width: surface.width, height: surface.height)
        let scale = server.heads[server.scene.outputIndex(of: view)].area.scale
        let pixels = Rect(x: 0, y: 0, width: area.width, height: area.height).scaled(by: scale)
        guard area.width > 0, area.height > 0, pixels.width <= 1 << 15, pixels.height <= 1 << 15,
              pixels.width * pixels.height <= Int64(maxPixels) else {
            throw ControlError("the window's size \(pixels.width)x\(pixels.height) cannot be captured (at most \(maxPixels) pixels, 32768 a side)")
        }
        let renderer = Renderer(width: Int(pixels.width), height: Int(pixels.height), outputScale: scale, background: 0xFF00_0000)
        let items = surface.flattened().compactMap { entry -> SceneItem? in
            guard let buffer = entry.surface.buffer else { return nil }
            return SceneItem(x: entry.x - area.x, y: entry.y - area.y, source: buffer, opaqueRegion: entry.surface.opaqueRegion,
                             bufferScale: Int64(entry.surface.bufferScale))
        }
        renderer.render(items, damage: Region(Rect(x: 0, y: 0, width: area.width, height: area.height)))
        return RGBImage(renderer.image)
    }

    /// The part of `image` inside `region` (image coordinates), which must overlap it; clipped to it.
    public static func crop(_ image: RGBImage, to region: Rect) throws(ControlError) -> RGBImage {
        let whole = Rect(x: 0, y: 0, width: Int64(image.width), height: Int64(image.height))
        let part = region.intersection(whole)
        guard !part.isEmpty else {
            throw ControlError("region \(region.x),\(region.y),\(region.width),\(region.height) is outside the \(image.width)x\(image.height) image")
        }
        if part == whole { return image }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(part.width * part.height * 3))
        for y in Int(part.y)..<Int(part.maxY) {
            let start = (y * image.width + Int(part.x)) * 3
            bytes += image.bytes[start..<start + Int(part.width) * 3]
        }
        return RGBImage(width: Int(part.width), height: Int(part.height), bytes: bytes)
    }

    /// Writes `image` as PNG or PPM, by `path`'s extension (.png, .ppm; any case).
    public static func write(_ image: RGBImage, to path: String) throws(ControlError) {
        let lower = path.lowercased()
        guard lower.hasSuffix(".png") || lower.hasSuffix(".ppm") else {
            throw ControlError("screenshot file \(path) must end in .png or .ppm")
        }
        do throws(ScanoutError) {
            try image.write(to: path)
        } catch {
            throw ControlError(error.description)
        }
    }
}
