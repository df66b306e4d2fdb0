import Compositor

/// A frame that one client buffer fills exactly: the topmost scene item covers the output 1:1 (at its
/// origin, the output's size, buffer scale and output scale 1, no viewport, in the output's own 32-bit layout) and is opaque there (XRGB8888, or
/// ARGB8888 whose declared opaque region covers it). Composing it would copy the buffer into the output image
/// unchanged (`PIXMAN_OP_SRC`), so the renderer skips that copy and scanout targets read the buffer itself.
///
/// The frame lends the buffer's pixels only while its holder keeps the buffer from being released: the
/// server locks the client buffer for as long as the renderer or a scanout target may read it.
public struct DirectFrame {
    /// The buffer: `width`×`height` pixels of the output's size, rows `stride` bytes apart.
    public let source: any PixelSource
    public var width: Int { Int(source.width) }
    public var height: Int { Int(source.height) }
    public var stride: Int { Int(source.stride) }

    init(source: any PixelSource) { self.source = source }

    /// Lends the first byte of the first row (rows `stride` bytes apart); nil if the pixels are unavailable.
    /// The pointer must not escape `body`.
    public func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R? {
        try source.withPixels(body)
    }
}

extension Renderer {
    /// The direct frame `items` make, or nil if they must be composed (see `DirectFrame`). Only the top item
    /// matters: it covers every pixel opaquely, so nothing below shows.
    public func directFrame(_ items: [SceneItem]) -> DirectFrame? {
        guard outputScale == .one, let top = items.last, top.viewport == nil, top.bufferScale == 1,
              top.source.format == .xrgb8888 || top.source.format == .argb8888,   // the output image's layout
              top.x == 0, top.y == 0,
              Int(top.source.width) == storage.width, Int(top.source.height) == storage.height,
              Renderer.isUsable(top.source) else { return nil }
        if !top.source.format.isOpaque {
            let whole = Rect(x: 0, y: 0, width: Int64(top.source.width), height: Int64(top.source.height))
            guard top.opaqueRegion.contains(whole) else { return nil }
        }
        return DirectFrame(source: top.source)
    }

    /// Shows `frame` as the output without composing it: the image gets its pixels only when read
    /// (`image`), or when a later `render` needs them under its damage. The caller keeps the frame's buffer
    /// unchanged (locked) until the next `show` or `render`.
    public func show(_ frame: DirectFrame) {
        direct = frame
    }

    /// Copies the pending direct frame into the image (`pixman_blt`-speed row copies), if there is one.
    func materializeDirectFrame() {
        guard let frame = direct else { return }
        direct = nil
        let rowBytes = storage.width * 4
        let copied: Void? = frame.withPixels { pixels in
            storage.withMutablePixels { target in
                if frame.stride == storage.stride {
                    target.copyMemory(from: pixels, byteCount: storage.stride * (storage.height - 1) + rowBytes)
                } else {
                    for y in 0..<storage.height {
                        (target + y * storage.stride).copyMemory(from: pixels + y * frame.stride, byteCount: rowBytes)
                    }
                }
            }
        }
        // Unavailable pixels (a buffer gone mid-frame, which a locked buffer never is): the background shows.
        if copied == nil { storage.fill(background) }
    }
}
