/*
 * step_open.c - opening a STEP file: mapping it, the one indexing pass,
 * the id map and the per-type lists.
 *
 * The pass reads every byte once, left to right. Outside strings and
 * comments a table gives each byte a class and the loop only stops at
 * the few that need action (parentheses, quotes, '/', ';', newline and
 * bytes that may not appear at all), so the cost is about one table load
 * per byte. Inside a record nothing is decoded: the pass checks the
 * structure (balanced parentheses within the depth limit, strings,
 * binaries and comments closed, the record closed by ';') and records
 * where the instance starts, its type and its line. Tokens are checked
 * when a cursor reads them, or all at once by ifc_step_validate.
 *
 * Ids are collected in a scratch array during the pass; once the range of
 * ids is known the id map is built (dense array or hash, whichever is
 * smaller) and the scratch array is reused for the per-type lists, so the
 * peak is the final size plus the arrays' growth slack.
 */
#include "ifc/step_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GROW_MIN 1024u /* instances in the first allocation */
#define MAX_PROBES 64u /* slots one type lookup may probe before the table is rekeyed */

unsigned step_segment_bits = 32;

typedef struct parser {
    ifc_step_reader *r;
    const char *end;
    ifc_step_error *err;
    uint64_t line;        /* line of the byte being looked at */
    uint32_t cap;         /* capacity of the per-instance arrays */
    uint32_t *ids;        /* #id per instance; reused for by_type */
    uint32_t *type_counts;
    uint32_t type_cap;
    uint32_t min_id;
    uint32_t max_id;
    size_t peak;          /* bytes, the most allocated at once */
} parser;

static void fail(parser *ps, ifc_step_status code, const char *pos, uint64_t line, int64_t id,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void fail(parser *ps, ifc_step_status code, const char *pos, uint64_t line, int64_t id,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    step_vfail(ps->err, code, ps->r, pos, line > UINT32_MAX ? UINT32_MAX : (uint32_t)line, id,
               fmt, ap);
    va_end(ap);
}

/* ---- memory accounting --------------------------------------------------------- */

static void account(parser *ps, size_t old_bytes, size_t new_bytes)
{
    ps->r->mem_bytes = ps->r->mem_bytes - old_bytes + new_bytes;
    if (ps->r->mem_bytes > ps->peak)
        ps->peak = ps->r->mem_bytes;
}

/* realloc with accounting; elements of size each. NULL on failure (the
 * old block is kept). */
static void *grow(parser *ps, void *old, size_t old_n, size_t new_n, size_t size)
{
    if (new_n > SIZE_MAX / size)
        return NULL;
    void *p = realloc(old, new_n * size);
    if (p != NULL)
        account(ps, old_n * size, new_n * size);
    return p;
}

/* ---- type names ------------------------------------------------------------------- */

/*
 * Hash flooding. Type names and ids are the file's to choose, so a hostile
 * file could pick names whose hashes collide and make every lookup walk a
 * long run of slots. Ids are hashed by multiply-shift with a random odd
 * multiplier (2-universal: no set of ids collides more than chance for a
 * key the file cannot know). Type names are hashed eight bytes at a time
 * with a fixed multiply-xorshift, cheap but predictable; a lookup that
 * probes more than
 * MAX_PROBES slots, which a table at most half full essentially never does
 * by chance, rehashes every name with SipHash-1-3 under a random key and
 * stays keyed (the way .NET's Dictionary switches to randomized hashing).
 */
uint32_t step_name_hash(const char *s, size_t len)
{
    /* Eight bytes at a time; & 0xDF on every byte folds a-z to A-Z. */
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len;
    while (len > 0) {
        uint64_t w = 0;
        size_t n = len < 8 ? len : 8;
        memcpy(&w, s, n);
        w &= 0xDFDFDFDFDFDFDFDFull;
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 29;
        s += n;
        len -= n;
    }
    h *= 0xC4CEB9FE1A85EC53ull;
    return (uint32_t)(h ^ (h >> 32));
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                             \
    do {                                                                     \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);            \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                               \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                               \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);            \
    } while (0)

/* SipHash-1-3 of the name folded to upper case. */
static uint32_t keyed_name_hash(const uint64_t key[2], const char *s, size_t len)
{
    uint64_t v0 = key[0] ^ 0x736f6d6570736575ull, v1 = key[1] ^ 0x646f72616e646f6dull;
    uint64_t v2 = key[0] ^ 0x6c7967656e657261ull, v3 = key[1] ^ 0x7465646279746573ull;
    uint64_t m = 0;
    size_t i = 0;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        m |= (uint64_t)c << (8 * (i & 7));
        if ((i & 7) == 7) {
            v3 ^= m;
            SIPROUND;
            v0 ^= m;
            m = 0;
        }
    }
    m |= (uint64_t)(len & 0xFF) << 56;
    v3 ^= m;
    SIPROUND;
    v0 ^= m;
    v2 ^= 0xFF;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    uint64_t h = v0 ^ v1 ^ v2 ^ v3;
    return (uint32_t)(h ^ (h >> 32));
}

static uint32_t type_hash(const ifc_step_reader *r, const char *s, size_t len)
{
    return r->type_keyed ? keyed_name_hash(r->type_key, s, len) : step_name_hash(s, len);
}

static bool name_equals(const char *upper, const char *s, size_t len)
{
    if (memcmp(upper, s, len) == 0)
        return true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        if ((unsigned char)upper[i] != c)
            return false;
    }
    return true;
}

/* The type named so, or IFC_STEP_NO_TYPE; *probes counts the slots seen. */
static ifc_step_type lookup_type(const ifc_step_reader *r, const char *s, size_t len,
                                 uint32_t hash, uint32_t *probes)
{
    uint32_t n = 0;
    ifc_step_type found = IFC_STEP_NO_TYPE;
    if (r->type_slots != NULL) {
        for (uint32_t i = hash & r->type_slot_mask;; i = (i + 1) & r->type_slot_mask) {
            uint16_t slot = r->type_slots[i];
            n++;
            if (slot == 0)
                break;
            ifc_step_type t = slot - 1u;
            if (r->type_lens[t] == len && name_equals(r->type_names[t], s, len)) {
                found = t;
                break;
            }
        }
    }
    if (probes != NULL)
        *probes = n;
    return found;
}

/* Fills a slot table of n (a power of two) slots with every type. */
static void fill_slots(const ifc_step_reader *r, uint16_t *slots, uint32_t n)
{
    for (ifc_step_type t = 0; t < r->type_count; t++) {
        uint32_t i = type_hash(r, r->type_names[t], r->type_lens[t]) & (n - 1);
        while (slots[i] != 0)
            i = (i + 1) & (n - 1);
        slots[i] = (uint16_t)(t + 1);
    }
}

