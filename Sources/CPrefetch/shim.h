#ifndef ROSTER_CPREFETCH_SHIM_H
#define ROSTER_CPREFETCH_SHIM_H
// Asks the processor to bring memory into its caches ahead of use, which Swift has no word for.
// A replay's fold reads a worker's slot and projection at random places in a hundred megabytes;
// asked a few events ahead, the loads overlap the work on the events between.
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

// Brings the `count` bytes at `address` towards the caches, for writing; never faults.
static inline void roster_prefetch(const void *address, size_t count) {
    const char *p = (const char *)address;
    for (size_t offset = 0; offset < count; offset += 64) __builtin_prefetch(p + offset, 1, 3);
}

// Asks the kernel to back the whole 2 MiB pages inside `count` bytes at `address` with huge
// pages (where transparent huge pages are enabled for regions that ask): the fold's random reads
// of workers then miss the translation caches far less. Only advice: nothing changes otherwise.
static inline void roster_advise_huge_pages(const void *address, size_t count) {
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = 2u << 20;
    uintptr_t start = ((uintptr_t)address + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)address + count) & ~(huge - 1);
    if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#endif
}

#endif
