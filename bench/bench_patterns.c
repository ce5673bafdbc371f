/*
 * bench_patterns.c - how well the pattern budget (src/ids/pattern.c)
 * bounds libxml2's regexp compile time.
 *
 * For each family of costly shapes it finds, by bisection on the size, the
 * largest pattern the budget admits (at most IDS_MAX_PATTERN_BYTES) and
 * times its compile; then it times random patterns from a grammar that
 * favours optional parts, loops, counts and alternations, and reports the
 * slowest admitted one. Last, the estimates of realistic patterns as a
 * share of the budget. CPU time of the calling thread, best of 3.
 *
 *   build-bench/bench/bench_patterns [random-count [seed]]
 */
#include "ids/ids_internal.h"

#include <libxml/xmlregexp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void quiet(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

/* Best of 3 compile times, in seconds; *ok tells whether it compiled. */
static double compile_time(const char *pattern, bool *ok)
{
    double best = 1e9;
    for (int i = 0; i < 3; i++) {
        double t = cpu_now();
        xmlRegexpPtr re = xmlRegexpCompile((const xmlChar *)pattern);
        double d = cpu_now() - t;
        if (ok != NULL)
            *ok = re != NULL;
        xmlRegFreeRegexp(re);
        if (d < best)
            best = d;
        if (d > 0.5)
            break; /* slow enough to see; no need for three */
    }
    return best;
}

static bool admitted(const char *pattern)
{
    if (strlen(pattern) > IDS_MAX_PATTERN_BYTES)
        return false;
    ids_pattern_estimate e = ids_pattern_estimate_of(pattern);
    return !e.too_deep && !e.nullable_counted && e.cost <= IDS_PATTERN_BUDGET;
}

/* ---- families: prefix + unit x n + suffix, or nested n deep ---- */

typedef struct family {
    const char *name;
    const char *prefix, *unit, *suffix;
    const char *open, *close; /* nested: open x n, unit, close x n */
} family;

static char *build(const family *f, size_t n)
{
    size_t len = strlen(f->prefix) + strlen(f->suffix) + 1 +
                 n * (strlen(f->unit) + (f->open ? strlen(f->open) + strlen(f->close) : 0));
    char *s = malloc(len + 1);
    s[0] = '\0';
    strcat(s, f->prefix);
    if (f->open != NULL) {
        for (size_t i = 0; i < n; i++)
            strcat(s, f->open);
        strcat(s, f->unit);
        for (size_t i = 0; i < n; i++)
            strcat(s, f->close);
    } else {
        for (size_t i = 0; i < n; i++)
            strcat(s, f->unit);
    }
    strcat(s, f->suffix);
    return s;
}

static const family families[] = {
    {"a? chain", "", "a?", "", NULL, NULL},
    {"a* chain", "", "a*", "", NULL, NULL},
    {"[a-z]? chain", "", "[a-z]?", "", NULL, NULL},
    {".* chain", "", ".*", "", NULL, NULL},
    {"(a|) chain", "", "(a|)", "", NULL, NULL},
    {"(a?|b?) chain", "", "(a?|b?)", "", NULL, NULL},
    {"(a|b|c|d|e|f|g|h)? chain", "", "(a|b|c|d|e|f|g|h)?", "", NULL, NULL},
    {"(a|b|...|z)* chain", "", "(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y|z)*", "",
     NULL, NULL},
    {"(a?b?) chain", "", "(a?b?)", "", NULL, NULL},
    {"(ab)? chain", "", "(ab)?", "", NULL, NULL},
    {"a{0,5} chain", "", "a{0,5}", "", NULL, NULL},
    {"(a?){1,2} chain", "", "(a?){1,2}", "", NULL, NULL},
    {"(a?){2} chain", "", "(a?){2}", "", NULL, NULL},
    {"(a?)* chain", "", "(a?)*", "", NULL, NULL},
    {"(a*b*)* chain", "", "(a*b*)*", "", NULL, NULL},
    {"(a? chain)*", "(", "a?", ")*", NULL, NULL},
    {"(a? chain){2,3}", "(", "a?", "){2,3}", NULL, NULL},
    {"(a? chain){30}", "(", "a?", "){30}", NULL, NULL},
    {"(a|b|...)* words", "(", "abcde|", "x)*", NULL, NULL},
    {"a|a|a... alternation", "", "a|", "a", NULL, NULL},
    {"nested (..)?", "", "a?", "", "(", ")?"},
    {"nested (..)*", "", "a?", "", "(", ")*"},
    {"nested (..){2}", "", "a?", "", "(", "){2}"},
    {"nested (..){1,3}", "", "a?", "", "(", "){1,3}"},
    {"nested (..)+", "", "a?", "", "(", ")+"},
};

/* Largest n the budget admits (bisection; admitted is monotone in n for
 * these shapes), or 0. */
