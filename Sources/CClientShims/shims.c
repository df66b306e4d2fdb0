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

#define SW_CLIENT_INTERFACE(name) \
    const struct wl_interface *sw_client_interface_##name(void) { return &name##_interface; }
SW_CLIENT_INTERFACE(wl_compositor)
SW_CLIENT_INTERFACE(wl_shm)
SW_CLIENT_INTERFACE(wl_output)
SW_CLIENT_INTERFACE(wl_seat)
SW_CLIENT_INTERFACE(xdg_wm_base)
