// readdir(3), as Herald's programs see it: each entry copied whole into a buffer of the full
// size of a struct dirent before it is returned.
//
// Why: Foundation's Process.run (swift-corelibs-foundation as shipped with Swift 6.3.1) lists
// /proc/self/fd to close inherited descriptors, and copies each entry's whole 256-byte d_name
// field, although readdir's record is only d_reclen bytes long (24-32 for a descriptor
// number). When a record ends its directory buffer at the end of a mapping, the copy reads
// past it and the program crashes (SIGSEGV in memcpy under Process.run; seen in the test
// runner about one run in five; fixed upstream in swift-corelibs-foundation #5472). Herald
// starts children in the server (SpamAssassin, qrencode) and the tests start many, so until
// the toolchain carries the fix every entry handed out is a full-size copy.
//
// This definition takes the place of libc's for the program and the libraries it loads (a
// program's own definition of a libc function is the one the dynamic linker binds); libc's
// own internal calls are unaffected. A copy stays valid, like libc's entry, until the next
// readdir of the same directory stream: each thread keeps a copy for each of its last few
// streams.
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>
#include "directory_entries.h"

enum { STREAMS = 16 };

static __thread struct {
  DIR *stream;
  struct dirent entry;
} copies[STREAMS];
static __thread unsigned next_slot;

static struct dirent *(*libc_readdir)(DIR *);

struct dirent *readdir(DIR *stream) {
  if (libc_readdir == NULL) libc_readdir = (struct dirent * (*)(DIR *)) dlsym(RTLD_NEXT, "readdir");
  if (libc_readdir == NULL) return NULL;
  struct dirent *entry = libc_readdir(stream);
  if (entry == NULL) return NULL;
  unsigned slot = STREAMS;
  for (unsigned index = 0; index < STREAMS; index++) {
    if (copies[index].stream == stream) {
      slot = index;
      break;
    }
  }
  if (slot == STREAMS) {
    slot = next_slot;
    next_slot = (next_slot + 1) % STREAMS;
    copies[slot].stream = stream;
  }
  size_t length = entry->d_reclen;
  if (length > sizeof(struct dirent)) length = sizeof(struct dirent);
  memset(&copies[slot].entry, 0, sizeof(struct dirent));
  memcpy(&copies[slot].entry, entry, length);
  // A name is NUL-terminated within its record; the copy keeps it so even if cut.
  copies[slot].entry.d_name[sizeof(copies[slot].entry.d_name) - 1] = '\0';
  return &copies[slot].entry;
}

int herald_directory_entries_copied(void) {
  // The readdir the dynamic linker hands to every library of the program is this one.
  return dlsym(RTLD_DEFAULT, "readdir") == (void *)readdir;
}
