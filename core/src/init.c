/* One-time library set-up and wiping of secrets. */
#include "tlshs.h"
#include <pthread.h>
#include <sodium.h>
#include <tomcrypt.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result = THS_ERR_CRYPTO;

static void init_libraries(void)
{
    if (sodium_init() < 0)
        return;
    /* libtomcrypt needs a math provider before any public-key call. */
    ltc_mp = gmp_desc;
    if (register_all_ciphers() != CRYPT_OK || register_all_hashes() != CRYPT_OK ||
        register_all_prngs() != CRYPT_OK)
        return;
    init_result = THS_OK;
}

int ths_init(void)
{
    pthread_once(&init_once, init_libraries);
    return init_result;
}

void ths_wipe(void *p, size_t n)
{
    if (p && n)
        sodium_memzero(p, n);
}
