/* CWLCSEntry: the Wayland Conformance Suite's entry point into Seawall (wlcs_server_integration, defined in
 * entry.c) and the few client-side libwayland calls the Swift side needs, kept here so Swift never imports
 * libwayland-client and libwayland-server headers together. */
#pragma once
#include <stdint.h>

struct wl_display;
struct wl_surface;
struct wl_event_loop;

/* wl_display_get_fd on a WLCS client connection: the fd Seawall handed out in create_client_socket. */
int sw_wlcs_client_fd(struct wl_display *client);
/* wl_proxy_get_id of a client-side wl_surface: the object id the server knows it by. */
uint32_t sw_wlcs_surface_id(struct wl_surface *surface);

/* WLCS's loop, driven from Seawall's (start_on_this_thread must block): its fd, and one non-blocking
 * round of it (wl_event_loop_get_fd / wl_event_loop_dispatch(loop, 0)). */
int sw_wlcs_loop_fd(struct wl_event_loop *loop);
void sw_wlcs_loop_dispatch(struct wl_event_loop *loop);
