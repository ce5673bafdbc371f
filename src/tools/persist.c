/*
 * persist.c - the tool layer's side of durable sessions: what a session's
 * payload becomes in the store and back (the document as export_ids
 * writes it, and what the session remembers for the agent as a short
 * text), and the durable acknowledgement of a changing call.
 *
 * A call that changed the document is answered only after the new
 * document is durable (session_persist). If the store fails, the call
 * fails with isError and the session's document is the last durable one
 * again (session_persist_reload), so what memory serves is always what a
 * restart would bring back.
 */
#include "tools/tools_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define META_VERSION "m2"

/* What the session keeps beside its document, as a short versioned text:
 *   m2;n=NEXT_SPEC,NEXT_FACET;c=CURRENT_SPEC;u=UNEXPORTED;
 *   then per specification, in document order:
 *   s=HANDLE,CURRENT_FACET;a=F,F,...;r=F,...;
 * The handles (S3, F7) must come back as they were: a client holds them,
 * and after a restart, or on another instance of a shared store, "S3"
 * must still name the same specification. */
static char *meta_encode(const tool_session *ts, size_t *len)
{
    base_buf b = {0};
    base_buf_printf(&b, "%s;n=%u,%u;c=%u;u=%d;", META_VERSION, ts->next_spec,
                    ts->next_facet, ts->current_spec, ts->unexported ? 1 : 0);
    for (size_t i = 0; i < ts->n_specs; i++) {
        const tool_spec_handles *h = &ts->specs[i];
        base_buf_printf(&b, "s=%u,%u;", h->id, h->current_facet);
        for (int loc = 0; loc < 2; loc++) {
            base_buf_append_str(&b, loc == IDS_APPLICABILITY ? "a=" : "r=");
            for (size_t j = 0; j < h->facets[loc].n; j++)
                base_buf_printf(&b, j > 0 ? ",%u" : "%u", h->facets[loc].ids[j]);
            base_buf_append_char(&b, ';');
        }
    }
    if (b.error != BASE_OK) {
        base_buf_free(&b);
        return NULL;
    }
    return base_buf_take(&b, len);
}

static bool read_uint(const char **p, const char *end, unsigned *out)
{
    unsigned long v = 0;
    const char *q = *p;
    if (q >= end || *q < '0' || *q > '9')
        return false;
    while (q < end && *q >= '0' && *q <= '9') {
        v = v * 10 + (unsigned long)(*q - '0');
        if (v > 0xffffffffu)
            return false;
        q++;
    }
    *p = q;
    *out = (unsigned)v;
    return true;
}

static bool expect(const char **p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - *p) < n || memcmp(*p, word, n) != 0)
        return false;
    *p += n;
    return true;
}

static int cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* Puts the stored handles onto ts, whose lists tool_handles_reset shaped
 * from the document. A stored row is outside input: the text must match
 * the document's shape exactly, every handle must be below its counter
 * and unique; otherwise nothing is taken (the minted handles stay). */
