/// A perceptual colour distance between two opaque 8-bit RGB pixels, in 0…1.
///
/// The idea (Kotsarenko and Ramos, "Measuring perceived color difference using YIQ NTSC transmission color
/// space in mobile applications", 2010; pixelmatch and Playwright's `toHaveScreenshot` use it): take the
/// difference of the two colours in the NTSC YIQ space — brightness Y and the two chroma axes I and Q —
/// and weigh the squared components by how much each matters to the eye:
///
///     ΔE = 0.5053·ΔY² + 0.299·ΔI² + 0.1957·ΔQ²
///
/// YIQ is a linear transform of RGB, so ΔE depends only on the channel differences (ΔR, ΔG, ΔB), and ΔE = 0
/// exactly when the pixels are equal. Its largest value over all pairs of 8-bit colours, `maxSquared`, is
/// reached at a corner of the RGB difference cube (the form is convex); it is computed below over the
/// corners, not taken as a constant. The distance is √(ΔE / maxSquared): 0 for equal pixels, 1 for the most
/// different pair (red against cyan), and a threshold T in 0…1 calls a pixel different when distance > T,
/// i.e. ΔE > T²·maxSquared.
public enum PixelDistance {
    /// ΔE for channel differences (dr, dg, db), each in −255…255.
    @inline(__always)
    public static func squared(_ dr: Int, _ dg: Int, _ db: Int) -> Double {
        let r = Double(dr), g = Double(dg), b = Double(db)
        let y = 0.29889531 * r + 0.58662247 * g + 0.11448223 * b
        let i = 0.59597799 * r - 0.27417610 * g - 0.32180189 * b
        let q = 0.21147017 * r - 0.52261711 * g + 0.31114694 * b
        return 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q
    }

    /// The largest ΔE between two 8-bit colours: the maximum over the corners (±255, ±255, ±255) of the
    /// difference cube (a corner and its negation give the same value).
    public static let maxSquared: Double = {
        var best = 0.0
        for signs in 0..<8 {
            let dr = signs & 1 == 0 ? 255 : -255, dg = signs & 2 == 0 ? 255 : -255, db = signs & 4 == 0 ? 255 : -255
            best = max(best, squared(dr, dg, db))
        }
        return best
    }()

    /// The normalised distance √(ΔE / maxSquared), in 0…1.
    public static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Double {
        (squared(Int(a.0) - Int(b.0), Int(a.1) - Int(b.1), Int(a.2) - Int(b.2)) / maxSquared).squareRoot()
    }
}
