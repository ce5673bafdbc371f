/*
 * regex.c - compiled XSD patterns for matching many subjects: the IFC
 * checker matches every applicable element's values against the patterns
 * of a specification. A pattern is admitted when the IFC audit's estimate
 * says its backtracking match is cheap (ids_regex_compile), or when
 * libxml2 makes its automaton deterministic, which matches in linear time
 * (ids_regex_compile_deterministic); others, whose matching could
 * backtrack for long, are refused rather than run against a whole model.
 */
#include "ids/ids_internal.h"

#include <stdlib.h>
#include <string.h>

#define SUBJECT_STACK 256 /* bytes matched without a heap copy */

struct ids_regex {
    xmlRegexpPtr re;
};

ids_status ids_regex_new(const char *pattern, ids_regex **out, ids_error *err)
{
    ids_regex *r;

    *out = NULL;
    r = calloc(1, sizeof *r);
    if (!r)
        return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory compiling a pattern");
    r->re = ids_regex_compile(pattern);
    if (!r->re)
        r->re = ids_regex_compile_deterministic(pattern);
    if (!r->re) {
        free(r);
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "pattern '%.200s' is not an XSD regular expression the checker "
                       "can match in bounded time; simplify it",
                       pattern ? pattern : "");
    }
    *out = r;
    return IDS_OK;
}

bool ids_regex_match(const ids_regex *r, const char *text, size_t len)
{
    char stack[SUBJECT_STACK];
    char *s = stack;
    int rc;

    if (!r || !text)
        return false;
    /* libxml2 reads a NUL-terminated subject, so text holding U+0000
     * (which no XML pattern can name) matches nothing. */
    if (memchr(text, '\0', len))
        return false;
    if (len >= sizeof stack) {
        s = malloc(len + 1);
        if (!s)
            return false;
    }
    memcpy(s, text, len);
    s[len] = '\0';
    rc = xmlRegexpExec(r->re, (const xmlChar *)s);
    if (s != stack)
        free(s);
    return rc == 1;
}

void ids_regex_free(ids_regex *r)
{
    if (!r)
        return;
    xmlRegFreeRegexp(r->re);
    free(r);
}
