/* CDRMShims: libdrm calls and macros Swift cannot use directly. Every symbol is prefixed `sw_`. */
#pragma once
#include <stdint.h>

/* DRM_FORMAT_XRGB8888: drm_fourcc.h builds it with the function-like macro fourcc_code('X','R','2','4'),
   which Swift does not import. */
uint32_t sw_drm_format_xrgb8888(void);
