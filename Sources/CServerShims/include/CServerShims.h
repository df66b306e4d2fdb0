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

/* --- Interface tables. Swift imports `extern const struct wl_interface` globals as values and does not
 * promise their address; libwayland compares and stores these pointers, so C hands out the real ones. --- */
struct wl_interface;
const struct wl_interface *sw_interface_wl_compositor(void);
const struct wl_interface *sw_interface_wl_surface(void);
const struct wl_interface *sw_interface_wl_region(void);
const struct wl_interface *sw_interface_wl_callback(void);
const struct wl_interface *sw_interface_wl_shm(void);
const struct wl_interface *sw_interface_wl_shm_pool(void);
const struct wl_interface *sw_interface_wl_buffer(void);
const struct wl_interface *sw_interface_wl_output(void);
const struct wl_interface *sw_interface_wl_seat(void);
const struct wl_interface *sw_interface_wl_pointer(void);
const struct wl_interface *sw_interface_wl_keyboard(void);
const struct wl_interface *sw_interface_wl_touch(void);
const struct wl_interface *sw_interface_wl_subcompositor(void);
const struct wl_interface *sw_interface_wl_subsurface(void);
const struct wl_interface *sw_interface_xdg_wm_base(void);
const struct wl_interface *sw_interface_xdg_surface(void);
const struct wl_interface *sw_interface_xdg_toplevel(void);
const struct wl_interface *sw_interface_xdg_positioner(void);
const struct wl_interface *sw_interface_xdg_popup(void);


/* libwayland-server logs through a printf-style handler with a va_list (wl_log_set_handler_server). This
 * installs one that formats each message (without its trailing newline) and hands it to `callback`. */
typedef void (*sw_log_callback)(const char *message);
void sw_server_set_log_callback(sw_log_callback callback);

/* Interface tables of the extension protocols added later (see the list above for why). */
const struct wl_interface *sw_interface_wp_presentation(void);
const struct wl_interface *sw_interface_wp_presentation_feedback(void);
const struct wl_interface *sw_interface_wl_data_device_manager(void);
const struct wl_interface *sw_interface_wl_data_device(void);
const struct wl_interface *sw_interface_wl_data_source(void);
const struct wl_interface *sw_interface_wl_data_offer(void);
const struct wl_interface *sw_interface_zxdg_output_manager_v1(void);
const struct wl_interface *sw_interface_zxdg_output_v1(void);
const struct wl_interface *sw_interface_zwlr_screencopy_manager_v1(void);
const struct wl_interface *sw_interface_zwlr_screencopy_frame_v1(void);
