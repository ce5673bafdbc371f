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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define META_VERSION "m1"
#define META_ENTRY_MAX 64u /* bytes of one "f=spec,loc,facet;" */

/* "m1;s=2;f=0,1,3;f=2,0,0;" - the remembered specification and, per
 * specification, the remembered facet. Small and versioned, so a later
 * idsd can read or ignore it. */
static char *meta_encode(const tool_session *ts, size_t *len)
{
    size_t cap = 32 + (ts->n_facets + 1) * META_ENTRY_MAX;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    size_t n = (size_t)snprintf(out, cap, "%s;", META_VERSION);
    if (ts->has_last_spec)
        n += (size_t)snprintf(out + n, cap - n, "s=%zu;", ts->last_spec);
    for (size_t i = 0; i < ts->n_facets; i++)
        n += (size_t)snprintf(out + n, cap - n, "f=%zu,%d,%zu;", ts->facets[i].spec,
                              (int)ts->facets[i].loc, ts->facets[i].facet);
    *len = n;
    return out;
}

/* Reads what meta_encode wrote, keeping only entries that still name a
 * specification and facet of doc: a stored row is outside input too. */
static void meta_decode(tool_session *ts, const char *meta, size_t len)
{
    char buf[4096];
    if (meta == NULL || len >= sizeof buf)
        return;
    memcpy(buf, meta, len);
    buf[len] = '\0';
    if (strncmp(buf, META_VERSION ";", strlen(META_VERSION) + 1) != 0)
        return;
    size_t specs = ids_spec_count(ts->doc);
    char *save = NULL;
    for (char *tok = strtok_r(buf + strlen(META_VERSION) + 1, ";", &save); tok != NULL;
         tok = strtok_r(NULL, ";", &save)) {
        size_t spec, facet;
        int loc, used = 0;
        if (sscanf(tok, "s=%zu%n", &spec, &used) == 1 && tok[used] == '\0') {
            if (spec < specs)
                tool_memory_set_spec(ts, spec);
        } else if (sscanf(tok, "f=%zu,%d,%zu%n", &spec, &loc, &facet, &used) == 3 &&
                   tok[used] == '\0' && spec < specs &&
                   (loc == IDS_APPLICABILITY || loc == IDS_REQUIREMENTS) &&
                   facet < ids_facet_count(ts->doc, spec, (ids_location)loc)) {
            tool_memory_set_facet(ts, spec, (ids_location)loc, facet);
        }
    }
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
    bool linked = session_persist_reload(c->s);
    c->ts = linked ? session_payload(c->s) : NULL;
    c->bytes_known = false;
    if (st == SESSION_CONFLICT && !minted && linked && attempts_left > 0) {
        /* Another instance changed the document first: this call's change
         * is made again on top of that one, as if it had come later. */
        fail_over(c);
        c->out->is_error = false;
        c->changed = false;
        free(c->summary);
        c->summary = NULL;
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
