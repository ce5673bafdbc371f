/*
 * resolve.c - turning arguments into engine inputs and engine views back
 * into JSON: specification lookup with the session's defaults, facet
 * parameter values (plain or restriction), facets as JSON.
 */
#include "tools/tools_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <strings.h>

/* ---- arguments ---- */

json_t *tool_arg(const tool_ctx *c, const char *name)
{
    return json_object_get(c->args, name);
}

const char *tool_arg_str(const tool_ctx *c, const char *name)
{
    return json_string_value(json_object_get(c->args, name));
}

bool tool_arg_given(const tool_ctx *c, const char *name)
{
    json_t *v = json_object_get(c->args, name);
    return v != NULL && !json_is_null(v);
}

char *tool_scalar_dup(const json_t *value)
{
    char buf[64];
    if (json_is_string(value))
        return strdup(json_string_value(value));
    if (json_is_integer(value)) {
        snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        return strdup(buf);
    }
    if (json_is_real(value)) {
        double d = json_real_value(value);
        /* The shortest form that reads back as the same double, so 0.1
         * stays "0.1" rather than "0.10000000000000001". */
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, sizeof(buf), "%.*g", prec, d);
            if (strtod(buf, NULL) == d)
                break;
        }
        return strdup(buf);
    }
    if (json_is_boolean(value))
        return strdup(json_is_true(value) ? "true" : "false");
    return NULL;
}

/* ---- specifications ---- */

char *tool_spec_name_dup(const ids_doc *doc, size_t index, char **identifier_out)
{
    ids_error err;
    char *name = NULL, *ident = NULL;
    if (identifier_out != NULL)
        *identifier_out = NULL;
    if (ids_spec_field_get(doc, index, IDS_SPEC_NAME, &name, &err) != IDS_OK || name == NULL)
        name = strdup("");
    if (identifier_out != NULL &&
        ids_spec_field_get(doc, index, IDS_SPEC_IDENTIFIER, &ident, &err) == IDS_OK &&
        ident != NULL) {
        if (ident[0] != '\0')
            *identifier_out = ident;
        else
            free(ident);
    }
    return name;
}

char *tool_spec_list_text(const tool_session *ts)
{
    ids_summary *sum = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_doc_summary(ts->doc, &sum, &err) != IDS_OK || sum == NULL)
        return strdup("");
    size_t cap = 1024, used = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        goto out;
    buf[0] = '\0';
    for (size_t i = 0; i < sum->n_specs && i < 30; i++) {
        const char *name = sum->specs[i].fields[IDS_SPEC_NAME];
        const char *ident = sum->specs[i].fields[IDS_SPEC_IDENTIFIER];
        char one[320], h[TOOL_HANDLE_SIZE];
        tool_spec_handle(ts, i, h);
        if (ident != NULL && ident[0] != '\0')
            snprintf(one, sizeof(one), "%s%s '%s' (position %zu, identifier %s)",
                     i == 0 ? "" : ", ", h, BASE_QUOTE(name, 120), i + 1,
                     BASE_QUOTE(ident, 120));
        else
            snprintf(one, sizeof(one), "%s%s '%s' (position %zu)", i == 0 ? "" : ", ", h,
                     BASE_QUOTE(name, 120), i + 1);
        size_t n = strlen(one);
        if (used + n + 8 > cap)
            break;
        memcpy(buf + used, one, n + 1);
        used += n;
    }
    if (sum->n_specs > 30 && used + 8 < cap)
        memcpy(buf + used, ", ...", 6);
out:
    ids_summary_free(sum);
    return buf;
}

void tool_spec_result(tool_ctx *c, json_t *result, size_t index)
{
    char h[TOOL_HANDLE_SIZE];
    char *ident = NULL;
    char *name = tool_spec_name_dup(c->ts->doc, index, &ident);
    json_object_set_new(result, "spec_id", json_string(tool_spec_handle(c->ts, index, h)));
    json_object_set_new(result, "spec_index", json_integer((json_int_t)index + 1));
    json_object_set_new(result, "spec_name", json_string(name != NULL ? name : ""));
    if (ident != NULL)
        json_object_set_new(result, "identifier", json_string(ident));
    free(name);
    free(ident);
}

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* A string spec_id: a handle, an identifier, a name, or a position in
 * decimal. Two of them naming different specifications is refused rather
 * than guessed: an identifier "2" must never shadow position 2. */
