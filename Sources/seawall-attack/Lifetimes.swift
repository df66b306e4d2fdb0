import CClientShims
import CProtocolsClient
import CShims
import CWaylandClient
import Glibc

/// Objects used after their end, clients that vanish mid-commit, and the copy policy's truncating client.
let lifetimeScenarios: [Scenario] = [
    Scenario(name: "pool-destroyed-with-buffers", summary: "destroy the pool right after create_buffer, then show the buffer") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        guard let window = client.window(), let pool = client.pool(fd: fd, size: 4096) else { return }
        let buffer = client.buffer(pool, width: 16, height: 16)
        wl_shm_pool_destroy(pool)
        if !client.show(buffer, on: window.surface) { note("the frame was not shown") }
    },
    Scenario(name: "buffer-destroyed-while-shown", summary: "destroy the attached, committed buffer, then commit again") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        guard let window = client.window(), let pool = client.pool(fd: fd, size: 4096),
              let buffer = client.buffer(pool, width: 16, height: 16) else { return }
        client.show(buffer, on: window.surface)
        wl_buffer_destroy(buffer)
        wl_surface_damage_buffer(window.surface, 0, 0, 16, 16)
        wl_surface_commit(window.surface)
    },
    Scenario(name: "attach-destroyed-buffer", summary: "destroy a buffer, then attach its id anyway") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        guard let window = client.window(), let pool = client.pool(fd: fd, size: 4096),
              let buffer = client.buffer(pool, width: 16, height: 16) else { return }
        wl_buffer_destroy(buffer)
        wl_display_roundtrip(client.display)   // the server has destroyed it and freed its id
        // A wl_buffer proxy the server never heard of: it takes the freed id, as a stale handle would.
        guard let stale = wl_proxy_create(window.surface, sw_client_interface_named("wl_buffer")) else { return }
        note("attaching wl_buffer@\(wl_proxy_get_id(stale)), destroyed")
        wl_surface_attach(window.surface, stale, 0, 0)
        wl_surface_commit(window.surface)
    },
    Scenario(name: "requests-on-destroyed-surface", summary: "destroy the wl_surface under a live xdg_surface, keep using the xdg_surface") { client in
        guard let window = client.window() else { return }
        wl_surface_destroy(window.surface)
        xdg_surface_set_window_geometry(window.xdgSurface, 0, 0, 10, 10)
        xdg_surface_ack_configure(window.xdgSurface, 1)
    },
    Scenario(name: "killed-between-attach-and-commit", summary: "SIGKILL itself with a frame callback pending and an attach uncommitted") { client in
        let fd = client.sealedMemfd(4096)
        guard let window = client.window(), let pool = client.pool(fd: fd, size: 4096) else { return }
        client.show(client.buffer(pool, width: 16, height: 16), on: window.surface, waitForFrame: false)
        wl_surface_attach(window.surface, client.buffer(pool, width: 16, height: 16), 0, 0)
        _ = wl_surface_frame(window.surface)
        wl_display_flush(client.display)
        print("note: killing myself")
        fflush(nil)
        raise(SIGKILL)
    },
    Scenario(name: "same-fd-twice", summary: "two pools from the same fd") { client in
        let fd = client.sealedMemfd(8192)
        defer { close(fd) }
        guard let window = client.window() else { return }
        let first = client.pool(fd: fd, size: 8192), second = client.pool(fd: fd, size: 4096)
        client.show(client.buffer(first, width: 16, height: 16), on: window.surface)
        if !client.show(client.buffer(second, width: 16, height: 16), on: window.surface) { note("the frame was not shown") }
    },
    Scenario(name: "copy-policy-truncate", summary: "(--shm-policy copy) show an unsealed buffer, truncate the file, commit again") { client in
        let fd = client.memfd(65536, allowSealing: false)
        defer { close(fd) }
        guard let window = client.window(), let pool = client.pool(fd: fd, size: 65536),
              let buffer = client.buffer(pool, width: 64, height: 64) else { return }
        if !client.show(buffer, on: window.surface) { note("the first frame was not shown") }
        note("ftruncate to 0: \(ftruncate(fd, 0) == 0 ? "done" : String(cString: strerror(errno)))")
        client.show(buffer, on: window.surface, waitForFrame: false)
    },
    Scenario(name: "copy-policy-many-copies", summary: "(--shm-policy copy) one 64 MiB unsealed buffer shown on 5 role-less surfaces") { client in
        // The file is sparse: it costs the client nothing, while each surface showing the buffer costs
        // Seawall a 64 MiB copy (the fifth passes the 256 MiB default of --max-copy-mib).
        let fd = client.memfd(64 << 20, allowSealing: false)
        defer { close(fd) }
        guard let compositor = client.compositor, let pool = client.pool(fd: fd, size: 64 << 20),
              let buffer = client.buffer(pool, width: 4096, height: 4096) else { return }
        for i in 1...5 {
            guard let surface = wl_compositor_create_surface(compositor) else { return }
            wl_surface_attach(surface, buffer, 0, 0)
            wl_surface_commit(surface)
            guard wl_display_roundtrip(client.display) >= 0 else { return }
            note("surface \(i) committed")
        }
    },
]

