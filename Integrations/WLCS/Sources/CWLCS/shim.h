/* WLCS 1.5 headers (Debian: wlcs). Header-only: the test runner loads our module, not the other way round. */
#include <wlcs/display_server.h>
#include <wlcs/pointer.h>
#include <wlcs/touch.h>