static void meta_decode(tool_session *ts, const char *meta, size_t len)
{
    if (meta == NULL)
        return;
    const char *p = meta, *end = meta + len;
    unsigned next_spec, next_facet, current, unexported;
    size_t n_facets = 0, k = 0;
    unsigned *spec_ids = NULL, *facet_ids = NULL, *sorted = NULL;
    unsigned *cur_facets = NULL;
    if (!expect(&p, end, META_VERSION ";n=") ||
        !read_uint(&p, end, &next_spec) || !expect(&p, end, ",") ||
        !read_uint(&p, end, &next_facet) || !expect(&p, end, ";c=") ||
        !read_uint(&p, end, &current) || !expect(&p, end, ";u=") ||
        !read_uint(&p, end, &unexported) || !expect(&p, end, ";"))
        return;
    for (size_t i = 0; i < ts->n_specs; i++)
        for (int loc = 0; loc < 2; loc++)
            n_facets += ts->specs[i].facets[loc].n;
    spec_ids = calloc(ts->n_specs + 1, sizeof *spec_ids);
    cur_facets = calloc(ts->n_specs + 1, sizeof *cur_facets);
    facet_ids = calloc(n_facets + 1, sizeof *facet_ids);
    sorted = calloc((n_facets > ts->n_specs ? n_facets : ts->n_specs) + 1, sizeof *sorted);
    if (spec_ids == NULL || cur_facets == NULL || facet_ids == NULL || sorted == NULL)
        goto out;
    for (size_t i = 0; i < ts->n_specs; i++) {
        if (!expect(&p, end, "s=") || !read_uint(&p, end, &spec_ids[i]) ||
            !expect(&p, end, ",") || !read_uint(&p, end, &cur_facets[i]) ||
            !expect(&p, end, ";") || spec_ids[i] == 0 || spec_ids[i] > next_spec)
            goto out;
        for (int loc = 0; loc < 2; loc++) {
            if (!expect(&p, end, loc == IDS_APPLICABILITY ? "a=" : "r="))
                goto out;
            for (size_t j = 0; j < ts->specs[i].facets[loc].n; j++) {
                if ((j > 0 && !expect(&p, end, ",")) ||
                    !read_uint(&p, end, &facet_ids[k]) || facet_ids[k] == 0 ||
                    facet_ids[k] > next_facet)
                    goto out;
                k++;
            }
            if (!expect(&p, end, ";"))
                goto out;
        }
    }
    if (p != end)
        goto out;
    /* Unique, each kind. */
    memcpy(sorted, spec_ids, ts->n_specs * sizeof *sorted);
    qsort(sorted, ts->n_specs, sizeof *sorted, cmp_unsigned);
    for (size_t i = 1; i < ts->n_specs; i++)
        if (sorted[i] == sorted[i - 1])
            goto out;
    memcpy(sorted, facet_ids, n_facets * sizeof *sorted);
    qsort(sorted, n_facets, sizeof *sorted, cmp_unsigned);
    for (size_t i = 1; i < n_facets; i++)
        if (sorted[i] == sorted[i - 1])
            goto out;
    k = 0;
    for (size_t i = 0; i < ts->n_specs; i++) {
        ts->specs[i].id = spec_ids[i];
        ts->specs[i].current_facet = cur_facets[i];
        for (int loc = 0; loc < 2; loc++)
            for (size_t j = 0; j < ts->specs[i].facets[loc].n; j++)
                ts->specs[i].facets[loc].ids[j] = facet_ids[k++];
    }
    ts->next_spec = next_spec;
    ts->next_facet = next_facet;
    ts->current_spec = current;
    ts->unexported = unexported != 0;
out:
    free(spec_ids);
    free(cur_facets);
    free(facet_ids);
    free(sorted);
}

void *tool_session_restore(void *ctx, const char *doc, size_t doc_len,
                           const char *meta, size_t meta_len)
{
    const tool_config *cfg = ctx;
    ids_limits limits = {0};
    ids_error err;
    ids_doc *parsed = NULL;

    /* What was stored was within the limit then; a server restarted with
     * a lower limit still reads it back (the next change is checked). */
    limits.max_bytes = cfg != NULL && cfg->max_doc_bytes > doc_len ? cfg->max_doc_bytes
                                                                   : doc_len + 1;
    ids_error_clear(&err);
    if (ids_doc_load_string(doc, doc_len, &limits, &parsed, &err) != IDS_OK)
        return NULL;
    tool_session *ts = calloc(1, sizeof *ts);
    if (ts == NULL) {
        ids_doc_free(parsed);
        return NULL;
    }
    ts->doc = parsed;
    ts->doc_bytes = ids_doc_serialized_size(parsed);
    if (!tool_handles_reset(ts)) {
        tool_session_free(ts);
        return NULL;
    }
    meta_decode(ts, meta, meta_len);
    return ts;
}

