/* The exported WlcsServerIntegration and its tables. Every hook forwards to a Swift @_cdecl function
 * (Sources/SeawallWLCS) with the Swift object kept next to the table WLCS sees. */
#include "CWLCSEntry.h"

#include <stdlib.h>
#include <wayland-client-core.h>
#include <wayland-server-core.h>
#include <wlcs/display_server.h>
#include <wlcs/pointer.h>
#include <wlcs/touch.h>

/* Implemented in Swift (SeawallWLCS/Integration.swift). */
extern void *seawall_wlcs_create(void);
extern void seawall_wlcs_destroy(void *owner);
extern void seawall_wlcs_start(void *owner, struct wl_event_loop *loop);
extern void seawall_wlcs_stop(void *owner);
extern int seawall_wlcs_client_socket(void *owner);
extern void seawall_wlcs_position(void *owner, struct wl_display *client, struct wl_surface *surface, int x, int y);
extern void seawall_wlcs_pointer_move(void *owner, double x, double y, int relative);
extern void seawall_wlcs_pointer_button(void *owner, int button, int pressed);
extern void seawall_wlcs_touch(void *owner, int phase, double x, double y);

struct sw_server { WlcsDisplayServer base; void *owner; };
struct sw_pointer { WlcsPointer base; void *owner; };
struct sw_touch { WlcsTouch base; void *owner; };

static void *owner_of(WlcsDisplayServer *server) { return ((struct sw_server *)server)->owner; }

static void pointer_move_absolute(WlcsPointer *p, wl_fixed_t x, wl_fixed_t y) {
    seawall_wlcs_pointer_move(((struct sw_pointer *)p)->owner, wl_fixed_to_double(x), wl_fixed_to_double(y), 0);
}
static void pointer_move_relative(WlcsPointer *p, wl_fixed_t dx, wl_fixed_t dy) {
    seawall_wlcs_pointer_move(((struct sw_pointer *)p)->owner, wl_fixed_to_double(dx), wl_fixed_to_double(dy), 1);
}
static void pointer_button_up(WlcsPointer *p, int button) { seawall_wlcs_pointer_button(((struct sw_pointer *)p)->owner, button, 0); }
static void pointer_button_down(WlcsPointer *p, int button) { seawall_wlcs_pointer_button(((struct sw_pointer *)p)->owner, button, 1); }
static void pointer_destroy(WlcsPointer *p) { free(p); }

/* Although touch.h types them wl_fixed_t, WLCS 1.5 passes touch coordinates as whole pixels (measured: a
 * touch at x = 64 arrives as 64, not 64 << 8), unlike the pointer's. */
static void touch_down(WlcsTouch *t, wl_fixed_t x, wl_fixed_t y) {
    seawall_wlcs_touch(((struct sw_touch *)t)->owner, 0, (double)x, (double)y);
}
static void touch_move(WlcsTouch *t, wl_fixed_t x, wl_fixed_t y) {
    seawall_wlcs_touch(((struct sw_touch *)t)->owner, 1, (double)x, (double)y);
}
static void touch_up(WlcsTouch *t) { seawall_wlcs_touch(((struct sw_touch *)t)->owner, 2, 0, 0); }
static void touch_destroy(WlcsTouch *t) { free(t); }

static void server_stop(WlcsDisplayServer *server) { seawall_wlcs_stop(owner_of(server)); }
static void server_start_on_this_thread(WlcsDisplayServer *server, struct wl_event_loop *loop) {
    seawall_wlcs_start(owner_of(server), loop);
}
static int server_client_socket(WlcsDisplayServer *server) { return seawall_wlcs_client_socket(owner_of(server)); }
static void server_position(WlcsDisplayServer *server, struct wl_display *client, struct wl_surface *surface, int x, int y) {
    seawall_wlcs_position(owner_of(server), client, surface, x, y);
}
static WlcsPointer *server_create_pointer(WlcsDisplayServer *server) {
    struct sw_pointer *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->base.version = 1;
    p->base.move_absolute = pointer_move_absolute;
    p->base.move_relative = pointer_move_relative;
    p->base.button_up = pointer_button_up;
    p->base.button_down = pointer_button_down;
    p->base.destroy = pointer_destroy;
    p->owner = owner_of(server);
    return &p->base;
}
static WlcsTouch *server_create_touch(WlcsDisplayServer *server) {
    struct sw_touch *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->base.version = 1;
    t->base.touch_down = touch_down;
    t->base.touch_move = touch_move;
    t->base.touch_up = touch_up;
    t->base.destroy = touch_destroy;
    t->owner = owner_of(server);
    return &t->base;
}

