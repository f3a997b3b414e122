/* The OpenSSL reference for `make bench` (not part of tlshs): the same work
 * as bench/handshake.lua and bench/records.lua, done by libssl.
 *
 *   ossl_bench handshake SUITE GROUP CERT KEY CAFILE N [PAIRS]
 *     N full TLS 1.2 handshakes, OpenSSL client against OpenSSL server in
 *     one process over a BIO pair (memory), each followed by 4 bytes each
 *     way and a close_notify; the client verifies the chain against CAFILE
 *     and the host name "localhost" (as ours does with --cafile).  Session
 *     cache and tickets stay at their defaults (on), as in our server; no
 *     handshake resumes.  GROUP "-" for none.  With PAIRS > 0, first the
 *     heap (mallinfo2) of PAIRS established pairs kept alive.
 *   ossl_bench records SUITE SIZE N CERT KEY
 *     N records of SIZE bytes: SSL_write on one end, SSL_read on the other,
 *     over a BIO pair (OpenSSL's whole record layer, one copy through the
 *     BIO).  MB/s counts the plaintext once.
 *   ossl_bench evp CIPHER SIZE N       CIPHER: aes-128-gcm aes-256-gcm chacha20-poly1305
 *     EVP AEAD seal + open of SIZE-byte records with a 13-byte AAD.
 *   ossl_bench sodium CIPHER SIZE N    CIPHER: aes-256-gcm chacha20-poly1305
 *     libsodium's raw AEAD (detached, precomputed AES key), seal + open.
 *
 * Every mode prints its figure on the last line: "handshakes/s: X" or "MB/s: X". */
#define _GNU_SOURCE
#include <malloc.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "ossl_bench: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

/* OpenSSL's name of an IANA suite name, from the ciphers libssl has. */
static const char *openssl_name(SSL_CTX *ctx, const char *iana)
{
    STACK_OF(SSL_CIPHER) *all;
    SSL *ssl = SSL_new(ctx);
    int i;
    if (!ssl)
        die("SSL_new");
    all = SSL_get1_supported_ciphers(ssl);
    for (i = 0; all && i < sk_SSL_CIPHER_num(all); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(all, i);
        if (strcmp(SSL_CIPHER_standard_name(c), iana) == 0) {
            const char *name = SSL_CIPHER_get_name(c);
            sk_SSL_CIPHER_free(all);
            SSL_free(ssl);
            return name;
        }
    }
    die("unknown suite (not offered by libssl)");
    return NULL;
}

static const char *openssl_group(const char *g)
{
    if (!strcmp(g, "x25519")) return "X25519";
    if (!strcmp(g, "secp256r1")) return "P-256";
    if (!strcmp(g, "secp384r1")) return "P-384";
    return g; /* ffdhe2048 ... */
}

/* The server's DHE parameters: an RFC 7919 group, as ours sends. */
static void set_ffdhe(SSL_CTX *ctx, const char *group)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    EVP_PKEY *params = NULL;
    OSSL_PARAM p[2];
    p[0] = OSSL_PARAM_construct_utf8_string("group", (char *)group, 0);
    p[1] = OSSL_PARAM_construct_end();
    if (!pctx || EVP_PKEY_paramgen_init(pctx) <= 0 || EVP_PKEY_CTX_set_params(pctx, p) <= 0 ||
        EVP_PKEY_paramgen(pctx, &params) <= 0 || !SSL_CTX_set0_tmp_dh_pkey(ctx, params))
        die("ffdhe parameters");
    EVP_PKEY_CTX_free(pctx);
}

typedef struct {
    SSL_CTX *client, *server;
} ctxs;

