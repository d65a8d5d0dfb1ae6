#ifndef HERALD_CCMARK_SHIM_H
#define HERALD_CCMARK_SHIM_H
// cmark-gfm and its GFM extensions (tables, strikethrough, autolinks), from Debian's
// libcmark-gfm-dev and libcmark-gfm-extensions-dev.
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
#endif
