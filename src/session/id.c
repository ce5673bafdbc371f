/*
 * id.c - session ids: 128 bits from the kernel's CSPRNG as 32 hex digits.
 *
 * An id is the only credential a client holds for its document, so it must
 * not be guessable (no rand(), no counter, no time) and it must survive
 * being put in a URL, an HTTP header or a JSON string untouched: lower-case
 * hex is all three. The hash table uses the id's own random bits as the
 * hash, which needs no secret seed: only ids this module minted are ever
 * inserted, so a client cannot craft colliding keys, and a hostile lookup
 * walks one short chain like any other.
 */
#include "session/session_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#define ID_RANDOM_BYTES 16 /* bytes; 128 bits */

_Static_assert(SESSION_ID_LEN == 2 * ID_RANDOM_BYTES, "one hex digit per nibble");

static const char hex_digits[] = "0123456789abcdef";

/* getrandom(2) may return fewer bytes than asked or be interrupted; loop
 * until the buffer is full. It blocks only before the kernel's pool is
 * first initialised, early in boot. */
static bool fill_random(unsigned char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom(buf + got, len - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        got += (size_t)n;
    }
    return true;
}

session_status session_id_generate(char id[SESSION_ID_SIZE], uint64_t *hash)
{
    unsigned char raw[ID_RANDOM_BYTES];
    if (!fill_random(raw, sizeof raw))
        return SESSION_ERR_RANDOM;
    uint64_t h = 0;
    for (size_t i = 0; i < sizeof raw; i++) {
        id[2 * i] = hex_digits[raw[i] >> 4];
        id[2 * i + 1] = hex_digits[raw[i] & 0x0f];
        if (i < 8)
            h = (h << 8) | raw[i];
    }
    id[SESSION_ID_LEN] = '\0';
    *hash = h;
    return SESSION_OK;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1; /* upper case is refused too: minted ids never carry it */
}

bool session_id_parse(const char *id, uint64_t *hash)
{
    if (id == NULL)
        return false;
    /* strnlen stops at SESSION_ID_SIZE, so an unterminated or huge input is
     * never read further than an id could reach. */
    if (strnlen(id, SESSION_ID_SIZE) != SESSION_ID_LEN)
        return false;
    uint64_t h = 0;
    for (size_t i = 0; i < SESSION_ID_LEN; i++) {
        int v = hex_value(id[i]);
        if (v < 0)
            return false;
        if (i < 16)
            h = (h << 4) | (uint64_t)v;
    }
    *hash = h;
    return true;
}
