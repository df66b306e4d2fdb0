import Compositor

/// Records what the compositor decided, one line per event, in order.
final class EventRecorder: CompositorEvents {
    var lines: [String] = []
    var repaints = 0
    /// The serial of the last button, key or touch-down event (activation tokens quote it).
    var inputSerial: UInt32 = 0

    func take() -> [String] {
        defer { lines = [] }
        return lines
    }

    func configure(_ window: Window) {
        lines.append("configure \(window.surface?.id ?? 0)\(window.activated ? " activated" : "")")
    }
    /// "enter output 3" for surface 3 on the first output; "enter output 3 on 1" on the second.
    func surface(_ surface: Surface, output: Int, isOn: Bool) {
        lines.append("\(isOn ? "enter" : "leave") output \(surface.id)\(output == 0 ? "" : " on \(output)")")
    }
    func pointerEnter(_ surface: Surface, serial: UInt32, x: Double, y: Double) { lines.append("pointer enter \(surface.id) \(x),\(y)") }
    func pointerLeave(_ surface: Surface, serial: UInt32) { lines.append("pointer leave \(surface.id)") }
    func pointerMotion(_ surface: Surface, x: Double, y: Double) { lines.append("pointer motion \(surface.id) \(x),\(y)") }
    func keyboardKey(_ surface: Surface, serial: UInt32, key: UInt32, pressed: Bool) {
        inputSerial = serial
        lines.append("key \(surface.id) \(key) \(pressed ? "down" : "up")")
    }
    func keyboardModifiers(_ surface: Surface, serial: UInt32, depressed: UInt32, latched: UInt32, locked: UInt32, group: UInt32) {
        let rest = latched | locked | group == 0 ? "" : " \(latched) \(locked) \(group)"
        lines.append("modifiers \(surface.id) \(depressed)\(rest)")
    }
    func keyboardKeymap(_ keymap: KeymapHandle?, to client: ClientID) {
        lines.append("keymap \(keymap.map { ($0.file as? KeymapName)?.name ?? "?" } ?? "seawall") to client \(client.rawValue)")
    }
    func pointerAxis(_ surface: Surface, horizontal: Bool, value: Double, discrete: Int32) {
        lines.append("pointer axis \(surface.id) \(horizontal ? "horizontal" : "vertical") \(value) \(discrete)")
    }
    func pointerAxisFrame(_ surface: Surface, _ axes: PointerAxisFrame) {
        func describe(_ name: String, _ axis: PointerAxisFrame.Axis) -> String? {
            guard axis.value != nil || axis.stopped else { return nil }
            return "\(name) \(axis.value.map { "\($0)" } ?? "-") \(axis.discrete.map { "\($0)" } ?? "-")\(axis.stopped ? " stop" : "")"
        }
        let parts = [axes.source.map { "source \($0)" }, describe("vertical", axes.vertical), describe("horizontal", axes.horizontal)]
        lines.append("pointer axis frame \(surface.id) " + parts.compactMap { $0 }.joined(separator: ", "))
    }
    func pointerRelativeMotion(_ surface: Surface, _ motion: RelativeMotion) {
        lines.append("pointer relative \(surface.id) \(motion.dx),\(motion.dy) unaccelerated \(motion.dxUnaccelerated),\(motion.dyUnaccelerated)")
    }
    func pointerFrame(_ surface: Surface) { lines.append("pointer frame \(surface.id)") }
    func pointerConstraint(_ constraint: PointerConstraint, isActive: Bool) {
        let word = constraint.kind == .lock ? (isActive ? "locked" : "unlocked") : (isActive ? "confined" : "unconfined")
        lines.append("\(word) \(constraint.surface?.id ?? 0)")
    }
    func pointerButton(_ surface: Surface, serial: UInt32, button: UInt32, pressed: Bool) {
        inputSerial = serial
        lines.append("pointer button \(surface.id) \(pressed ? "down" : "up")")
    }
    func touchDown(_ surface: Surface, serial: UInt32, id: Int32, x: Double, y: Double) { inputSerial = serial; lines.append("touch down \(surface.id) #\(id) \(x),\(y)") }
    func touchMotion(client: ClientID, id: Int32, x: Double, y: Double) { lines.append("touch motion client \(client.rawValue) #\(id) \(x),\(y)") }
    func touchUp(client: ClientID, serial: UInt32, ids: [Int32]) { lines.append("touch up client \(client.rawValue) \(ids)") }
    func keyboardEnter(_ surface: Surface, serial: UInt32) { lines.append("keyboard enter \(surface.id)") }
    func keyboardLeave(_ surface: Surface, serial: UInt32) { lines.append("keyboard leave \(surface.id)") }
    func popupDone(_ popup: Popup) { lines.append("popup done \(popup.surface?.id ?? 0)") }
    func offerSelection(_ source: DataSource?, _ kind: SelectionKind, to client: ClientID) {
        lines.append("offer \(kind == .primary ? "primary " : "")\(source?.mimeTypes ?? []) to client \(client.rawValue)")
    }
    func cancel(_ source: DataSource) { lines.append("cancel \(source.kind == .primary ? "primary " : "")\(source.mimeTypes)") }
    func sceneChanged() { repaints += 1 }
    /// Window list changes, kept apart from `lines` (which other tests compare whole).
    var listChanges: [String] = []
    func windowListChanged(_ window: Window) { listChanges.append("list \(window.surface?.id ?? 0)") }
    func close(_ window: Window) { lines.append("close \(window.surface?.id ?? 0)") }
    /// Called with each layer surface configure (its size).
    var onLayerConfigure: ((LayerSurface, UInt32, UInt32) -> Void)?
    func configure(_ layer: LayerSurface, width: UInt32, height: UInt32) { onLayerConfigure?(layer, width, height) }
}

