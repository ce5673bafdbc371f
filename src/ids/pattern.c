/*
 * pattern.c - XSD patterns compiled within a budget, once per document.
 *
 * The problem. libxml2 compiles an XSD regular expression to an automaton
 * and then removes its epsilon transitions: every state gets a copy of the
 * transitions reachable from it through epsilons, each copy checked
 * against the state's list for duplicates, and the determinism check then
 * compares the transitions of each state pairwise. A run of k optional
 * parts (a?a?a?...) gives states with up to k transitions, so the work is
 * about k^3: "a?" x 2000 (4000 bytes) took 17-20 s, and every validation
 * compiled it again. A counted repetition with minimum 0 of a group that
 * can match nothing ((a?){0,2} repeated) is worse still (its epsilon
 * cycles are walked path by path: 100 of them took 1.9 s, 500 of them
 * with nesting more than a minute).
 *
 * The budget. Before compiling, the pattern is parsed (a lenient reading
 * of the XSD grammar: branches, pieces, atoms, groups, quantifiers; a
 * character class is one atom) and the work is estimated from the shape
 * of the automaton libxml2 builds for it:
 *   - every piece has a width (transitions visible at its start: 1 for an
 *     atom, the sum over the branches of a group, one more for the exit of
 *     a counted group) and may be nullable;
 *   - the state between two pieces sees the width of the next piece, and
 *     through a nullable one the next after it, and so on: its closure c;
 *   - a loop (*, +, {n,m}) lets the states inside its group also see the
 *     group's start again;
 *   - the cost is the sum of c^2 over the states (the determinism check
 *     and the duplicate checks), plus the pattern's length; counted groups
 *     count three times (libxml2 adds counted epsilon transitions it
 *     visits again).
 * Patterns over IDS_PATTERN_BUDGET are refused with a message saying what
 * to simplify, and a counted repetition with minimum 0 of a nullable group
 * is refused outright. specs/validation.md gives the calibration: the
 * slowest pattern found under the budget compiles in about 10 ms here, and
 * every pattern of the official test cases costs under 1% of the budget.
 *
 * The cache. Each document keeps the verdicts of the patterns it has had
 * checked, keyed by their text, so a document is compiled once, not at
 * every validation or export; the cache is freed with the document. And a
 * validation checks at most IDS_PATTERN_DOC_BUDGET of estimated work of
 * patterns in all (document order; what is over is reported as not
 * checked), so a document of thousands of patterns near the budget cannot
 * make one call slow either.
 *
 * libxml2 2.9.14 also crashes (a NULL dereference) when an allocation
 * fails inside xmlRegexpCompile, at 2 to 6 of the 10 to 43 allocations a
 * small pattern makes (xmlRegNewState's result is used unchecked); fixed
 * in libxml2 2.11. Nothing here can prevent an allocation failure; the
 * cache and the budget keep compiles few and small. See
 * specs/ids-editing.md, "Patterns".
 */
#include "ids/ids_internal.h"

#include <libxml/xmlerror.h>
#include <libxml/xmlregexp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parsing ---- */

enum node_type { N_ATOM, N_GROUP, N_SEQ, N_ALT };

#define UNBOUNDED (-1)
/* libxml2 refuses groups nested deeper than 50; so do we, before any
 * recursion of ours gets deep. */
#define MAX_NESTING 50

typedef struct node {
    unsigned char type;
    int min, max;       /* quantifier of an atom or group; 1,1 when none */
    int first, next;    /* first child, next sibling; -1 when none */
    double width;       /* transitions visible at the start, from inside */
    bool nullable;
    bool varies;        /* holds a choice: a quantifier or an alternation */
} node;

typedef struct parser {
    const char *p, *end;
    node *nodes;
    int n, cap;
    int depth;
    bool too_deep;
    bool nullable_counted; /* a {0,m} group that can match nothing */
    double cost;
    /* For matching (ids_regex_compile): libxml2 backtracks, so a match
     * may try every way of splitting the subject over the loops and every
     * branch of every choice. */
    unsigned loops;        /* pieces repeated more than once */
    double choices;        /* product of the choices' branch counts */
    bool nested_choice;    /* a loop whose body holds a choice */
} parser;