static bool find_spec_key(tool_ctx *c, const char *key, size_t count, size_t *idx)
{
    ids_doc *doc = c->ts->doc;
    struct { const char *what; size_t at; bool hit; } m[4];
    memset(m, 0, sizeof(m));
    m[0].what = "the handle";
    m[1].what = "the identifier";
    m[2].what = "the name";
    m[3].what = "the position";
    unsigned h = tool_handle_parse(key, 'S');
    m[0].hit = h != 0 && tool_spec_by_handle(c->ts, h, &m[0].at);
    static const ids_spec_by by[] = {IDS_SPEC_BY_IDENTIFIER, IDS_SPEC_BY_NAME};
    for (int k = 0; k < 2; k++) {
        ids_spec_ref ref;
        ids_error err;
        memset(&ref, 0, sizeof(ref));
        ids_error_clear(&err);
        ref.by = by[k];
        ref.key = key;
        if (ids_spec_find(doc, &ref, &m[1 + k].at, &err) == IDS_OK) {
            m[1 + k].hit = true;
        } else if (err.code != IDS_ERR_NOT_FOUND && err.code != IDS_OK) {
            char *list = tool_spec_list_text(c->ts);
            tool_fail(c, "spec_id '%s' matches %s of more than one specification; pass the "
                         "handle (S1, S2, ...) instead: %s.",
                      BASE_QUOTE(key, 60), m[1 + k].what, list != NULL ? list : "");
            free(list);
            return false;
        }
    }
    if (all_digits(key) && strlen(key) < 10) {
        size_t pos = (size_t)strtoul(key, NULL, 10);
        if (pos >= 1 && pos <= count) {
            m[3].hit = true;
            m[3].at = pos - 1;
        }
    }
    int first = -1;
    for (int k = 0; k < 4; k++) {
        if (!m[k].hit)
            continue;
        if (first < 0) {
            first = k;
            continue;
        }
        if (m[k].at != m[first].at) {
            char *list = tool_spec_list_text(c->ts);
            tool_fail(c, "spec_id '%s' is ambiguous: it is %s of specification %zu and %s of "
                         "specification %zu. Pass the handle instead: %s.",
                      BASE_QUOTE(key, 60), m[first].what, m[first].at + 1, m[k].what,
                      m[k].at + 1, list != NULL ? list : "");
            free(list);
            return false;
        }
    }
    if (first < 0) {
        char *list = tool_spec_list_text(c->ts);
        tool_fail(c, "spec_id '%s' not found; specifications: %s. Pass a handle (as "
                     "listed), an identifier, a name or a 1-based position.",
                  BASE_QUOTE(key, 80), list != NULL ? list : "");
        free(list);
        return false;
    }
    *idx = m[first].at;
    return true;
}

