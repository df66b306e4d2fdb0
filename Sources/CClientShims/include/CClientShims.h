/* CClientShims: the libwayland-client calls Swift cannot make directly. Every symbol is prefixed `sw_`. */
#pragma once
#include <stddef.h>

struct wl_interface;

/* libwayland-client reports a protocol error sent by the compositor through its log handler, a printf-style
 * callback with a va_list that Swift cannot format. This installs a handler that formats each message and
 * keeps the last one (and echoes it to stderr unless `quiet`), so a client can show the compositor's words. */
void sw_client_capture_log(int quiet);
/* Copies the last captured log message (NUL-terminated, truncated to `capacity`); returns its length. */
size_t sw_client_last_log(char *buffer, size_t capacity);

/* Interface tables, by address: sw_client_interface_<name>() for every interface in protocol/interfaces.list. */
#include "ClientInterfaces.h"

/* seawall-fuzz: the interface table called `name` ("wl_surface", "xdg_toplevel", …), or NULL. Covers every core
 * interface libwayland-client exports and the generated extension ones; the extension tables are weak references,
 * so a protocol that is not generated (yet) is simply absent instead of breaking the link. */
const struct wl_interface *sw_client_interface_named(const char *name);

/* seawall-fuzz: eventfd(initval, EFD_CLOEXEC) — <sys/eventfd.h> is not part of Swift's Glibc module. */
int sw_client_eventfd(unsigned int initval);

/* seawall-demo: SIGINT and SIGTERM as a readable fd, so the client can poll them together with the Wayland socket
 * and exit 0 (after disconnecting) instead of dying mid-request. Blocks both signals in the calling thread (threads
 * started later inherit the mask) and returns signalfd(SFD_CLOEXEC | SFD_NONBLOCK) for them, or -1 with errno.
 * A shim because <sys/signalfd.h> is not part of Swift's Glibc module. */
int sw_client_termination_signalfd(void);
/* Reads one signal from such an fd: its number, 0 if none is pending, -1 with errno on failure. */
int sw_client_read_signal(int fd);