static int new_node(parser *ps, unsigned char type)
{
    if (ps->n >= ps->cap)
        return -1;
    node *nd = &ps->nodes[ps->n];
    nd->type = type;
    nd->min = nd->max = 1;
    nd->first = nd->next = -1;
    nd->width = 0;
    nd->nullable = false;
    return ps->n++;
}

static void append_child(parser *ps, int parent, int child, int *last)
{
    if (*last < 0)
        ps->nodes[parent].first = child;
    else
        ps->nodes[*last].next = child;
    *last = child;
}

/* Skips a character class [...] (with subtractions -[...] and escapes),
 * leniently: an unterminated one ends the pattern, which libxml2 will
 * refuse. */
static void skip_class(parser *ps)
{
    int level = 0;
    while (ps->p < ps->end) {
        char c = *ps->p++;
        if (c == '\\' && ps->p < ps->end) {
            ps->p++;
        } else if (c == '[') {
            level++;
        } else if (c == ']') {
            if (--level <= 0)
                return;
        }
    }
}

/* Skips an escape after the backslash: one character, or a \p{...}. */
static void skip_escape(parser *ps)
{
    if (ps->p >= ps->end)
        return;
    char c = *ps->p++;
    if ((c == 'p' || c == 'P') && ps->p < ps->end && *ps->p == '{') {
        while (ps->p < ps->end && *ps->p != '}')
            ps->p++;
        if (ps->p < ps->end)
            ps->p++;
    }
}

static bool read_number(parser *ps, int *out)
{
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
        return false;
    long v = 0;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        if (v < 100000000)
            v = v * 10 + (*ps->p - '0');
        ps->p++;
    }
    *out = (int)v;
    return true;
}

/* Reads a quantifier after an atom into nd; leaves the input alone when
 * there is none (or it is malformed: libxml2 refuses it then). */
static void read_quantifier(parser *ps, node *nd)
{
    if (ps->p >= ps->end)
        return;
    char c = *ps->p;
    if (c == '?' || c == '*' || c == '+') {
        ps->p++;
        nd->min = c == '+' ? 1 : 0;
        nd->max = c == '?' ? 1 : UNBOUNDED;
        return;
    }
    if (c != '{')
        return;
    const char *save = ps->p;
    ps->p++;
    int min = 0, max = 0;
    if (!read_number(ps, &min)) {
        ps->p = save;
        return;
    }
    max = min;
    if (ps->p < ps->end && *ps->p == ',') {
        ps->p++;
        if (!read_number(ps, &max))
            max = UNBOUNDED;
    }
    if (ps->p >= ps->end || *ps->p != '}') {
        ps->p = save;
        return;
    }
    ps->p++;
    nd->min = min;
    nd->max = max;
}

static int parse_alt(parser *ps);

static int parse_piece(parser *ps)
{
    int id;
    char c = *ps->p;
    if (c == '(') {
        ps->p++;
        if (++ps->depth > MAX_NESTING) {
            ps->too_deep = true;
            return -1;
        }
        id = new_node(ps, N_GROUP);
        int inner = id >= 0 ? parse_alt(ps) : -1;
        ps->depth--;
        if (id < 0 || inner < 0)
            return -1;
        ps->nodes[id].first = inner;
        if (ps->p < ps->end && *ps->p == ')')
            ps->p++;
    } else {
        id = new_node(ps, N_ATOM);
        if (id < 0)
            return -1;
        ps->p++;
        if (c == '[')
            skip_class(ps);
        else if (c == '\\')
            skip_escape(ps);
        else if ((unsigned char)c >= 0x80)
            while (ps->p < ps->end && ((unsigned char)*ps->p & 0xC0) == 0x80)
                ps->p++;
    }
    read_quantifier(ps, &ps->nodes[id]);
    return id;
}

static int parse_seq(parser *ps)
{
    int id = new_node(ps, N_SEQ), last = -1;
    if (id < 0)
        return -1;
    while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')') {
        int piece = parse_piece(ps);
        if (piece < 0)
            return -1;
        append_child(ps, id, piece, &last);
    }
    return id;
}

