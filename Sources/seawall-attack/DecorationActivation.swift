import CProtocolsClient
import CWaylandClient
import DemoClientKit
import Glibc

/// zxdg_decoration_manager_v1 and xdg_activation_v1: the errors the XML names, tokens that are not tokens,
/// activation of surfaces that are no windows (any more), and floods. Activation never answers with an
/// error for a bad token: it is ignored (and the window keeps or loses nothing).

extension AttackClient {
    /// A new xdg_activation_token_v1; nil (and a note) without the global.
    func activationToken() -> OpaquePointer? {
        guard let activation else {
            note("no xdg_activation_v1")
            return nil
        }
        return xdg_activation_v1_get_activation_token(activation)
    }
}

let decorationActivationScenarios: [Scenario] = [
    Scenario(name: "decoration-twice", summary: "two zxdg_toplevel_decoration_v1 for one toplevel") { client in
        guard let manager = client.decorationManager, let window = client.window() else { return note("no decoration manager") }
        _ = zxdg_decoration_manager_v1_get_toplevel_decoration(manager, window.toplevel)
        _ = zxdg_decoration_manager_v1_get_toplevel_decoration(manager, window.toplevel)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "decoration-after-buffer", summary: "a decoration for a toplevel that already shows a buffer") { client in
        guard let manager = client.decorationManager, let window = client.shownWindow() else { return note("no decoration manager") }
        _ = zxdg_decoration_manager_v1_get_toplevel_decoration(manager, window.toplevel)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "decoration-orphaned", summary: "the toplevel destroyed before its decoration") { client in
        guard let manager = client.decorationManager, let window = client.window() else { return note("no decoration manager") }
        _ = zxdg_decoration_manager_v1_get_toplevel_decoration(manager, window.toplevel)
        xdg_toplevel_destroy(window.toplevel)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "decoration-mode-flood", summary: "10,000 set_mode and unset_mode (server_side, unknown modes), each answered with a configure, acked 20 at a time (Seawall keeps 64 unacked serials)") { client in
        guard let manager = client.decorationManager, let window = client.window(),
              let decoration = zxdg_decoration_manager_v1_get_toplevel_decoration(manager, window.toplevel)
        else { return note("no decoration manager") }
        for round in 0..<500 {
            for index in 0..<20 {
                if index % 2 == 0 { zxdg_toplevel_decoration_v1_set_mode(decoration, UInt32(truncatingIfNeeded: round * 20 + index)) }
                else { zxdg_toplevel_decoration_v1_unset_mode(decoration) }
            }
            wl_display_roundtrip(client.display)
        }
        zxdg_toplevel_decoration_v1_destroy(decoration)
        xdg_toplevel_destroy(window.toplevel)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "activation-bad-tokens", summary: "activate with an empty, a 4000-byte, a non-hex and a made-up token, and a token made without a serial") { client in
        guard let activation = client.activation, let window = client.shownWindow(), let token = client.activationToken()
        else { return note("no xdg_activation_v1") }
        xdg_activation_token_v1_commit(token)
        wl_display_roundtrip(client.display)
        for bad in ["", String(repeating: "f", count: 4000), "not a token\u{1}\u{7f}☃", "0123456789abcdef0123456789abcdef"] {
            xdg_activation_v1_activate(activation, bad, window.surface)
        }
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "activation-huge-app-id", summary: "set_app_id of 4000 bytes, then commit") { client in
        guard let token = client.activationToken() else { return }
        xdg_activation_token_v1_set_app_id(token, String(repeating: "a", count: 4000))
        xdg_activation_token_v1_commit(token)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "activation-double-commit", summary: "commit a token twice") { client in
        guard let token = client.activationToken() else { return }
        xdg_activation_token_v1_commit(token)
        xdg_activation_token_v1_commit(token)
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "activation-set-after-commit", summary: "set_app_id after commit") { client in
        guard let token = client.activationToken() else { return }
        xdg_activation_token_v1_commit(token)
        wl_display_roundtrip(client.display)
        xdg_activation_token_v1_set_app_id(token, "late")
        wl_display_roundtrip(client.display)
    },
    Scenario(name: "activation-unmapped-surfaces", summary: "tokens used on a wl_surface whose toplevel is gone and on a role-less one, one of them naming a surface destroyed before its commit") { client in
        guard let activation = client.activation, let compositor = client.compositor, let window = client.shownWindow(),
              let bare = wl_compositor_create_surface(compositor) else { return note("no xdg_activation_v1") }
        let received = TokensReceived()
        for _ in 0..<2 {
            guard let token = client.activationToken() else { return }
            xdg_activation_token_v1_add_listener(token, tokenListener, Unmanaged.passUnretained(received).toOpaque())
            xdg_activation_token_v1_set_surface(token, window.surface)
            xdg_activation_token_v1_commit(token)
        }
        // A third token names a surface destroyed before the commit.
        if let doomed = wl_compositor_create_surface(compositor), let token = client.activationToken() {
            xdg_activation_token_v1_add_listener(token, tokenListener, Unmanaged.passUnretained(received).toOpaque())
            xdg_activation_token_v1_set_surface(token, doomed)
            wl_surface_destroy(doomed)
            xdg_activation_token_v1_commit(token)
        }
        wl_display_roundtrip(client.display)
        xdg_toplevel_destroy(window.toplevel)
        xdg_surface_destroy(window.xdgSurface)
        let tokens = received.tokens
        for (token, surface) in zip(tokens, [window.surface, bare, bare]) { xdg_activation_v1_activate(activation, token, surface) }
        wl_display_roundtrip(client.display)
        note("\(tokens.count) tokens used")
    },
    Scenario(name: "activation-token-flood", summary: "20,000 tokens made, committed and destroyed") { client in
        guard client.activation != nil else { return note("no xdg_activation_v1") }
        for _ in 0..<200 {
            for _ in 0..<100 {
                guard let token = client.activationToken() else { return }
                xdg_activation_token_v1_commit(token)
                xdg_activation_token_v1_destroy(token)
            }
            wl_display_roundtrip(client.display)
        }
    },
    Scenario(name: "activation-too-many-token-objects", summary: "65 xdg_activation_token_v1 objects kept at once") { client in
        for _ in 0..<65 { _ = client.activationToken() }
        wl_display_roundtrip(client.display)
    },
]

/// The tokens `done` handed out.
final class TokensReceived { var tokens: [String] = [] }

/// Appends each `done` token to the `TokensReceived` behind `data`.
nonisolated(unsafe) let tokenListener = listenerTable(xdg_activation_token_v1_listener(
    done: { data, _, token in
        guard let data, let token else { return }
        Unmanaged<TokensReceived>.fromOpaque(data).takeUnretainedValue().tokens.append(String(cString: token))
    }))
