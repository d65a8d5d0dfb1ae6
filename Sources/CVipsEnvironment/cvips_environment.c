// libvips' start (vips_init) guesses its installation prefix and writes it into the
// process's environment with setenv (VIPSHOME) unless it is there already. setenv while
// another thread starts a child process, which copies the environment, can crash that
// thread (seen: Foundation's Process.run reading a string setenv had just freed). Herald
// starts children (SpamAssassin; the tests' oracles) and libvips on any thread, so the
// prefix is set here instead, when the program is loaded and no other thread exists yet;
// vips_init then finds it and changes nothing.
#include <stdlib.h>
#include <vips/vips.h>
#include "cvips_environment.h"

__attribute__((constructor)) static void cvips_environment_set_prefix(void) {
  if (getenv("VIPSHOME") == NULL) (void)vips_guess_prefix("herald", "VIPSHOME");
}

const char *cvips_environment_prefix(void) {
  return getenv("VIPSHOME");
}
