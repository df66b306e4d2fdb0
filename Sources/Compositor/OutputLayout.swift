/// Several outputs (`--output WxH[@SCALE][+X,Y]`, repeated): where each is in one logical layout.
///
/// The scene, windows, input and configures use *layout* coordinates: logical units, in which each output
/// covers a rectangle (its device size divided by its scale, rounded up, at its position). With one output
/// the layout is that output at (0, 0), and layout coordinates are output coordinates. Each output's
/// renderer draws the part of the scene inside its rectangle, shifted to its own origin and multiplied by
/// its own scale.

/// Why an `--output` list cannot be laid out, in words for the command line.
public struct OutputLayoutError: Error, CustomStringConvertible, Sendable { public let description: String }

/// One output in the layout.
public struct OutputArea: Equatable, Sendable {
    /// Its place in the list (0: the first, the default output).
    public let index: Int
    /// The connector-like name clients see (wl_output.name, xdg_output.name): SEAWALL-1, SEAWALL-2, …
    public let name: String
    /// Its size in device pixels (the frames' size).
    public let deviceWidth: Int64
    public let deviceHeight: Int64
    public let scale: OutputScale
    /// Where it is in the layout, logical: its position, and its device size / scale rounded up.
    public let rect: Rect

    public init(index: Int, name: String, deviceWidth: Int64, deviceHeight: Int64, scale: OutputScale, x: Int64, y: Int64) {
        self.index = index; self.name = name
        self.deviceWidth = deviceWidth; self.deviceHeight = deviceHeight; self.scale = scale
        rect = Rect(x: x, y: y, width: scale.logicalLength(device: deviceWidth), height: scale.logicalLength(device: deviceHeight))
    }

    /// The name of the `index`-th output.
    public static func name(ofIndex index: Int) -> String { "SEAWALL-\(index + 1)" }
}

/// What `--output` gives for one output: its device size, scale and, optionally, its position.
public struct OutputSpec: Equatable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public var scale: OutputScale
    /// Its top-left corner in the layout (logical); nil: right of the previous output, top edges aligned.
    public var position: (x: Int64, y: Int64)?

    /// The most outputs Seawall drives (each is a renderer, a global and, with files, a directory).
    public static let maxOutputs = 8
    /// The largest output side in device pixels, and the farthest an output may be placed.
    public static let maxSide = 16384
    public static let maxPosition: Int64 = 65536

    public init(width: Int, height: Int, scale: OutputScale = .one, position: (x: Int64, y: Int64)? = nil) {
        self.width = width; self.height = height; self.scale = scale; self.position = position
    }

    public static func == (a: OutputSpec, b: OutputSpec) -> Bool {
        a.width == b.width && a.height == b.height && a.scale == b.scale
            && a.position?.x == b.position?.x && a.position?.y == b.position?.y
    }

    public var description: String {
        var text = "\(width)x\(height)"
        if scale != .one { text += "@\(scale)" }
        if let position { text += "+\(position.x),\(position.y)" }
        return text
    }

    /// Parses `WxH`, `WxH@SCALE`, `WxH+X,Y` or `WxH@SCALE+X,Y` (sizes 1…16384 device pixels, a scale as
    /// `--scale` takes it, a position 0…65536 logical units). Returns why not, for a command-line message.
    public static func parse(_ text: String) -> Result<OutputSpec, OutputLayoutError> {
        let usage = "--output \(text): expected WxH[@SCALE][+X,Y], e.g. 1280x720, 1920x1080@1.5 or 800x600+1280,0"
        var rest = Substring(text)
        var position: (x: Int64, y: Int64)?
        if let plus = rest.firstIndex(of: "+") {
            let coordinates = rest[rest.index(after: plus)...].split(separator: ",", omittingEmptySubsequences: false)
            guard coordinates.count == 2, let x = decimal(coordinates[0]), let y = decimal(coordinates[1]) else {
                return .failure(OutputLayoutError(description: usage))
            }
            guard x <= maxPosition, y <= maxPosition else {
                return .failure(OutputLayoutError(description: "--output \(text): a position is at most \(maxPosition),\(maxPosition)"))
            }
            position = (x, y)
            rest = rest[..<plus]
        }
        var scale = OutputScale.one
        if let at = rest.firstIndex(of: "@") {
            switch OutputScale.parse(String(rest[rest.index(after: at)...])) {
            case .success(let parsed): scale = parsed
            case .failure(let error):
                let reason = error.description.hasPrefix("--scale ") ? "scale " + error.description.dropFirst(8) : error.description
                return .failure(OutputLayoutError(description: "--output \(text): \(reason)"))
            }
            rest = rest[..<at]
        }
        let sides = rest.split(separator: "x", omittingEmptySubsequences: false)
        guard sides.count == 2, let width = decimal(sides[0]), let height = decimal(sides[1]) else {
            return .failure(OutputLayoutError(description: usage))
        }
        guard (1...Int64(maxSide)).contains(width), (1...Int64(maxSide)).contains(height) else {
            return .failure(OutputLayoutError(description: "--output \(text): each side must be 1 to \(maxSide) pixels"))
        }
        return .success(OutputSpec(width: Int(width), height: Int(height), scale: scale, position: position))
    }

    /// ASCII digits only, at most 9 of them (no sign, no overflow).
    private static func decimal(_ text: Substring) -> Int64? {
        guard (1...9).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(text)
    }

    /// The layout of `specs`, in order: an output without a position goes right of the one before it (the
    /// first at (0, 0)). Returns why not when two outputs overlap (a point must belong to one output) or
    /// there are too many.
    public static func layout(_ specs: [OutputSpec]) -> Result<[OutputArea], OutputLayoutError> {
        guard !specs.isEmpty else { return .failure(OutputLayoutError(description: "at least one output is needed")) }
        guard specs.count <= maxOutputs else {
            return .failure(OutputLayoutError(description: "--output was given \(specs.count) times; Seawall drives at most \(maxOutputs) outputs"))
        }
        var areas: [OutputArea] = []
        for (index, spec) in specs.enumerated() {
            let previous = areas.last?.rect
            let x = spec.position?.x ?? previous.map(\.maxX) ?? 0
            let y = spec.position?.y ?? previous.map(\.y) ?? 0
            let area = OutputArea(index: index, name: OutputArea.name(ofIndex: index), deviceWidth: Int64(spec.width),
                                  deviceHeight: Int64(spec.height), scale: spec.scale, x: x, y: y)
            if let other = areas.first(where: { !$0.rect.intersection(area.rect).isEmpty }) {
                let r = area.rect, o = other.rect
                return .failure(OutputLayoutError(description: "output \(index + 1) (\(spec), logically \(r.width)x\(r.height) at \(r.x),\(r.y)) overlaps output \(other.index + 1) (\(o.width)x\(o.height) at \(o.x),\(o.y)); give positions with +X,Y so that they touch or leave a gap"))
            }
            areas.append(area)
        }
        return .success(areas)
    }
}