/// A keymap file as the recorder names it.
final class KeymapName {
    let name: String
    init(_ name: String) { self.name = name }
}

/// A compositor with a 640×480 output (or the outputs given) and a recorder, and helpers that act like the
/// protocol layer.
struct Bench {
    let compositor: Compositor
    let events = EventRecorder()

    init() {
        compositor = Compositor(outputWidth: 640, outputHeight: 480, frameClock: FrameClock(mode: .manual, pacing: .immediate))
        compositor.events = events
    }

    /// Outputs laid out from `--output` texts, e.g. ["640x480", "400x300@2"].
    init(outputs: [String]) throws {
        let specs = try outputs.map { text in try OutputSpec.parse(text).get() }
        compositor = Compositor(outputs: try OutputSpec.layout(specs).get(), frameClock: FrameClock(mode: .manual, pacing: .immediate))
        compositor.events = events
    }

    /// A toplevel window for surface `id` of client `client` (no buffer yet).
    func window(_ id: UInt64, client: Int = 1) -> Window {
        let surface = Surface(id: id, client: ClientID(client))
        compositor.surfaceCreated(surface)
        let window = Window(surface: surface)
        compositor.addWindow(window)
        return window
    }

    /// Commits a `width`×`height` buffer on the surface, as wl_surface.commit does.
    func commit(_ surface: Surface?, _ width: Int32, _ height: Int32) {
        guard let surface else { return }
        surface.pending.buffer = .attach(CountingBuffer(width, height))
        compositor.commit(surface.commitTree())
    }

    /// A window mapped at its cascade place with a `width`×`height` buffer.
    func mappedWindow(_ id: UInt64, client: Int = 1, _ width: Int32 = 100, _ height: Int32 = 100) -> Window {
        let window = window(id, client: client)
        commit(window.surface, width, height)
        return window
    }

    func position(_ window: Window) -> (Int64, Int64)? {
        window.surface.flatMap { compositor.scene.view(for: $0) }.map { ($0.x, $0.y) }
    }
}
