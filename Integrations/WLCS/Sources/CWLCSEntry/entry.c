/* The exported WlcsServerIntegration and its tables. Every hook forwards to a Swift @_cdecl function
 * (Sources/SeawallWLCS) with the Swift object kept next to the table WLCS sees. */
#include "CWLCSEntry.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>
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

struct sw_touch_event { int phase; double x, y; };
struct sw_server {
    WlcsDisplayServer base;
    void *owner;
    /* Hand-over of touch events from WLCS's test thread to the server thread (see touch_event). */
    pthread_mutex_t lock;
    pthread_cond_t handled;
    pthread_t thread;               /* the thread in start_on_this_thread, while running */
    int running;
    int wakeup;                     /* eventfd watched on WLCS's loop */
    struct sw_touch_event *pending; /* at most one, owned by the waiting caller */
};
struct sw_pointer { WlcsPointer base; void *owner; };
struct sw_touch { WlcsTouch base; struct sw_server *server; };

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

/* WLCS 1.5 calls the touch hooks directly on the test's thread (wlcs::Touch::Impl skips its thread proxy,
 * unlike the pointer and server hooks, which arrive on the server's thread), so each touch event is handed
 * to the server thread here and the caller waits until Seawall has handled it. Without this, touch events
 * raced the server loop and corrupted a client's event stream now and then (the client saw EOVERFLOW).
 * Although touch.h types the coordinates wl_fixed_t, that same path passes whole pixels (a touch at x = 64
 * arrives as 64, not 64 << 8), unlike the pointer's. */
static void touch_event(struct sw_touch *t, int phase, wl_fixed_t x, wl_fixed_t y) {
    struct sw_server *server = t->server;
    struct sw_touch_event event = {.phase = phase, .x = (double)x, .y = (double)y};
    pthread_mutex_lock(&server->lock);
    if (!server->running || pthread_equal(pthread_self(), server->thread)) {
        pthread_mutex_unlock(&server->lock);
        seawall_wlcs_touch(server->owner, event.phase, event.x, event.y);
        return;
    }
    while (server->pending) pthread_cond_wait(&server->handled, &server->lock);
    server->pending = &event;
    uint64_t one = 1;
    while (write(server->wakeup, &one, sizeof one) < 0 && errno == EINTR) {}
    while (server->pending == &event && server->running) pthread_cond_wait(&server->handled, &server->lock);
    if (server->pending == &event) server->pending = NULL;   /* the server stopped first: dropped */
    pthread_cond_broadcast(&server->handled);
    pthread_mutex_unlock(&server->lock);
}

/* On the server thread (a source on WLCS's loop, which Seawall's loop dispatches): the waiting touch event. */
static int touch_wakeup(int fd, uint32_t mask, void *data) {
    (void)mask;
    struct sw_server *server = data;
    uint64_t count;
    while (read(fd, &count, sizeof count) < 0 && errno == EINTR) {}
    pthread_mutex_lock(&server->lock);
    struct sw_touch_event *event = server->pending;
    pthread_mutex_unlock(&server->lock);
    if (!event) return 0;
    seawall_wlcs_touch(server->owner, event->phase, event->x, event->y);
    pthread_mutex_lock(&server->lock);
    server->pending = NULL;
    pthread_cond_broadcast(&server->handled);
    pthread_mutex_unlock(&server->lock);
    return 0;
}

static void touch_down(WlcsTouch *t, wl_fixed_t x, wl_fixed_t y) { touch_event((struct sw_touch *)t, 0, x, y); }
static void touch_move(WlcsTouch *t, wl_fixed_t x, wl_fixed_t y) { touch_event((struct sw_touch *)t, 1, x, y); }
static void touch_up(WlcsTouch *t) { touch_event((struct sw_touch *)t, 2, 0, 0); }
static void touch_destroy(WlcsTouch *t) { free(t); }