static ctxs make_ctxs(const char *suite, const char *group, const char *cert, const char *key,
                      const char *cafile)
{
    ctxs c;
    const char *name;
    c.client = SSL_CTX_new(TLS_client_method());
    c.server = SSL_CTX_new(TLS_server_method());
    if (!c.client || !c.server)
        die("SSL_CTX_new");
    SSL_CTX_set_min_proto_version(c.client, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(c.client, TLS1_2_VERSION);
    SSL_CTX_set_min_proto_version(c.server, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(c.server, TLS1_2_VERSION);
    name = openssl_name(c.client, suite);
    if (!SSL_CTX_set_cipher_list(c.client, name) || !SSL_CTX_set_cipher_list(c.server, name))
        die("cipher list");
    if (group && strcmp(group, "-")) {
        if (!strncmp(group, "ffdhe", 5))
            set_ffdhe(c.server, group);
        else if (!SSL_CTX_set1_groups_list(c.client, openssl_group(group)) ||
                 !SSL_CTX_set1_groups_list(c.server, openssl_group(group)))
            die("groups");
    }
    if (SSL_CTX_use_certificate_chain_file(c.server, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(c.server, key, SSL_FILETYPE_PEM) != 1)
        die("server certificate/key");
    if (cafile) {
        if (SSL_CTX_load_verify_locations(c.client, cafile, NULL) != 1)
            die("cafile");
        SSL_CTX_set_verify(c.client, SSL_VERIFY_PEER, NULL);
    }
    return c;
}

typedef struct {
    SSL *client, *server;
} conn_pair;

/* Drives both ends until each has finished its handshake. */
static conn_pair connect_pair(ctxs *c, int verify)
{
    conn_pair p;
    BIO *cb, *sb;
    int cdone = 0, sdone = 0, rounds = 0;
    p.client = SSL_new(c->client);
    p.server = SSL_new(c->server);
    if (!p.client || !p.server || !BIO_new_bio_pair(&cb, 0, &sb, 0))
        die("SSL_new / BIO pair");
    SSL_set_bio(p.client, cb, cb);
    SSL_set_bio(p.server, sb, sb);
    SSL_set_connect_state(p.client);
    SSL_set_accept_state(p.server);
    SSL_set_tlsext_host_name(p.client, "localhost");
    if (verify)
        SSL_set1_host(p.client, "localhost");
    while (!(cdone && sdone)) {
        int r;
        if (!cdone) {
            r = SSL_do_handshake(p.client);
            if (r == 1) cdone = 1;
            else if (SSL_get_error(p.client, r) != SSL_ERROR_WANT_READ) die("client handshake");
        }
        if (!sdone) {
            r = SSL_do_handshake(p.server);
            if (r == 1) sdone = 1;
            else if (SSL_get_error(p.server, r) != SSL_ERROR_WANT_READ) die("server handshake");
        }
        if (++rounds > 100)
            die("handshake does not progress");
    }
    if (verify && SSL_get_verify_result(p.client) != X509_V_OK)
        die("verification failed");
    return p;
}

/* 4 bytes each way, as bench/handshake.lua does. */
static void ping_pong(conn_pair *p)
{
    char buf[8];
    if (SSL_write(p->client, "ping", 4) != 4 || SSL_read(p->server, buf, sizeof buf) != 4 ||
        memcmp(buf, "ping", 4) || SSL_write(p->server, "pong", 4) != 4 ||
        SSL_read(p->client, buf, sizeof buf) != 4 || memcmp(buf, "pong", 4))
        die("application data");
}

static void close_pair(conn_pair *p)
{
    char buf[8];
    SSL_shutdown(p->client);                 /* close_notify */
    if (SSL_read(p->server, buf, sizeof buf) > 0)
        die("data after close_notify");
    SSL_free(p->client);
    SSL_free(p->server);
}

static int handshake_mode(int argc, char **argv)
{
    const char *suite, *group, *cert, *key, *cafile;
    int n, pairs, i;
    ctxs c;
    double t0, dt;
    if (argc < 8)
        die("usage: handshake SUITE GROUP CERT KEY CAFILE N [PAIRS]");
    suite = argv[2]; group = argv[3]; cert = argv[4]; key = argv[5];
    cafile = strcmp(argv[6], "-") ? argv[6] : NULL;
    n = atoi(argv[7]);
    pairs = argc > 8 ? atoi(argv[8]) : 0;
    c = make_ctxs(suite, group, cert, key, cafile);
    for (i = 0; i < 5; i++) { /* warm-up */
        conn_pair p = connect_pair(&c, cafile != NULL);
        ping_pong(&p);
        close_pair(&p);
    }
    if (pairs > 0) {
        conn_pair *keep = calloc((size_t)pairs, sizeof *keep);
        size_t before, after;
        malloc_trim(0);
        before = mallinfo2().uordblks;
        for (i = 0; i < pairs; i++) {
            keep[i] = connect_pair(&c, cafile != NULL);
            ping_pong(&keep[i]);
        }
        after = mallinfo2().uordblks;
        printf("heap per pair: %ld\n", (long)((after - before - (size_t)pairs * sizeof *keep) / (size_t)pairs));
        for (i = 0; i < pairs; i++)
            close_pair(&keep[i]);
        free(keep);
    }
    t0 = now();
    for (i = 0; i < n; i++) {
        conn_pair p = connect_pair(&c, cafile != NULL);
        ping_pong(&p);
        close_pair(&p);
    }
    dt = now() - t0;
    printf("suite: %s  group: %s  verify: %s  n: %d  seconds: %.3f\n", suite, group,
           cafile ? "cafile" : "none", n, dt);
    printf("handshakes/s: %.1f\n", n / dt);
    SSL_CTX_free(c.client);
    SSL_CTX_free(c.server);
    return 0;
}

static int records_mode(int argc, char **argv)
{
    const char *suite, *cert, *key;
    int size, n, i;
    ctxs c;
    conn_pair p;
    unsigned char *buf;
    double t0, dt;
    if (argc < 7)
        die("usage: records SUITE SIZE N CERT KEY");
    suite = argv[2]; size = atoi(argv[3]); n = atoi(argv[4]); cert = argv[5]; key = argv[6];
    c = make_ctxs(suite, "-", cert, key, NULL);
    p = connect_pair(&c, 0); /* defaults: EMS, and EtM for CBC, as ours */
    buf = malloc((size_t)size);
    memset(buf, 0x5a, (size_t)size);
    t0 = now();
    for (i = 0; i < n; i++) {
        int got = 0;
        if (SSL_write(p.client, buf, size) != size)
            die("SSL_write");
        while (got < size) {
            int r = SSL_read(p.server, buf + got, size - got);
            if (r <= 0)
                die("SSL_read");
            got += r;
        }
    }
    dt = now() - t0;
    printf("suite: %s  size: %d  n: %d  seconds: %.3f  (SSL_write + SSL_read over a BIO pair)\n", suite,
           size, n, dt);
    printf("MB/s: %.1f\n", (double)size * n / dt / 1e6);
    free(buf);
    close_pair(&p);
    SSL_CTX_free(c.client);
    SSL_CTX_free(c.server);
    return 0;
}

static int evp_mode(int argc, char **argv)
{
    const EVP_CIPHER *cipher;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    unsigned char key[32] = {1}, nonce[12] = {2}, aad[13] = {3}, tag[16];
    unsigned char *pt, *ct;
    int size, n, i, len;
    double t0, dt;
    if (argc < 5)
        die("usage: evp CIPHER SIZE N");
    cipher = EVP_get_cipherbyname(argv[2]);
    size = atoi(argv[3]); n = atoi(argv[4]);
    if (!cipher || !ctx)
        die("cipher");
    pt = malloc((size_t)size); ct = malloc((size_t)size);
    memset(pt, 0x5a, (size_t)size);
    t0 = now();
    for (i = 0; i < n; i++) {
        nonce[11] = (unsigned char)i;
        if (!EVP_EncryptInit_ex(ctx, cipher, NULL, key, nonce) ||
            !EVP_EncryptUpdate(ctx, NULL, &len, aad, sizeof aad) ||
            !EVP_EncryptUpdate(ctx, ct, &len, pt, size) || !EVP_EncryptFinal_ex(ctx, ct + len, &len) ||
            !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag))
            die("seal");
        if (!EVP_DecryptInit_ex(ctx, cipher, NULL, key, nonce) ||
            !EVP_DecryptUpdate(ctx, NULL, &len, aad, sizeof aad) ||
            !EVP_DecryptUpdate(ctx, pt, &len, ct, size) ||
            !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag) ||
            EVP_DecryptFinal_ex(ctx, pt + len, &len) <= 0)
            die("open");
    }
    dt = now() - t0;
    printf("cipher: %s  size: %d  n: %d  seconds: %.3f  (EVP seal + open)\n", argv[2], size, n, dt);
    printf("MB/s: %.1f\n", (double)size * n / dt / 1e6);
    EVP_CIPHER_CTX_free(ctx);
    free(pt); free(ct);
    return 0;
}

static int sodium_mode(int argc, char **argv)
{
    unsigned char key[32] = {1}, nonce[12] = {2}, aad[13] = {3}, tag[16];
    unsigned char *pt, *ct;
    crypto_aead_aes256gcm_state *st;
    int size, n, i, gcm;
    double t0, dt;
    if (argc < 5)
        die("usage: sodium CIPHER SIZE N");
    if (sodium_init() < 0)
        die("sodium_init");
    gcm = !strcmp(argv[2], "aes-256-gcm");
    if (!gcm && strcmp(argv[2], "chacha20-poly1305"))
        die("sodium: aes-256-gcm or chacha20-poly1305");
    if (gcm && !crypto_aead_aes256gcm_is_available())
        die("no AES-NI: libsodium has no AES-256-GCM here");
    size = atoi(argv[3]); n = atoi(argv[4]);
    st = sodium_malloc(sizeof *st);
    if (gcm)
        crypto_aead_aes256gcm_beforenm(st, key);
    pt = malloc((size_t)size); ct = malloc((size_t)size);
    memset(pt, 0x5a, (size_t)size);
    t0 = now();
    for (i = 0; i < n; i++) {
        int bad;
        nonce[11] = (unsigned char)i;
        if (gcm) {
            crypto_aead_aes256gcm_encrypt_detached_afternm(ct, tag, NULL, pt, (unsigned long long)size, aad,
                                                           sizeof aad, NULL, nonce, st);
            bad = crypto_aead_aes256gcm_decrypt_detached_afternm(pt, NULL, ct, (unsigned long long)size, tag,
                                                                 aad, sizeof aad, nonce, st);
        } else {
            crypto_aead_chacha20poly1305_ietf_encrypt_detached(ct, tag, NULL, pt, (unsigned long long)size,
                                                               aad, sizeof aad, NULL, nonce, key);
            bad = crypto_aead_chacha20poly1305_ietf_decrypt_detached(pt, NULL, ct, (unsigned long long)size,
                                                                     tag, aad, sizeof aad, nonce, key);
        }
        if (bad)
            die("sodium open");
    }
    dt = now() - t0;
    printf("cipher: %s  size: %d  n: %d  seconds: %.3f  (libsodium seal + open)\n", argv[2], size, n, dt);
    printf("MB/s: %.1f\n", (double)size * n / dt / 1e6);
    sodium_free(st);
    free(pt); free(ct);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        die("usage: ossl_bench handshake|records|evp|sodium ...");
    if (!strcmp(argv[1], "handshake")) return handshake_mode(argc, argv);
    if (!strcmp(argv[1], "records")) return records_mode(argc, argv);
    if (!strcmp(argv[1], "evp")) return evp_mode(argc, argv);
    if (!strcmp(argv[1], "sodium")) return sodium_mode(argc, argv);
    die("unknown mode");
    return 1;
}