bool tool_resolve_spec(tool_ctx *c, json_t *result, size_t *index)
{
    ids_doc *doc = c->ts->doc;
    size_t count = ids_spec_count(doc);
    json_t *arg = tool_arg(c, "spec_id");
    bool defaulted = false;
    size_t idx = 0;
    char *list = NULL;
    bool ok = false;

    if (count == 0) {
        tool_fail(c, "The document has no specification yet. Call add_specification first.");
        return false;
    }
    if (json_is_string(arg) && json_string_value(arg)[0] == '\0')
        arg = NULL; /* "" is "not given", as models fill optional strings */
    if (arg != NULL && !json_is_null(arg)) {
        if (json_is_integer(arg) || json_is_real(arg)) {
            double pos = json_number_value(arg);
            if (pos < 1 || pos > (double)count) {
                list = tool_spec_list_text(c->ts);
                tool_fail(c, "spec_id %.0f is out of range: the document has %zu "
                             "specification%s (1-based): %s.",
                          pos, count, count == 1 ? "" : "s", list != NULL ? list : "");
                goto out;
            }
            idx = (size_t)pos - 1;
        } else if (!find_spec_key(c, json_string_value(arg), count, &idx)) {
            goto out;
        }
    } else if (tool_memory_spec(c->ts, &idx) && idx < count) {
        defaulted = true;
    } else if (count == 1) {
        idx = 0;
        defaulted = true;
    } else {
        list = tool_spec_list_text(c->ts);
        tool_fail(c, "spec_id is needed: no specification was added or edited in this "
                     "session yet, and the document has %zu: %s. Pass spec_id (a handle "
                     "such as S1, an identifier, a name or a 1-based position).",
                  count, list != NULL ? list : "");
        goto out;
    }
    tool_spec_result(c, result, idx);
    json_object_set_new(result, "spec_id_defaulted", json_boolean(defaulted));
    tool_memory_set_spec(c->ts, idx);
    *index = idx;
    ok = true;
out:
    free(list);
    return ok;
}

/* ---- values ---- */

static const char *const base_types[] = {
    "xs:string", "xs:boolean", "xs:integer", "xs:double", "xs:float",
    "xs:decimal", "xs:date", "xs:dateTime", "xs:time", "xs:duration",
    "xs:anyURI", NULL,
};

const char *tool_base_type(const char *name)
{
    if (name == NULL)
        return NULL;
    const char *bare = strncmp(name, "xs:", 3) == 0 ? name + 3 : name;
    for (size_t i = 0; base_types[i] != NULL; i++)
        if (strcmp(base_types[i] + 3, bare) == 0)
            return base_types[i];
    /* Models write "xs:datetime" or "anyuri" as often as the exact case. */
    for (size_t i = 0; base_types[i] != NULL; i++)
        if (strcasecmp(base_types[i] + 3, bare) == 0)
            return base_types[i];
    return NULL;
}

const char *tool_base_type_list(void)
{
    return "xs:string, xs:boolean, xs:integer, xs:double, xs:float, xs:decimal, "
           "xs:date, xs:dateTime, xs:time, xs:duration, xs:anyURI";
}

/* JSON keys of a restriction object, in the order items are written. */
static const struct {
    const char *key;
    ids_xs_facet facet;
} restriction_keys[] = {
    {"enumeration", IDS_XS_ENUMERATION},
    {"pattern", IDS_XS_PATTERN},
    {"min_inclusive", IDS_XS_MIN_INCLUSIVE},
    {"max_inclusive", IDS_XS_MAX_INCLUSIVE},
    {"min_exclusive", IDS_XS_MIN_EXCLUSIVE},
    {"max_exclusive", IDS_XS_MAX_EXCLUSIVE},
    {"length", IDS_XS_LENGTH},
    {"min_length", IDS_XS_MIN_LENGTH},
    {"max_length", IDS_XS_MAX_LENGTH},
    {"total_digits", IDS_XS_TOTAL_DIGITS},
    {"fraction_digits", IDS_XS_FRACTION_DIGITS},
};
#define N_RESTRICTION_KEYS (sizeof(restriction_keys) / sizeof(restriction_keys[0]))

static bool push_item(ids_value *v, ids_xs_facet facet, const json_t *json)
{
    char *text = tool_scalar_dup(json);
    if (text == NULL)
        return false;
    ids_xs_item *grown = realloc(v->items, (v->n_items + 1) * sizeof(*grown));
    if (grown == NULL) {
        free(text);
        return false;
    }
    v->items = grown;
    v->items[v->n_items].facet = facet;
    v->items[v->n_items].value = text;
    v->n_items++;
    return true;
}

