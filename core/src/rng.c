/* Randomness: libsodium's system generator, or a seeded deterministic one
 * so that a conversation can be replayed byte for byte in tests. */
#include "tlshs.h"
#include <sodium.h>
#include <string.h>

static void fill_system(ths_rng *rng, uint8_t *out, size_t n)
{
    (void)rng;
    randombytes_buf(out, n);
}

/* Each call draws a fresh ChaCha20 block stream keyed by the seed, with the
 * call counter as nonce, so the stream is the same for the same calls. */
static void fill_seeded(ths_rng *rng, uint8_t *out, size_t n)
{
    uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {0};
    uint64_t c = rng->counter++;
    int i;
    for (i = 0; i < 8; i++)
        nonce[i] = (uint8_t)(c >> (8 * i));
    memset(out, 0, n);
    crypto_stream_chacha20_ietf_xor(out, out, n, nonce, rng->seed);
}

void ths_rng_init_system(ths_rng *rng)
{
    memset(rng, 0, sizeof *rng);
    rng->fill = fill_system;
}

void ths_rng_init_seeded(ths_rng *rng, const uint8_t seed[32])
{
    memset(rng, 0, sizeof *rng);
    memcpy(rng->seed, seed, 32);
    rng->fill = fill_seeded;
}

void ths_rng_fill(ths_rng *rng, uint8_t *out, size_t n)
{
    if (n)
        rng->fill(rng, out, n);
}
