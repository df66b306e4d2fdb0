#define _GNU_SOURCE
#include <poll.h>
#include "CServerShims.h"

#include <stdlib.h>
#include <wayland-server-core.h>
#include <wayland-server-protocol.h>

void sw_resource_post_error(struct wl_resource *resource, uint32_t code, const char *message) {
    wl_resource_post_error(resource, code, "%s", message);
}
void sw_client_post_implementation_error(struct wl_client *client, const char *message) {
    wl_client_post_implementation_error(client, "%s", message);
}

struct sw_destroy_listener {
    struct wl_listener listener;
    sw_destroy_callback callback;
    void *data;
};
static void sw_destroy_notify(struct wl_listener *listener, void *unused) {
    (void)unused;
    struct sw_destroy_listener *self = wl_container_of(listener, self, listener);
    wl_list_remove(&self->listener.link);
    self->callback(self->data);
    free(self);
}
void sw_client_add_destroy_callback(struct wl_client *client, sw_destroy_callback callback, void *data) {
    struct sw_destroy_listener *self = calloc(1, sizeof *self);
    if (!self) abort(); /* out of memory at connection setup: nothing sensible to continue with */
    self->listener.notify = sw_destroy_notify;
    self->callback = callback;
    self->data = data;
    wl_client_add_destroy_listener(client, &self->listener);
}

struct sw_created_listener {
    struct wl_listener listener;
    struct wl_listener display_destroy;
    sw_client_created_callback callback;
    void *data;
};
static void sw_created_notify(struct wl_listener *listener, void *client) {
    struct sw_created_listener *self = wl_container_of(listener, self, listener);
    self->callback(client, self->data);
}
static void sw_created_display_destroyed(struct wl_listener *listener, void *unused) {
    (void)unused;
    struct sw_created_listener *self = wl_container_of(listener, self, display_destroy);
    wl_list_remove(&self->listener.link);
    wl_list_remove(&self->display_destroy.link);
    free(self);
}
void sw_display_add_client_created_callback(struct wl_display *display, sw_client_created_callback callback,
                                            void *data) {
    struct sw_created_listener *self = calloc(1, sizeof *self);
    if (!self) abort();
    self->listener.notify = sw_created_notify;
    self->display_destroy.notify = sw_created_display_destroyed;
    self->callback = callback;
    self->data = data;
    wl_display_add_client_created_listener(display, &self->listener);
    wl_display_add_destroy_listener(display, &self->display_destroy);
}

#include <stdio.h>
#include <string.h>

static sw_log_callback sw_server_log_callback;

static void sw_server_log_handler(const char *format, va_list args) {
    char message[1024];
    vsnprintf(message, sizeof message, format, args);
    size_t length = strlen(message);
    while (length > 0 && message[length - 1] == '\n') message[--length] = '\0';
    if (sw_server_log_callback) sw_server_log_callback(message);
}

void sw_server_set_log_callback(sw_log_callback callback) {
    sw_server_log_callback = callback;
    wl_log_set_handler_server(sw_server_log_handler);
}

int sw_client_hung_up(struct wl_client *client) {
    struct pollfd descriptor = { .fd = wl_client_get_fd(client), .events = POLLRDHUP, .revents = 0 };
    return poll(&descriptor, 1, 0) > 0 && (descriptor.revents & (POLLHUP | POLLERR | POLLRDHUP)) != 0;
}
