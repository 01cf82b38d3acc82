#ifndef ROSTER_CPREFETCH_SHIM_H
#define ROSTER_CPREFETCH_SHIM_H
// Asks the processor to bring memory into its caches ahead of use, which Swift has no word for.
// A replay's fold reads a worker's slot and projection at random places in a hundred megabytes;
// asked a few events ahead, the loads overlap the work on the events between.
#include <stddef.h>

// Brings the `count` bytes at `address` towards the caches, for writing; never faults.
static inline void roster_prefetch(const void *address, size_t count) {
    const char *p = (const char *)address;
    for (size_t offset = 0; offset < count; offset += 64) __builtin_prefetch(p + offset, 1, 3);
}

#endif