/* Adds a name not yet interned. */
static bool add_type(parser *ps, const char *s, size_t len, uint32_t hash, const char *pos,
                     ifc_step_type *out)
{
    ifc_step_reader *r = ps->r;
    if (r->type_count >= r->limits.max_type_names) {
        fail(ps, IFC_STEP_ERR_LIMIT, pos, ps->line, -1,
             "more than %u distinct entity type names (the limit)", r->limits.max_type_names);
        return false;
    }
    if (r->type_count == ps->type_cap) {
        uint32_t cap = ps->type_cap ? ps->type_cap * 2 : 64;
        char **names = grow(ps, r->type_names, ps->type_cap, cap, sizeof(*names));
        if (names == NULL)
            goto nomem;
        r->type_names = names;
        uint16_t *lens = grow(ps, r->type_lens, ps->type_cap, cap, sizeof(*lens));
        if (lens == NULL)
            goto nomem;
        r->type_lens = lens;
        uint32_t *counts = grow(ps, ps->type_counts, ps->type_cap, cap, sizeof(*counts));
        if (counts == NULL)
            goto nomem;
        ps->type_counts = counts;
        ps->type_cap = cap;
    }
    /* The slot table stays at most half full. */
    if ((r->type_count + 1) * 2 > r->type_slot_mask + 1 || r->type_slots == NULL) {
        uint32_t n = r->type_slots ? (r->type_slot_mask + 1) * 2 : 256;
        uint16_t *slots = calloc(n, sizeof(*slots));
        if (slots == NULL)
            goto nomem;
        account(ps, 0, n * sizeof(*slots));
        fill_slots(r, slots, n);
        if (r->type_slots != NULL)
            account(ps, (r->type_slot_mask + 1) * sizeof(*slots), 0);
        free(r->type_slots);
        r->type_slots = slots;
        r->type_slot_mask = n - 1;
    }
    char *name = malloc(len + 1);
    if (name == NULL)
        goto nomem;
    account(ps, 0, len + 1);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        name[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    name[len] = '\0';
    ifc_step_type t = r->type_count++;
    r->type_names[t] = name;
    r->type_lens[t] = (uint16_t)len;
    ps->type_counts[t] = 0;
    uint32_t i = hash & r->type_slot_mask;
    while (r->type_slots[i] != 0)
        i = (i + 1) & r->type_slot_mask;
    r->type_slots[i] = (uint16_t)(t + 1);
    *out = t;
    return true;
nomem:
    fail(ps, IFC_STEP_ERR_NOMEM, pos, ps->line, -1, "out of memory interning type names");
    return false;
}

static bool intern(parser *ps, const char *s, size_t len, uint32_t hash, const char *pos,
                   ifc_step_type *out)
{
    ifc_step_reader *r = ps->r;
    uint32_t probes;
    ifc_step_type t = lookup_type(r, s, len, hash, &probes);
    if (probes > MAX_PROBES && !r->type_keyed) {
        r->type_keyed = true;
        memset(r->type_slots, 0, (r->type_slot_mask + 1) * sizeof(*r->type_slots));
        fill_slots(r, r->type_slots, r->type_slot_mask + 1);
        hash = type_hash(r, s, len);
    }
    if (t != IFC_STEP_NO_TYPE) {
        *out = t;
        return true;
    }
    return add_type(ps, s, len, hash, pos, out);
}

/* ---- small lexical helpers --------------------------------------------------------- */

static const char *skip_space_slow(parser *ps, const char *p)
{
    const char *bad = NULL;
    uint64_t nl = 0;
    const char *q = step_skip_space(p, ps->end, &nl, &bad);
    if (bad != NULL) {
        fail(ps, IFC_STEP_ERR_TRUNCATED, bad, ps->line + step_count_newlines(p, bad), -1,
             "a comment is not closed: \"/*\" without \"*/\" before the end of the input");
        return NULL;
    }
    ps->line += nl;
    return q;
}

/* Most records have no space between their tokens: one test then. */
static inline const char *skip_space(parser *ps, const char *p)
{
    if (p < ps->end) {
        unsigned char c = (unsigned char)*p;
        if (!step_is_space(c) && c != '/' && c != '\\')
            return p;
    }
    return skip_space_slow(ps, p);
}

/* A top-level word such as HEADER or END-ISO-10303-21; sets *len. */
static size_t word_len(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && (step_is_keyword_char((unsigned char)*q) || *q == '-'))
        q++;
    return (size_t)(q - p);
}

static bool word_is(const char *p, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(p, word, len) == 0;
}

/* What was found, for messages: a word, a byte, or the end. */
static const char *found(const char *p, const char *end, char buf[48])
{
    if (p >= end)
        return "the end of the input";
    size_t n = word_len(p, end);
    if (n > 0) {
        snprintf(buf, 48, "'%.*s%s'", (int)(n > 32 ? 32 : n), p, n > 32 ? "..." : "");
        return buf;
    }
    char b[16];
    snprintf(buf, 48, "%s", step_byte_name((unsigned char)*p, b));
    return buf;
}

/* Expects ';' (after spaces); returns just past it. */
static const char *expect_semicolon(parser *ps, const char *p, const char *after)
{
    p = skip_space(ps, p);
    if (p == NULL)
        return NULL;
    if (p >= ps->end || *p != ';') {
        char buf[48];
        fail(ps, p >= ps->end ? IFC_STEP_ERR_TRUNCATED : IFC_STEP_ERR_SYNTAX, p, ps->line, -1,
             "expected ';' after %s, found %s", after, found(p, ps->end, buf));
        return NULL;
    }
    return p + 1;
}

/*
 * A record body from its '(' to just past the matching ')'. id is the
 * instance's #id for messages (-1 in the header); start_line the line the
 * record starts on.
 */
