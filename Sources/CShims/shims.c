#define _GNU_SOURCE
#include "CShims.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <wayland-server-core.h>

/* The kernel's values; checked here so a header change cannot silently diverge from the enum. */
_Static_assert(SW_F_SEAL_SEAL == F_SEAL_SEAL, "F_SEAL_SEAL");
_Static_assert(SW_F_SEAL_SHRINK == F_SEAL_SHRINK, "F_SEAL_SHRINK");
_Static_assert(SW_F_SEAL_GROW == F_SEAL_GROW, "F_SEAL_GROW");
_Static_assert(SW_F_SEAL_WRITE == F_SEAL_WRITE, "F_SEAL_WRITE");
_Static_assert(SW_MFD_CLOEXEC == MFD_CLOEXEC, "MFD_CLOEXEC");
_Static_assert(SW_MFD_ALLOW_SEALING == MFD_ALLOW_SEALING, "MFD_ALLOW_SEALING");
_Static_assert(SW_MFD_HUGETLB == MFD_HUGETLB, "MFD_HUGETLB");
#ifdef F_SEAL_FUTURE_WRITE
_Static_assert(SW_F_SEAL_FUTURE_WRITE == F_SEAL_FUTURE_WRITE, "F_SEAL_FUTURE_WRITE");
#endif

int sw_get_seals(int fd) { return fcntl(fd, F_GET_SEALS); }
int sw_add_seals(int fd, int seals) { return fcntl(fd, F_ADD_SEALS, seals); }
int sw_memfd_create(const char *name, unsigned int flags) { return memfd_create(name, flags); }
void *sw_mremap_maymove(void *old_address, size_t old_size, size_t new_size) {
    return mremap(old_address, old_size, new_size, MREMAP_MAYMOVE);
}
int sw_punch_hole(int fd, int64_t offset, int64_t length) {
    return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)length);
}

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

int sw_signal_disposition(int signo) {
    struct sigaction current;
    if (sigaction(signo, NULL, &current) != 0) return -1;
    if (current.sa_flags & SA_SIGINFO) return 2;
    if (current.sa_handler == SIG_DFL) return 0;
    if (current.sa_handler == SIG_IGN) return 1;
    return 2;
}
