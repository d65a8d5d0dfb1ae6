#ifndef HERALD_CVIPS_ENVIRONMENT_H
#define HERALD_CVIPS_ENVIRONMENT_H
// libvips' VIPSHOME, set in the process's environment when the program is loaded: see
// cvips_environment.c.

/// The installation prefix libvips uses (VIPSHOME), as set when the program was loaded.
const char *cvips_environment_prefix(void);

#endif