void tool_note(tool_ctx *c, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    base_utf8_vformat(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (c->notes == NULL)
        return;
    json_array_append_new(c->notes, json_string(text));
}

/* xs:boolean is lower case: TRUE, True and a JSON true all mean "true". */
static void boolean_case(tool_ctx *c, const char *arg_name, char **text)
{
    if (*text == NULL)
        return;
    const char *want = strcasecmp(*text, "true") == 0     ? "true"
                       : strcasecmp(*text, "false") == 0 ? "false"
                                                         : NULL;
    if (want == NULL || strcmp(*text, want) == 0)
        return;
    tool_note(c, "%s: '%s' written as '%s' (xs:boolean is lower case)", arg_name, *text,
              want);
    char *copy = strdup(want);
    if (copy != NULL) {
        free(*text);
        *text = copy;
    }
}

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* False when an enumeration value repeats (*dup names it) or memory ran
 * out (*dup NULL). */
static bool enumeration_distinct(const ids_value *v, const char **dup)
{
    size_t n = 0;
    *dup = NULL;
    for (size_t i = 0; i < v->n_items; i++)
        if (v->items[i].facet == IDS_XS_ENUMERATION)
            n++;
    if (n < 2)
        return true;
    const char **sorted = malloc(n * sizeof(*sorted));
    if (sorted == NULL)
        return false;
    n = 0;
    for (size_t i = 0; i < v->n_items; i++)
        if (v->items[i].facet == IDS_XS_ENUMERATION)
            sorted[n++] = v->items[i].value;
    qsort(sorted, n, sizeof(*sorted), compare_text);
    bool ok = true;
    for (size_t i = 1; i < n && ok; i++) {
        if (strcmp(sorted[i - 1], sorted[i]) == 0) {
            *dup = sorted[i];
            ok = false;
        }
    }
    free(sorted);
    return ok;
}

bool tool_value_from_json(tool_ctx *c, const char *arg_name, const json_t *json,
                          const char *default_base, ids_value *out)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(json)) {
        out->kind = IDS_VALUE_SIMPLE;
        out->simple = tool_scalar_dup(json);
        if (out->simple == NULL) {
            tool_fail(c, "argument '%s' must be a string or a restriction object", arg_name);
            return false;
        }
        if (out->simple[0] == '\0') {
            ids_value_clear(out);
            tool_fail(c, "argument '%s' must not be empty; leave it out when the "
                         "parameter should not be checked", arg_name);
            return false;
        }
        if (default_base != NULL && strcmp(default_base, "xs:boolean") == 0)
            boolean_case(c, arg_name, &out->simple);
        return true;
    }
    out->kind = IDS_VALUE_RESTRICTION;
    bool has_bounds = false;
    for (size_t k = 2; k <= 5; k++)
        if (json_object_get(json, restriction_keys[k].key) != NULL)
            has_bounds = true;
    const char *base_arg = json_string_value(json_object_get(json, "base"));
    const char *base = base_arg != NULL     ? tool_base_type(base_arg)
                       : default_base != NULL ? default_base
                       : has_bounds           ? "xs:double"
                                              : "xs:string";
    if (base == NULL) {
        tool_fail(c, "argument '%s.base' must be one of: %s (got '%s')", arg_name,
                  tool_base_type_list(), BASE_QUOTE(base_arg, 40));
        goto fail;
    }
    out->base = strdup(base);
    if (out->base == NULL)
        goto nomem;
    for (size_t k = 0; k < N_RESTRICTION_KEYS; k++) {
        const json_t *v = json_object_get(json, restriction_keys[k].key);
        if (v == NULL || json_is_null(v))
            continue;
        if (json_is_array(v)) {
            size_t i;
            const json_t *item;
            json_array_foreach(v, i, item)
                if (!push_item(out, restriction_keys[k].facet, item))
                    goto nomem;
        } else if (!push_item(out, restriction_keys[k].facet, v)) {
            goto nomem;
        }
    }
    if (strcmp(out->base, "xs:boolean") == 0)
        for (size_t i = 0; i < out->n_items; i++)
            boolean_case(c, arg_name, &out->items[i].value);
    /* The XSD ^ and $ are literal characters, not anchors. */
    for (size_t i = 0; i < out->n_items; i++) {
        const ids_xs_item *it = &out->items[i];
        if (it->facet != IDS_XS_PATTERN)
            continue;
        size_t n = strlen(it->value);
        bool dollar = n > 0 && it->value[n - 1] == '$' && (n < 2 || it->value[n - 2] != '\\');
        if (it->value[0] == '^' || dollar)
            tool_note(c, "%s: the pattern '%s' has %s, which XSD takes as a literal "
                         "character, not an anchor (an XSD pattern always matches the "
                         "whole value); drop it unless the value contains it",
                      arg_name, BASE_QUOTE(it->value, 80),
                      it->value[0] == '^' ? (dollar ? "^ and $" : "^") : "$");
    }
    /* A value listed twice is a slip (the second says nothing). Lists may
     * be long: sorted, O(n log n). */
    const char *dup = NULL;
    if (!enumeration_distinct(out, &dup)) {
        if (dup == NULL)
            goto nomem;
        tool_fail(c, "argument '%s%s' lists '%s' twice; enumeration values must be distinct",
                  arg_name, strcmp(arg_name, "values") == 0 ? "" : ".enumeration",
                  BASE_QUOTE(dup, 80));
        goto fail;
    }
    if (out->n_items == 0) {
        tool_fail(c, "the restriction in argument '%s' is empty: give at least one of "
                     "enumeration, pattern, min_inclusive, max_inclusive, min_exclusive, "
                     "max_exclusive, length, min_length, max_length", arg_name);
        goto fail;
    }
    ids_error err;
    ids_error_clear(&err);
    if (ids_doc_value_check(c->ts != NULL ? c->ts->doc : NULL, out, &err) != IDS_OK) {
        char prefix[128];
        snprintf(prefix, sizeof(prefix), "argument '%s' is not a valid restriction", arg_name);
        tool_fail_ids(c, &err, prefix);
        goto fail;
    }
    return true;
