import Testing
@testable import Compositor

/// Several outputs (OutputLayout.swift): `--output` parsing, the layout, and what the compositor does with
/// it — where windows open, what maximized and fullscreen windows fill, wl_surface.enter/leave per output,
/// layer surfaces per output, and the pointer kept on the outputs.
@Suite struct OutputLayoutTests {
    @Test func parsesSizeScaleAndPosition() throws {
        #expect(try OutputSpec.parse("1280x720").get() == OutputSpec(width: 1280, height: 720))
        #expect(try OutputSpec.parse("800x600@2").get() == OutputSpec(width: 800, height: 600, scale: OutputScale(integer: 2)))
        #expect(try OutputSpec.parse("1920x1080@1.5+1280,0").get()
                == OutputSpec(width: 1920, height: 1080, scale: try #require(OutputScale(numerator: 180)), position: (1280, 0)))
        #expect(try OutputSpec.parse("640x480+0,720").get() == OutputSpec(width: 640, height: 480, position: (0, 720)))
    }

    @Test func refusesMalformedOutputsWithAReason() {
        let cases: [(String, String)] = [
            ("", "expected WxH"), ("1280", "expected WxH"), ("x720", "expected WxH"), ("-5x5", "expected WxH"),
            ("0x480", "1 to 16384"), ("16385x10", "1 to 16384"), ("99999999999x1", "expected WxH"),
            ("640x480@1.001", "not a multiple of 1/120"), ("640x480@5", "outside 1 to 4"), ("640x480@", "not a number"),
            ("640x480+1", "expected WxH"), ("640x480+1,2,3", "expected WxH"), ("640x480+-1,0", "expected WxH"),
            ("640x480+70000,0", "at most 65536"),
        ]
        for (text, reason) in cases {
            guard case .failure(let error) = OutputSpec.parse(text) else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(error.description.contains(reason), "\(text): \(error.description)")
            #expect(error.description.hasPrefix("--output \(text)"), "the message names the option: \(error.description)")
        }
    }

    @Test func outputsWithoutAPositionGoRightOfTheOneBefore() throws {
        let specs = try ["640x480", "800x600@2", "100x100+0,480"].map { try OutputSpec.parse($0).get() }
        let areas = try OutputSpec.layout(specs).get()
        #expect(areas.map(\.name) == ["SEAWALL-1", "SEAWALL-2", "SEAWALL-3"])
        #expect(areas[0].rect == Rect(x: 0, y: 0, width: 640, height: 480))
        #expect(areas[1].rect == Rect(x: 640, y: 0, width: 400, height: 300), "800x600 at scale 2 is 400x300 logical")
        #expect(areas[2].rect == Rect(x: 0, y: 480, width: 100, height: 100))
        #expect(areas.bounds == Rect(x: 0, y: 0, width: 1040, height: 580))
        #expect(areas.index(containingX: 639.9, y: 0) == 0 && areas.index(containingX: 640, y: 0) == 1)
        #expect(areas.index(containingX: 700, y: 400) == nil, "below output 2 is a gap")
    }

    @Test func overlappingOrTooManyOutputsAreRefused() throws {
        let overlapping = try ["640x480", "640x480+600,0"].map { try OutputSpec.parse($0).get() }
        guard case .failure(let error) = OutputSpec.layout(overlapping) else { Issue.record("overlap accepted"); return }
        #expect(error.description.contains("overlaps output 1"), "\(error)")
        let touching = try ["640x480", "640x480+640,0"].map { try OutputSpec.parse($0).get() }
        #expect((try? OutputSpec.layout(touching).get()) != nil, "outputs sharing an edge do not overlap")
        let nine = [OutputSpec](repeating: OutputSpec(width: 10, height: 10), count: 9)
        guard case .failure(let many) = OutputSpec.layout(nine) else { Issue.record("9 outputs accepted"); return }
        #expect(many.description.contains("at most 8"))
    }

    @Test func thePointerIsClampedToTheNearestOutputNotTheBoundingBox() throws {
        let areas = try OutputSpec.layout(try ["640x480", "400x300"].map { try OutputSpec.parse($0).get() }).get()
        let below = areas.clamped(900, 450)   // under output 2, beside output 1
        #expect(below.x < 1040 && below.y < 300 && areas.index(containingX: below.x, y: below.y) == 1)
        let left = areas.clamped(-50, 100)
        #expect(left.x == 0 && left.y == 100)
        #expect(areas.index(for: Rect(x: 600, y: 10, width: 100, height: 10)) == 1, "60 of 100 columns on output 2")
        #expect(areas.index(for: Rect(x: 2000, y: 10, width: 10, height: 10)) == 1, "off every output: the nearest")
    }

    @Test func aNewWindowOpensOnTheOutputUnderThePointer() throws {
        let bench = try Bench(outputs: ["640x480", "800x600@2"])
        #expect(bench.compositor.addPointer())
        let first = bench.mappedWindow(1)
        #expect(bench.position(first)! == (32, 32), "the cascade starts on the first output")
        bench.compositor.movePointer(toX: 700, y: 100)
        let second = bench.mappedWindow(2)
        #expect(bench.position(second)! == (640 + 80, 80), "the cascade's second place, on output 2")
        #expect(bench.events.lines.contains("enter output 2 on 1") && !bench.events.lines.contains("enter output 2"))
    }

    @Test func surfacesEnterAndLeaveOutputsAsTheirWindowsMove() throws {
        let bench = try Bench(outputs: ["640x480", "800x600@2"])
        let window = bench.mappedWindow(1, 100, 100)
        let surface = try #require(window.surface)
        #expect(bench.compositor.outputs(of: surface) == [0])
        _ = bench.events.take()
        bench.compositor.place(surface, x: 600, y: 50)   // straddles the boundary
        #expect(bench.compositor.outputs(of: surface) == [0, 1])
        #expect(bench.events.take().filter { $0.contains("output") } == ["enter output 1 on 1"])
        bench.compositor.place(surface, x: 700, y: 50)   // wholly on output 2
        #expect(bench.events.take().filter { $0.contains("output") } == ["leave output 1"])
        bench.compositor.place(surface, x: 700, y: 400)   // into the gap below output 2: on no output
        #expect(bench.events.take().filter { $0.contains("output") } == ["leave output 1 on 1"])
        #expect(bench.compositor.outputs(of: surface) == [])
    }

    @Test func maximizedAndFullscreenWindowsFillTheirOwnOutput() throws {
        let bench = try Bench(outputs: ["640x480", "800x600@2"])
        let window = bench.mappedWindow(1, 100, 100)
        let surface = try #require(window.surface)
        bench.compositor.place(surface, x: 700, y: 20)
        #expect(bench.compositor.request(window, maximized: true))
        #expect(bench.compositor.configureSize(of: window) == (400, 300), "output 2's logical size")
        bench.commit(surface, 400, 300)
        #expect(bench.position(window)! == (640, 0))
        #expect(bench.compositor.request(window, maximized: false))
        #expect(bench.compositor.request(window, fullscreen: true, output: 0), "fullscreen on the output asked for")
        #expect(bench.compositor.configureSize(of: window) == (640, 480))
        bench.commit(surface, 640, 480)
        #expect(bench.position(window)! == (0, 0))
        #expect(bench.compositor.request(window, fullscreen: true, output: 1), "moving to another output is a change")
        #expect(bench.compositor.configureSize(of: window) == (400, 300))
    }

    @Test func layerSurfacesAreArrangedOnTheirOwnOutput() throws {
        let bench = try Bench(outputs: ["640x480", "800x600@2"])
        let maximizedOnFirst = bench.mappedWindow(1)
        #expect(bench.compositor.request(maximizedOnFirst, maximized: true))
        let surface = Surface(id: 10, client: ClientID(2))
        bench.compositor.surfaceCreated(surface)
        let bar = LayerSurface(surface: surface, layer: .top, namespace: "bar", output: 1)
        bench.compositor.addLayerSurface(bar)
        var state = LayerSurfaceState(layer: .top)
        state.anchor = [.top, .left, .right]; state.height = 30; state.exclusiveZone = 30
        bench.compositor.layerCommitted(bar, state: state, hasBuffer: false)
        #expect(bar.box == Rect(x: 640, y: 0, width: 400, height: 30), "anchored to output 2's edges")
        #expect(bench.compositor.scene.usableAreas == [Rect(x: 0, y: 0, width: 640, height: 480), Rect(x: 640, y: 30, width: 400, height: 270)])
        #expect(bench.compositor.configureSize(of: maximizedOnFirst) == (640, 480), "output 1 keeps its whole area")
    }

    @Test func pointingBetweenOutputsIsRefusedWithTheOutputsNamed() throws {
        let bench = try Bench(outputs: ["640x480", "400x300"])
        #expect(bench.compositor.addPointer())
        #expect(throws: PointerRefusal.self) { try bench.compositor.pointerDestination(x: 700, y: 350) }
        do {
            _ = try bench.compositor.pointerDestination(x: 700, y: 350)
        } catch {
            #expect(error.description.contains("SEAWALL-2 400x300 at 640,0"), "\(error.description)")
        }
        #expect((try? bench.compositor.pointerDestination(x: 1000, y: 299)) != nil)
    }
}