static const char *scan_body(parser *ps, const char *p, int64_t id, uint64_t start_line)
{
    const char *end = ps->end;
    const unsigned char *cls = step_body_class;
    uint64_t line = ps->line;
    uint32_t depth = 1;
    const uint32_t max_depth = ps->r->limits.max_depth;
    const uint32_t max_string = ps->r->limits.max_string_bytes;
    p++;
    for (;;) {
        while (p < end && cls[(unsigned char)*p] == BC_PLAIN)
            p++;
        if (p >= end) {
            fail(ps, IFC_STEP_ERR_TRUNCATED, p, start_line, id,
                 "the input ends inside this record (%u parenthes%s open; the input ends at "
                 "line %llu)",
                 depth, depth == 1 ? "is" : "es", (unsigned long long)line);
            return NULL;
        }
        switch (cls[(unsigned char)*p]) {
        case BC_NL:
            line++;
            p++;
            break;
        case BC_OPEN:
            if (++depth > max_depth) {
                fail(ps, IFC_STEP_ERR_LIMIT, p, line, id,
                     "lists nest deeper than %u levels (the limit)", max_depth);
                return NULL;
            }
            p++;
            break;
        case BC_CLOSE:
            p++;
            if (--depth == 0) {
                ps->line = line;
                return p;
            }
            break;
        case BC_QUOTE: {
            const char *s = p;
            uint64_t s_line = line;
            bool plain = true;
            p = step_scan_string(p + 1, end, &line, &plain);
            if (p == NULL) {
                fail(ps, IFC_STEP_ERR_TRUNCATED, s, s_line, id,
                     "a string is not closed: the input ends before its closing quote");
                return NULL;
            }
            if ((size_t)(p - s) - 2 > max_string) {
                fail(ps, IFC_STEP_ERR_LIMIT, s, s_line, id,
                     "a string of %zu bytes, over the limit of %u", (size_t)(p - s) - 2,
                     max_string);
                return NULL;
            }
            break;
        }
        case BC_DQUOTE: {
            const char *s = p;
            uint64_t s_line = line;
            p = step_scan_binary(p + 1, end, &line);
            if (p == NULL) {
                fail(ps, IFC_STEP_ERR_TRUNCATED, s, s_line, id,
                     "a binary value is not closed: the input ends before its closing '\"'");
                return NULL;
            }
            if ((size_t)(p - s) - 2 > max_string) {
                fail(ps, IFC_STEP_ERR_LIMIT, s, s_line, id,
                     "a binary value of %zu bytes, over the limit of %u", (size_t)(p - s) - 2,
                     max_string);
                return NULL;
            }
            break;
        }
        case BC_SLASH:
            if (p + 1 < end && p[1] == '*') {
                const char *s = p;
                uint64_t s_line = line;
                p = step_scan_comment(p, end, &line);
                if (p == NULL) {
                    fail(ps, IFC_STEP_ERR_TRUNCATED, s, s_line, id,
                         "a comment is not closed: \"/*\" without \"*/\" before the end of the "
                         "input");
                    return NULL;
                }
                break;
            }
            fail(ps, IFC_STEP_ERR_SYNTAX, p, line, id,
                 "'/' outside a string that does not start a comment");
            return NULL;
        case BC_SEMI:
            fail(ps, IFC_STEP_ERR_SYNTAX, p, line, id,
                 "';' ends the record while %u parenthes%s still open: the parentheses are "
                 "unbalanced",
                 depth, depth == 1 ? "is" : "es");
            return NULL;
        case BC_BSLASH:
            if (step_is_print_control(p, end)) {
                p += 3;
                break;
            }
            fail(ps, IFC_STEP_ERR_SYNTAX, p, line, id,
                 "a backslash outside a string (only \\N\\ and \\F\\ may stand there)");
            return NULL;
        default: {
            char b[16];
            fail(ps, IFC_STEP_ERR_SYNTAX, p, line, id,
                 "%s may not appear outside a string (binary data, or a broken file?)",
                 step_byte_name((unsigned char)*p, b));
            return NULL;
        }
        }
    }
}

/* ---- instances -------------------------------------------------------------------------- */

static bool add_instance(parser *ps, const char *start, ifc_step_type type, uint64_t line,
                         uint32_t id)
{
    ifc_step_reader *r = ps->r;
    if (r->count >= r->limits.max_instances) {
        fail(ps, IFC_STEP_ERR_LIMIT, start, line, id,
             "more than %u entity instances (the limit)", r->limits.max_instances);
        return false;
    }
    if (line > UINT32_MAX) {
        fail(ps, IFC_STEP_ERR_LIMIT, start, line, id, "more than %u lines", UINT32_MAX);
        return false;
    }
    if (r->count == ps->cap) {
        uint64_t cap = ps->cap < GROW_MIN ? GROW_MIN : (uint64_t)ps->cap + ps->cap / 2;
        if (cap > r->limits.max_instances)
            cap = r->limits.max_instances;
        uint32_t *off = grow(ps, r->off_lo, ps->cap, cap, sizeof(*off));
        if (off == NULL)
            goto nomem;
        r->off_lo = off;
        uint16_t *types = grow(ps, r->types, ps->cap, cap, sizeof(*types));
        if (types == NULL)
            goto nomem;
        r->types = types;
        uint32_t *lines = grow(ps, r->lines, ps->cap, cap, sizeof(*lines));
        if (lines == NULL)
            goto nomem;
        r->lines = lines;
        uint32_t *ids = grow(ps, ps->ids, ps->cap, cap, sizeof(*ids));
        if (ids == NULL)
            goto nomem;
        ps->ids = ids;
        ps->cap = (uint32_t)cap;
    }
    uint64_t off = (uint64_t)(start - r->data);
    while ((off >> r->seg_bits) > r->seg_count) {
        uint32_t *segs = grow(ps, r->seg_first, r->seg_count, r->seg_count + 1, sizeof(*segs));
        if (segs == NULL)
            goto nomem;
        r->seg_first = segs;
        r->seg_first[r->seg_count++] = r->count;
    }
    uint32_t i = r->count++;
    r->off_lo[i] = (uint32_t)(off & (((uint64_t)1 << r->seg_bits) - 1));
    r->types[i] = (uint16_t)type;
    r->lines[i] = (uint32_t)line;
    ps->ids[i] = id;
    ps->type_counts[type]++;
    if (i == 0 || id < ps->min_id)
        ps->min_id = id;
    if (i == 0 || id > ps->max_id)
        ps->max_id = id;
    return true;
nomem:
    fail(ps, IFC_STEP_ERR_NOMEM, start, line, id, "out of memory indexing instance %u",
         r->count + 1);
    return false;
}

