#ifndef ROSTER_CCRC32C_SHIM_H
#define ROSTER_CCRC32C_SHIM_H
// CRC-32C with the processor's own instruction (x86-64's SSE 4.2), for Digest.CRC32C: every
// journal record is checked by it when read. The Swift table-driven version serves other
// processors (ARMv8's CRC instructions could be added here the same way); both give the same
// checksums (tested).
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

// 1 when the processor has the SSE 4.2 CRC32 instruction.
static inline int roster_crc32c_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_SSE4_2) != 0;
}

// Continues the (inverted) CRC `crc` over `count` bytes at `bytes`; call only when available.
__attribute__((target("sse4.2"))) static inline uint32_t roster_crc32c_update(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *p = (const unsigned char *)bytes;
    uint64_t wide = crc;
    while (count >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        wide = __builtin_ia32_crc32di(wide, word);
        p += 8;
        count -= 8;
    }
    uint32_t narrow = (uint32_t)wide;
    while (count > 0) {
        narrow = __builtin_ia32_crc32qi(narrow, *p);
        p += 1;
        count -= 1;
    }
    return narrow;
}

#else
static inline int roster_crc32c_available(void) { return 0; }
static inline uint32_t roster_crc32c_update(uint32_t crc, const void *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return crc;
}
#endif
#endif
