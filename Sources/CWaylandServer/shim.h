/* Hide libwayland's deprecated public struct layouts so wl_resource stays opaque (OpaquePointer in Swift). */
#define WL_HIDE_DEPRECATED 1
#include <wayland-server.h>