static int parse_alt(parser *ps)
{
    int id = new_node(ps, N_ALT), last = -1;
    if (id < 0)
        return -1;
    for (;;) {
        int branch = parse_seq(ps);
        if (branch < 0)
            return -1;
        append_child(ps, id, branch, &last);
        if (ps->p < ps->end && *ps->p == '|') {
            ps->p++;
            continue;
        }
        return id;
    }
}

/* ---- the estimate ---- */

/* Width and nullability, children first (every child has a larger index
 * than its parent, so a backward sweep sees children before parents). */
static void measure(parser *ps)
{
    for (int i = ps->n - 1; i >= 0; i--) {
        node *nd = &ps->nodes[i];
        bool repeated = nd->max == UNBOUNDED || nd->max > 1;
        bool optional = !repeated && nd->min < nd->max;
        if (nd->type == N_ATOM || nd->type == N_GROUP) {
            if (repeated)
                ps->loops++;
            else if (optional)
                ps->choices *= 2;
        }
        switch (nd->type) {
        case N_ATOM:
            nd->width = nd->max == 0 ? 0 : 1;
            nd->nullable = nd->min == 0;
            nd->varies = repeated || optional;
            break;
        case N_GROUP: {
            const node *in = &ps->nodes[nd->first];
            bool counted = !(nd->max == 1 || nd->max == UNBOUNDED) || nd->min > 1;
            nd->width = in->width + (counted ? 1 : 0);
            nd->nullable = in->nullable || nd->min == 0;
            if (counted && nd->min == 0 && in->nullable)
                ps->nullable_counted = true;
            if (repeated && in->varies)
                ps->nested_choice = true;
            nd->varies = in->varies || repeated || optional;
            break;
        }
        case N_SEQ: {
            double w = 0;
            bool all = true, varies = false;
            for (int c = nd->first; c >= 0; c = ps->nodes[c].next) {
                if (all)
                    w += ps->nodes[c].width;
                all = all && ps->nodes[c].nullable;
                varies = varies || ps->nodes[c].varies;
            }
            nd->width = w;
            nd->nullable = all;
            nd->varies = varies;
            break;
        }
        case N_ALT: {
            double w = 0;
            bool any = false, varies = false;
            unsigned branches = 0;
            for (int c = nd->first; c >= 0; c = ps->nodes[c].next) {
                w += ps->nodes[c].width;
                any = any || ps->nodes[c].nullable;
                varies = varies || ps->nodes[c].varies;
                branches++;
            }
            if (branches > 1)
                ps->choices *= branches;
            nd->width = w;
            nd->nullable = any;
            nd->varies = varies || branches > 1;
            break;
        }
        }
    }
}

/* Closure of the state before node when follow is visible after it. */
static double entry(const node *nd, double follow)
{
    return nd->width + (nd->nullable ? follow : 0);
}

/* The subject length match_steps assumes: IFC names are shorter. */
#define MATCH_SUBJECT_LEN 64.0

/* How many times the states inside a counted group are paid for. */
#define COUNTED_FACTOR 3.0

/* Adds the cost of the states inside node id, whose end sees follow. The
 * recursion is as deep as the groups nest (at most MAX_NESTING). */
