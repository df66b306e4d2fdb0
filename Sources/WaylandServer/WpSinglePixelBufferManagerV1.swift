import Compositor
import CProtocolsServer
import CWaylandServer

/// A 1×1 buffer of one colour (wp_single_pixel_buffer_v1): no pool and no fd, the pixel lives here. With
/// a viewport destination it fills that size (the renderer repeats it like a solid fill).
final class SolidBuffer: WaylandBuffer {
    let width: Int32 = 1
    let height: Int32 = 1
    let stride: Int32 = 4
    let format: PixelFormat
    /// Premultiplied `0xAARRGGBB`.
    private var pixel: UInt32
    var resource: OpaquePointer?

    /// The protocol's channels are 32-bit and already premultiplied; each becomes 8 bits, rounded.
    init(red: UInt32, green: UInt32, blue: UInt32, alpha: UInt32) {
        func eight(_ value: UInt32) -> UInt32 { UInt32((UInt64(value) * 255 + 0x7FFF_FFFF) / 0xFFFF_FFFF) }
        pixel = eight(alpha) << 24 | eight(red) << 16 | eight(green) << 8 | eight(blue)
        format = alpha == .max ? .xrgb8888 : .argb8888
    }

    func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R? {
        try withUnsafeBytes(of: &pixel) { bytes in
            guard let base = bytes.baseAddress else { return nil }
            return try body(base)
        }
    }

    /// A single-pixel buffer is never released by the protocol's rules more than shm is: once unused.
    private var users = 0
    func lock() { users += 1 }
    func unlock() {
        precondition(users > 0, "buffer unlocked more often than locked")
        users -= 1
        if users == 0, let resource { wl_buffer_send_release(resource) }
    }
}

/// wp_single_pixel_buffer_manager_v1: makes SolidBuffers.
final class WpSinglePixelBufferManagerV1: ProtocolObject {
    static let implementation = Implementation(wp_single_pixel_buffer_manager_v1_interface(
        destroy: Resource.destroyRequest,
        create_u32_rgba_buffer: { client, _, id, red, green, blue, alpha in
            guard let client else { return }
            // wl_buffer version 1: the only one there is.
            WlBuffer.create(client: client, version: 1, id: id,
                            buffer: SolidBuffer(red: red, green: green, blue: blue, alpha: alpha))
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in WpSinglePixelBufferManagerV1() }
    }
}
