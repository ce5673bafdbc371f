/*
 * handles.c - stable handles for specifications (S3) and facets (F7).
 *
 * Facets are kept in the standard's order (entity, partOf,
 * classification, attribute, property, material), so adding a
 * classification facet moves every attribute facet down one position:
 * a position a model kept from an earlier result then names another
 * facet. A handle is minted when the element is added (or the document
 * is loaded) and moves with it; the session keeps the lists, parallel to
 * the document, and the XML never sees them.
 *
 * Cost: a lookup by handle scans the lists, O(specifications + facets);
 * a document holds at most a few thousand, and every tool call already
 * walks at least one specification. Memory: 4 bytes per facet plus 40 per
 * specification.
 */
#include "tools/tools_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void facets_free(tool_spec_handles *h)
{
    for (int loc = 0; loc < 2; loc++) {
        free(h->facets[loc].ids);
        h->facets[loc].ids = NULL;
        h->facets[loc].n = h->facets[loc].cap = 0;
    }
}

void tool_handles_free(tool_session *ts)
{
    for (size_t i = 0; i < ts->n_specs; i++)
        facets_free(&ts->specs[i]);
    free(ts->specs);
    ts->specs = NULL;
    ts->n_specs = ts->cap_specs = 0;
    ts->current_spec = 0;
}

static bool facet_insert(tool_facet_ids *f, size_t at, unsigned id)
{
    if (f->n == f->cap) {
        size_t cap = f->cap == 0 ? 8 : f->cap * 2;
        unsigned *grown = realloc(f->ids, cap * sizeof(*grown));
        if (grown == NULL)
            return false;
        f->ids = grown;
        f->cap = cap;
    }
    if (at > f->n)
        at = f->n;
    memmove(&f->ids[at + 1], &f->ids[at], (f->n - at) * sizeof(f->ids[0]));
    f->ids[at] = id;
    f->n++;
    return true;
}

/* "S3" into buf (TOOL_HANDLE_SIZE): written by hand, since a handle goes
 * into nearly every result and snprintf costs more than the rest of it. */
static void handle_text(char prefix, unsigned id, char *buf)
{
    char digits[10];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + id % 10);
        id /= 10;
    } while (id != 0);
    buf[0] = prefix;
    for (size_t i = 0; i < n; i++)
        buf[1 + i] = digits[n - 1 - i];
    buf[1 + n] = '\0';
}

/* A handle must not look like another specification's identifier, or
 * "S2" would name two specifications; it may equal the specification's
 * own. ids_spec_find by identifier reads one attribute per specification,
 * not their facets. */
static bool handle_free(const ids_doc *doc, unsigned id, size_t self)
{
    char h[TOOL_HANDLE_SIZE];
    ids_spec_ref ref;
    ids_error err;
    size_t at = 0;
    memset(&ref, 0, sizeof(ref));
    ids_error_clear(&err);
    handle_text('S', id, h);
    ref.by = IDS_SPEC_BY_IDENTIFIER;
    ref.key = h;
    ids_status st = ids_spec_find(doc, &ref, &at, &err);
    if (st == IDS_OK)
        return at == self;
    return err.code == IDS_ERR_NOT_FOUND || st == IDS_ERR_NOT_FOUND;
}

static unsigned mint_spec(tool_session *ts, size_t self)
{
    for (;;) {
        unsigned id = ++ts->next_spec;
        if (handle_free(ts->doc, id, self))
            return id;
    }
}

static bool fill_spec(tool_session *ts, tool_spec_handles *h, size_t spec)
{
    for (int loc = 0; loc < 2; loc++) {
        size_t n = ids_facet_count(ts->doc, spec, (ids_location)loc);
        for (size_t j = 0; j < n; j++)
            if (!facet_insert(&h->facets[loc], j, ++ts->next_facet))
                return false;
    }
    return true;
}

bool tool_handles_reset(tool_session *ts)
{
    tool_handles_free(ts);
    if (ts->doc == NULL)
        return true;
    size_t n = ids_spec_count(ts->doc);
    if (n > 0) {
        ts->specs = calloc(n, sizeof(*ts->specs));
        if (ts->specs == NULL)
            return false;
        ts->cap_specs = n;
    }
    for (size_t i = 0; i < n; i++) {
        tool_spec_handles *h = &ts->specs[i];
        ts->n_specs++;
        h->id = mint_spec(ts, i);
        if (!fill_spec(ts, h, i))
            return false;
    }
    return true;
}

bool tool_handles_sync(tool_session *ts)
{
    if (ts->doc == NULL) {
        if (ts->n_specs > 0)
            tool_handles_free(ts);
        return true;
    }
    if (ts->n_specs == ids_spec_count(ts->doc))
        return true;
    return tool_handles_reset(ts);
}

bool tool_handles_sync_facets(tool_session *ts, size_t spec, ids_location loc,
                              size_t count)
{
    if (spec >= ts->n_specs)
        return tool_handles_reset(ts);
    tool_facet_ids *f = &ts->specs[spec].facets[loc];
    if (f->n == count)
        return true;
    f->n = 0;
    for (size_t j = 0; j < count; j++)
        if (!facet_insert(f, j, ++ts->next_facet))
            return false;
    return true;
}