static void cost(parser *ps, int id, double follow)
{
    const node *nd = &ps->nodes[id];
    switch (nd->type) {
    case N_ATOM:
        /* x* and x+ get a state of their own looping on x. */
        if (nd->max == UNBOUNDED)
            ps->cost += (1 + follow) * (1 + follow);
        return;
    case N_GROUP: {
        const node *in = &ps->nodes[nd->first];
        bool loop = nd->max == UNBOUNDED && nd->min <= 1;
        bool counted = !(nd->max == 1 || loop);
        double start = entry(nd, follow);
        ps->cost += 2 * start * start; /* the two states a group begins with */
        if (!loop && !counted) {
            cost(ps, nd->first, follow);
            return;
        }
        /* Inside a loop the end also sees the group's start again (and
         * a counted group's exit). */
        double exit_width = counted ? 1 : 0;
        double inner = follow + in->width + exit_width;
        double stop = in->width + exit_width + follow;
        ps->cost += stop * stop;
        if (counted) {
            double before = ps->cost;
            cost(ps, nd->first, inner);
            ps->cost = before + COUNTED_FACTOR * (ps->cost - before);
        } else {
            cost(ps, nd->first, inner);
        }
        return;
    }
    case N_SEQ: {
        /* Right to left: the state between two pieces sees the entry of
         * the next one. Children are in a linked list, so collect them. */
        int kids[64];
        int n = 0;
        for (int c = nd->first; c >= 0; c = ps->nodes[c].next)
            n++;
        int *list = n <= 64 ? kids : malloc((size_t)n * sizeof(int));
        if (list == NULL) {
            ps->cost = 1e300; /* out of memory: refuse as too complex */
            return;
        }
        int k = 0;
        for (int c = nd->first; c >= 0; c = ps->nodes[c].next)
            list[k++] = c;
        double closure = follow;
        for (int i = n - 1; i >= 0; i--) {
            cost(ps, list[i], closure);
            closure = entry(&ps->nodes[list[i]], closure);
            if (i > 0)
                ps->cost += closure * closure;
        }
        if (list != kids)
            free(list);
        return;
    }
    case N_ALT:
        for (int c = nd->first; c >= 0; c = ps->nodes[c].next)
            cost(ps, c, follow);
        return;
    }
}

ids_pattern_estimate ids_pattern_estimate_of(const char *pattern)
{
    ids_pattern_estimate est = {0, false, false, 0};
    size_t len = strlen(pattern);
    parser ps;
    memset(&ps, 0, sizeof(ps));
    ps.p = pattern;
    ps.end = pattern + len;
    ps.choices = 1;
    /* Each byte makes at most one atom or group, each branch a sequence
     * and each group an alternation: 3 per byte and the root's two. */
    ps.cap = (int)(3 * len + 3);
    ps.nodes = malloc((size_t)ps.cap * sizeof(node));
    if (ps.nodes == NULL) {
        est.cost = 1e300;
        return est;
    }
    /* A ')' with no group ends the reading: libxml2 refuses the pattern
     * there, before building anything costly. */
    int root = parse_alt(&ps);
    if (root < 0) {
        est.too_deep = ps.too_deep;
        est.cost = ps.too_deep ? 0 : 1e300;
        free(ps.nodes);
        return est;
    }
    measure(&ps);
    cost(&ps, root, 0);
    double start = ps.nodes[root].width;
    est.cost = ps.cost + start * start + (double)len;
    est.nullable_counted = ps.nullable_counted;
    est.match_steps = ps.nested_choice ? 1e300 : ps.choices;
    for (unsigned i = 0; i < ps.loops && est.match_steps < 1e300; i++)
        est.match_steps *= MATCH_SUBJECT_LEN;
    free(ps.nodes);
    return est;
}

/* ---- compiling ---- */

static void silent_error(void *ctx, xmlErrorPtr error)
{
    (void)ctx;
    (void)error;
}

/* libxml2 reports a bad regular expression through the thread's error
 * handler, which would print; the engine prints nothing, so the handler is
 * silenced for the compile and put back afterwards. */
static ids_pattern_verdict compile(const char *pattern)
{
    xmlStructuredErrorFunc saved = xmlStructuredError;
    void *saved_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(NULL, silent_error);
    xmlResetLastError();
    xmlRegexpPtr re = xmlRegexpCompile((const xmlChar *)pattern);
    ids_pattern_verdict v = IDS_PATTERN_OK;
    if (re == NULL) {
        xmlErrorPtr e = xmlGetLastError();
        v = e != NULL && e->code == XML_ERR_NO_MEMORY ? IDS_PATTERN_NOMEM
                                                      : IDS_PATTERN_INVALID;
    }
    xmlSetStructuredErrorFunc(saved_ctx, saved);
    xmlRegFreeRegexp(re);
    return v;
}