extension Array where Element == SceneItem {
    /// The items (layout coordinates) that reach output rectangle `area`, moved to its origin, appended to
    /// `result`: what that output's renderer draws.
    public func appendItems(on area: Rect, to result: inout [SceneItem]) {
        for var item in self where !item.bounds.intersection(area).isEmpty {
            item.x -= area.x
            item.y -= area.y
            result.append(item)
        }
    }
}

extension Array where Element == OutputArea {
    /// The smallest rectangle holding every output (the pointer's and the scene's range).
    public var bounds: Rect {
        guard var box = first?.rect else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        for area in dropFirst() {
            let left = Swift.min(box.x, area.rect.x), top = Swift.min(box.y, area.rect.y)
            let right = Swift.max(box.maxX, area.rect.maxX), bottom = Swift.max(box.maxY, area.rect.maxY)
            box = Rect(x: left, y: top, width: right - left, height: bottom - top)
        }
        return box
    }

    /// The output holding layout point (x, y), if any (outputs do not overlap).
    public func index(containingX x: Double, y: Double) -> Int? {
        firstIndex { Double($0.rect.x) <= x && x < Double($0.rect.maxX) && Double($0.rect.y) <= y && y < Double($0.rect.maxY) }
    }

    /// The output a rectangle is mostly on: the one with the largest overlap, else the nearest (by its
    /// centre), the first on a tie.
    public func index(for rect: Rect) -> Int {
        var best = 0, bestArea: Int64 = -1
        for (index, area) in enumerated() {
            let overlap = area.rect.intersection(rect)
            let size = overlap.isEmpty ? 0 : overlap.area
            if size > bestArea { best = index; bestArea = size }
        }
        if bestArea > 0 { return best }
        let cx = rect.x + rect.width / 2, cy = rect.y + rect.height / 2
        var nearest = 0, nearestDistance = Int64.max
        for (index, area) in enumerated() {
            let dx = Swift.max(area.rect.x - cx, 0, cx - area.rect.maxX + 1)
            let dy = Swift.max(area.rect.y - cy, 0, cy - area.rect.maxY + 1)
            let distance = Swift.min(dx, 1 << 30) + Swift.min(dy, 1 << 30)
            if distance < nearestDistance { nearest = index; nearestDistance = distance }
        }
        return nearest
    }

    /// The nearest point to (x, y) on some output, just short of its far edges (1/256, wl_fixed's step),
    /// so that a clamped pointer still lies on an output's last pixel.
    public func clamped(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        let px = x.isNaN ? 0 : x, py = y.isNaN ? 0 : y
        var best = (x: 0.0, y: 0.0), bestDistance = Double.infinity
        for area in self {
            let r = area.rect
            let cx = Swift.min(Swift.max(px, Double(r.x)), Swift.max(Double(r.maxX) - 1.0 / 256, Double(r.x)))
            let cy = Swift.min(Swift.max(py, Double(r.y)), Swift.max(Double(r.maxY) - 1.0 / 256, Double(r.y)))
            let distance = (cx - px) * (cx - px) + (cy - py) * (cy - py)
            if distance < bestDistance { best = (cx, cy); bestDistance = distance }
        }
        return best
    }
}