/* Exactly the extensions Seawall implements, at the versions it advertises to WLCS. */
static const WlcsExtensionDescriptor extensions[] = {
    {"wl_compositor", 4}, {"wl_subcompositor", 1}, {"wl_shm", 1}, {"wl_output", 4}, {"wl_seat", 7},
    {"wl_data_device_manager", 3}, {"xdg_wm_base", 5}, {"wp_presentation", 1}, {"zxdg_output_manager_v1", 3},
    {"zwlr_screencopy_manager_v1", 3},
};
static const WlcsIntegrationDescriptor descriptor = {
    .version = 1, .num_extensions = sizeof extensions / sizeof extensions[0], .supported_extensions = extensions,
};
static const WlcsIntegrationDescriptor *server_descriptor(WlcsDisplayServer const *server) {
    (void)server;
    return &descriptor;
}

static WlcsDisplayServer *create_server(int argc, char const **argv) {
    (void)argc; (void)argv;
    struct sw_server *server = calloc(1, sizeof *server);
    if (!server) return NULL;
    server->base.version = 3;
    server->base.start = NULL;   /* start_on_this_thread: every call then comes on WLCS's loop thread */
    server->base.stop = server_stop;
    server->base.create_client_socket = server_client_socket;
    server->base.position_window_absolute = server_position;
    server->base.create_pointer = server_create_pointer;
    server->base.create_touch = server_create_touch;
    server->base.get_descriptor = server_descriptor;
    server->base.start_on_this_thread = server_start_on_this_thread;
    server->owner = seawall_wlcs_create();
    if (!server->owner) { free(server); return NULL; }
    return &server->base;
}

static void destroy_server(WlcsDisplayServer *server) {
    seawall_wlcs_destroy(owner_of(server));
    free(server);
}

const WlcsServerIntegration wlcs_server_integration = {
    .version = 1, .create_server = create_server, .destroy_server = destroy_server,
};

/* --- client-side and loop helpers for Swift (see CWLCSEntry.h) --- */
int sw_wlcs_client_fd(struct wl_display *client) { return wl_display_get_fd(client); }
uint32_t sw_wlcs_surface_id(struct wl_surface *surface) { return wl_proxy_get_id((struct wl_proxy *)surface); }

struct sw_watch { sw_wlcs_dispatch dispatch; void *data; struct wl_event_source *source; };
static int watch_ready(int fd, uint32_t mask, void *data) {
    (void)fd; (void)mask;
    struct sw_watch *watch = data;
    watch->dispatch(watch->data);
    return 0;
}
void *sw_wlcs_watch(struct wl_event_loop *loop, int fd, sw_wlcs_dispatch dispatch, void *data) {
    struct sw_watch *watch = calloc(1, sizeof *watch);
    if (!watch) return NULL;
    watch->dispatch = dispatch;
    watch->data = data;
    watch->source = wl_event_loop_add_fd(loop, fd, WL_EVENT_READABLE, watch_ready, watch);
    if (!watch->source) { free(watch); return NULL; }
    return watch;
}
void sw_wlcs_remove_source(void *handle) {
    struct sw_watch *watch = handle;
    if (!watch) return;
    wl_event_source_remove(watch->source);
    free(watch);
}

int sw_wlcs_loop_fd(struct wl_event_loop *loop) { return wl_event_loop_get_fd(loop); }
void sw_wlcs_loop_dispatch(struct wl_event_loop *loop) { wl_event_loop_dispatch(loop, 0); }
