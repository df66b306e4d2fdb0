// swift-tools-version:6.0
//
// Seawall: a headless Wayland compositor backend that accepts only sealed client memory.
// The C boundary lives in the C* targets; everything above it is Swift.
import PackageDescription

let package = Package(
    name: "Seawall",
    products: [
        .executable(name: "seawall", targets: ["seawall"]),
        .executable(name: "seawall-demo", targets: ["seawall-demo"]),
        .executable(name: "seawall-attack", targets: ["seawall-attack"]),
        .executable(name: "seawall-fuzz", targets: ["seawall-fuzz"]),
        // What other packages build on: Integrations/WLCS (the conformance suite's module, a package of its own
        // so that building Seawall never needs WLCS installed).
        .library(name: "SeawallCore", targets: ["WaylandServer", "Compositor", "Render", "Scanout", "ClientMemory", "SystemCalls"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // System libraries, found through pkg-config (Debian: libwayland-dev, libpixman-1-dev, libdrm-dev, libpng-dev).
        .systemLibrary(name: "CWaylandServer", pkgConfig: "wayland-server",
                       providers: [.apt(["libwayland-dev"])]),
        .systemLibrary(name: "CWaylandClient", pkgConfig: "wayland-client",
                       providers: [.apt(["libwayland-dev"])]),
        .systemLibrary(name: "CPixman", pkgConfig: "pixman-1", providers: [.apt(["libpixman-1-dev"])]),
        .systemLibrary(name: "CDRM", pkgConfig: "libdrm", providers: [.apt(["libdrm-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

        // What Swift cannot import directly. CShims: seal constants, memfd_create, mremap (no Wayland).
        .target(name: "CShims"),
        // CServerShims: variadic post_error, wl_listener plumbing, interface table addresses.
        .target(name: "CServerShims", dependencies: ["CWaylandServer", "CProtocols"]),
        // CClientShims: the client side's equivalents (log capture, interface table addresses).
        .target(name: "CClientShims", dependencies: ["CWaylandClient", "CProtocols"]),
        // wayland-scanner output (tools/regen-protocols); generated only. Its interface tables refer to
        // the core ones, which whichever libwayland (server or client) the product links provides.
        .target(name: "CProtocols"),
        .target(name: "CProtocolsServer", dependencies: ["CProtocols", "CWaylandServer"]),
        .target(name: "CProtocolsClient", dependencies: ["CProtocols", "CWaylandClient"]),

        // System calls: OwnedFD, the one errno error (SystemError), the EINTR retry, timerfd. No Wayland here.
        .target(name: "SystemCalls", dependencies: ["CShims"]),
        // Client memory: seals, memfds, mappings, and the shm policy from a received fd to pool memory. No Wayland.
        .target(name: "ClientMemory", dependencies: ["SystemCalls", "CShims"]),
        // Every decision, in pure Swift: surfaces, scene, damage, windows, input focus, selection, frame clock.
        .target(name: "Compositor", dependencies: []),
        // pixman composition of the scene into an output image.
        .target(name: "Render", dependencies: ["Compositor", "CPixman", "CPixelConvert"]),
        // Pixel loops picked at run time (SwiftPM builds Swift for baseline x86-64): XRGB→RGB with SSSE3, the
        // renderer's fused blend onto the background (SSE2/AVX2), --record's XRGB→I420 (SSE2/AVX2).
        .target(name: "CPixelConvert"),
        // Where finished frames go: PPM/PNG files, or nowhere (DRMScanout adds a KMS display).
        .target(name: "Scanout", dependencies: ["Render", "SystemCalls", "CPNG", "CPixelConvert"]),
        // Reading PNG (any colour type libpng decodes) and PPM, and comparing images: a perceptual distance,
        // masks, limits, a diff image. `seawall compare` and the golden tests both use it.
        .target(name: "ImageCompare", dependencies: ["Scanout", "CPNG"]),
        // Scanout to a KMS display through DRM dumb buffers (libdrm); CDRMShims holds what Swift cannot call.
        .target(name: "CDRMShims", dependencies: ["CDRM"]),
        .target(name: "DRMScanout", dependencies: ["Scanout", "Render", "Compositor", "SystemCalls", "CDRM", "CDRMShims"]),
        // The Wayland protocol objects, one file per interface.
        .target(name: "WaylandServer", dependencies: [
            "CWaylandServer", "CProtocolsServer", "CServerShims", "SystemCalls", "ClientMemory", "Compositor", "Render",
            "Scanout",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The control socket (`seawall ctl`): JSON lines over a Unix socket served from the event loop, and
        // the commands behind it (windows, screenshots, waits, frame stepping).
        .target(name: "Control", dependencies: [
            "WaylandServer", "Compositor", "Render", "Scanout", "SystemCalls",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Helpers for client programs: sealed pools, patterns, deliberate misbehaviour.
        .target(name: "DemoClientKit", dependencies: [
            "CWaylandClient", "CProtocolsClient", "CClientShims", "SystemCalls", "ClientMemory",         ]),

        .executableTarget(name: "seawall", dependencies: [
            "WaylandServer", "Control", "ClientMemory", "Compositor", "Scanout", "DRMScanout", "CShims", "ImageCompare",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "seawall-demo", dependencies: [
            "DemoClientKit", "Compositor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Hostile clients: one attack per connection (AttackTests), and a protocol fuzzer (tools/fuzz).
        .executableTarget(name: "seawall-attack", dependencies: [
            "DemoClientKit", "CWaylandClient", "CProtocolsClient", "CClientShims", "CShims",
        ]),
        .executableTarget(name: "seawall-fuzz", dependencies: [
            "CWaylandClient", "CClientShims", "CShims",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmark: a 1080p full-damage frame, compose + PPM (tools/bench).
        .executableTarget(name: "seawall-bench", dependencies: ["Render", "Scanout", "Compositor", "CPixelConvert"]),
        // The end-to-end benchmark's client: sealed pools, three buffers, frame callbacks, wp_presentation (tools/bench).
        .executableTarget(name: "seawall-benchclient", dependencies: [
            "DemoClientKit", "CWaylandClient", "CProtocolsClient", "CClientShims",
        ]),

        // What the end-to-end tests share: client processes, an in-process server, golden comparison; and for
        // the protocol tests in-process libwayland clients and the per-test fd and mapping check.
        .target(name: "SeawallTestSupport", dependencies: [
            "WaylandServer", "Compositor", "Render", "Scanout", "ImageCompare", "SystemCalls", "CWaylandServer",
            "CWaylandClient", "CClientShims", "DemoClientKit",
            .product(name: "Logging", package: "swift-log"),
        ]),

        .testTarget(name: "SystemCallsTests", dependencies: ["SystemCalls"]),
        .testTarget(name: "ClientMemoryTests", dependencies: ["ClientMemory", "SystemCalls"]),
        .testTarget(name: "CompositorTests", dependencies: ["Compositor"]),
        .testTarget(name: "DemoClientKitTests", dependencies: ["DemoClientKit", "SystemCalls"]),
        .testTarget(name: "AttackTests", dependencies: [
            "SeawallTestSupport", "WaylandServer", "ClientMemory", "Compositor",         ]),
        .testTarget(name: "FuzzTests", dependencies: ["SeawallTestSupport"]),
        // libwayland client and server in one process over socketpairs, one thread driving both; every test
        // ends with the process's fds and mappings as they were before it.
        .testTarget(name: "ProtocolTests", dependencies: [
            "SeawallTestSupport", "WaylandServer", "Compositor", "Render", "Scanout", "ClientMemory", "SystemCalls",
            "CWaylandClient", "CProtocolsClient", "CClientShims", "DemoClientKit",
        ]),
        // The DRM backend against a simulated card (no device needed); tools/test-drm runs it on real drivers.
        .testTarget(name: "DRMTests", dependencies: [
            "DRMScanout", "SeawallTestSupport", "WaylandServer", "Compositor", "Render", "Scanout", "SystemCalls",
        ]),
        // The control socket: its protocol in-process against a real server and real clients, and the real
        // binaries (seawall, seawall ctl, seawall-demo) over real sockets.
        .testTarget(name: "ControlTests", dependencies: [
            "Control", "SeawallTestSupport", "WaylandServer", "Compositor", "Render", "Scanout", "SystemCalls",
        ]),
                .testTarget(name: "RenderTests", dependencies: ["Render", "Scanout", "Compositor", "SeawallTestSupport", "ImageCompare",
                                                          "CPixelConvert", "CPixman"]),
        // ImageCompare on real files (PNG of every colour type, PPM, corrupt and hostile headers), and the
        // real `seawall compare` binary: exit statuses, printed counts, the diff image, --update.
        .testTarget(name: "CompareTests", dependencies: ["ImageCompare", "Scanout", "SeawallTestSupport"]),
        // Goldens live in Tests/EndToEndTests/Golden and are found through #filePath (re-recording writes there).
        .testTarget(name: "EndToEndTests", dependencies: [
            "SeawallTestSupport", "WaylandServer", "Compositor", "Render", "Scanout", "ClientMemory", "DemoClientKit",
            "Control", "CWaylandClient", "CProtocolsClient", "CClientShims",         ],
                    exclude: ["Golden", "Apps"]),
    ]
)
