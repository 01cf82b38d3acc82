#ifndef ROSTER_CCRYPTODIGEST_SHIM_H
#define ROSTER_CCRYPTODIGEST_SHIM_H
// SHA-256 from OpenSSL's libcrypto (Debian libssl-dev), through its low-level calls: the journal
// hashes two small inputs per event, where EVP's per-call lookup costs more than the hashing.
// OpenSSL 3 marks these calls deprecated but ships them; the wrappers keep that out of Swift.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

typedef struct roster_sha256 { SHA256_CTX context; } roster_sha256;

static inline void roster_sha256_init(roster_sha256 *state) { SHA256_Init(&state->context); }

static inline void roster_sha256_update(roster_sha256 *state, const void *data, size_t count) {
    SHA256_Update(&state->context, data, count);
}

static inline void roster_sha256_final(roster_sha256 *state, unsigned char *digest) {
    SHA256_Final(digest, &state->context);
}

// libcrypto's comparison whose time depends only on `count`, never on where the bytes differ:
// the compiler cannot turn it into an early exit, as it may a loop written in Swift.
static inline int roster_constant_time_compare(const void *a, const void *b, size_t count) {
    return CRYPTO_memcmp(a, b, count);
}
#endif
