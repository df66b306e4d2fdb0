/// What a demo client draws. Every frame is a pure function of (pattern, size, frame number, colour),
/// so a compositor's output of a demo client can be compared with a golden image.
public enum Pattern: String, CaseIterable, Sendable {
    /// One colour (XRGB8888).
    case solid
    /// A red/green gradient whose red ramp slides right by 4 levels per frame (XRGB8888).
    case gradient
    /// 16-pixel squares of the colour and dark grey, scrolling left by 2 px per frame (XRGB8888).
    case checkerboard
    /// A transparent window with a 2-pixel opaque grey frame and a half-transparent box (alpha 0x80) that
    /// moves 8 px right and 5 px down per frame, wrapping (ARGB8888, premultiplied).
    case box

    /// Whether the pattern has transparent pixels (ARGB8888) or is opaque (XRGB8888).
    public var hasAlpha: Bool { self == .box }

    /// The colour used when none is given, 0xRRGGBB.
    public var defaultColor: UInt32 {
        switch self {
        case .solid: return 0x3070C0
        case .gradient: return 0x000000   // unused
        case .checkerboard: return 0xE0E0E0
        case .box: return 0xFF4020
        }
    }
}

/// Draws patterns into memory laid out like a wl_shm buffer: pixels of a wl_shm format (ARGB8888 or
/// XRGB8888 unless told), `stride` bytes per row.
public enum PatternRenderer {
    public static let darkGrey: UInt32 = 0xFF30_3030
    public static let borderGrey: UInt32 = 0xFF80_8080
    public static let boxAlpha: UInt32 = 0x80

    /// Fills a `width`×`height` buffer at `pixels` with frame `frame` of `pattern`, in `format`.
    public static func draw(_ pattern: Pattern, frame: Int, width: Int, height: Int, color: UInt32,
                            into pixels: UnsafeMutableRawPointer, stride: Int, format: ShmFormat? = nil) {
        let format = format ?? (pattern.hasAlpha ? .argb8888 : .xrgb8888)
        precondition(width > 0 && height > 0 && stride >= width * format.bytesPerPixel, "PatternRenderer: bad geometry")
        let step = format.bytesPerPixel
        for y in 0..<height {
            let row = pixels + y * stride
            for x in 0..<width {
                format.write(pixel(pattern, frame: frame, x: x, y: y, width: width, height: height, color: color),
                             to: row + x * step)
            }
        }
    }

    /// One pixel of frame `frame`, as the 32-bit value stored in the buffer (0xAARRGGBB).
    @inline(__always)
    public static func pixel(_ pattern: Pattern, frame: Int, x: Int, y: Int, width: Int, height: Int,
                             color: UInt32) -> UInt32 {
        switch pattern {
        case .solid:
            return 0xFF00_0000 | (color & 0xFF_FFFF)
        case .gradient:
            let red = UInt32((x * 256 / width + frame * 4) & 0xFF)
            let green = UInt32((y * 256 / height) & 0xFF)
            let blue = UInt32(0x60)
            return 0xFF00_0000 | red << 16 | green << 8 | blue
        case .checkerboard:
            let light = ((x + frame * 2) / 16 + y / 16) % 2 == 0
            return light ? 0xFF00_0000 | (color & 0xFF_FFFF) : darkGrey
        case .box:
            if x < 2 || y < 2 || x >= width - 2 || y >= height - 2 { return borderGrey }
            let box = boxRect(frame: frame, width: width, height: height)
            if x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height {
                return premultiplied(color, alpha: boxAlpha)
            }
            return 0
        }
    }

    /// Where the box of `Pattern.box` is in frame `frame`: a third of the window, inside the border.
    public static func boxRect(frame: Int, width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        let boxWidth = max(1, width / 3), boxHeight = max(1, height / 3)
        let spanX = max(1, width - 4 - boxWidth), spanY = max(1, height - 4 - boxHeight)
        return (2 + (frame * 8) % spanX, 2 + (frame * 5) % spanY, boxWidth, boxHeight)
    }

    /// 0xRRGGBB at `alpha` as premultiplied ARGB8888: each channel × alpha / 255, rounded.
    public static func premultiplied(_ color: UInt32, alpha: UInt32) -> UInt32 {
        func channel(_ shift: UInt32) -> UInt32 { (((color >> shift) & 0xFF) * alpha + 127) / 255 }
        return alpha << 24 | channel(16) << 16 | channel(8) << 8 | channel(0)
    }
}
