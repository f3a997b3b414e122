/* Signature verification on hostile signatures: ths_pkey_verify with fixed
 * public keys (P-256, P-384, RSA-1024, Ed25519) over a fixed message.  The
 * ECDSA path parses the DER ECDSA-Sig-Value; RSA parses the PKCS#1 / PSS
 * encodings after the public operation.  Input: scheme(2) || key(1) || sig. */
#include "fuzz_common.h"
#include "ths_crypto.h"
#include <stdio.h>

static const char *const spki_hex[] = {
    "3059301306072a8648ce3d020106082a8648ce3d030107034200049a36b8787e9963faf00c44fadb4be1e7c1104dfa16c561cb4d"
    "542d81067b5eb1fd2d706f93023d78edf94ecff42cac3594173da33efe1d0e722556fe6b026870",
    "3076301006072a8648ce3d020106052b81040022036200045eceb4ec07e2ff17913c6ede1d74122a99e4a86c19a2406d2d8d9169"
    "6f368081a2199fb90cbacd87de2a5b087638a8e0ebe47afcd9f89150a4583f623d6d3098494fc9f5e8729b9659a2260888e3dcc1"
    "391115edc85cdaf03daac59f3ccc387a",
    "30819f300d06092a864886f70d010101050003818d0030818902818100bda83fec1f67a69cb489805c16557e7719805ec63c60c5"
    "28d80951ee17be5e807d761e94c5b6b3683dcdc0a9bc46701b9b8174cc8f1ef57aae389385d7c191959dc339339be3ab7c782b50"
    "1e40b80151f82c8ed2e9e3f5466a0a04cc483528b18d7090e56a8dae2ee341d9b76c503463498de3d1abf3919a169a7f0b6c55da"
    "2b0203010001",
    "302a300506032b65700321002e1c0b859d243de20dc61c0b0c35b211aa9af4f26aecd797c23518d0cc6def32",
};
#define NKEYS (sizeof spki_hex / sizeof spki_hex[0])
static ths_pkey keys[NKEYS];

static size_t unhex(const char *h, uint8_t *out)
{
    size_t n = 0;
    for (; h[0] && h[1]; h += 2) {
        unsigned v;
        sscanf(h, "%2x", &v);
        out[n++] = (uint8_t)v;
    }
    return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    size_t i;
    (void)argc;
    (void)argv;
    ths_crypto_init();
    for (i = 0; i < NKEYS; i++) {
        uint8_t der[512];
        ths_error err;
        memset(&err, 0, sizeof err);
        if (ths_pkey_from_spki(&keys[i], der, unhex(spki_hex[i], der), &err))
            abort();
    }
    return 0;
}

static const uint16_t schemes[] = {0x0403, 0x0503, 0x0603, 0x0203, 0x0401, 0x0501, 0x0601, 0x0201,
                                   0x0804, 0x0805, 0x0806, 0x0807, 0x0809, 0xff01};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    unsigned s = fuzz_u16(&in), k = fuzz_u8(&in) % NKEYS;
    uint16_t scheme = s < 0x100 ? schemes[s % (sizeof schemes / sizeof schemes[0])] : (uint16_t)s;
    ths_error err;
    uint8_t *sig = (uint8_t *)malloc(in.n ? in.n : 1);
    int rc;
    memcpy(sig, in.p, in.n);
    memset(&err, 0, sizeof err);
    rc = ths_pkey_verify(&keys[k], scheme, (const uint8_t *)"fuzz", 4, sig, in.n, &err);
    fuzz_check_fail(rc, &err);
    FUZZ_ASSERT(rc != 0);   /* nobody can forge a signature by fuzzing */
    free(sig);
    return 0;
}