nomem:
    tool_fail(c, "Out of memory while reading argument '%s'. Try again.", arg_name);
fail:
    ids_value_clear(out);
    return false;
}

static json_t *item_json(const ids_xs_item *item)
{
    switch (item->facet) {
    case IDS_XS_LENGTH:
    case IDS_XS_MIN_LENGTH:
    case IDS_XS_MAX_LENGTH:
    case IDS_XS_TOTAL_DIGITS:
    case IDS_XS_FRACTION_DIGITS: {
        char *end = NULL;
        long long n = strtoll(item->value, &end, 10);
        if (end != item->value && *end == '\0')
            return json_integer(n);
        return json_string(item->value);
    }
    default:
        return json_string(item->value);
    }
}

json_t *tool_value_to_json(const ids_value *value)
{
    if (value->kind == IDS_VALUE_SIMPLE)
        return json_string(value->simple != NULL ? value->simple : "");
    if (value->kind != IDS_VALUE_RESTRICTION)
        return json_null();
    json_t *obj = json_object();
    if (value->base != NULL)
        json_object_set_new(obj, "base", json_string(value->base));
    for (size_t k = 0; k < N_RESTRICTION_KEYS; k++) {
        size_t n = 0;
        for (size_t i = 0; i < value->n_items; i++)
            if (value->items[i].facet == restriction_keys[k].facet)
                n++;
        if (n == 0)
            continue;
        /* Enumerations are always lists; anything else is a single value
         * unless the document repeats it. */
        bool list = restriction_keys[k].facet == IDS_XS_ENUMERATION || n > 1;
        json_t *slot = list ? json_array() : NULL;
        for (size_t i = 0; i < value->n_items; i++) {
            if (value->items[i].facet != restriction_keys[k].facet)
                continue;
            if (list)
                json_array_append_new(slot, item_json(&value->items[i]));
            else
                slot = item_json(&value->items[i]);
        }
        json_object_set_new(obj, restriction_keys[k].key, slot);
    }
    return obj;
}

/* The text of a parameter for a label: a plain value, or its
 * restriction's first enumeration value or pattern. */
static const char *param_text(const ids_value *v)
{
    if (v->kind == IDS_VALUE_SIMPLE)
        return v->simple;
    if (v->kind == IDS_VALUE_RESTRICTION && v->n_items > 0)
        return v->items[0].value;
    return NULL;
}