bool tool_handles_spec_added(tool_session *ts, size_t spec)
{
    if (ts->n_specs == ts->cap_specs) {
        size_t cap = ts->cap_specs == 0 ? 8 : ts->cap_specs * 2;
        tool_spec_handles *grown = realloc(ts->specs, cap * sizeof(*grown));
        if (grown == NULL)
            return false;
        ts->specs = grown;
        ts->cap_specs = cap;
    }
    if (spec > ts->n_specs)
        spec = ts->n_specs;
    memmove(&ts->specs[spec + 1], &ts->specs[spec],
            (ts->n_specs - spec) * sizeof(ts->specs[0]));
    memset(&ts->specs[spec], 0, sizeof(ts->specs[0]));
    ts->n_specs++;
    ts->specs[spec].id = mint_spec(ts, spec);
    return fill_spec(ts, &ts->specs[spec], spec);
}

void tool_handles_spec_removed(tool_session *ts, size_t spec)
{
    if (spec >= ts->n_specs)
        return;
    if (ts->current_spec == ts->specs[spec].id)
        ts->current_spec = 0;
    facets_free(&ts->specs[spec]);
    memmove(&ts->specs[spec], &ts->specs[spec + 1],
            (ts->n_specs - spec - 1) * sizeof(ts->specs[0]));
    ts->n_specs--;
}

unsigned tool_handles_facet_added(tool_session *ts, size_t spec, ids_location loc,
                                  size_t index)
{
    if (spec >= ts->n_specs)
        return 0;
    unsigned id = ++ts->next_facet;
    if (!facet_insert(&ts->specs[spec].facets[loc], index, id))
        return 0;
    return id;
}

void tool_handles_facet_removed(tool_session *ts, size_t spec, ids_location loc,
                                size_t index)
{
    if (spec >= ts->n_specs)
        return;
    tool_spec_handles *h = &ts->specs[spec];
    tool_facet_ids *f = &h->facets[loc];
    if (index >= f->n)
        return;
    if (h->current_facet == f->ids[index])
        h->current_facet = 0;
    memmove(&f->ids[index], &f->ids[index + 1], (f->n - index - 1) * sizeof(f->ids[0]));
    f->n--;
}

const char *tool_spec_handle(const tool_session *ts, size_t spec, char *buf)
{
    buf[0] = '\0';
    if (spec < ts->n_specs)
        handle_text('S', ts->specs[spec].id, buf);
    return buf;
}

const char *tool_facet_handle(const tool_session *ts, size_t spec, ids_location loc,
                              size_t index, char *buf)
{
    buf[0] = '\0';
    if (spec < ts->n_specs && index < ts->specs[spec].facets[loc].n)
        handle_text('F', ts->specs[spec].facets[loc].ids[index], buf);
    return buf;
}

unsigned tool_handle_parse(const char *text, char prefix)
{
    if (text == NULL)
        return 0;
    while (*text == ' ')
        text++;
    if (toupper((unsigned char)text[0]) != prefix)
        return 0;
    const char *p = text + 1;
    unsigned long v = 0;
    if (!isdigit((unsigned char)*p))
        return 0;
    for (; isdigit((unsigned char)*p); p++) {
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > 0xFFFFFFFFul)
            return 0;
    }
    while (*p == ' ')
        p++;
    return *p == '\0' ? (unsigned)v : 0;
}

bool tool_spec_by_handle(const tool_session *ts, unsigned id, size_t *spec)
{
    for (size_t i = 0; id != 0 && i < ts->n_specs; i++) {
        if (ts->specs[i].id == id) {
            *spec = i;
            return true;
        }
    }
    return false;
}

bool tool_facet_by_handle(const tool_session *ts, unsigned id, size_t *spec,
                          ids_location *loc, size_t *index)
{
    for (size_t i = 0; id != 0 && i < ts->n_specs; i++) {
        for (int l = 0; l < 2; l++) {
            const tool_facet_ids *f = &ts->specs[i].facets[l];
            for (size_t j = 0; j < f->n; j++) {
                if (f->ids[j] == id) {
                    *spec = i;
                    *loc = (ids_location)l;
                    *index = j;
                    return true;
                }
            }
        }
    }
    return false;
}

/* ---- what the session remembers ---- */

void tool_memory_set_spec(tool_session *ts, size_t spec)
{
    if (spec < ts->n_specs)
        ts->current_spec = ts->specs[spec].id;
}

bool tool_memory_spec(const tool_session *ts, size_t *spec)
{
    return tool_spec_by_handle(ts, ts->current_spec, spec);
}

void tool_memory_set_facet(tool_session *ts, size_t spec, ids_location loc, size_t facet)
{
    if (spec < ts->n_specs && facet < ts->specs[spec].facets[loc].n)
        ts->specs[spec].current_facet = ts->specs[spec].facets[loc].ids[facet];
}

bool tool_memory_facet(const tool_session *ts, size_t spec, ids_location *loc,
                       size_t *facet)
{
    if (spec >= ts->n_specs || ts->specs[spec].current_facet == 0)
        return false;
    size_t s;
    return tool_facet_by_handle(ts, ts->specs[spec].current_facet, &s, loc, facet) &&
           s == spec;
}