/* Replaces whatever result the call has with a failure. */
static void fail_over(tool_ctx *c)
{
    json_decref(c->out->structured);
    c->out->structured = NULL;
    free(c->out->text);
    c->out->text = NULL;
    free(c->out->structured_json);
    c->out->structured_json = NULL;
}

/* After a lost compare-and-set: a pause of 0 to 2^min(lost, 4) ms, random,
 * before reading the winner's document. Without it, a call whose change
 * takes longer to make than its rivals' (a bigger edit, a slower
 * instance) can lose every round to them; with it, rivals that lost
 * together spread out. At most 16 ms a round. */
static void conflict_pause(unsigned lost)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint64_t x = (uint64_t)now.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)&now;
    x ^= x >> 29;
    unsigned span = 1u << (lost < 4 ? lost : 4); /* ms */
    uint64_t ns = (x % ((uint64_t)span * 1000000u));
    struct timespec pause = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    nanosleep(&pause, NULL);
}

bool tool_persist_change(tool_ctx *c, unsigned attempts_left)
{
    if (!c->changed || c->s == NULL || !session_persistent(c->env->store))
        return false;
    char why[400] = "";
    char *xml = NULL, *meta = NULL;
    size_t xml_len = 0, meta_len = 0;
    bool ok = false;
    session_status st = SESSION_OK;

    if (c->ts != NULL && c->ts->doc != NULL) {
        ids_error err;
        ids_error_clear(&err);
        if (ids_doc_to_string(c->ts->doc, &xml, &xml_len, &err) != IDS_OK) {
            snprintf(why, sizeof why, "the document could not be written (%s)",
                     ids_status_name(err.code));
            goto out;
        }
    }
    if (c->ts != NULL) {
        meta = meta_encode(c->ts, &meta_len);
        if (meta == NULL) {
            snprintf(why, sizeof why, "out of memory");
            goto out;
        }
    }
    st = session_persist(c->s, xml, xml_len, meta, meta_len, why, sizeof why);
    ok = st == SESSION_OK;
out:
    free(xml);
    free(meta);
    if (ok)
        return false;

    bool minted = c->env->minted_session_id[0] != '\0';
    if (st == SESSION_CONFLICT && attempts_left > 0)
        conflict_pause(TOOL_CONFLICT_RETRIES - attempts_left);
    bool linked = session_persist_reload(c->s);
    c->ts = linked ? session_payload(c->s) : NULL;
    c->bytes_known = false;
    if (st == SESSION_CONFLICT && !minted && linked && attempts_left > 0) {
        /* Another instance changed the document first: this call's change
         * is made again on top of that one, as if it had come later. */
        fail_over(c);
        c->out->is_error = false;
        c->changed = false;
        c->installed = false;
        c->answered = false;
        free(c->summary);
        c->summary = NULL;
        if (c->ts != NULL && c->ts->doc != NULL && !tool_handles_sync(c->ts)) {
            tool_fail(c, "Out of memory while reading the session. Try again.");
            return false;
        }
        return true;
    }
    if (st == SESSION_CONFLICT && !linked) {
        fail_over(c);
        tool_fail(c, "The session ended (closed through another connection, or expired) "
                     "while this call ran, so the change was not made. Start a new session "
                     "with create_ids or load_ids.");
        return false;
    }
    if (st == SESSION_CONFLICT)
        snprintf(why, sizeof why, "other calls kept changing the session at the same time");
    if (minted && linked) {
        /* A session that was never durable is not kept half-made. */
        session_remove_held(c->s);
        c->ts = NULL;
    }
    if (minted) {
        c->env->minted_session_id[0] = '\0';
        c->env->used_session_id[0] = '\0';
    }
    fail_over(c);
    tool_fail(c, "The change could not be saved, so it was not made: %s. The %s as it was "
                 "before this call. Try again later; if this keeps failing, export the "
                 "document with export_ids and tell the server's operator.",
              why, minted ? "new session was not started; the server is" : "document is");
    return false;
}