void tool_facet_label(const ids_facet *f, char *buf, size_t size)
{
    const char *a = NULL, *b = NULL;
    switch (f->kind) {
    case IDS_FACET_ENTITY:
    case IDS_FACET_PARTOF:
    case IDS_FACET_ATTRIBUTE:
        a = param_text(&f->params[IDS_PARAM_NAME]);
        break;
    case IDS_FACET_PROPERTY:
        a = param_text(&f->params[IDS_PARAM_PROPERTY_SET]);
        b = param_text(&f->params[IDS_PARAM_BASE_NAME]);
        break;
    case IDS_FACET_CLASSIFICATION:
        a = param_text(&f->params[IDS_PARAM_SYSTEM]);
        b = param_text(&f->params[IDS_PARAM_VALUE]);
        break;
    case IDS_FACET_MATERIAL:
        a = param_text(&f->params[IDS_PARAM_VALUE]);
        break;
    default:
        break;
    }
    if (a != NULL && b != NULL)
        base_utf8_format(buf, size, "%s.%s", BASE_QUOTE(a, 60), BASE_QUOTE(b, 60));
    else
        base_utf8_format(buf, size, "%s", a != NULL ? BASE_QUOTE(a, 100) : "");
}

json_t *tool_facet_ref_json(const tool_session *ts, size_t spec, ids_location loc,
                            const ids_facet *f, size_t index)
{
    char h[TOOL_HANDLE_SIZE], label[160];
    tool_facet_handle(ts, spec, loc, index, h);
    tool_facet_label(f, label, sizeof(label));
    return json_pack("{s:s, s:s, s:s, s:I, s:s}", "facet_id", h, "kind",
                     ids_facet_kind_name(f->kind), "location", ids_location_name(loc),
                     "facet_index", (json_int_t)index, "label", label);
}

json_t *tool_facet_to_json(const tool_session *ts, size_t spec, ids_location loc,
                           const ids_facet *facet, size_t index)
{
    json_t *obj = json_object();
    json_t *params = json_object();
    json_t *attrs = json_object();
    char h[TOOL_HANDLE_SIZE];
    json_object_set_new(obj, "facet_id", json_string(tool_facet_handle(ts, spec, loc, index, h)));
    json_object_set_new(obj, "facet_index", json_integer((json_int_t)index));
    json_object_set_new(obj, "kind", json_string(ids_facet_kind_name(facet->kind)));
    for (int p = 0; p < IDS_PARAM_COUNT; p++)
        if (facet->params[p].kind != IDS_VALUE_ABSENT)
            json_object_set_new(params, ids_param_name((ids_param)p),
                                tool_value_to_json(&facet->params[p]));
    for (int a = 0; a < IDS_FATTR_COUNT; a++)
        if (facet->fattrs[a] != NULL)
            json_object_set_new(attrs, ids_fattr_name((ids_fattr)a),
                                json_string(facet->fattrs[a]));
    json_object_set_new(obj, "parameters", params);
    json_object_set_new(obj, "attributes", attrs);
    if (facet->line > 0)
        json_object_set_new(obj, "line", json_integer(facet->line));
    return obj;
}

const char *tool_usage_name(const char *min, const char *max)
{
    const char *mn = min != NULL ? min : "1";
    const char *mx = max != NULL ? max : "1";
    if (strcmp(mn, "1") == 0 && strcmp(mx, "unbounded") == 0)
        return "required";
    if (strcmp(mn, "0") == 0 && strcmp(mx, "unbounded") == 0)
        return "optional";
    if (strcmp(mn, "0") == 0 && strcmp(mx, "0") == 0)
        return "prohibited";
    return "nonstandard";
}

json_t *tool_ifc_versions_json(const char *list)
{
    json_t *arr = json_array();
    if (list == NULL)
        return arr;
    const char *p = list;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        const char *start = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        if (p > start)
            json_array_append_new(arr, json_stringn(start, (size_t)(p - start)));
    }
    return arr;
}
