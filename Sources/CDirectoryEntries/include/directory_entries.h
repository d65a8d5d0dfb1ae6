#ifndef HERALD_DIRECTORY_ENTRIES_H
#define HERALD_DIRECTORY_ENTRIES_H

// readdir(3) for Herald's programs: every entry a full-size copy (see directory_entries.c).
// 1 when the readdir every library of the program calls is this one (a test checks it).
int herald_directory_entries_copied(void);

#endif
