/*
 * The key log (NSS SSLKEYLOGFILE format, read by Wireshark and tshark),
 * written from C so that no Lua string ever holds the secret it logs:
 *
 *   tlshs.keylog_append(path, label, client_random, secret)
 *     → true | nil, detail
 * (label: an NSS label such as "CLIENT_RANDOM"; client_random: 32 bytes;
 * secret: a tlshs.secret or string of 1..64 bytes)
 *
 * appends "<label> <hex client_random> <hex secret>\n" in one write(2)
 * (O_APPEND: lines of concurrent writers do not interleave).  The file is
 * created mode 0600 — it decrypts every logged connection — and a symbolic
 * link in its place is refused (O_NOFOLLOW), as is anything but a regular
 * file: a link planted there must not make us write, or create, a file
 * elsewhere.  An existing regular file is appended to as it is.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_NOFOLLOW, O_CLOEXEC */
#endif
#include "binding.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYLOG_MAX_LABEL 64
#define KEYLOG_MAX_VALUE 64

static char *hex(char *p, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        *p++ = digits[b[i] >> 4];
        *p++ = digits[b[i] & 15];
    }
    return p;
}

static int l_keylog_append(lua_State *L)
{
    size_t plen, llen, rlen, slen, n;
    const char *path = luaL_checklstring(L, 1, &plen);
    const char *label = luaL_checklstring(L, 2, &llen);
    const uint8_t *random = (const uint8_t *)luaL_checklstring(L, 3, &rlen);
    const uint8_t *secret = tlshs_check_bytes(L, 4, &slen);
    char line[KEYLOG_MAX_LABEL + 2 * KEYLOG_MAX_VALUE * 2 + 4], *p = line;
    struct stat st;
    ssize_t w;
    int fd, e;

    luaL_argcheck(L, strlen(path) == plen && plen > 0, 1, "path must be a non-empty string without NUL bytes");
    /* NSS labels (CLIENT_RANDOM, CLIENT_HANDSHAKE_TRAFFIC_SECRET, ...), the
     * 32-byte client random, a secret of 1..64 bytes: checked before the
     * file is touched, so a call with odd arguments creates nothing. */
    luaL_argcheck(L, llen > 0 && llen <= KEYLOG_MAX_LABEL && strspn(label, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == llen,
                  2, "label must be 1..64 characters of A-Z, 0-9 and _");
    luaL_argcheck(L, rlen == 32, 3, "client_random must be 32 bytes");
    luaL_argcheck(L, slen > 0 && slen <= KEYLOG_MAX_VALUE, 4, "secret must be 1..64 bytes");

    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd < 0) {
        e = errno;
        lua_pushnil(L);
        if (e == ELOOP)
            lua_pushfstring(L, "keylog: %s is a symbolic link; refusing to follow it", path);
        else
            lua_pushfstring(L, "keylog: cannot open %s: %s", path, strerror(e));
        return 2;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        lua_pushnil(L);
        lua_pushfstring(L, "keylog: %s is not a regular file; refusing to write to it", path);
        return 2;
    }
    memcpy(p, label, llen);
    p += llen;
    *p++ = ' ';
    p = hex(p, random, rlen);
    *p++ = ' ';
    p = hex(p, secret, slen);
    *p++ = '\n';
    n = (size_t)(p - line);
    do
        w = write(fd, line, n);
    while (w < 0 && errno == EINTR);
    e = errno;
    ths_wipe(line, sizeof line);
    close(fd);
    if (w != (ssize_t)n) {
        lua_pushnil(L);
        lua_pushfstring(L, "keylog: cannot write to %s: %s", path, w < 0 ? strerror(e) : "short write");
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

void tlshs_open_keylog(lua_State *L)
{
    lua_pushcfunction(L, l_keylog_append);
    lua_setfield(L, -2, "keylog_append");
}