/* One `#id = NAME(...);` or `#id = (A(...) B(...));` from its '#'. */
static const char *parse_instance(parser *ps, const char *p)
{
    const char *end = ps->end;
    const char *start = p;
    uint64_t line = ps->line;
    p++;
    if (p >= end || !step_is_digit((unsigned char)*p)) {
        char buf[48];
        fail(ps, p >= end ? IFC_STEP_ERR_TRUNCATED : IFC_STEP_ERR_SYNTAX, p, line, -1,
             "'#' must be followed by the instance's number (#123 = ...), found %s",
             found(p, end, buf));
        return NULL;
    }
    uint64_t id = 0;
    const char *digits = p;
    while (p < end && step_is_digit((unsigned char)*p)) {
        if (id <= IFC_STEP_MAX_ID)
            id = id * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (id > IFC_STEP_MAX_ID) {
        fail(ps, IFC_STEP_ERR_RANGE, start, line, -1,
             "instance id #%.*s is out of range (0 to %u)", (int)(p - digits > 40 ? 40 : p - digits),
             digits, IFC_STEP_MAX_ID);
        return NULL;
    }
    p = skip_space(ps, p);
    if (p == NULL)
        return NULL;
    if (p >= end || *p != '=') {
        char buf[48];
        fail(ps, p >= end ? IFC_STEP_ERR_TRUNCATED : IFC_STEP_ERR_SYNTAX, p, ps->line,
             (int64_t)id, "expected '=' after the instance name, found %s", found(p, end, buf));
        return NULL;
    }
    p = skip_space(ps, p + 1);
    if (p == NULL)
        return NULL;
    ifc_step_type type;
    if (p < end && *p == '(') {
        ifc_step_reader *r = ps->r;
        if (r->complex_type == IFC_STEP_NO_TYPE) {
            const char *name = IFC_STEP_COMPLEX_TYPE_NAME;
            size_t len = strlen(name);
            if (!intern(ps, name, len, type_hash(r, name, len), p, &r->complex_type))
                return NULL;
        }
        type = r->complex_type;
    } else {
        const char *name = p;
        if (p < end && *p == '!')
            p++;
        if (p >= end || !step_is_keyword_start((unsigned char)*p)) {
            char buf[48];
            fail(ps, p >= end ? IFC_STEP_ERR_TRUNCATED : IFC_STEP_ERR_SYNTAX, p, ps->line,
                 (int64_t)id, "expected an entity type name after '=', found %s",
                 found(p, end, buf));
            return NULL;
        }
        while (p < end && step_is_keyword_char((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - name);
        if (len > STEP_MAX_KEYWORD) {
            fail(ps, IFC_STEP_ERR_LIMIT, name, ps->line, (int64_t)id,
                 "a type name of %zu characters (at most %d)", len, STEP_MAX_KEYWORD);
            return NULL;
        }
        if (!intern(ps, name, len, type_hash(ps->r, name, len), name, &type))
            return NULL;
        p = skip_space(ps, p);
        if (p == NULL)
            return NULL;
        if (p >= end || *p != '(') {
            char buf[48];
            fail(ps, p >= end ? IFC_STEP_ERR_TRUNCATED : IFC_STEP_ERR_SYNTAX, p, ps->line,
                 (int64_t)id, "expected '(' after the type name %.*s, found %s", (int)len,
                 name, found(p, end, buf));
            return NULL;
        }
    }
    p = scan_body(ps, p, (int64_t)id, line);
    if (p == NULL)
        return NULL;
    p = skip_space(ps, p);
    if (p == NULL)
        return NULL;
    if (p >= end || *p != ';') {
        char buf[48];
        fail(ps, p >= end ? IFC_STEP_ERR_TRUNCATED : IFC_STEP_ERR_SYNTAX, p, ps->line,
             (int64_t)id,
             "expected ';' after the record's closing ')', found %s%s", found(p, end, buf),
             p < end && *p == ')' ? " (a ')' too many)" : "");
        return NULL;
    }
    if (!add_instance(ps, start, type, line, (uint32_t)id))
        return NULL;
    return p + 1;
}

static const char *parse_data(parser *ps, const char *p, uint64_t section_line)
{
    const char *end = ps->end;
    for (;;) {
        p = skip_space(ps, p);
        if (p == NULL)
            return NULL;
        if (p >= end) {
            fail(ps, IFC_STEP_ERR_TRUNCATED, p, ps->line, -1,
                 "the input ends inside the DATA section of line %llu: ENDSEC; and "
                 "END-ISO-10303-21; are missing",
                 (unsigned long long)section_line);
            return NULL;
        }
        if (*p == '#') {
            p = parse_instance(ps, p);
            if (p == NULL)
                return NULL;
            continue;
        }
        size_t n = word_len(p, end);
        if (word_is(p, n, "ENDSEC"))
            return expect_semicolon(ps, p + n, "ENDSEC");
        char buf[48];
        fail(ps, IFC_STEP_ERR_SYNTAX, p, ps->line, -1,
             "expected an entity instance (#id = NAME(...);) or ENDSEC;, found %s",
             found(p, end, buf));
        return NULL;
    }
}

/* ---- header ------------------------------------------------------------------------------- */

static const char *parse_header(parser *ps, const char *p)
{
    const char *end = ps->end;
    ifc_step_reader *r = ps->r;
    for (;;) {
        p = skip_space(ps, p);
        if (p == NULL)
            return NULL;
        size_t n = word_len(p, end);
        if (word_is(p, n, "ENDSEC"))
            return expect_semicolon(ps, p + n, "ENDSEC");
        if (p >= end || !step_is_keyword_start((unsigned char)*p)) {
            char buf[48];
            fail(ps, p >= end ? IFC_STEP_ERR_TRUNCATED : IFC_STEP_ERR_SYNTAX, p, ps->line, -1,
                 "expected a header record such as FILE_SCHEMA(...); or ENDSEC;, found %s",
                 found(p, end, buf));
            return NULL;
        }
        const char *name = p;
        uint64_t line = ps->line;
        while (p < end && step_is_keyword_char((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - name);
        if (len > STEP_MAX_KEYWORD) {
            fail(ps, IFC_STEP_ERR_LIMIT, name, line, -1,
                 "a header record name of %zu characters (at most %d)", len, STEP_MAX_KEYWORD);
            return NULL;
        }
        p = skip_space(ps, p);
        if (p == NULL)
            return NULL;
        if (p >= end || *p != '(') {
            char buf[48];
            fail(ps, p >= end ? IFC_STEP_ERR_TRUNCATED : IFC_STEP_ERR_SYNTAX, p, ps->line, -1,
                 "expected '(' after the header record name %.*s, found %s", (int)len, name,
                 found(p, end, buf));
            return NULL;
        }
        if (r->header_count == STEP_MAX_HEADER_RECORDS) {
            fail(ps, IFC_STEP_ERR_LIMIT, name, line, -1, "more than %d header records",
                 STEP_MAX_HEADER_RECORDS);
            return NULL;
        }
        const char *open = p + 1;
        p = scan_body(ps, p, -1, line);
        if (p == NULL)
            return NULL;
        p = expect_semicolon(ps, p, "the header record");
        if (p == NULL)
            return NULL;
        if (line > UINT32_MAX) {
            fail(ps, IFC_STEP_ERR_LIMIT, name, line, -1, "more than %u lines", UINT32_MAX);
            return NULL;
        }
        step_header_record *h = &r->header[r->header_count++];
        h->start = name;
        h->open = open;
        h->line = (uint32_t)line;
        h->name_len = (uint32_t)len;
    }
}

/* Expects the word (any case) and then ';'. */
static const char *expect_word(parser *ps, const char *p, const char *word, const char *what)
{
    p = skip_space(ps, p);
    if (p == NULL)
        return NULL;
    size_t n = word_len(p, ps->end);
    if (!word_is(p, n, word)) {
        char buf[48];
        fail(ps, p >= ps->end ? IFC_STEP_ERR_TRUNCATED : IFC_STEP_ERR_SYNTAX, p, ps->line, -1,
             "%s: expected %s;, found %s", what, word, found(p, ps->end, buf));
        return NULL;
    }
    return expect_semicolon(ps, p + n, word);
}

static bool parse_file(parser *ps)
{
    ifc_step_reader *r = ps->r;
    const char *end = ps->end;
    const char *p = r->data;
    ps->line = 1;
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* a UTF-8 byte order mark, written by some tools */
    p = expect_word(ps, p, "ISO-10303-21", "not an ISO 10303-21 (STEP) file");
    if (p == NULL)
        return false;
    p = expect_word(ps, p, "HEADER", "the header section must come first");
    if (p == NULL)
        return false;
    p = parse_header(ps, p);
    if (p == NULL)
        return false;
    for (;;) {
        p = skip_space(ps, p);
        if (p == NULL)
            return false;
        if (p >= end) {
            fail(ps, IFC_STEP_ERR_TRUNCATED, p, ps->line, -1,
                 "the input ends before END-ISO-10303-21;");
            return false;
        }
        size_t n = word_len(p, end);
        uint64_t line = ps->line;
        if (word_is(p, n, "DATA")) {
            p = skip_space(ps, p + n);
            if (p == NULL)
                return false;
            if (p < end && *p == '(') {
                /* DATA('name', ('SCHEMA')): parameters of a named section. */
                p = scan_body(ps, p, -1, line);
                if (p == NULL)
                    return false;
            }
            p = expect_semicolon(ps, p, "DATA");
            if (p == NULL)
                return false;
            p = parse_data(ps, p, line);
            if (p == NULL)
                return false;
        } else if (word_is(p, n, "END-ISO-10303-21")) {
            /* Whatever follows the end is not read: some tools append a
             * signature or padding. */
            return expect_semicolon(ps, p + n, "END-ISO-10303-21") != NULL;
        } else if (word_is(p, n, "ANCHOR") || word_is(p, n, "REFERENCE") ||
                   word_is(p, n, "SIGNATURE")) {
            fail(ps, IFC_STEP_ERR_UNSUPPORTED, p, line, -1,
                 "the %.*s section of ISO 10303-21:2016 is not supported; IFC files have a "
                 "HEADER and DATA sections only",
                 (int)n, p);
            return false;
        } else {
            char buf[48];
            fail(ps, IFC_STEP_ERR_SYNTAX, p, line, -1,
                 "expected DATA; or END-ISO-10303-21;, found %s", found(p, end, buf));
            return false;
        }
    }
}

/* ---- after the pass: id map and per-type lists -------------------------------------------- */

static bool duplicate(parser *ps, uint32_t first, uint32_t again)
{
    ifc_step_reader *r = ps->r;
    fail(ps, IFC_STEP_ERR_DUPLICATE, step_inst_start(r, again), r->lines[again],
         ps->ids[again], "#%u is defined twice, first at line %u", ps->ids[again],
         r->lines[first]);
    return false;
}

static uint32_t hash_id(const ifc_step_reader *r, uint32_t id)
{
    return (uint32_t)((r->id_mul * id) >> r->hash_shift);
}

static bool build_id_map(parser *ps)
{
    ifc_step_reader *r = ps->r;
    uint32_t n = r->count;
    if (n == 0)
        return true;
    uint64_t span = (uint64_t)ps->max_id - ps->min_id + 1;
    if (span <= (uint64_t)n * 4 + 4096) {
        r->dense = calloc(span, sizeof(*r->dense));
        if (r->dense == NULL)
            goto nomem;
        account(ps, 0, span * sizeof(*r->dense));
        r->id_base = ps->min_id;
        r->id_span = span;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t *slot = &r->dense[ps->ids[i] - ps->min_id];
            if (*slot != 0)
                return duplicate(ps, *slot - 1, i);
            *slot = i + 1;
        }
        return true;
    }
    uint64_t cap = 16;
    unsigned bits = 4;
    while (cap < (uint64_t)n * 2) {
        cap *= 2;
        bits++;
    }
    r->hash_shift = 64 - bits;
    r->hash_ids = malloc(cap * sizeof(*r->hash_ids));
    r->hash_vals = calloc(cap, sizeof(*r->hash_vals));
    if (r->hash_ids == NULL || r->hash_vals == NULL)
        goto nomem;
    account(ps, 0, cap * (sizeof(*r->hash_ids) + sizeof(*r->hash_vals)));
    r->hash_mask = (uint32_t)(cap - 1);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = ps->ids[i];
        uint32_t s = hash_id(r, id);
        while (r->hash_vals[s] != 0) {
            if (r->hash_ids[s] == id)
                return duplicate(ps, r->hash_vals[s] - 1, i);
            s = (s + 1) & r->hash_mask;
        }
        r->hash_ids[s] = id;
        r->hash_vals[s] = i + 1;
    }
    return true;
nomem:
    fail(ps, IFC_STEP_ERR_NOMEM, NULL, 0, -1, "out of memory building the id map of %u instances",
         n);
    return false;
}

/* Groups instances by type in the ids array's memory, which the id map no
 * longer needs. */
static bool build_type_lists(parser *ps)
{
    ifc_step_reader *r = ps->r;
    r->type_start = malloc(((size_t)r->type_count + 1) * sizeof(*r->type_start));
    if (r->type_start == NULL) {
        fail(ps, IFC_STEP_ERR_NOMEM, NULL, 0, -1, "out of memory grouping instances by type");
        return false;
    }
    account(ps, 0, ((size_t)r->type_count + 1) * sizeof(*r->type_start));
    uint32_t sum = 0;
    for (uint32_t t = 0; t < r->type_count; t++) {
        r->type_start[t] = sum;
        sum += ps->type_counts[t];
        ps->type_counts[t] = r->type_start[t]; /* now the next free position */
    }
    r->type_start[r->type_count] = sum;
    r->by_type = ps->ids;
    ps->ids = NULL;
    for (uint32_t i = 0; i < r->count; i++)
        r->by_type[ps->type_counts[r->types[i]]++] = i;
    return true;
}

/* The arrays grew by half at a time: give back what the last growth did
 * not use (glibc shrinks large blocks in place). A failed shrink keeps the
 * larger block, which is still right. */
static bool shrink_arrays(parser *ps)
{
    ifc_step_reader *r = ps->r;
    size_t n = r->count;
    if (n == 0 || ps->cap <= n)
        return true;
    void *p = realloc(r->off_lo, n * sizeof(*r->off_lo));
    if (p != NULL)
        r->off_lo = p;
    p = realloc(r->types, n * sizeof(*r->types));
    if (p != NULL)
        r->types = p;
    p = realloc(r->lines, n * sizeof(*r->lines));
    if (p != NULL)
        r->lines = p;
    p = realloc(r->by_type, n * sizeof(*r->by_type));
    if (p != NULL)
        r->by_type = p;
    size_t each = sizeof(*r->off_lo) + sizeof(*r->types) + sizeof(*r->lines) +
                  sizeof(*r->by_type);
    account(ps, ps->cap * each, n * each);
    ps->cap = (uint32_t)n;
    return true;
}

/* ---- the schema from FILE_SCHEMA ------------------------------------------------------------------ */

bool ifc_step_version_from_identifier(const char *id, ifc_version *out)
{
    if (id == NULL)
        return false;
    while (*id == ' ')
        id++;
    size_t n = 0;
    while (step_is_keyword_char((unsigned char)id[n]))
        n++;
    /* The name alone, or followed by '_' and a suffix (ADD2, TC1, RC4). */
    static const struct { const char *name; ifc_version version; } known[] = {
        {"IFC2X3", IFC_IFC2X3},
        {"IFC4X3", IFC_IFC4X3_ADD2},
        {"IFC4", IFC_IFC4},
    };
    for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
        size_t len = strlen(known[k].name);
        if (n >= len && strncasecmp(id, known[k].name, len) == 0 &&
            (n == len || id[len] == '_')) {
            *out = known[k].version;
            return true;
        }
    }
    return false;
}

static bool read_schema(parser *ps)
{
    ifc_step_reader *r = ps->r;
    ifc_step_cursor c, list;
    ifc_step_error local;
    ifc_step_error_clear(&local);
    char *first = NULL;
    bool ok = false;
    if (ifc_step_header_record(r, "FILE_SCHEMA", &c, &local) != IFC_STEP_OK) {
        ok = true; /* no FILE_SCHEMA: the version is unknown, the file still reads */
        goto out;
    }
    ifc_step_kind k = ifc_step_next(&c, ps->err);
    if (k == IFC_STEP_KIND_ERROR)
        goto out;
    if (k != IFC_STEP_KIND_LIST) {
        step_cursor_fail(&c, ps->err, IFC_STEP_ERR_SYNTAX, c.tok,
                         "FILE_SCHEMA must hold a list of schema names, found %s",
                         ifc_step_kind_name(k));
        goto out;
    }
    if (ifc_step_enter(&c, &list, ps->err) != IFC_STEP_OK)
        goto out;
    for (;;) {
        k = ifc_step_next(&list, ps->err);
        if (k == IFC_STEP_KIND_END)
            break;
        if (k == IFC_STEP_KIND_ERROR)
            goto out;
        if (k != IFC_STEP_KIND_STRING) {
            step_cursor_fail(&list, ps->err, IFC_STEP_ERR_SYNTAX, list.tok,
                             "FILE_SCHEMA names schemas as strings, found %s",
                             ifc_step_kind_name(k));
            goto out;
        }
        size_t cap = ifc_step_string_raw_len(&list) * 2 + 1, len;
        char *text = malloc(cap);
        if (text == NULL) {
            fail(ps, IFC_STEP_ERR_NOMEM, NULL, 0, -1, "out of memory reading FILE_SCHEMA");
            goto out;
        }
        if (ifc_step_copy_string(&list, text, cap, &len, ps->err) != IFC_STEP_OK) {
            free(text);
            goto out;
        }
        ifc_version v;
        if (!r->has_version && ifc_step_version_from_identifier(text, &v)) {
            r->has_version = true;
            r->version = v;
            free(r->schema_identifier);
            r->schema_identifier = text;
        } else if (first == NULL && r->schema_identifier == NULL) {
            first = text;
        } else {
            free(text);
        }
    }
    if (r->schema_identifier == NULL) {
        r->schema_identifier = first;
        first = NULL;
    }
    ok = true;
out:
    free(first);
    if (r->schema_identifier != NULL)
        account(ps, 0, strlen(r->schema_identifier) + 1);
    return ok;
}

/* ---- opening --------------------------------------------------------------------------------------- */

static void set_limits(ifc_step_limits *out, const ifc_step_limits *in)
{
    ifc_step_limits d = {0};
    if (in != NULL)
        d = *in;
    out->max_file_bytes = d.max_file_bytes ? d.max_file_bytes : IFC_STEP_DEFAULT_MAX_FILE_BYTES;
    out->max_instances = d.max_instances ? d.max_instances : IFC_STEP_DEFAULT_MAX_INSTANCES;
    if (out->max_instances > IFC_STEP_MAX_ID)
        out->max_instances = IFC_STEP_MAX_ID;
    out->max_depth = d.max_depth ? d.max_depth : IFC_STEP_DEFAULT_MAX_DEPTH;
    out->max_string_bytes = d.max_string_bytes ? d.max_string_bytes
                                               : IFC_STEP_DEFAULT_MAX_STRING_BYTES;
    out->max_type_names = d.max_type_names ? d.max_type_names : IFC_STEP_DEFAULT_MAX_TYPE_NAMES;
}

static ifc_step_status check_limits(const ifc_step_limits *l, ifc_step_error *err)
{
    if (l != NULL && l->max_depth > IFC_STEP_MAX_DEPTH_CAP) {
        step_fail(err, IFC_STEP_ERR_LIMIT, NULL, NULL, 0, -1,
                  "max_depth %u is over the cap of %u", l->max_depth, IFC_STEP_MAX_DEPTH_CAP);
        return IFC_STEP_ERR_LIMIT;
    }
    if (l != NULL && l->max_type_names > IFC_STEP_MAX_TYPE_NAMES_CAP) {
        step_fail(err, IFC_STEP_ERR_LIMIT, NULL, NULL, 0, -1,
                  "max_type_names %u is over the cap of %u", l->max_type_names,
                  IFC_STEP_MAX_TYPE_NAMES_CAP);
        return IFC_STEP_ERR_LIMIT;
    }
    return IFC_STEP_OK;
}

/* Indexes r->data .. r->end; frees nothing of r on failure (the caller
 * closes it). */
static ifc_step_status index_reader(ifc_step_reader *r, ifc_step_error *err)
{
    ifc_step_error local;
    ifc_step_error_clear(&local);
    parser ps = {
        .r = r,
        .end = r->end,
        .err = err != NULL && err->code == IFC_STEP_OK ? err : &local,
    };
    bool ok = parse_file(&ps) && build_id_map(&ps) && build_type_lists(&ps) &&
              shrink_arrays(&ps) && read_schema(&ps);
    if (ps.ids != NULL)
        account(&ps, (size_t)ps.cap * sizeof(*ps.ids), 0);
    free(ps.ids);
    if (ps.type_counts != NULL)
        account(&ps, (size_t)ps.type_cap * sizeof(*ps.type_counts), 0);
    free(ps.type_counts);
    r->mem_peak = ps.peak;
    if (ok)
        return IFC_STEP_OK;
    return ps.err->code != IFC_STEP_OK ? ps.err->code : IFC_STEP_ERR_SYNTAX;
}

static ifc_step_reader *reader_new(const ifc_step_limits *limits)
{
    ifc_step_reader *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return NULL;
    set_limits(&r->limits, limits);
    r->complex_type = IFC_STEP_NO_TYPE;
    uint64_t key[3];
    if (getrandom(key, sizeof(key), GRND_NONBLOCK) != (ssize_t)sizeof(key)) {
        /* No entropy yet (early boot): a key the file still cannot know. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        key[0] = (uint64_t)ts.tv_nsec ^ ((uint64_t)(uintptr_t)r << 16);
        key[1] = (uint64_t)ts.tv_sec * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)&ts;
        key[2] = key[0] * 0xBF58476D1CE4E5B9ull ^ key[1];
    }
    r->type_key[0] = key[0];
    r->type_key[1] = key[1];
    r->id_mul = key[2] | 1;
    r->seg_bits = step_segment_bits >= 8 && step_segment_bits <= 32 ? step_segment_bits : 32;
    r->mem_bytes = sizeof(*r);
    return r;
}

ifc_step_status ifc_step_open_memory(const void *data, size_t len, const ifc_step_limits *limits,
                                     ifc_step_reader **out, ifc_step_error *err)
{
    *out = NULL;
    ifc_step_status st = check_limits(limits, err);
    if (st != IFC_STEP_OK)
        return st;
    ifc_step_reader *r = reader_new(limits);
    if (r == NULL) {
        step_fail(err, IFC_STEP_ERR_NOMEM, NULL, NULL, 0, -1, "out of memory");
        return IFC_STEP_ERR_NOMEM;
    }
    r->storage = STEP_BORROWED;
    r->data = data != NULL ? data : "";
    r->len = data != NULL ? len : 0;
    r->end = r->data + r->len;
    if (r->len > r->limits.max_file_bytes) {
        step_fail(err, IFC_STEP_ERR_LIMIT, NULL, NULL, 0, -1,
                  "the input has %zu bytes, over the limit of %llu", len,
                  (unsigned long long)r->limits.max_file_bytes);
        ifc_step_close(r);
        return IFC_STEP_ERR_LIMIT;
    }
    st = index_reader(r, err);
    if (st != IFC_STEP_OK) {
        ifc_step_close(r);
        return st;
    }
    *out = r;
    return IFC_STEP_OK;
}

/* Whether the first byte that is not space may start a STEP file (which
 * begins with ISO-10303-21;, perhaps after a byte order mark or a
 * comment). *scan is where the previous call stopped, so a long run of
 * spaces is looked at once; *decided is set when the answer is known. */
static bool plausible_start(const char *buf, size_t len, size_t *scan, bool *decided)
{
    size_t i = *scan;
    if (i == 0 && len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    if (i == 0 && len < 3 && (unsigned char)buf[0] == 0xEF)
        return true; /* perhaps a byte order mark not yet read whole */
    while (i < len && step_is_space((unsigned char)buf[i]))
        i++;
    *scan = i;
    if (i == len)
        return true;
    *decided = true;
    return buf[i] == 'I' || buf[i] == 'i' || buf[i] == '/';
}

/* Reads a non-regular file (or a regular one mmap refused) up to the
 * limit; one byte more than the limit means it is over. */
static ifc_step_status read_all(int fd, ifc_step_reader *r, const char *path, size_t hint,
                                ifc_step_error *err)
{
    uint64_t max = r->limits.max_file_bytes;
    size_t cap = hint > 0 && hint < max ? hint + 1 : 65536;
    size_t len = 0, scan = 0;
    bool decided = false;
    char *buf = malloc(cap);
    if (buf == NULL)
        goto nomem;
    for (;;) {
        if (len == cap) {
            if (cap > max) {
                free(buf);
                step_fail(err, IFC_STEP_ERR_LIMIT, NULL, NULL, 0, -1,
                          "%s is larger than the limit of %llu bytes", path,
                          (unsigned long long)max);
                return IFC_STEP_ERR_LIMIT;
            }
            size_t next = cap * 2;
            if (next > max + 1)
                next = (size_t)max + 1;
            char *grown = realloc(buf, next);
            if (grown == NULL)
                goto nomem;
            buf = grown;
            cap = next;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            step_fail(err, IFC_STEP_ERR_IO, NULL, NULL, 0, -1, "cannot read %s: %s", path,
                      strerror(e));
            return IFC_STEP_ERR_IO;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (!decided && !plausible_start(buf, len, &scan, &decided)) {
            /* /dev/zero or a binary: no need to read up to the limit. */
            uint64_t line = 1 + step_count_newlines(buf, buf + scan);
            free(buf);
            step_fail(err, IFC_STEP_ERR_SYNTAX, NULL, NULL,
                      line > UINT32_MAX ? UINT32_MAX : (uint32_t)line, -1,
                      "%s is not an ISO 10303-21 (STEP) file: it must begin with "
                      "ISO-10303-21;", path);
            return IFC_STEP_ERR_SYNTAX;
        }
    }
    if (len > max) {
        free(buf);
        step_fail(err, IFC_STEP_ERR_LIMIT, NULL, NULL, 0, -1,
                  "%s is larger than the limit of %llu bytes", path, (unsigned long long)max);
        return IFC_STEP_ERR_LIMIT;
    }
    r->storage = STEP_READ;
    r->data = buf;
    r->len = len;
    r->end = buf + len;
    r->mem_bytes += cap;
    return IFC_STEP_OK;
nomem:
    free(buf);
    step_fail(err, IFC_STEP_ERR_NOMEM, NULL, NULL, 0, -1, "out of memory reading %s", path);
    return IFC_STEP_ERR_NOMEM;
}

ifc_step_status ifc_step_open_file(const char *path, const ifc_step_limits *limits,
                                   ifc_step_reader **out, ifc_step_error *err)
{
    *out = NULL;
    ifc_step_status st = check_limits(limits, err);
    if (st != IFC_STEP_OK)
        return st;
    ifc_step_reader *r = reader_new(limits);
    if (r == NULL) {
        step_fail(err, IFC_STEP_ERR_NOMEM, NULL, NULL, 0, -1, "out of memory");
        return IFC_STEP_ERR_NOMEM;
    }
    /* O_NONBLOCK so that a FIFO without a writer cannot stall the open;
     * reads are made blocking again below. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        step_fail(err, IFC_STEP_ERR_IO, NULL, NULL, 0, -1, "cannot open %s: %s", path,
                  strerror(errno));
        st = IFC_STEP_ERR_IO;
        goto out;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        step_fail(err, IFC_STEP_ERR_IO, NULL, NULL, 0, -1, "cannot stat %s: %s", path,
                  strerror(errno));
        st = IFC_STEP_ERR_IO;
        goto out;
    }
    if (S_ISDIR(sb.st_mode)) {
        step_fail(err, IFC_STEP_ERR_IO, NULL, NULL, 0, -1, "%s is a folder, not a file", path);
        st = IFC_STEP_ERR_IO;
        goto out;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    if (S_ISREG(sb.st_mode)) {
        if ((uint64_t)sb.st_size > r->limits.max_file_bytes) {
            step_fail(err, IFC_STEP_ERR_LIMIT, NULL, NULL, 0, -1,
                      "%s has %llu bytes, over the limit of %llu", path,
                      (unsigned long long)sb.st_size,
                      (unsigned long long)r->limits.max_file_bytes);
            st = IFC_STEP_ERR_LIMIT;
            goto out;
        }
        if (sb.st_size > 0 && (uint64_t)sb.st_size <= SIZE_MAX) {
            void *map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (map != MAP_FAILED) {
                r->storage = STEP_MAPPED;
                r->data = map;
                r->len = (size_t)sb.st_size;
                r->end = r->data + r->len;
                (void)madvise(map, r->len, MADV_SEQUENTIAL);
            }
        }
    }
    if (r->data == NULL) {
        st = read_all(fd, r, path, S_ISREG(sb.st_mode) ? (size_t)sb.st_size : 0, err);
        if (st != IFC_STEP_OK)
            goto out;
    }
    close(fd);
    fd = -1;
    st = index_reader(r, err);
    if (r->storage == STEP_MAPPED)
        (void)madvise((void *)r->data, r->len, MADV_NORMAL);
out:
    if (fd >= 0)
        close(fd);
    if (st != IFC_STEP_OK) {
        ifc_step_close(r);
        return st;
    }
    *out = r;
    return IFC_STEP_OK;
}

void ifc_step_close(ifc_step_reader *r)
{
    if (r == NULL)
        return;
    if (r->storage == STEP_MAPPED)
        munmap((void *)r->data, r->len);
    else if (r->storage == STEP_READ)
        free((void *)r->data);
    free(r->off_lo);
    free(r->types);
    free(r->lines);
    free(r->seg_first);
    free(r->dense);
    free(r->hash_ids);
    free(r->hash_vals);
    free(r->by_type);
    free(r->type_start);
    for (uint32_t t = 0; t < r->type_count; t++)
        free(r->type_names[t]);
    free(r->type_names);
    free(r->type_lens);
    free(r->type_slots);
    free(r->schema_identifier);
    free(r);
}

/* ---- queries ------------------------------------------------------------------------------------------ */

size_t ifc_step_memory_bytes(const ifc_step_reader *r)
{
    return r->mem_bytes;
}

size_t ifc_step_memory_peak(const ifc_step_reader *r)
{
    return r->mem_peak;
}

const char *ifc_step_data(const ifc_step_reader *r, size_t *len)
{
    if (len != NULL)
        *len = r->len;
    return r->data;
}

bool ifc_step_version(const ifc_step_reader *r, ifc_version *out)
{
    if (!r->has_version)
        return false;
    *out = r->version;
    return true;
}

const char *ifc_step_schema_identifier(const ifc_step_reader *r)
{
    return r->schema_identifier != NULL ? r->schema_identifier : "";
}

size_t ifc_step_instance_count(const ifc_step_reader *r)
{
    return r->count;
}

ifc_step_inst ifc_step_find(const ifc_step_reader *r, uint32_t id)
{
    if (r->dense != NULL) {
        uint64_t k = (uint64_t)id - r->id_base;
        if (id < r->id_base || k >= r->id_span)
            return IFC_STEP_NO_INST;
        return r->dense[k] - 1u; /* 0 - 1 = IFC_STEP_NO_INST */
    }
    if (r->hash_vals == NULL)
        return IFC_STEP_NO_INST;
    for (uint32_t s = hash_id(r, id);; s = (s + 1) & r->hash_mask) {
        if (r->hash_vals[s] == 0)
            return IFC_STEP_NO_INST;
        if (r->hash_ids[s] == id)
            return r->hash_vals[s] - 1u;
    }
}

uint32_t ifc_step_instance_id(const ifc_step_reader *r, ifc_step_inst inst)
{
    if (inst >= r->count)
        return 0;
    const char *p = step_inst_start(r, inst) + 1;
    uint32_t id = 0;
    while (p < r->end && step_is_digit((unsigned char)*p))
        id = id * 10 + (uint32_t)(*p++ - '0');
    return id;
}

ifc_step_type ifc_step_instance_type(const ifc_step_reader *r, ifc_step_inst inst)
{
    return inst < r->count ? r->types[inst] : IFC_STEP_NO_TYPE;
}

uint32_t ifc_step_instance_line(const ifc_step_reader *r, ifc_step_inst inst)
{
    return inst < r->count ? r->lines[inst] : 0;
}

bool ifc_step_instance_is_complex(const ifc_step_reader *r, ifc_step_inst inst)
{
    return inst < r->count && r->complex_type != IFC_STEP_NO_TYPE &&
           r->types[inst] == r->complex_type;
}

size_t ifc_step_type_count(const ifc_step_reader *r)
{
    return r->type_count;
}

const char *ifc_step_type_name(const ifc_step_reader *r, ifc_step_type type)
{
    return type < r->type_count ? r->type_names[type] : NULL;
}

ifc_step_type ifc_step_type_find(const ifc_step_reader *r, const char *name)
{
    if (name == NULL)
        return IFC_STEP_NO_TYPE;
    size_t len = strlen(name);
    if (len > STEP_MAX_KEYWORD)
        return IFC_STEP_NO_TYPE;
    return lookup_type(r, name, len, type_hash(r, name, len), NULL);
}

const ifc_step_inst *ifc_step_instances_of_type(const ifc_step_reader *r, ifc_step_type type,
                                                size_t *count)
{
    if (type >= r->type_count || r->type_start == NULL) {
        *count = 0;
        return NULL;
    }
    *count = r->type_start[type + 1] - r->type_start[type];
    return r->by_type + r->type_start[type];
}
