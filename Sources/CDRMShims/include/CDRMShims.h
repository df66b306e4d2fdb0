/* CDRMShims: libdrm calls and macros Swift cannot use directly. Every symbol is prefixed `sw_`. */
#pragma once
#include <stdint.h>
