// seawall: the compositor executable and its tools.
//
// `seawall [OPTIONS]` (the `serve` subcommand, Serve.swift) runs the compositor: that file is the narrated
// main, meant to be read top to bottom. The options every compositor run takes are in ServerOptions.swift.
import ArgumentParser
import ClientMemory
import Compositor
import DRMScanout
import Glibc
import Logging
import Scanout
import WaylandServer

@main
struct SeawallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seawall",
        abstract: "A headless Wayland compositor that only accepts sealed client memory.",
        discussion: """
            Without a subcommand, seawall runs the compositor (`seawall serve`): `seawall --size 800x600` is \
            `seawall serve --size 800x600`. `seawall serve --help` lists the compositor's options; \
            `seawall run -- COMMAND` runs one command under a private Seawall and exits with its status.
            """,
        subcommands: [Serve.self, Run.self, Ctl.self, Compare.self],
        defaultSubcommand: Serve.self)
}

/// Prints `seawall: error: …` to stderr and exits 1.
func fail(_ message: String) -> Never {
    let line = "seawall: error: \(message)\n"
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(1)
}

extension PixelSize: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public var defaultValueDescription: String { description }
}

/// RLIMIT_NOFILE is imported as an enum case on glibc; the calls want its raw value.
let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

extension ShmPolicy: ExpressibleByArgument {}

enum Backend: String, ExpressibleByArgument, CaseIterable {
    case ppm, null, drm
}

extension ModeRequest: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