static size_t largest_admitted(const family *f)
{
    size_t lo = 0, hi = 1;
    for (;;) {
        char *s = build(f, hi);
        bool ok = admitted(s);
        free(s);
        if (!ok)
            break;
        lo = hi;
        hi *= 2;
        if (hi > 8192)
            return lo;
    }
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        char *s = build(f, mid);
        bool ok = admitted(s);
        free(s);
        if (ok)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* ---- random patterns ---- */

static unsigned long long rng_state = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

typedef struct gen {
    char *buf;
    size_t len, cap;
} gen;

static void put(gen *g, const char *s)
{
    size_t n = strlen(s);
    if (g->len + n + 1 > g->cap)
        return;
    memcpy(g->buf + g->len, s, n + 1);
    g->len += n;
}

static void quantifier(gen *g)
{
    static const char *const q[] = {"", "", "?", "?", "*", "+", "{0,2}", "{2}", "{1,3}",
                                    "{0,1}", "{3,}", ""};
    put(g, q[rnd(sizeof(q) / sizeof(q[0]))]);
}

static void regexp(gen *g, int depth);

static void atom(gen *g, int depth)
{
    static const char *const atoms[] = {"a", "b", "c", "[a-z]", ".", "\\d", "[^x]", "x"};
    if (depth < 6 && rnd(4) == 0) {
        put(g, "(");
        regexp(g, depth + 1);
        put(g, ")");
    } else {
        put(g, atoms[rnd(sizeof(atoms) / sizeof(atoms[0]))]);
    }
    quantifier(g);
}

/* Pieces per top-level branch, chosen per pattern so that sizes spread
 * over the whole range the budget cuts through. */
static unsigned top_pieces = 100;

static void regexp(gen *g, int depth)
{
    unsigned branches = 1 + (rnd(3) == 0 ? rnd(6) : 0);
    for (unsigned b = 0; b < branches; b++) {
        if (b > 0)
            put(g, "|");
        unsigned pieces = depth == 0 ? 1 + rnd(top_pieces) : rnd(12);
        for (unsigned i = 0; i < pieces; i++)
            atom(g, depth);
    }
}

int main(int argc, char **argv)
{
    unsigned random_count = argc > 1 ? (unsigned)atoi(argv[1]) : 2000;
    if (argc > 2)
        rng_state = strtoull(argv[2], NULL, 10) | 1;
    ids_library_init();
    xmlSetStructuredErrorFunc(NULL, quiet);
    xmlRegFreeRegexp(xmlRegexpCompile((const xmlChar *)"a?b[c-d]"));

    printf("budget %.0f per pattern, %.0f per validation\n\n", (double)IDS_PATTERN_BUDGET,
           (double)IDS_PATTERN_DOC_BUDGET);
    printf("%-28s %6s %6s %12s %10s %8s\n", "shape", "n", "bytes", "estimate", "compile", "ns/unit");
    double worst = 0;
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        const family *f = &families[i];
        size_t n = largest_admitted(f);
        char *s = build(f, n);
        ids_pattern_estimate e = ids_pattern_estimate_of(s);
        bool ok = false;
        double t = compile_time(s, &ok);
        printf("%-28s %6zu %6zu %12.0f %8.2f ms %8.2f%s\n", f->name, n, strlen(s), e.cost,
               t * 1e3, e.cost > 0 ? t * 1e9 / e.cost : 0, ok ? "" : " (invalid)");
        if (t > worst)
            worst = t;
        /* One step over the budget, to show what is refused. */
        char *over = build(f, n + 1);
        if (strlen(over) <= IDS_MAX_PATTERN_BYTES && n > 0 && n < 8192) {
            double t2 = compile_time(over, NULL);
            printf("%-28s %6zu %6zu %12.0f %8.2f ms   refused\n", "", n + 1, strlen(over),
                   ids_pattern_estimate_of(over).cost, t2 * 1e3);
        }
        free(over);
        free(s);
    }
    printf("slowest admitted shape: %.2f ms\n\n", worst * 1e3);

    double worst_random = 0, worst_est = 0;
    size_t admitted_n = 0;
    char worst_text[80] = "";
    gen g = {malloc(IDS_MAX_PATTERN_BYTES + 1), 0, IDS_MAX_PATTERN_BYTES + 1};
    for (unsigned i = 0; i < random_count; i++) {
        g.len = 0;
        g.buf[0] = '\0';
        top_pieces = 1 + rnd(250);
        regexp(&g, 0);
        if (!admitted(g.buf))
            continue;
        admitted_n++;
        double t = compile_time(g.buf, NULL);
        if (t > worst_random) {
            worst_random = t;
            worst_est = ids_pattern_estimate_of(g.buf).cost;
            snprintf(worst_text, sizeof(worst_text), "%.60s%s", g.buf,
                     strlen(g.buf) > 60 ? "..." : "");
        }
    }
    free(g.buf);
    printf("random: %u patterns, %zu admitted; slowest %.2f ms (estimate %.0f): %s\n\n",
           random_count, admitted_n, worst_random * 1e3, worst_est, worst_text);

    /* Hill climbing from the slowest shapes' neighbourhood: random edits
     * kept when the pattern stays admitted and compiles slower. */
    static const char *const tokens[] = {"a?", "b?", "(", ")", "|", "[a-z]?", "*", "?",
                                         "{0,2}", "{2}", "{1,3}", "(a|b)?", ")?", ")*",
                                         "){1,3}", "){2}", "x", ".*", "(a?|b?)"};
    static const char *const seeds[] = {"a?", "[a-z]?", "(a?b?)", "(a|b)?", "(a?){1,2}",
                                        "((a?)*){2}", "(a|)", ".*"};
    double climb_worst = 0, climb_est = 0;
    char climb_text[80] = "";
    unsigned climb_steps = random_count;
    for (size_t sd = 0; sd < sizeof(seeds) / sizeof(seeds[0]); sd++) {
        char cur[IDS_MAX_PATTERN_BYTES + 1] = "";
        for (;;) {
            size_t used = strlen(cur), add = strlen(seeds[sd]);
            if (used + add > IDS_MAX_PATTERN_BYTES)
                break;
            memcpy(cur + used, seeds[sd], add + 1);
            if (!admitted(cur)) {
                cur[used] = '\0';
                break;
            }
        }
        double cur_t = compile_time(cur, NULL);
        for (unsigned step = 0; step < climb_steps; step++) {
            char next[IDS_MAX_PATTERN_BYTES + 64];
            size_t len = strlen(cur);
            size_t at = len > 0 ? rnd((unsigned)len + 1) : 0;
            const char *tok = tokens[rnd(sizeof(tokens) / sizeof(tokens[0]))];
            size_t cut = rnd(3) == 0 && at < len ? 1 + rnd(4) : 0;
            if (at + cut > len)
                cut = len - at;
            snprintf(next, sizeof(next), "%.*s%s%s", (int)at, cur, rnd(2) ? tok : "",
                     cur + at + cut);
            if (!admitted(next))
                continue;
            bool ok = false;
            double t = compile_time(next, &ok);
            if (ok && t > cur_t) {
                memcpy(cur, next, strlen(next) + 1);
                cur_t = t;
            }
        }
        if (cur_t > climb_worst) {
            climb_worst = cur_t;
            climb_est = ids_pattern_estimate_of(cur).cost;
            snprintf(climb_text, sizeof(climb_text), "%.60s%s", cur,
                     strlen(cur) > 60 ? "..." : "");
        }
    }
    printf("climb: %u steps from each of 8 seeds; slowest %.2f ms (estimate %.0f): %s\n\n",
           climb_steps, climb_worst * 1e3, climb_est, climb_text);

    static const char *const realistic[] = {
        "[A-Z]{2}[0-9]{3}", "EI(30|60|90)", "\\w+", ".*", "[^@]+@[^\\.]+\\..+",
        "(-|[0-9]{2,3})\\/(-|[0-9]{2,3})\\/(-|[0-9]{2,3})", "NumberOfRiser(s)?",
        "[A-Z][a-z]+( [A-Z][a-z]+)*", "(Pset|Qto)_[A-Za-z0-9]+",
        "[0-9]{1,5}(\\.[0-9]{1,2})?", "https?://[a-z0-9.-]+(/[^ ]*)?",
        "[A-Z]{2,4}-[0-9]{3}(-[A-Z])?(_[0-9]{2})?",
        "(EI|REI|R)(15|30|45|60|90|120|180|240)( ?- ?[A-Z]+)?",
    };
    printf("%-50s %12s %8s\n", "realistic pattern", "estimate", "budget");
    for (size_t i = 0; i < sizeof(realistic) / sizeof(realistic[0]); i++) {
        double c = ids_pattern_estimate_of(realistic[i]).cost;
        printf("%-50s %12.0f %7.3f%%\n", realistic[i], c, 100 * c / IDS_PATTERN_BUDGET);
    }
    /* 200 short words as one alternation. */
    char words[4096] = "";
    for (int i = 0; i < 200; i++) {
        char w[16];
        snprintf(w, sizeof(w), "%sw%03dx", i ? "|" : "", i);
        strcat(words, w);
    }
    double c = ids_pattern_estimate_of(words).cost;
    printf("%-50s %12.0f %7.3f%%  compile %.2f ms\n", "200 words w000x|w001x|...", c,
           100 * c / IDS_PATTERN_BUDGET, compile_time(words, NULL) * 1e3);
    ids_library_cleanup();
    return 0;
}
