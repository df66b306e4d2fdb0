// swift-tools-version:6.0
//
// Seawall's integration module for the Wayland Conformance Suite (Debian package wlcs 1.5): a shared library
// that WLCS's test runner loads (tools/wlcs builds and runs it). It is a package of its own so that building
// Seawall itself never looks for WLCS: a machine without the conformance suite builds `seawall` without a
// word about it.
import PackageDescription

let package = Package(
    name: "SeawallWLCS",
    products: [
        .library(name: "seawall-wlcs", type: .dynamic, targets: ["SeawallWLCS", "CWLCSEntry"]),
    ],
    dependencies: [
        .package(name: "Seawall", path: "../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // WLCS's headers (header-only: the test runner loads our module, not the other way round).
        .systemLibrary(name: "CWLCS", pkgConfig: "wlcs", providers: [.apt(["wlcs"])]),
        // The exported wlcs_server_integration and its hooks, and the few libwayland-client calls they need.
        .target(name: "CWLCSEntry", dependencies: ["CWLCS"],
                linkerSettings: [.linkedLibrary("wayland-client"), .linkedLibrary("wayland-server")]),
        // The Swift side: one Seawall per test, driven from WLCS's own event loop.
        .target(name: "SeawallWLCS", dependencies: [
            "CWLCSEntry",
            .product(name: "SeawallCore", package: "Seawall"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
