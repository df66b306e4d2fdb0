import CProtocolsClient
import CWaylandClient
import SeawallTestSupport
import Testing
import WaylandServer

extension ProtocolTests {
    /// wl_registry and the announcements that come with binding.
    @Suite struct Registry {
        /// Seawall's globals and versions (README: "What Seawall implements"), xdg_wm_base at its default 3.
        static let globals: [String: UInt32] = [
            "wl_compositor": 5, "wl_subcompositor": 1, "wl_shm": 1, "wl_output": 4, "wl_seat": 7,
            "wl_data_device_manager": 3, "zwp_primary_selection_device_manager_v1": 1, "xdg_wm_base": 3, "wp_presentation": 1, "zxdg_output_manager_v1": 3,
            "zwlr_screencopy_manager_v1": 3,
            "zxdg_decoration_manager_v1": 1,
            "xdg_activation_v1": 1,
            "zwlr_foreign_toplevel_manager_v1": 3,
            "zwp_pointer_constraints_v1": 1, "zwp_relative_pointer_manager_v1": 1,
            "wp_viewporter": 1, "wp_single_pixel_buffer_manager_v1": 1, "zwlr_layer_shell_v1": 4,
            "wp_fractional_scale_manager_v1": 1,
        ]

        @Test func listsEveryGlobalWithItsVersion() throws {
            let session = try Session()
            let client = try session.connect()
            #expect(client.globals.mapValues(\.version) == Self.globals)
            #expect(Set(client.globals.values.map(\.name)).count == Self.globals.count, "global names are unique")
        }

        /// --xdg-wm-base-version N offers min(5, max(1, N)).
        @Test(arguments: [(Int32(1), UInt32(1)), (4, 4), (5, 5), (0, 1), (9, 5)])
        func xdgWmBaseVersionFollowsTheConfiguration(configured: Int32, offered: UInt32) throws {
            let session = try Session { $0.xdgWmBaseVersion = configured }
            let client = try session.connect()
            #expect(client.globals["xdg_wm_base"]?.version == offered)
        }

        /// The formats pixman composes directly, with libwayland's own codes (0 and 1, then DRM fourccs).
        @Test func wlShmAnnouncesTheFormatsPixmanComposes() throws {
            let session = try Session()
            let client = try session.connect()
            _ = try client.shm()
            try #require(client.link.roundtrip())
            #expect(client.shmFormats == [
                WL_SHM_FORMAT_ARGB8888, WL_SHM_FORMAT_XRGB8888, WL_SHM_FORMAT_ABGR8888, WL_SHM_FORMAT_XBGR8888,
                WL_SHM_FORMAT_RGB565, WL_SHM_FORMAT_RGB888, WL_SHM_FORMAT_BGR888,
                WL_SHM_FORMAT_ARGB2101010, WL_SHM_FORMAT_XRGB2101010, WL_SHM_FORMAT_ABGR2101010, WL_SHM_FORMAT_XBGR2101010,
            ].map(\.rawValue))
        }

        /// Several clients at once each get the whole list, and the server counts them.
        @Test func clientsAreCountedInAndOut() throws {
            let session = try Session()
            let first = try session.connect()
            let second = try session.connect()
            #expect(first.globals.count == second.globals.count)
            #expect(session.server.clientCount == 2)
            first.link.disconnect()
            second.link.exchange()
            #expect(session.server.clientCount == 1)
        }
    }
}
