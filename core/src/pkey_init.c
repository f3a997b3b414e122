/* Once-only set-up of the crypto area:
 *  - a libtomcrypt PRNG descriptor ("ths_rng") whose bytes come from a
 *    ths_rng, so that signatures, RSA padding and key generation follow
 *    tlshs.set_random (a seeded conversation replays byte for byte);
 *  - GMP memory functions that wipe every limb buffer before freeing it, so
 *    private exponents, scalars and intermediate values do not linger in the
 *    heap (GMP is libtomcrypt's math provider here, ltc_mp = gmp_desc).
 *    They are process-wide (GMP has no per-user allocator), so they wrap the
 *    functions installed before them instead of replacing them with malloc:
 *    a host in which something else set GMP memory functions first (nginx
 *    with another module, a language runtime) keeps every block with the
 *    allocator that made it. See docs/embedding.md. */
#include "pkey_int.h"
#include <gmp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The memory functions in place before ours (GMP's defaults, malloc-based,
 * unless the host installed others); set once in crypto_once. */
static void *(*prev_alloc)(size_t);
static void *(*prev_realloc)(void *, size_t, size_t);
static void (*prev_free)(void *, size_t);

static void *gmp_alloc(size_t n)
{
    void *p = prev_alloc(n);
    if (!p)
        abort(); /* GMP cannot report allocation failure (its own default aborts too) */
    return p;
}

/* Never realloc in place: the old block is wiped before it goes back. */
static void *gmp_realloc(void *old, size_t oldn, size_t newn)
{
    void *p = gmp_alloc(newn);
    memcpy(p, old, oldn < newn ? oldn : newn);
    ths_wipe(old, oldn);
    prev_free(old, oldn);
    return p;
}

static void gmp_free(void *p, size_t n)
{
    ths_wipe(p, n);
    prev_free(p, n);
}

/* ---- PRNG adapter: the state carries a ths_rng pointer ---- */

static ths_rng *state_rng(prng_state *st)
{
    ths_rng *rng;
    memcpy(&rng, st, sizeof rng);
    return rng;
}

static int a_start(prng_state *st) { (void)st; return CRYPT_OK; }
static int a_add(const unsigned char *in, unsigned long n, prng_state *st) { (void)in; (void)n; (void)st; return CRYPT_OK; }
static int a_ready(prng_state *st) { (void)st; return CRYPT_OK; }
static int a_done(prng_state *st) { (void)st; return CRYPT_OK; }
static int a_export(unsigned char *out, unsigned long *n, prng_state *st) { (void)out; (void)n; (void)st; return CRYPT_ERROR; }
static int a_import(const unsigned char *in, unsigned long n, prng_state *st) { (void)in; (void)n; (void)st; return CRYPT_ERROR; }
static int a_test(void) { return CRYPT_NOP; }

static unsigned long a_read(unsigned char *out, unsigned long n, prng_state *st)
{
    ths_rng *rng = state_rng(st);
    if (!rng)
        return 0;
    ths_rng_fill(rng, out, n);
    return n;
}

static const struct ltc_prng_descriptor ths_prng_desc = {
    "ths_rng", 0, a_start, a_add, a_ready, a_read, a_done, a_export, a_import, a_test};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int prng_index = -1;
static int init_rc = THS_ERR_CRYPTO;

static void crypto_once(void)
{
    if (ths_init() != THS_OK)
        return;
    mp_get_memory_functions(&prev_alloc, &prev_realloc, &prev_free);
    mp_set_memory_functions(gmp_alloc, gmp_realloc, gmp_free);
    if (register_prng(&ths_prng_desc) < 0)
        return;
    prng_index = find_prng("ths_rng");
    if (prng_index < 0)
        return;
    init_rc = THS_OK;
}

int ths_crypto_init(void)
{
    pthread_once(&once, crypto_once);
    return init_rc;
}

int ths_ltc_prng(prng_state *state, ths_rng *rng)
{
    if (ths_crypto_init() != THS_OK)
        return -1;
    memset(state, 0, sizeof *state);
    memcpy(state, &rng, sizeof rng);
    state->ready = 1;
    return prng_index;
}