/// Floods: more objects than the limits allow, request bursts, and a client that never reads.
let floodScenarios: [Scenario] = [
    Scenario(name: "thousands-of-pools", summary: "2000 pools of one sealed memfd") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        for i in 0..<2000 {
            _ = client.pool(fd: fd, size: 4096)
            if i % 32 == 31 && wl_display_roundtrip(client.display) < 0 { return }
        }
    },
    Scenario(name: "region-flood", summary: "a wl_region built from 100,000 rectangles") { client in
        guard let compositor = client.compositor, let region = wl_compositor_create_region(compositor) else { return }
        for i in 0..<100_000 {
            wl_region_add(region, Int32(i % 1000) * 3, Int32(i / 1000) * 3, 1, 1)
            if i % 64 == 63 && !drain(client.display) { return }
        }
    },
    Scenario(name: "request-burst", summary: "100,000 wl_surface.damage requests, then a commit") { client in
        guard let window = client.window() else { return }
        for i in 0..<100_000 {
            wl_surface_damage(window.surface, Int32(i % 512), Int32(i % 256), 8, 8)
            if i % 64 == 63 && !drain(client.display) { return }
        }
        wl_surface_commit(window.surface)
    },
    Scenario(name: "never-reads", summary: "send 100,000 wl_display.sync and never read the replies") { client in
        var sent = 0
        for _ in 0..<100_000 {
            _ = wl_display_sync(client.display)
            sent += 1
            if sent % 64 == 0 {
                let start = now()
                while wl_display_flush(client.display) < 0 {
                    guard errno == EAGAIN, now() - start < 5 else {
                        return note("after \(sent) syncs the connection ended: \(String(cString: strerror(errno)))")
                    }
                    usleep(1000)
                }
            }
        }
        note("sent \(sent) syncs without reading")
    },
]

/// wl_subsurface roles given, taken back and given again.
let subsurfaceScenarios: [Scenario] = [
    Scenario(name: "subsurface-again", summary: "get_subsurface, wl_subsurface.destroy, get_subsurface again for the same surface (allowed)") { client in
        let fd = client.sealedMemfd(4096)
        defer { close(fd) }
        guard let subcompositor = client.subcompositor, let compositor = client.compositor, let window = client.window(),
              let pool = client.pool(fd: fd, size: 4096), let child = wl_compositor_create_surface(compositor)
        else { return note("no wl_subcompositor") }
        guard let first = wl_subcompositor_get_subsurface(subcompositor, child, window.surface) else { return }
        wl_subsurface_destroy(first)
        guard let second = wl_subcompositor_get_subsurface(subcompositor, child, window.surface) else { return }
        wl_subsurface_set_position(second, 4, 4)
        wl_surface_attach(child, client.buffer(pool, width: 8, height: 8), 0, 0)
        wl_surface_commit(child)
        if client.show(client.buffer(pool, width: 16, height: 16), on: window.surface) { note("shown with the subsurface") }
    },
    Scenario(name: "subsurface-twice", summary: "a second get_subsurface while the first wl_subsurface lives") { client in
        guard let subcompositor = client.subcompositor, let compositor = client.compositor,
              let parent = wl_compositor_create_surface(compositor), let child = wl_compositor_create_surface(compositor)
        else { return note("no wl_subcompositor") }
        _ = wl_subcompositor_get_subsurface(subcompositor, child, parent)
        _ = wl_subcompositor_get_subsurface(subcompositor, child, parent)
        wl_display_roundtrip(client.display)
    },
]
