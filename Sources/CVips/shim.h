#ifndef HERALD_CVIPS_SHIM_H
#define HERALD_CVIPS_SHIM_H
// libvips (Debian libvips-dev), the image library of the press kit: renditions for mail,
// originals with their orientation applied and personal metadata removed. Its API takes
// options as NULL-terminated variadic name/value pairs, which Swift cannot call: each use
// is wrapped here in a typed function.
#include <vips/vips.h>

/// VIPS_INIT, once per process (the caller makes sure of that); 0 on success.
static inline int cvips_init(void) {
  return VIPS_INIT("herald");
}

/// Loads and shrinks an image to fit within width × height, never enlarging it, with its
/// EXIF orientation applied (vips_thumbnail rotates by default). It shrinks while loading
/// (JPEG's DCT scaling), so a 6000-pixel photo is never decoded whole for a small rendition.
static inline int cvips_thumbnail(const char *filename, VipsImage **out, int width, int height) {
  return vips_thumbnail(filename, out, width, "height", height, "size", VIPS_SIZE_DOWN, NULL);
}

/// JPEG at `quality`, progressive off, Huffman tables optimised; metadata is whatever the
/// image carries (the caller removes what must not be published).
static inline int cvips_jpegsave_buffer(VipsImage *in, void **buffer, size_t *length, int quality) {
  return vips_jpegsave_buffer(in, buffer, length, "Q", quality, "optimize_coding", TRUE, NULL);
}

/// PNG (for images with transparency), compression 6.
static inline int cvips_pngsave_buffer(VipsImage *in, void **buffer, size_t *length) {
  return vips_pngsave_buffer(in, buffer, length, "compression", 6, NULL);
}

/// WebP at `quality`.
static inline int cvips_webpsave_buffer(VipsImage *in, void **buffer, size_t *length, int quality) {
  return vips_webpsave_buffer(in, buffer, length, "Q", quality, NULL);
}

/// Drops one reference to an image (g_object_unref on its GObject).
static inline void cvips_unref(VipsImage *image) {
  g_object_unref(image);
}

/// Frees a buffer libvips allocated (the save functions' output).
static inline void cvips_free(void *buffer) {
  g_free(buffer);
}

#endif
