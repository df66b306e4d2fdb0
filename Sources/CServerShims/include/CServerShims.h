/* CServerShims: the libwayland-server calls Swift cannot make directly. Every symbol is prefixed `sw_`,
 * and each says why it exists. Nothing here holds state of its own beyond the listeners it allocates. */
#pragma once
#include <stdint.h>

struct wl_resource;
struct wl_client;
struct wl_display;

/* --- libwayland-server. --- */
/* wl_resource_post_error is printf-style variadic; Swift passes an already formatted message. */
void sw_resource_post_error(struct wl_resource *resource, uint32_t code, const char *message);
/* wl_client_post_implementation_error, likewise variadic. */
void sw_client_post_implementation_error(struct wl_client *client, const char *message);

/* A wl_listener needs wl_container_of to find its owner, which Swift cannot express. These allocate a
 * listener that carries `data` and frees itself after calling `callback` once (on destruction). */
typedef void (*sw_destroy_callback)(void *data);
void sw_client_add_destroy_callback(struct wl_client *client, sw_destroy_callback callback, void *data);
/* Called for every new client of `display`; the listener lives as long as the display. */
typedef void (*sw_client_created_callback)(struct wl_client *client, void *data);
void sw_display_add_client_created_callback(struct wl_display *display, sw_client_created_callback callback,
                                            void *data);

/* Whether a client's peer has hung up, without waiting: poll(2) for POLLHUP / POLLERR / POLLRDHUP on its
 * socket. POLLRDHUP is defined only under _GNU_SOURCE, so Swift does not import it. Returns 1 or 0. */
int sw_client_hung_up(struct wl_client *client);

/* --- Interface tables: sw_interface_<name>(), generated from protocol/interfaces.list. --- */
#include "ServerInterfaces.h"

/* libwayland-server logs through a printf-style handler with a va_list (wl_log_set_handler_server). This
 * installs one that formats each message (without its trailing newline) and hands it to `callback`. */
typedef void (*sw_log_callback)(const char *message);
void sw_server_set_log_callback(sw_log_callback callback);
