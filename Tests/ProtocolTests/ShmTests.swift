import CProtocolsClient
import CWaylandClient
import SeawallTestSupport
import Testing
import WaylandServer

extension ProtocolTests {
    /// wl_shm and wl_shm_pool: sealed pools in, pixels out; every refusal with its code and words.
    @Suite struct Shm {
        /// The cascade's first window (README: window placement).
        static let origin: (x: Int64, y: Int64) = (32, 32)

        @Test func aSealedPoolsPixelsAppearAtTheWindowPosition() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "pixels")

            // 64×48, one colour with a 4×4 block of another in the top-left corner to pin down the orientation.
            let file = try PoolFile(size: 64 * 48 * 4)
            file.fill(width: 64, height: 48, color: 0xC0_8040)
            file.fill(width: 4, height: 4, stride: 64 * 4, color: 0x10_20F0)
            let pool = try client.pool(file)
            let buffer = try client.buffer(pool, width: 64, height: 48)
            // Clients often destroy the pool at once: the buffer keeps its memory.
            wl_shm_pool_destroy(pool)
            client.link.forget(pool)
            client.show(buffer, on: window.surface, width: 64, height: 48)
            try #require(client.link.roundtrip())
            session.repaint()

            #expect(session.position(of: "pixels").map { [$0.x, $0.y] } == [Self.origin.x, Self.origin.y])
            let (x, y) = Self.origin
            #expect(session.pixel(x, y) == 0x10_20F0)
            #expect(session.pixel(x + 3, y + 3) == 0x10_20F0)
            #expect(session.pixel(x + 4, y + 4) == 0xC0_8040)
            #expect(session.pixel(x + 63, y + 47) == 0xC0_8040)
            #expect(session.pixel(x - 1, y) == Session.background)
            #expect(session.pixel(x + 64, y + 47) == Session.background)
            #expect(session.pixel(x, y + 48) == Session.background)
        }

        /// An unsealed memfd is refused whether or not it could be sealed, with the words that say why.
        @Test(arguments: [
            (PoolFile.Kind.sealable, "pool fd is not sealed with F_SEAL_SHRINK (it has no seals); add it with F_ADD_SEALS first"),
            (.unsealable, "pool fd is not sealed with F_SEAL_SHRINK (it has F_SEAL_SEAL: memfd made without MFD_ALLOW_SEALING?)"),
        ])
        func anUnsealedPoolIsRefused(kind: PoolFile.Kind, message: String) throws {
            let session = try Session()
            let client = try session.connect()
            let file = try PoolFile(size: 4096, kind: kind)
            _ = try client.pool(file)
            try session.expectProtocolError(client, interface: "wl_shm", code: WL_SHM_ERROR_INVALID_FD.rawValue,
                                            message: message)
        }

        @Test func aPoolLargerThanItsFileIsRefused() throws {
            let session = try Session()
            let client = try session.connect()
            let file = try PoolFile(size: 4096)
            _ = try client.pool(file, size: 8192)
            try session.expectProtocolError(client, interface: "wl_shm", code: WL_SHM_ERROR_INVALID_FD.rawValue,
                                            message: "pool size 8192 exceeds file size 4096")
        }

        /// A window resize the way toolkits do it: the file grows, wl_shm_pool.resize follows, and a buffer
        /// in the new part shows.
        @Test func aPoolGrowsWhenItsFileHasGrown() throws {
            let session = try Session()
            let client = try session.connect()
            let (window, file, pool) = try session.showWindow(client, appID: "grows", width: 16, height: 16, color: 0xFF_0000)
            session.repaint()
            let (x, y) = Self.origin
            #expect(session.pixel(x + 8, y + 8) == 0xFF_0000)

            let oldEnd = file.size
            try file.grow(to: oldEnd + 32 * 32 * 4)
            file.fill(offset: oldEnd, width: 32, height: 32, color: 0x00_FF00)
            wl_shm_pool_resize(pool, Int32(file.size))
            let buffer = try client.buffer(pool, offset: Int32(oldEnd), width: 32, height: 32)
            client.show(buffer, on: window.surface, width: 32, height: 32)
            try #require(client.link.roundtrip())
            #expect(client.link.errorNumber == 0)
            session.repaint()
            #expect(session.pixel(x + 8, y + 8) == 0x00_FF00)
            #expect(session.pixel(x + 31, y + 31) == 0x00_FF00)
            #expect(session.pixel(x + 32, y + 32) == Session.background)
        }

        /// wl_shm_pool.resize only grows, and is checked against the file's size again: libwayland's own
        /// wl_shm would map past the end of the file on the growth here and die of SIGBUS at the first read.
        @Test(arguments: [
            (Int32(8192), WL_SHM_ERROR_INVALID_FD.rawValue, "pool size 8192 exceeds file size 4096"),
            (2048, WL_SHM_ERROR_INVALID_STRIDE.rawValue, "pools can only grow: resize to 2048 bytes is smaller than the current 4096"),
        ])
        func aResizeTheFileDoesNotAllowIsRefused(size: Int32, code: UInt32, message: String) throws {
            let session = try Session()
            let client = try session.connect()
            let file = try PoolFile(size: 4096)
            wl_shm_pool_resize(try client.pool(file), size)
            try session.expectProtocolError(client, interface: "wl_shm_pool", code: code, message: message)
        }

        /// A wl_shm_pool.create_buffer request on a 4096-byte pool, and the error it must get.
        struct BadBuffer: Sendable, CustomTestStringConvertible {
            var offset: Int32 = 0, width: Int32 = 16, height: Int32 = 16, stride: Int32 = 64
            var format: UInt32 = WL_SHM_FORMAT_XRGB8888.rawValue
            var code: UInt32 = WL_SHM_ERROR_INVALID_STRIDE.rawValue
            var message: String
            var testDescription: String { message }
        }

        static let badBuffers: [BadBuffer] = [
            BadBuffer(offset: -4, message: "buffer offset -4 is negative"),
            BadBuffer(stride: 60, message: "stride 60 is less than width 16 × 4 = 64 (4 bytes per XRGB8888 pixel)"),
            BadBuffer(stride: 66, message: "stride 66 is not a multiple of 4 (rows must start on 32-bit boundaries)"),
            BadBuffer(width: 0, message: "buffer size 0x16 is not positive"),
            BadBuffer(height: -1, message: "buffer size 16x-1 is not positive"),
            BadBuffer(width: 16385, height: 1, stride: 16385 * 4,
                      message: "buffer size 16385x1 exceeds the limit of 16384 pixels per side"),
            BadBuffer(offset: 3076, message: "buffer 16x16 with stride 64 at offset 3076 ends at byte 4100, past the pool's 4096 bytes"),
            // stride × height is 2^32: 0 in 32-bit arithmetic.
            BadBuffer(stride: 1 << 28, message: "buffer 16x16 with stride 268435456 at offset 0 ends at byte 4294967296, past the pool's 4096 bytes"),
            // offset + stride × height passes Int32.max: negative in 32-bit arithmetic.
            BadBuffer(offset: Int32.max - 3,
                      message: "buffer 16x16 with stride 64 at offset 2147483644 ends at byte 2147484668, past the pool's 4096 bytes"),
            // NV12 (two planes): not one of the formats wl_shm advertised.
            BadBuffer(format: 0x3231_564E, code: WL_SHM_ERROR_INVALID_FORMAT.rawValue,
                      message: "format 842094158 (0x3231564e, fourcc 'NV12') is not supported: wl_shm did not advertise it"),
            // ARGB8888's DRM fourcc: on wl_shm ARGB8888 is 0, and 'AR24' was never advertised.
            BadBuffer(format: 0x3432_5241, code: WL_SHM_ERROR_INVALID_FORMAT.rawValue,
                      message: "format 875713089 (0x34325241, fourcc 'AR24') is not supported: wl_shm did not advertise it"),
            // RGB565 has 2 bytes per pixel, RGB888 3: the stride checks follow the format.
            BadBuffer(stride: 28, format: 0x3631_4752, message: "stride 28 is less than width 16 × 2 = 32 (2 bytes per RGB565 pixel)"),
            BadBuffer(width: 15, stride: 44, format: 0x3432_4752, message: "stride 44 is less than width 15 × 3 = 45 (3 bytes per RGB888 pixel)"),
            BadBuffer(width: 15, stride: 45, format: 0x3432_4752, message: "stride 45 is not a multiple of 4 (rows must start on 32-bit boundaries)"),
        ]

        @Test(arguments: badBuffers)
        func aBufferOutsideItsPoolIsRefused(_ bad: BadBuffer) throws {
            let session = try Session()
            let client = try session.connect()
            let file = try PoolFile(size: 4096)
            _ = try client.buffer(try client.pool(file), offset: bad.offset, width: bad.width, height: bad.height,
                                  stride: bad.stride, format: bad.format)
            try session.expectProtocolError(client, interface: "wl_shm_pool", code: bad.code, message: bad.message)
        }

        /// One opaque red pixel in each opaque format, and where its bytes go: (format, bytes per pixel, bytes).
        static let redPixels: [(format: UInt32, bytesPerPixel: Int32, bytes: [UInt8])] = [
            (WL_SHM_FORMAT_XRGB8888.rawValue, 4, [0x00, 0x00, 0xFF, 0xFF]),
            (WL_SHM_FORMAT_XBGR8888.rawValue, 4, [0xFF, 0x00, 0x00, 0xFF]),
            (WL_SHM_FORMAT_RGB565.rawValue, 2, [0x00, 0xF8]),
            (WL_SHM_FORMAT_RGB888.rawValue, 3, [0x00, 0x00, 0xFF]),
            (WL_SHM_FORMAT_BGR888.rawValue, 3, [0xFF, 0x00, 0x00]),
            (WL_SHM_FORMAT_XRGB2101010.rawValue, 4, [0x00, 0x00, 0xF0, 0x3F]),
            (WL_SHM_FORMAT_XBGR2101010.rawValue, 4, [0xFF, 0x03, 0x00, 0x00]),
        ]

        /// A 15x16 buffer of each opaque format with its smallest stride (15 × bytes per pixel rounded up to a
        /// multiple of 4: odd for 16 and 24 bits before rounding) is accepted and shows red at its last pixel.
        @Test(arguments: 0..<7)
        func everyOpaqueFormatIsReadInItsOwnLayout(_ index: Int) throws {
            let red = Self.redPixels[index]
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "format")
            let file = try PoolFile(size: 4096)
            let stride = (15 * red.bytesPerPixel + 3) / 4 * 4
            file.fill(pixel: red.bytes, width: 15, height: 16, stride: Int(stride))
            let buffer = try client.buffer(try client.pool(file), width: 15, height: 16, stride: stride, format: red.format)
            client.show(buffer, on: window.surface, width: 15, height: 16)
            try #require(client.link.roundtrip())
            session.repaint()
            #expect(session.pixel(Self.origin.x, Self.origin.y) == 0xFF_0000)
            #expect(session.pixel(Self.origin.x + 14, Self.origin.y + 15) == 0xFF_0000)
            #expect(session.pixel(Self.origin.x + 15, Self.origin.y + 15) != 0xFF_0000, "the buffer ends at 15 pixels")
        }

        /// The last byte of the pool is the buffer's last byte: accepted, and its pixels are the last ones.
        @Test func aBufferEndingAtThePoolsEndIsAccepted() throws {
            let session = try Session()
            let client = try session.connect()
            let window = try session.configuredWindow(client, appID: "edge")
            let file = try PoolFile(size: 4096)
            file.fill(width: 1024, height: 1, color: 0x00_00FF)
            file.fill(offset: 3072, width: 16, height: 16, color: 0xFF_FF00)
            let buffer = try client.buffer(try client.pool(file), offset: 3072, width: 16, height: 16)
            client.show(buffer, on: window.surface, width: 16, height: 16)
            try #require(client.link.roundtrip())
            session.repaint()
            #expect(session.pixel(Self.origin.x + 15, Self.origin.y + 15) == 0xFF_FF00)
        }
    }
}
