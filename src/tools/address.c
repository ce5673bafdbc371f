/*
 * address.c - which facet a call means: facet_id (a handle, F7), or
 * spec_id + location + facet_index, or what the session remembers.
 *
 * A handle names one facet for as long as the session holds the
 * document; a position names whatever is there now. When both are given
 * and disagree, the call is refused rather than guessed: the model's
 * picture of the document is then out of date, and editing either facet
 * could be the wrong one.
 */
#include "tools/tools_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tool_facet_list_text(const tool_session *ts, const ids_spec_view *view, size_t spec,
                          ids_location loc, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < view->n_facets[loc]; i++) {
        const ids_facet *f = &view->facets[loc][i];
        char h[TOOL_HANDLE_SIZE], label[160];
        tool_facet_handle(ts, spec, loc, i, h);
        tool_facet_label(f, label, sizeof(label));
        size_t w = base_utf8_format(buf + used, size - used, "%s%s (facet_index %zu, %s%s%s)",
                                    i == 0 ? "" : ", ", h, i, ids_facet_kind_name(f->kind),
                                    label[0] != '\0' ? " " : "", label);
        if (used + w + 1 >= size)
            return;
        used += w;
    }
    if (used == 0)
        base_utf8_format(buf, size, "none");
}

static bool by_handle(tool_ctx *c, json_t *r, const char *text, tool_facet_at *at)
{
    unsigned id = tool_handle_parse(text, 'F');
    size_t spec = 0, index = 0;
    ids_location loc = IDS_REQUIREMENTS;
    if (id == 0 || !tool_facet_by_handle(c->ts, id, &spec, &loc, &index)) {
        tool_fail(c, "facet_id '%s' names no facet of this document%s. facet_id is the "
                     "handle (F1, F2, ...) that add_*_facet and get_specification return; "
                     "call get_specification to list them.",
                  BASE_QUOTE(text, 40),
                  id == 0 ? " (a handle is F and a number, such as F3)" : " (it was removed)");
        return false;
    }
    json_t *sarg = tool_arg(c, "spec_id");
    if (sarg != NULL && !json_is_null(sarg) &&
        !(json_is_string(sarg) && json_string_value(sarg)[0] == '\0')) {
        json_t *probe = json_object();
        size_t named = 0;
        bool ok = tool_resolve_spec(c, probe, &named);
        json_decref(probe);
        if (!ok)
            return false;
        if (named != spec) {
            char h[TOOL_HANDLE_SIZE];
            tool_fail(c, "facet_id '%s' is a facet of specification %s (position %zu), not of "
                         "the spec_id given. Leave spec_id out: facet_id alone names the "
                         "facet.",
                      BASE_QUOTE(text, 40), tool_spec_handle(c->ts, spec, h), spec + 1);
            return false;
        }
    }
    const char *larg = tool_arg_str(c, "location");
    if (larg != NULL && ids_location_from_name(larg) != (int)loc) {
        tool_fail(c, "facet_id '%s' is in %s, not %s. Leave location out: facet_id alone "
                     "names the facet.",
                  BASE_QUOTE(text, 40), ids_location_name(loc), BASE_QUOTE(larg, 20));
        return false;
    }
    json_t *iarg = tool_arg(c, "facet_index");
    if (json_is_integer(iarg) && (size_t)json_integer_value(iarg) != index) {
        tool_fail(c, "facet_id '%s' is at facet_index %zu, not %lld: facets moved since "
                     "that position was read. Leave facet_index out: facet_id alone names "
                     "the facet.",
                  BASE_QUOTE(text, 40), index, (long long)json_integer_value(iarg));
        return false;
    }
    tool_spec_result(c, r, spec);
    json_object_set_new(r, "spec_id_defaulted", json_false());
    tool_memory_set_spec(c->ts, spec);
    at->spec = spec;
    at->loc = loc;
    at->index = index;
    at->loc_defaulted = false;
    at->index_defaulted = false;
    return true;
}

