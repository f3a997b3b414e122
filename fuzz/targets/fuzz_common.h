/*
 * Shared by the libFuzzer targets in fuzz/targets: one-time library
 * set-up, a parse sink that reads every byte it is handed (so ASan sees any
 * pointer the parser reports past its input), and a byte cursor that splits
 * one fuzz input into several values.
 */
#ifndef THS_FUZZ_COMMON_H
#define THS_FUZZ_COMMON_H

#include "tlshs.h"
#include "ths_msg.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Crashes (and so reports) when an invariant of the code under test breaks. */
#define FUZZ_ASSERT(c)          \
    do {                        \
        if (!(c))               \
            abort();            \
    } while (0)

/* Every failure must carry an alert (1..255) or an internal code and a
 * detail; a zero code with a failure return is a bug. */
static inline void fuzz_check_fail(int rc, const ths_error *err)
{
    if (rc == 0 || rc == THS_ERR_NEED_MORE)
        return;
    FUZZ_ASSERT(rc > 0);
    if (err) {
        FUZZ_ASSERT(err->code != 0);
        FUZZ_ASSERT(memchr(err->detail, 0, sizeof err->detail) != NULL);
    }
}

static volatile uint32_t fuzz_sink_acc;

static inline void touch(const uint8_t *p, size_t n)
{
    uint32_t a = 0;
    size_t i;
    for (i = 0; i < n; i++)
        a += p[i];
    fuzz_sink_acc += a;
}

static void s_num(ths_sink *s, const char *name, uint32_t v) { (void)s; (void)name; fuzz_sink_acc += v; }
static void s_bytes(ths_sink *s, const char *name, const uint8_t *p, size_t n) { (void)s; (void)name; touch(p, n); }
static void s_open(ths_sink *s, const char *name) { (void)s; (void)name; fuzz_sink_acc++; }
static void s_close(ths_sink *s) { (void)s; fuzz_sink_acc--; }

static ths_sink fuzz_sink = {s_num, s_bytes, s_open, s_close};

typedef struct {
    const uint8_t *p;
    size_t n;
} fuzz_in;

static inline unsigned fuzz_u8(fuzz_in *in)
{
    unsigned v = 0;
    if (in->n) {
        v = in->p[0];
        in->p++;
        in->n--;
    }
    return v;
}

static inline unsigned fuzz_u16(fuzz_in *in)
{
    unsigned hi = fuzz_u8(in);
    return (hi << 8) | fuzz_u8(in);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
