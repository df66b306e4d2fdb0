#include "CClientShims.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wayland-client.h>

extern const struct wl_interface xdg_wm_base_interface;

static char sw_last_log[1024];
static int sw_log_quiet;

static void sw_log_handler(const char *format, va_list args) {
    va_list copy;
    va_copy(copy, args);
    vsnprintf(sw_last_log, sizeof sw_last_log, format, copy);
    va_end(copy);
    if (!sw_log_quiet) fputs(sw_last_log, stderr);
}

void sw_client_capture_log(int quiet) {
    sw_log_quiet = quiet;
    wl_log_set_handler_client(sw_log_handler);
}

size_t sw_client_last_log(char *buffer, size_t capacity) {
    if (capacity == 0) return 0;
    size_t length = strnlen(sw_last_log, sizeof sw_last_log);
    if (length >= capacity) length = capacity - 1;
    memcpy(buffer, sw_last_log, length);
    buffer[length] = '\0';
    return length;
}

/* seawall-fuzz: interface tables by name. The generated tables are hidden symbols in CProtocols; weak declarations
 * resolve to them when their object file is linked and to NULL when it is not. */
extern const struct wl_interface xdg_positioner_interface __attribute__((weak));
extern const struct wl_interface xdg_surface_interface __attribute__((weak));
extern const struct wl_interface xdg_toplevel_interface __attribute__((weak));
extern const struct wl_interface xdg_popup_interface __attribute__((weak));
extern const struct wl_interface wp_presentation_interface __attribute__((weak));
extern const struct wl_interface wp_presentation_feedback_interface __attribute__((weak));
extern const struct wl_interface zwlr_virtual_pointer_manager_v1_interface __attribute__((weak));
extern const struct wl_interface zwlr_virtual_pointer_v1_interface __attribute__((weak));
extern const struct wl_interface zwp_virtual_keyboard_manager_v1_interface __attribute__((weak));
extern const struct wl_interface zwp_virtual_keyboard_v1_interface __attribute__((weak));
extern const struct wl_interface zxdg_decoration_manager_v1_interface __attribute__((weak));
extern const struct wl_interface zxdg_toplevel_decoration_v1_interface __attribute__((weak));
extern const struct wl_interface xdg_activation_v1_interface __attribute__((weak));
extern const struct wl_interface xdg_activation_token_v1_interface __attribute__((weak));
extern const struct wl_interface wp_viewporter_interface __attribute__((weak));
extern const struct wl_interface wp_viewport_interface __attribute__((weak));
extern const struct wl_interface wp_single_pixel_buffer_manager_v1_interface __attribute__((weak));
extern const struct wl_interface zwlr_foreign_toplevel_manager_v1_interface __attribute__((weak));
extern const struct wl_interface zwlr_foreign_toplevel_handle_v1_interface __attribute__((weak));
extern const struct wl_interface zwp_pointer_constraints_v1_interface __attribute__((weak));
extern const struct wl_interface zwp_locked_pointer_v1_interface __attribute__((weak));
extern const struct wl_interface zwp_confined_pointer_v1_interface __attribute__((weak));
extern const struct wl_interface zwp_relative_pointer_manager_v1_interface __attribute__((weak));
extern const struct wl_interface zwp_relative_pointer_v1_interface __attribute__((weak));
extern const struct wl_interface zwlr_layer_shell_v1_interface __attribute__((weak));
extern const struct wl_interface zwlr_layer_surface_v1_interface __attribute__((weak));
extern const struct wl_interface wp_fractional_scale_manager_v1_interface __attribute__((weak));
extern const struct wl_interface wp_fractional_scale_v1_interface __attribute__((weak));
extern const struct wl_interface zxdg_output_manager_v1_interface __attribute__((weak));
extern const struct wl_interface zxdg_output_v1_interface __attribute__((weak));
extern const struct wl_interface zwlr_screencopy_manager_v1_interface __attribute__((weak));
extern const struct wl_interface zwlr_screencopy_frame_v1_interface __attribute__((weak));

const struct wl_interface *sw_client_interface_named(const char *name) {
    const struct wl_interface *const tables[] = {
        &wl_display_interface, &wl_registry_interface, &wl_callback_interface, &wl_compositor_interface,
        &wl_shm_pool_interface, &wl_shm_interface, &wl_buffer_interface, &wl_data_offer_interface,
        &wl_data_source_interface, &wl_data_device_interface, &wl_data_device_manager_interface,
        &wl_shell_interface, &wl_shell_surface_interface, &wl_surface_interface, &wl_seat_interface,
        &wl_pointer_interface, &wl_keyboard_interface, &wl_touch_interface, &wl_output_interface,
        &wl_region_interface, &wl_subcompositor_interface, &wl_subsurface_interface,
        &xdg_wm_base_interface, &xdg_positioner_interface, &xdg_surface_interface, &xdg_toplevel_interface,
        &xdg_popup_interface, &wp_presentation_interface, &wp_presentation_feedback_interface,
        &zwlr_virtual_pointer_manager_v1_interface, &zwlr_virtual_pointer_v1_interface,
        &zwp_virtual_keyboard_manager_v1_interface, &zwp_virtual_keyboard_v1_interface,
        &zxdg_decoration_manager_v1_interface, &zxdg_toplevel_decoration_v1_interface,
        &xdg_activation_v1_interface, &xdg_activation_token_v1_interface,
        &wp_viewporter_interface, &wp_viewport_interface, &wp_single_pixel_buffer_manager_v1_interface,
        &zwlr_foreign_toplevel_manager_v1_interface, &zwlr_foreign_toplevel_handle_v1_interface,
        &zwp_pointer_constraints_v1_interface, &zwp_locked_pointer_v1_interface, &zwp_confined_pointer_v1_interface,
        &zwp_relative_pointer_manager_v1_interface, &zwp_relative_pointer_v1_interface,
        &zwlr_layer_shell_v1_interface, &zwlr_layer_surface_v1_interface,
        &wp_fractional_scale_manager_v1_interface, &wp_fractional_scale_v1_interface,
        &zxdg_output_manager_v1_interface, &zxdg_output_v1_interface,
        &zwlr_screencopy_manager_v1_interface, &zwlr_screencopy_frame_v1_interface,
    };
    if (name == NULL) return NULL;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        if (tables[i] != NULL && tables[i]->name != NULL && strcmp(tables[i]->name, name) == 0) return tables[i];
    }
    return NULL;
}

#include <sys/eventfd.h>
int sw_client_eventfd(unsigned int initval) { return eventfd(initval, EFD_CLOEXEC); }

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

int sw_client_termination_signalfd(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int error = pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (error != 0) { errno = error; return -1; }
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int sw_client_read_signal(int fd) {
    struct signalfd_siginfo info;
    ssize_t n;
    do { n = read(fd, &info, sizeof info); } while (n < 0 && errno == EINTR);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    if ((size_t)n != sizeof info) { errno = EIO; return -1; }
    return (int)info.ssi_signo;
}
