/// A size in pixels, as people write it on a command line: "WxH".
public struct PixelSize: Equatable, Sendable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses "WxH" (or "WXH"); each side must be in 1...maxSide.
    public init?(parsing text: String, maxSide: Int = 16384) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
              (1...maxSide).contains(w), (1...maxSide).contains(h) else { return nil }
        self.init(width: w, height: h)
    }

    public var description: String { "\(width)x\(height)" }
}