/* ---- the per-document cache ---- */

/* Open addressing on the pattern text's hash; cleared when it holds too
 * much text, since a client can churn patterns through a document. */
#define CACHE_MAX_ENTRIES 4096u
#define CACHE_MAX_TEXT (1u << 20) /* bytes of pattern text held */

typedef struct cache_entry {
    char *text;   /* NULL: empty slot */
    size_t hash;
    unsigned char verdict;
} cache_entry;

struct ids_pattern_cache {
    cache_entry *slots;
    size_t cap;   /* a power of two, or 0 */
    size_t used;
    size_t text_bytes;
    size_t compiles; /* xmlRegexpCompile calls made for this document */
};

static size_t hash_of(const char *s)
{
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

void ids_pattern_cache_free(ids_pattern_cache *cache)
{
    if (cache == NULL)
        return;
    for (size_t i = 0; i < cache->cap; i++)
        free(cache->slots[i].text);
    free(cache->slots);
    free(cache);
}

static const cache_entry *cache_find(const ids_pattern_cache *cache, const char *text,
                                     size_t hash)
{
    if (cache == NULL || cache->cap == 0)
        return NULL;
    for (size_t i = hash & (cache->cap - 1);; i = (i + 1) & (cache->cap - 1)) {
        const cache_entry *e = &cache->slots[i];
        if (e->text == NULL)
            return NULL;
        if (e->hash == hash && strcmp(e->text, text) == 0)
            return e;
    }
}

static void cache_clear(ids_pattern_cache *cache)
{
    for (size_t i = 0; i < cache->cap; i++) {
        free(cache->slots[i].text);
        cache->slots[i].text = NULL;
    }
    cache->used = 0;
    cache->text_bytes = 0;
}

/* Remembers a verdict; out of memory only loses the memory of it. */
static void cache_put(ids_pattern_cache *cache, const char *text, size_t hash,
                      ids_pattern_verdict verdict)
{
    size_t len = strlen(text);
    if (cache->used >= CACHE_MAX_ENTRIES || cache->text_bytes + len > CACHE_MAX_TEXT)
        cache_clear(cache);
    if (cache->cap == 0 || (cache->used + 1) * 2 > cache->cap) {
        size_t cap = cache->cap == 0 ? 16 : cache->cap * 2;
        cache_entry *slots = calloc(cap, sizeof(*slots));
        if (slots == NULL)
            return;
        for (size_t i = 0; i < cache->cap; i++) {
            cache_entry *e = &cache->slots[i];
            if (e->text == NULL)
                continue;
            size_t k = e->hash & (cap - 1);
            while (slots[k].text != NULL)
                k = (k + 1) & (cap - 1);
            slots[k] = *e;
        }
        free(cache->slots);
        cache->slots = slots;
        cache->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return;
    memcpy(copy, text, len + 1);
    size_t k = hash & (cache->cap - 1);
    while (cache->slots[k].text != NULL)
        k = (k + 1) & (cache->cap - 1);
    cache->slots[k].text = copy;
    cache->slots[k].hash = hash;
    cache->slots[k].verdict = (unsigned char)verdict;
    cache->used++;
    cache->text_bytes += len;
}

/* The document's cache, made on first use. It is no part of the
 * document's value (views, validation and export read the document as
 * const), so it may be made for a const document: documents are always
 * heap objects, never const ones. */
static ids_pattern_cache *cache_of(const ids_doc *doc)
{
    if (doc == NULL)
        return NULL;
    if (doc->patterns == NULL)
        ((ids_doc *)doc)->patterns = calloc(1, sizeof(ids_pattern_cache));
    return doc->patterns;
}

/* ---- checking ---- */

ids_pattern_verdict ids_pattern_check(const ids_doc *doc, const char *pattern,
                                      char *why, size_t why_size)
{
    if (why != NULL && why_size > 0)
        why[0] = '\0';
    if (pattern == NULL || strlen(pattern) > IDS_MAX_PATTERN_BYTES ||
        ids_text_check("pattern", pattern, NULL) != IDS_OK)
        return IDS_PATTERN_INVALID;
    size_t hash = hash_of(pattern);
    const cache_entry *hit = cache_find(doc != NULL ? doc->patterns : NULL, pattern, hash);
    ids_pattern_verdict v;
    if (hit != NULL) {
        v = (ids_pattern_verdict)hit->verdict;
    } else {
        ids_pattern_estimate est = ids_pattern_estimate_of(pattern);
        if (est.too_deep)
            v = IDS_PATTERN_INVALID;
        else if (est.nullable_counted || est.cost > IDS_PATTERN_BUDGET)
            v = IDS_PATTERN_TOO_COMPLEX;
        else
            v = compile(pattern);
        ids_pattern_cache *cache = cache_of(doc);
        if (cache != NULL && !est.too_deep && v != IDS_PATTERN_TOO_COMPLEX)
            cache->compiles++;
        if (v != IDS_PATTERN_NOMEM && cache != NULL)
            cache_put(cache, pattern, hash, v);
    }
    if (v == IDS_PATTERN_TOO_COMPLEX && why != NULL && why_size > 0) {
        ids_pattern_estimate est = ids_pattern_estimate_of(pattern);
        if (est.nullable_counted)
            snprintf(why, why_size,
                     "it repeats a group that can match nothing with a count that may "
                     "be 0, such as (a?){0,3}, which libxml2 compiles in time "
                     "exponential in such groups; write (a?){1,3}, (a{1,2})?, or a "
                     "counted atom such as a{0,6}");
        else
            snprintf(why, why_size,
                     "its estimated compile cost is %.0f, over this server's limit of "
                     "%.0f: long runs of optional parts (a?b?c?..., (x|y)?(x|y)?...) "
                     "and repetitions of wide alternatives make libxml2 compile slowly; "
                     "write repeated optional characters as one counted repetition "
                     "such as [a-z]{0,20}, or split the pattern",
                     est.cost, (double)IDS_PATTERN_BUDGET);
    }
    return v;
}

xmlRegexpPtr ids_regex_compile(const char *pattern)
{
    if (pattern == NULL || strlen(pattern) > IDS_MAX_PATTERN_BYTES ||
        ids_text_check("pattern", pattern, NULL) != IDS_OK)
        return NULL;
    ids_pattern_estimate est = ids_pattern_estimate_of(pattern);
    if (est.too_deep || est.nullable_counted || est.cost > IDS_PATTERN_MATCH_BUDGET ||
        est.match_steps > IDS_PATTERN_MATCH_STEPS)
        return NULL;
    xmlStructuredErrorFunc saved = xmlStructuredError;
    void *saved_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(NULL, silent_error);
    xmlRegexpPtr re = xmlRegexpCompile((const xmlChar *)pattern);
    xmlSetStructuredErrorFunc(saved_ctx, saved);
    return re;
}

xmlRegexpPtr ids_regex_compile_deterministic(const char *pattern)
{
    if (pattern == NULL || strlen(pattern) > IDS_MAX_PATTERN_BYTES ||
        ids_text_check("pattern", pattern, NULL) != IDS_OK)
        return NULL;
    ids_pattern_estimate est = ids_pattern_estimate_of(pattern);
    if (est.too_deep || est.nullable_counted || est.cost > IDS_PATTERN_BUDGET)
        return NULL;
    xmlStructuredErrorFunc saved = xmlStructuredError;
    void *saved_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(NULL, silent_error);
    xmlRegexpPtr re = xmlRegexpCompile((const xmlChar *)pattern);
    xmlSetStructuredErrorFunc(saved_ctx, saved);
    if (re != NULL && xmlRegexpIsDeterminist(re) != 1) {
        xmlRegFreeRegexp(re);
        re = NULL;
    }
    return re;
}

size_t ids_pattern_compiles(const ids_doc *doc)
{
    return doc != NULL && doc->patterns != NULL ? doc->patterns->compiles : 0;
}

bool ids_xsd_regex_valid(const char *pattern)
{
    return ids_pattern_check(NULL, pattern, NULL, 0) == IDS_PATTERN_OK;
}
