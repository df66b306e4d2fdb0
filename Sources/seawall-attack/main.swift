// seawall-attack SCENARIO: one hostile client, one attack per connection, and one line with the verdict.
//
//   seawall-attack --list          the scenarios, one line each
//   seawall-attack NAME            connect (WAYLAND_SOCKET or WAYLAND_DISPLAY), attack, then print
//                                  "result: ok" | "result: protocol-error IFACE CODE MESSAGE" | "result: disconnected WHY"
// Exit status 0 when the attack ran (the caller judges the verdict), 1 if it could not start, 2 on bad usage.
import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty || arguments[0] == "--help" || arguments[0] == "-h" {
    print("usage: seawall-attack SCENARIO | --list\nRuns one hostile-client scenario against $WAYLAND_DISPLAY and prints the compositor's verdict.")
    exit(arguments.isEmpty ? 2 : 0)
}
if arguments[0] == "--list" {
    for scenario in scenarios { print("\(scenario.name)\t\(scenario.summary)") }
    exit(0)
}
guard let scenario = scenarios.first(where: { $0.name == arguments[0] }) else {
    let line = "seawall-attack: no scenario \(arguments[0]) (see --list)\n"
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(2)
}
do {
    let client = try AttackClient()
    scenario.run(client)
    print(client.verdict())
    fflush(nil)
    exit(0)
} catch {
    let line = "seawall-attack: \(error.message)\n"
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(1)
}
