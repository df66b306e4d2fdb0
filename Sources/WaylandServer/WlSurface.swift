import ClientMemory
import Compositor
import CProtocolsServer
import CWaylandServer

/// What gives a surface meaning (xdg_surface today). Told about commits and about the surface's end.
protocol SurfaceRoleHandler: AnyObject {
    /// Before pending state is applied. Returns false after posting a protocol error to refuse the commit.
    func willCommit(_ surface: WlSurface) -> Bool
    /// After the new state is current.
    func didCommit(_ surface: WlSurface, effect: Surface.CommitEffect)
    /// The wl_surface is gone; the role object becomes inert.
    func surfaceDestroyed()
}

/// wl_surface: collects pending state from requests and makes it current on commit (Compositor.Surface holds
/// the double-buffered state; this file turns requests into it and posts the protocol's errors).
final class WlSurface: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    let client: OpaquePointer
    let state: Surface
    weak var roleHandler: SurfaceRoleHandler?
    /// Under the copy policy, the pixels this surface shows (see SurfaceCopy).
    private var copy: SurfaceCopy?
    /// Whether a role object (of any kind) was ever given to this surface: a surface gets one role for life.
    var roleName: String?
    /// Its wp_viewport, if the client made one (one per surface).
    weak var viewport: WpViewport?
    /// Its wp_fractional_scale_v1, if the client made one (one per surface).
    weak var fractionalScale: WpFractionalScaleV1?

    static let implementation = Implementation(wl_surface_interface(
        destroy: Resource.destroyRequest,
        attach: { _, resource, buffer, x, y in WlSurface.from(resource)?.attach(buffer, x: x, y: y) },
        damage: { _, resource, x, y, width, height in
            guard let surface = WlSurface.from(resource) else { return }
            // Damage may over-approximate: past 32 rectangles it becomes their bounding box, so a flood of
            // damage requests costs O(1) each instead of growing a region without end.
            surface.state.pending.surfaceDamage.add(Rect.wire(x, y, width, height))
            surface.state.pending.surfaceDamage = surface.state.pending.surfaceDamage.simplified()
        },
        frame: { client, resource, id in
            guard let client, let surface = WlSurface.from(resource),
                  let callback = WlCallback.create(server: surface.server, client: client, id: id) else { return }
            surface.state.pending.frameCallbacks.append(callback)
        },
        set_opaque_region: { _, resource, region in
            WlSurface.from(resource)?.state.pending.opaqueRegion = .some(WlRegion.from(region)?.region)
        },
        set_input_region: { _, resource, region in
            WlSurface.from(resource)?.state.pending.inputRegion = .some(WlRegion.from(region)?.region)
        },
        commit: { _, resource in WlSurface.from(resource)?.commit() },
        set_buffer_transform: { _, resource, transform in WlSurface.from(resource)?.setBufferTransform(transform) },
        set_buffer_scale: { _, resource, scale in WlSurface.from(resource)?.setBufferScale(scale) },
        damage_buffer: { _, resource, x, y, width, height in
            guard let surface = WlSurface.from(resource) else { return }
            surface.state.pending.bufferDamage.add(Rect.wire(x, y, width, height))
            surface.state.pending.bufferDamage = surface.state.pending.bufferDamage.simplified()
        },
        offset: { _, resource, x, y in
            guard let surface = WlSurface.from(resource) else { return }
            surface.state.pending.offsetX = Int64(x)
            surface.state.pending.offsetY = Int64(y)
        }))

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32) {
        let account = server.account(for: client)
        if account.surfaces >= server.limits.maxSurfacesPerClient {
            return server.postImplementationError(client: client,
                "too many surfaces: this client already has \(account.surfaces), the limit (--max-surfaces) is \(server.limits.maxSurfacesPerClient)")
        }
        guard let (_, surface) = makeResource(client: client, version: version, id: id, {
            WlSurface(server: server, resource: $0, client: client, account: account)
        }) else { return }
        server.surfaceCreated(surface)
    }

    private let account: ClientAccount

    private init(server: Server, resource: OpaquePointer, client: OpaquePointer, account: ClientAccount) {
        self.server = server
        self.account = account
        account.surfaces += 1
        self.resource = resource
        self.client = client
        self.state = Surface(id: server.nextSurfaceID(), client: ClientID(client))
    }

    var version: Int32 { wl_resource_get_version(resource) }

    private func attach(_ bufferResource: OpaquePointer?, x: Int32, y: Int32) {
        if version >= 5 && (x != 0 || y != 0) {
            return post(WL_SURFACE_ERROR_INVALID_OFFSET,
                        "attach with a non-zero offset (\(x), \(y)) on wl_surface version \(version); use wl_surface.offset")
        }
        if let bufferResource {
            guard let buffer = WlBuffer.from(bufferResource) else {
                return postImplementationError("wl_surface.attach: the buffer is not a wl_buffer Seawall made")
            }
            state.pending.buffer = .attach(buffer.buffer)
        } else {
            state.pending.buffer = .detach
        }
        state.pending.offsetX = Int64(x)
        state.pending.offsetY = Int64(y)
    }

    private func setBufferTransform(_ transform: Int32) {
        guard (0...7).contains(transform) else {
            return post(WL_SURFACE_ERROR_INVALID_TRANSFORM, "buffer transform \(transform) is not a wl_output.transform value")
        }
        // Seawall composes buffers untransformed; the value is accepted and has no effect yet.
    }

    private func setBufferScale(_ scale: Int32) {
        guard scale >= 1 else { return post(WL_SURFACE_ERROR_INVALID_SCALE, "buffer scale \(scale) is not positive") }
        state.pending.bufferScale = scale
    }

    private func commit() {
        if let problem = state.bufferSizeError() { return post(WL_SURFACE_ERROR_INVALID_SIZE, problem) }
        if let problem = state.viewportError() {
            guard let viewport else { return postImplementationError("wp_viewport state without a wp_viewport") }
            return viewport.post(problem)
        }
        if let role = roleHandler, !role.willCommit(self) { return }
        guard copyCommittedPixels() else { return }
        if state.isEffectivelySynchronized {
            state.cacheCommit()   // a synchronized subsurface: applied with its parent's next commit
            return
        }
        // The server's list of effects is reused from commit to commit (taken out while in use).
        var effects: [Surface.Committed] = []
        swap(&effects, &server.commitEffects)
        defer {
            effects.removeAll(keepingCapacity: true)
            swap(&effects, &server.commitEffects)
        }
        state.commitUnsynchronized(into: &effects)
        if let own = effects.first, own.surface === state { roleHandler?.didCommit(self, effect: own.effect) }
        server.compositor.commit(effects)
    }

    /// The copy policy's part of a commit: a buffer from a pool that is never mapped is shown through this
    /// surface's `SurfaceCopy`, refreshed now for the damaged rows. Returns false after posting the error
    /// for a short read (wl_shm.error.invalid_fd on the wl_buffer).
    private func copyCommittedPixels() -> Bool {
        let buffer: ShmBuffer
        var fresh = false
        switch state.pending.buffer {
        case .attach(let attached):
            guard let shm = attached as? ShmBuffer, shm.memory.isCopied else { copy = nil; return true }
            buffer = shm
            if copy?.fits(shm) != true {
                let account = server.account(for: client).memory
                let total = account.copyBytes - (copy.map { SurfaceCopy.byteCount($0.source) } ?? 0) + SurfaceCopy.byteCount(shm)
                guard total <= server.limits.maxCopyBytesPerClient else {
                    postImplementationError("copies of unsealed buffers would total \(total) bytes, over the limit (--max-copy-mib) of \(server.limits.maxCopyBytesPerClient)")
                    return false
                }
                copy = nil   // its bytes are given back before the new copy counts its own
                copy = SurfaceCopy(of: shm, account: account)
                fresh = true
            }
        case .unchanged:
            guard let copy, state.buffer === copy,
                  !state.pending.surfaceDamage.isEmpty || !state.pending.bufferDamage.isEmpty else { return true }
            buffer = copy.source
        case .detach:
            copy = nil
            return true
        }
        guard let copy else { return true }
        // In buffer rows: surface damage × the buffer scale the commit applies (only computed for a copy: most
        // commits are of mapped pools).
        let bufferScale = Int64(state.pending.bufferScale ?? state.bufferScale)
        var damage = state.pending.surfaceDamage.scaled(by: bufferScale)
        damage.add(state.pending.bufferDamage)
        if fresh { damage = Region(Rect(x: 0, y: 0, width: Int64(buffer.width), height: Int64(buffer.height))) }
        do {
            try copy.refresh(from: buffer, damage: damage)
        } catch {
            // wl_shm.error.invalid_fd on the wl_buffer; if the client destroyed that already, the code would
            // mean something else on any other object, so it is an implementation error instead.
            if let bufferResource = buffer.resource {
                Resource.postError(bufferResource, code: WL_SHM_ERROR_INVALID_FD.rawValue, error.description)
            } else {
                postImplementationError(error.description)
            }
            return false
        }
        state.pending.buffer = .attach(copy)
        buffer.release()   // copied: the client may reuse it at once
        return true
    }

    func post(_ code: wl_surface_error, _ message: String) {
        Resource.postError(resource, code: code.rawValue, message)
    }

    private func postImplementationError(_ message: String) {
        server.postImplementationError(client: client, message)
    }

    func resourceDestroyed() {
        account.surfaces -= 1
        roleHandler?.surfaceDestroyed()
        roleHandler = nil
        viewport?.surfaceDestroyed()
        server.surfaceDestroyed(self)
    }
}