bool tool_resolve_facet(tool_ctx *c, json_t *r, bool allow_default, tool_facet_at *at)
{
    ids_error err;
    char list[1024];
    ids_error_clear(&err);
    memset(at, 0, sizeof(*at));
    const char *fid = tool_arg_str(c, "facet_id");
    if (fid != NULL && fid[0] == '\0')
        fid = NULL;
    if (fid != NULL) {
        if (!by_handle(c, r, fid, at))
            return false;
    } else {
        if (!tool_resolve_spec(c, r, &at->spec))
            return false;
    }
    if (ids_spec_get(c->ts->doc, at->spec, &at->view, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not read the specification");
        return false;
    }
    for (int l = 0; l < 2; l++) {
        if (!tool_handles_sync_facets(c->ts, at->spec, (ids_location)l,
                                      at->view->n_facets[l])) {
            tool_fail(c, "Out of memory while reading the specification. Try again.");
            goto fail;
        }
    }
    if (fid == NULL) {
        ids_location mloc = IDS_REQUIREMENTS;
        size_t mfacet = 0;
        bool remembered = tool_memory_facet(c->ts, at->spec, &mloc, &mfacet);
        const char *loc_arg = tool_arg_str(c, "location");
        json_t *idx_arg = tool_arg(c, "facet_index");
        at->loc_defaulted = loc_arg == NULL;
        at->index_defaulted = idx_arg == NULL || json_is_null(idx_arg);
        if (!allow_default && at->index_defaulted) {
            tool_fail(c, "Say which facet: facet_id (the handle, such as F3, from "
                         "add_*_facet or get_specification), or location and "
                         "facet_index.");
            goto fail;
        }
        if (!at->loc_defaulted)
            at->loc = (ids_location)ids_location_from_name(loc_arg);
        else if (at->index_defaulted && remembered)
            at->loc = mloc;
        else
            at->loc = IDS_REQUIREMENTS;
        size_t count = at->view->n_facets[at->loc];
        char h[TOOL_HANDLE_SIZE];
        tool_spec_handle(c->ts, at->spec, h);
        if (count == 0) {
            tool_fail(c, "Specification %s has no %s facets. Add one first (for example "
                         "add_property_facet with location %s), or pass facet_id.",
                      h, ids_location_name(at->loc), ids_location_name(at->loc));
            goto fail;
        }
        if (!at->index_defaulted) {
            json_int_t i = json_integer_value(idx_arg);
            if (i < 0 || (size_t)i >= count) {
                tool_facet_list_text(c->ts, at->view, at->spec, at->loc, list, sizeof(list));
                tool_fail(c, "facet_index %lld is out of range: %s of specification %s has "
                             "%s. Prefer facet_id, which does not move.",
                          (long long)i, ids_location_name(at->loc), h, list);
                goto fail;
            }
            at->index = (size_t)i;
        } else if (remembered && mloc == at->loc && mfacet < count) {
            at->index = mfacet;
        } else if (count == 1) {
            at->index = 0;
        } else {
            tool_facet_list_text(c->ts, at->view, at->spec, at->loc, list, sizeof(list));
            tool_fail(c, "facet_id is needed: no facet was added to %s of specification %s "
                         "in this session, and it has %zu: %s.",
                      ids_location_name(at->loc), h, count, list);
            goto fail;
        }
    }
    at->facet = &at->view->facets[at->loc][at->index];
    char h[TOOL_HANDLE_SIZE], label[160];
    tool_facet_handle(c->ts, at->spec, at->loc, at->index, h);
    tool_facet_label(at->facet, label, sizeof(label));
    json_object_set_new(r, "facet_id", json_string(h));
    json_object_set_new(r, "location", json_string(ids_location_name(at->loc)));
    json_object_set_new(r, "location_defaulted", json_boolean(at->loc_defaulted));
    json_object_set_new(r, "facet_index", json_integer((json_int_t)at->index));
    json_object_set_new(r, "facet_index_defaulted", json_boolean(at->index_defaulted));
    json_object_set_new(r, "facet_kind", json_string(ids_facet_kind_name(at->facet->kind)));
    json_object_set_new(r, "facet_label", json_string(label));
    return true;
fail:
    ids_spec_view_free(at->view);
    at->view = NULL;
    return false;
}

void tool_facet_at_clear(tool_facet_at *at)
{
    ids_spec_view_free(at->view);
    at->view = NULL;
    at->facet = NULL;
}

json_t *tool_moved_json(const tool_session *ts, size_t spec, ids_location loc,
                        const ids_spec_view *before, size_t from, int shift)
{
    json_t *moved = json_array();
    if (before == NULL)
        return moved;
    for (size_t i = from; i < before->n_facets[loc]; i++) {
        const ids_facet *f = &before->facets[loc][i];
        size_t now = shift > 0 ? i + 1 : i - 1;
        char h[TOOL_HANDLE_SIZE], label[160];
        tool_facet_handle(ts, spec, loc, now, h);
        tool_facet_label(f, label, sizeof(label));
        json_array_append_new(moved, json_pack("{s:s, s:s, s:s, s:I, s:I}", "facet_id", h,
                                               "kind", ids_facet_kind_name(f->kind), "label",
                                               label, "from", (json_int_t)i, "to",
                                               (json_int_t)now));
    }
    return moved;
}
