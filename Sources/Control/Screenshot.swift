import Compositor
import Glibc
import Render
import Scanout
import WaylandServer

/// Screenshots for `seawall ctl screenshot`: the scene as it is now, composed afresh into an image of its
/// own (so a screenshot never waits for, or disturbs, the next frame), or one window's surface tree alone.
public enum Screenshot {
    /// The largest screenshot, in pixels (a window's geometry is the client's to choose).
    public static let maxPixels = 1 << 25

    /// The whole output, with the background where no window is.
    public static func output(of server: Server) -> RGBImage {
        let renderer = Renderer(width: server.configuration.width, height: server.configuration.height,
                                outputScale: server.configuration.outputScale, background: server.configuration.background)
        renderer.render(server.scene.items(), damage: Region(server.scene.outputRect))
        return RGBImage(renderer.image)
    }

    /// One window's surface tree (subsurfaces and popups included) composed on its own over black, in an
    /// image of the window's geometry (xdg_surface.set_window_geometry, else its surface's size): windows
    /// above or below it do not show.
    public static func window(_ window: Window, of server: Server) throws(ControlError) -> RGBImage {
        guard let surface = window.surface, let view = server.scene.view(for: surface), view.mapped else {
            throw ControlError("the window is not mapped")
        }
        // The geometry is logical; the image is in device pixels, like the output's.
        let area = window.geometry ?? Rect(x: 0, y: 0, width: surface.width, height: surface.height)
        let scale = server.configuration.outputScale
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