static void server_stop(WlcsDisplayServer *server) { seawall_wlcs_stop(owner_of(server)); }
static void server_start_on_this_thread(WlcsDisplayServer *base, struct wl_event_loop *loop) {
    struct sw_server *server = (struct sw_server *)base;
    struct wl_event_source *source = wl_event_loop_add_fd(loop, server->wakeup, WL_EVENT_READABLE, touch_wakeup, server);
    pthread_mutex_lock(&server->lock);
    server->thread = pthread_self();
    server->running = source != NULL;
    pthread_mutex_unlock(&server->lock);
    seawall_wlcs_start(server->owner, loop);
    pthread_mutex_lock(&server->lock);
    server->running = 0;
    pthread_cond_broadcast(&server->handled);
    pthread_mutex_unlock(&server->lock);
    if (source) wl_event_source_remove(source);
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
    t->server = (struct sw_server *)server;
    return &t->base;
}

/* Exactly the extensions Seawall implements, at the versions it advertises to WLCS. */
static const WlcsExtensionDescriptor extensions[] = {
    {"wl_compositor", 4}, {"wl_subcompositor", 1}, {"wl_shm", 1}, {"wl_output", 4}, {"wl_seat", 7},
    {"wl_data_device_manager", 3}, {"xdg_wm_base", 5}, {"wp_presentation", 1}, {"zxdg_output_manager_v1", 3},
    {"zwlr_screencopy_manager_v1", 3}, {"zwlr_virtual_pointer_manager_v1", 2}, {"zwp_primary_selection_device_manager_v1", 1},
    {"zwlr_foreign_toplevel_manager_v1", 3},
    {"zwp_pointer_constraints_v1", 1}, {"zwp_relative_pointer_manager_v1", 1},
    {"zwlr_layer_shell_v1", 4},
};
static const WlcsIntegrationDescriptor descriptor = {
    .version = 1, .num_extensions = sizeof extensions / sizeof extensions[0], .supported_extensions = extensions,
};
static const WlcsIntegrationDescriptor *server_descriptor(WlcsDisplayServer const *server) {
    (void)server;
    return &descriptor;
}

static void destroy_parts(struct sw_server *server) {
    close(server->wakeup);
    pthread_cond_destroy(&server->handled);
    pthread_mutex_destroy(&server->lock);
    free(server);
}

static WlcsDisplayServer *create_server(int argc, char const **argv) {
    (void)argc; (void)argv;
    struct sw_server *server = calloc(1, sizeof *server);
    if (!server) return NULL;
    server->base.version = 3;
    server->base.start = NULL;   /* start_on_this_thread: WLCS's proxied hooks then come on the server thread */
    server->base.stop = server_stop;
    server->base.create_client_socket = server_client_socket;
    server->base.position_window_absolute = server_position;
    server->base.create_pointer = server_create_pointer;
    server->base.create_touch = server_create_touch;
    server->base.get_descriptor = server_descriptor;
    server->base.start_on_this_thread = server_start_on_this_thread;
    server->wakeup = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (server->wakeup < 0) { free(server); return NULL; }
    pthread_mutex_init(&server->lock, NULL);
    pthread_cond_init(&server->handled, NULL);
    server->owner = seawall_wlcs_create();
    if (!server->owner) { destroy_parts(server); return NULL; }
    return &server->base;
}

static void destroy_server(WlcsDisplayServer *server) {
    seawall_wlcs_destroy(owner_of(server));
    destroy_parts((struct sw_server *)server);
}

const WlcsServerIntegration wlcs_server_integration = {
    .version = 1, .create_server = create_server, .destroy_server = destroy_server,
};

/* --- client-side and loop helpers for Swift (see CWLCSEntry.h) --- */
int sw_wlcs_client_fd(struct wl_display *client) { return wl_display_get_fd(client); }
uint32_t sw_wlcs_surface_id(struct wl_surface *surface) { return wl_proxy_get_id((struct wl_proxy *)surface); }

int sw_wlcs_loop_fd(struct wl_event_loop *loop) { return wl_event_loop_get_fd(loop); }
void sw_wlcs_loop_dispatch(struct wl_event_loop *loop) { wl_event_loop_dispatch(loop, 0); }
