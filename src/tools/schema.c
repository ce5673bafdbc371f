/*
 * schema.c - the subset of JSON Schema the tool catalogue uses.
 *
 * tools/call must refuse bad arguments before any handler runs, with a
 * message a model can act on: which argument, what was expected, what is
 * allowed. A general validator would report schema paths ("#/properties/
 * location/enum"); this one reports argument paths ("argument
 * 'location'") and lists the allowed names when a model misspells one.
 * The first error wins; messages are bounded by the caller's buffer.
 */
#include "tools/tools_internal.h"

#include <math.h>
#include <stdarg.h>
#include <strings.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define PATH_MAX_LEN 256 /* bytes of an argument path such as values[3] */

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

static bool is_type(const json_t *v, const char *type)
{
    if (strcmp(type, "string") == 0)
        return json_is_string(v);
    if (strcmp(type, "integer") == 0) {
        if (json_is_integer(v))
            return true;
        if (json_is_real(v)) {
            double d = json_real_value(v);
            /* Integral reals (1.0) are integers in JSON Schema; no libm. */
            return isfinite(d) && d > -9.2e18 && d < 9.2e18 && (double)(long long)d == d;
        }
        return false;
    }
    if (strcmp(type, "number") == 0)
        return json_is_number(v);
    if (strcmp(type, "boolean") == 0)
        return json_is_boolean(v);
    if (strcmp(type, "array") == 0)
        return json_is_array(v);
    if (strcmp(type, "object") == 0)
        return json_is_object(v);
    if (strcmp(type, "null") == 0)
        return json_is_null(v);
    return false;
}

static void describe_path(const char *path, char *buf, size_t size)
{
    if (path[0] == '\0')
        snprintf(buf, size, "the arguments");
    else
        snprintf(buf, size, "argument '%s'", path);
}

/* "a string or an integer" from a type keyword. */
static void type_words(const json_t *type, char *buf, size_t size)
{
    static const struct { const char *t, *w; } words[] = {
        {"string", "a string"}, {"integer", "an integer"}, {"number", "a number"},
        {"boolean", "a boolean"}, {"array", "an array"}, {"object", "an object"},
        {"null", "null"},
    };
    buf[0] = '\0';
    size_t used = 0;
    size_t n = json_is_array(type) ? json_array_size(type) : 1;
    for (size_t i = 0; i < n; i++) {
        const json_t *t = json_is_array(type) ? json_array_get(type, i) : type;
        const char *name = json_string_value(t);
        const char *word = name != NULL ? name : "?";
        for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
            if (name != NULL && strcmp(words[k].t, name) == 0)
                word = words[k].w;
        int w = snprintf(buf + used, size - used, "%s%s",
                         i == 0 ? "" : (i + 1 == n ? " or " : ", "), word);
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

static void value_text(const json_t *v, char *buf, size_t size)
{
    char *dump = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (dump == NULL) {
        snprintf(buf, size, "?");
        return;
    }
    base_utf8_copy(buf, size < 61 ? size : 61, dump, strlen(dump));
    free(dump);
}

static void join_keys(const json_t *props, char *buf, size_t size)
{
    const char *key;
    const json_t *sub;
    size_t used = 0;
    buf[0] = '\0';
    json_object_foreach((json_t *)props, key, sub) {
        (void)sub;
        int w = snprintf(buf + used, size - used, "%s%s", used == 0 ? "" : ", ", key);
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

/* path.key, cut at PATH_MAX_LEN - 1 bytes, between characters (argument
 * names are the client's and may be in any script). Every argument of
 * every call passes here, so no snprintf. */
static void child_path(char *out, const char *path, const char *key)
{
    size_t used = strnlen(path, PATH_MAX_LEN - 1);
    size_t n;

    memcpy(out, path, used);
    if (used > 0 && used < PATH_MAX_LEN - 1)
        out[used++] = '.';
    n = strnlen(key, PATH_MAX_LEN - 1 - used);
    if (key[n] != '\0')
        while (n > 0 && ((unsigned char)key[n] & 0xC0) == 0x80)
            n--;
    memcpy(out + used, key, n);
    out[used + n] = '\0';
}

static bool check(const json_t *root, const json_t *schema, const json_t *v,
                  const char *path, char *msg, size_t size);

static bool check_object(const json_t *root, const json_t *schema, const json_t *v,
                         const char *path, char *msg, size_t size)
{
    char where[PATH_MAX_LEN + 16];
    char sub[PATH_MAX_LEN];
    const json_t *props = json_object_get(schema, "properties");
    const json_t *additional = json_object_get(schema, "additionalProperties");
    const json_t *required = json_object_get(schema, "required");
    size_t i;
    const json_t *name;
    const char *key;
    const json_t *val;

    /* propertyNames: each key is a string checked against that schema
     * (an enum of the names a restriction object takes). */
    const json_t *pn = json_object_get(schema, "propertyNames");
    if (json_is_object(pn)) {
        json_object_foreach((json_t *)v, key, val) {
            json_t *kname = json_string(key);
            char tmp[512];
            bool ok = kname != NULL && check(root, pn, kname, "", tmp, sizeof(tmp));
            json_decref(kname);
            if (!ok) {
                char list[512] = "";
                const json_t *en = json_object_get(pn, "enum");
                size_t used = 0, k;
                const json_t *e;
                json_array_foreach(en, k, e) {
                    int w = snprintf(list + used, sizeof(list) - used, "%s%s",
                                     k == 0 ? "" : ", ", json_string_value(e));
                    if (w < 0 || (size_t)w >= sizeof(list) - used)
                        break;
                    used += (size_t)w;
                }
                child_path(sub, path, key);
                const char *near = NULL;
                json_t *as_props = json_object();
                json_array_foreach(en, k, e)
                    json_object_set(as_props, json_string_value(e), json_true());
                near = tool_schema_suggest(as_props, key);
                base_utf8_format(msg, size, "unknown argument '%s'%s%s%s; %s may only "
                                 "contain: %s", sub, near != NULL ? " (did you mean '" : "",
                                 near != NULL ? near : "", near != NULL ? "'?)" : "",
                                 path[0] != '\0' ? path : "the arguments", list);
                json_decref(as_props);
                return false;
            }
        }
    }
    /* Unknown names first: a misspelled required argument is better
     * reported as the misspelling than as the missing name. */
    if (json_is_false(additional)) {
        json_object_foreach((json_t *)v, key, val) {
            if (json_object_get(props, key) != NULL)
                continue;
            char allowed[768];
            child_path(sub, path, key);
            join_keys(props, allowed, sizeof(allowed));
            describe_path(path, where, sizeof(where));
            const char *near = tool_schema_suggest(props, key);
            if (near != NULL)
                base_utf8_format(msg, size, "unknown argument '%s' (did you mean '%s'?); %s "
                                 "may only contain: %s", sub, near, where, allowed);
            else
                base_utf8_format(msg, size, "unknown argument '%s'; %s may only contain: %s",
                                 sub, where, allowed);
            return false;
        }
    }
    json_array_foreach(required, i, name) {
        const char *req = json_string_value(name);
        if (req != NULL && json_object_get(v, req) == NULL) {
            child_path(sub, path, req);
            const json_t *ps = json_object_get(props, req);
            const json_t *desc = json_object_get(ps, "description");
            if (json_is_string(desc))
                base_utf8_format(msg, size, "missing required argument '%s' (%s)", sub,
                         json_string_value(desc));
            else
                base_utf8_format(msg, size, "missing required argument '%s'", sub);
            return false;
        }
    }
    json_object_foreach((json_t *)v, key, val) {
        child_path(sub, path, key);
        const json_t *ps = json_object_get(props, key);
        if (ps == NULL && json_is_object(additional))
            ps = additional;
        if (ps != NULL && !check(root, ps, val, sub, msg, size))
            return false;
    }
    return true;
}

static bool check_alternatives(const json_t *root, const json_t *alts, bool exactly_one,
                               const json_t *v, const char *path, char *msg,
                               size_t size)
{
    size_t i, matches = 0;
    const json_t *alt;
    char first[512] = "";
    json_array_foreach(alts, i, alt) {
        char tmp[512];
        if (check(root, alt, v, path, tmp, sizeof(tmp)))
            matches++;
        else if (first[0] == '\0')
            base_utf8_format(first, sizeof(first), "%s", tmp);
    }
    if (matches == 0) {
        base_utf8_format(msg, size, "%s", first[0] != '\0' ? first : "no alternative matched");
        return false;
    }
    if (exactly_one && matches > 1) {
        char where[PATH_MAX_LEN + 16];
        describe_path(path, where, sizeof(where));
        base_utf8_format(msg, size, "%s is ambiguous: it matches more than one form", where);
        return false;
    }
    return true;
}

/* "#/$defs/name" of the root schema; NULL when it is not one. Only local
 * definitions are used, so that one tool's schema shares a sub-schema
 * (the restriction object) instead of repeating it. */
static const json_t *deref(const json_t *root, const json_t *schema)
{
    const char *ref = json_string_value(json_object_get(schema, "$ref"));
    if (ref == NULL)
        return schema;
    if (strncmp(ref, "#/$defs/", 8) != 0)
        return NULL;
    return json_object_get(json_object_get(root, "$defs"), ref + 8);
}

static bool check(const json_t *root, const json_t *schema, const json_t *v,
                  const char *path, char *msg, size_t size)
{
    /* Written only for a message: every argument of every call passes
     * here, and almost all of them are fine. */
    char where_buf[PATH_MAX_LEN + 16];
#define WHERE (describe_path(path, where_buf, sizeof(where_buf)), where_buf)
    /* Depth is bounded: well_formed refuses a definition that refers to
     * itself or to another reference. */
    schema = deref(root, schema);
    if (schema == NULL)
        return true;

    const json_t *type = json_object_get(schema, "type");
    if (type != NULL) {
        bool ok = false;
        if (json_is_string(type)) {
            ok = is_type(v, json_string_value(type));
        } else {
            size_t i;
            const json_t *t;
            json_array_foreach(type, i, t)
                if (json_is_string(t) && is_type(v, json_string_value(t)))
                    ok = true;
        }
        if (!ok) {
            char words[128];
            type_words(type, words, sizeof(words));
            base_utf8_format(msg, size, "%s must be %s, got %s", WHERE, words, type_name(v));
            return false;
        }
    }

    const json_t *en = json_object_get(schema, "enum");
    if (en != NULL) {
        size_t i;
        const json_t *e;
        bool found = false;
        json_array_foreach(en, i, e)
            if (json_equal((json_t *)e, (json_t *)v))
                found = true;
        if (!found) {
            char list[512] = "", got[80];
            size_t used = 0;
            json_array_foreach(en, i, e) {
                char one[80];
                if (json_is_string(e))
                    snprintf(one, sizeof(one), "%s", json_string_value(e));
                else
                    value_text(e, one, sizeof(one));
                int w = snprintf(list + used, sizeof(list) - used, "%s%s",
                                 i == 0 ? "" : ", ", one);
                if (w < 0 || (size_t)w >= sizeof(list) - used)
                    break;
                used += (size_t)w;
            }
            value_text(v, got, sizeof(got));
            base_utf8_format(msg, size, "%s must be one of: %s (got %s)", WHERE, list, got);
            return false;
        }
    }
    const json_t *cn = json_object_get(schema, "const");
    if (cn != NULL && !json_equal((json_t *)cn, (json_t *)v)) {
        char want[80];
        value_text(cn, want, sizeof(want));
        base_utf8_format(msg, size, "%s must be %s", WHERE, want);
        return false;
    }

    if (json_is_string(v)) {
        const json_t *mn = json_object_get(schema, "minLength");
        const json_t *mx = json_object_get(schema, "maxLength");
        size_t len = 0;
        /* Characters, not bytes: count UTF-8 lead bytes. */
        for (const unsigned char *p = (const unsigned char *)json_string_value(v); *p; p++)
            if ((*p & 0xC0) != 0x80)
                len++;
        if (json_is_integer(mn) && (json_int_t)len < json_integer_value(mn)) {
            if (json_integer_value(mn) == 1)
                base_utf8_format(msg, size, "%s must not be empty", WHERE);
            else
                base_utf8_format(msg, size, "%s must be at least %lld characters long", WHERE,
                         (long long)json_integer_value(mn));
            return false;
        }
        if (json_is_integer(mx) && (json_int_t)len > json_integer_value(mx)) {
            base_utf8_format(msg, size, "%s must be at most %lld characters long", WHERE,
                     (long long)json_integer_value(mx));
            return false;
        }
    }
    if (json_is_number(v)) {
        const json_t *mn = json_object_get(schema, "minimum");
        const json_t *mx = json_object_get(schema, "maximum");
        double d = json_number_value(v);
        if (json_is_number(mn) && d < json_number_value(mn)) {
            base_utf8_format(msg, size, "%s must be at least %g", WHERE, json_number_value(mn));
            return false;
        }
        if (json_is_number(mx) && d > json_number_value(mx)) {
            base_utf8_format(msg, size, "%s must be at most %g", WHERE, json_number_value(mx));
            return false;
        }
    }
    if (json_is_array(v)) {
        const json_t *mn = json_object_get(schema, "minItems");
        const json_t *mx = json_object_get(schema, "maxItems");
        size_t n = json_array_size(v);
        if (json_is_integer(mn) && (json_int_t)n < json_integer_value(mn)) {
            base_utf8_format(msg, size, "%s must have at least %lld item%s", WHERE,
                     (long long)json_integer_value(mn),
                     json_integer_value(mn) == 1 ? "" : "s");
            return false;
        }
        if (json_is_integer(mx) && (json_int_t)n > json_integer_value(mx)) {
            base_utf8_format(msg, size, "%s must have at most %lld items", WHERE,
                     (long long)json_integer_value(mx));
            return false;
        }
        const json_t *items = json_object_get(schema, "items");
        if (json_is_object(items)) {
            size_t i;
            const json_t *item;
            json_array_foreach(v, i, item) {
                char sub[PATH_MAX_LEN];
                snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
                if (!check(root, items, item, sub, msg, size))
                    return false;
            }
        }
    }
    if (json_is_object(v) && !check_object(root, schema, v, path, msg, size))
        return false;

    const json_t *any = json_object_get(schema, "anyOf");
    if (json_is_array(any) && !check_alternatives(root, any, false, v, path, msg, size))
        return false;
    const json_t *one = json_object_get(schema, "oneOf");
    if (json_is_array(one) && !check_alternatives(root, one, true, v, path, msg, size))
        return false;
    return true;
}
#undef WHERE

bool tool_schema_validate(const json_t *schema, const json_t *value,
                          char *msg, size_t msg_size)
{
    if (msg_size > 0)
        msg[0] = '\0';
    if (schema == NULL)
        return true;
    return check(schema, schema, value, "", msg, msg_size);
}

static const char *const known_keywords[] = {
    "type", "enum", "const", "required", "properties", "additionalProperties",
    "items", "minItems", "maxItems", "minLength", "maxLength", "minimum",
    "maximum", "anyOf", "oneOf", "description", "title", "default",
    "examples", "x-mcp-header", "$schema", "format", "$defs", "$ref", "propertyNames",
    NULL,
};

static bool well_formed(const json_t *root, const json_t *schema, const char *where,
                        char *msg, size_t size)
{
    if (!json_is_object(schema)) {
        base_utf8_format(msg, size, "%s: schema is not an object", where);
        return false;
    }
    if (json_object_get(schema, "$ref") != NULL) {
        const json_t *target = deref(root, schema);
        if (target == NULL || !json_is_object(target) ||
            json_object_get(target, "$ref") != NULL || json_object_size(schema) != 1) {
            base_utf8_format(msg, size, "%s: $ref must be alone and name a definition in "
                             "#/$defs that is not itself a $ref", where);
            return false;
        }
        return true;
    }
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)schema, key, val) {
        bool known = false;
        for (size_t i = 0; known_keywords[i] != NULL; i++)
            if (strcmp(known_keywords[i], key) == 0)
                known = true;
        if (!known) {
            base_utf8_format(msg, size, "%s: unknown keyword '%s'", where, key);
            return false;
        }
    }
    char sub[PATH_MAX_LEN];
    const json_t *props = json_object_get(schema, "properties");
    json_object_foreach((json_t *)props, key, val) {
        snprintf(sub, sizeof(sub), "%s.%s", where, key);
        if (!well_formed(root, val, sub, msg, size))
            return false;
    }
    if (schema == root) {
        const json_t *defs = json_object_get(schema, "$defs");
        json_object_foreach((json_t *)defs, key, val) {
            snprintf(sub, sizeof(sub), "%s.$defs.%s", where, key);
            if (!well_formed(root, val, sub, msg, size))
                return false;
        }
    } else if (json_object_get(schema, "$defs") != NULL) {
        base_utf8_format(msg, size, "%s: $defs only at the top of a schema", where);
        return false;
    }
    const json_t *items = json_object_get(schema, "items");
    if (items != NULL && !well_formed(root, items, where, msg, size))
        return false;
    const json_t *add = json_object_get(schema, "additionalProperties");
    if (json_is_object(add) && !well_formed(root, add, where, msg, size))
        return false;
    const char *alts[] = {"anyOf", "oneOf"};
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        const json_t *alt;
        json_array_foreach(json_object_get(schema, alts[k]), i, alt)
            if (!well_formed(root, alt, where, msg, size))
                return false;
    }
    return true;
}

bool tool_schema_well_formed(const json_t *schema, char *msg, size_t msg_size)
{
    return well_formed(schema, schema, "schema", msg, msg_size);
}

/* ---- forgiving input ---- */

/* Edit distance of two short names (insert, delete, substitute, swap two
 * neighbours: "bsae" is one from "base"), capped: names longer than 63
 * bytes are "far". */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    unsigned char d[64][64]; /* distances are at most 63: 4 KiB of stack */
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned char)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned char)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1u < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1u < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1u < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = (unsigned char)best;
        }
    }
    return d[la][lb];
}

const char *tool_schema_suggest(const json_t *props, const char *name)
{
    const char *key, *best = NULL;
    const json_t *sub;
    size_t best_d = 99;
    size_t len = strlen(name);
    json_object_foreach((json_t *)props, key, sub) {
        (void)sub;
        size_t d = distance(name, key);
        size_t kl = strlen(key);
        /* "value" for "values", "ifc_version" for "ifc_versions", and the
         * name inside a longer one ("index" in "facet_index"). */
        if (d > 2 && kl >= 4 && len >= 4 &&
            (strstr(key, name) != NULL || strstr(name, key) != NULL))
            d = 2;
        if (d < best_d) {
            best_d = d;
            best = key;
        }
    }
    return best_d <= (len <= 4 ? 1u : 2u) ? best : NULL;
}

/* "minInclusive" -> "min_inclusive"; false when it has no upper case or
 * does not fit. */
static bool snake_of(const char *name, char *out, size_t size)
{
    size_t used = 0;
    bool changed = false;
    for (const char *p = name; *p != '\0'; p++) {
        if (used + 3 >= size)
            return false;
        if (*p >= 'A' && *p <= 'Z') {
            if (used > 0 && out[used - 1] != '_')
                out[used++] = '_';
            out[used++] = (char)(*p - 'A' + 'a');
            changed = true;
        } else {
            out[used++] = *p;
        }
    }
    out[used] = '\0';
    return changed;
}

/* Equal ignoring case and underscores: "IfcRelNests" and "IFCRELNESTS",
 * "minInclusive" and "min_inclusive". */
static bool loose_equal(const char *a, const char *b)
{
    for (;;) {
        while (*a == '_')
            a++;
        while (*b == '_')
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
        a++;
        b++;
    }
}

static void note(json_t *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(json_t *notes, const char *fmt, ...)
{
    char text[400];
    va_list ap;
    if (notes == NULL)
        return;
    va_start(ap, fmt);
    base_utf8_vformat(text, sizeof(text), fmt, ap);
    va_end(ap);
    json_array_append_new(notes, json_string(text));
}

static bool is_required(const json_t *schema, const char *key)
{
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(schema, "required"), i, r)
        if (json_is_string(r) && strcmp(json_string_value(r), key) == 0)
            return true;
    return false;
}

/* One value against its (dereferenced) schema: an enum string in another
 * case or spelling, a boolean or an integer sent as a string. Returns the
 * replacement (new reference) or NULL to keep the value. */
static json_t *normalize_scalar(const json_t *schema, const json_t *v, const char *path,
                                json_t *notes)
{
    const json_t *en = json_object_get(schema, "enum");
    const json_t *type = json_object_get(schema, "type");
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    if (json_is_array(en)) {
        size_t i;
        const json_t *e;
        const char *hit = NULL;
        int hits = 0;
        json_array_foreach(en, i, e) {
            if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
                return NULL;
            if (json_is_string(e) && loose_equal(json_string_value(e), s)) {
                hit = json_string_value(e);
                hits++;
            }
        }
        if (hits == 1) {
            note(notes, "%s: '%s' taken as '%s'", path, s, hit);
            return json_string(hit);
        }
        return NULL;
    }
    const char *t = json_string_value(type);
    if (t != NULL && strcmp(t, "boolean") == 0) {
        if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0) {
            bool b = strcasecmp(s, "true") == 0;
            note(notes, "%s: the string '%s' taken as the boolean %s", path, s,
                 b ? "true" : "false");
            return json_boolean(b);
        }
        return NULL;
    }
    if (t != NULL && strcmp(t, "integer") == 0 && s[0] != '\0' && strlen(s) < 10) {
        for (const char *p = s; *p != '\0'; p++)
            if (*p < '0' || *p > '9')
                return NULL;
        note(notes, "%s: the string '%s' taken as the integer %s", path, s, s);
        return json_integer(strtoll(s, NULL, 10));
    }
    return NULL;
}

static bool has_name(const json_t *props, const json_t *names, const char *key)
{
    if (json_object_get(props, key) != NULL)
        return true;
    size_t i;
    const json_t *e;
    json_array_foreach(names, i, e)
        if (json_is_string(e) && strcmp(json_string_value(e), key) == 0)
            return true;
    return false;
}

/* A dry run (changed != NULL) changes nothing and says whether the real
 * one would: it stops at the first change it finds. */
static void normalize(const json_t *root, const json_t *schema, json_t *v, const char *path,
                      const char *const *aliases, json_t *notes, bool *changed)
{
    schema = deref(root, schema);
    if (schema == NULL || !json_is_object(v))
        return;
    const json_t *props = json_object_get(schema, "properties");
    const json_t *names = json_object_get(json_object_get(schema, "propertyNames"), "enum");
    if (!json_is_object(props) && !json_is_array(names))
        return;
    /* Renames first (another case of a name, the tool's aliases), so the
     * values below are checked under their real names. */
    const char *key;
    json_t *val;
    void *tmp;
    struct { char from[PATH_MAX_LEN], to[PATH_MAX_LEN]; } renames[8];
    size_t n_renames = 0;
    json_object_foreach(v, key, val) {
        if (has_name(props, names, key) || n_renames == 8)
            continue;
        const char *to = NULL;
        char snake[PATH_MAX_LEN];
        if (snake_of(key, snake, sizeof(snake)) && has_name(props, names, snake))
            to = snake;
        /* The same name without its underscores or in another case
         * ("datatype", "Property_Set"). */
        const char *pk;
        const json_t *pv;
        json_object_foreach((json_t *)props, pk, pv) {
            (void)pv;
            if (to == NULL && loose_equal(pk, key))
                to = pk;
        }
        for (size_t i = 0; to == NULL && path[0] == '\0' && aliases != NULL &&
                           aliases[i] != NULL; i += 2)
            if (strcmp(aliases[i], key) == 0)
                to = aliases[i + 1];
        if (to == NULL || json_object_get(v, to) != NULL || strlen(key) >= PATH_MAX_LEN)
            continue;
        snprintf(renames[n_renames].from, PATH_MAX_LEN, "%s", key);
        snprintf(renames[n_renames].to, PATH_MAX_LEN, "%s", to);
        n_renames++;
    }
    if (changed != NULL && n_renames > 0) {
        *changed = true;
        return;
    }
    for (size_t i = 0; i < n_renames; i++) {
        char from[PATH_MAX_LEN], target[PATH_MAX_LEN];
        child_path(from, path, renames[i].from);
        child_path(target, path, renames[i].to);
        if (json_object_get(v, renames[i].to) != NULL)
            continue;
        note(notes, "argument '%s' taken as '%s'", from, target);
        json_object_set(v, renames[i].to, json_object_get(v, renames[i].from));
        json_object_del(v, renames[i].from);
    }
    json_object_foreach_safe(v, tmp, key, val) {
        const json_t *ps = deref(root, json_object_get(props, key));
        if (ps == NULL)
            continue;
        char sub[PATH_MAX_LEN];
        child_path(sub, path, key);
        /* Models fill optional choices with "": not given. */
        if (json_is_string(val) && json_string_value(val)[0] == '\0' &&
            json_is_array(json_object_get(ps, "enum")) && !is_required(schema, key)) {
            if (changed != NULL) {
                *changed = true;
                return;
            }
            json_object_del(v, key);
            continue;
        }
        json_t *rep = normalize_scalar(ps, val, sub, notes);
        if (rep != NULL && changed != NULL) {
            json_decref(rep);
            *changed = true;
            return;
        }
        if (rep != NULL) {
            json_object_set_new(v, key, rep);
            continue;
        }
        if (json_is_object(val)) {
            normalize(root, ps, val, sub, NULL, notes, changed);
            if (changed != NULL && *changed)
                return;
        } else if (json_is_array(val)) {
            const json_t *items = deref(root, json_object_get(ps, "items"));
            size_t i;
            json_t *item;
            json_array_foreach(val, i, item) {
                char at[PATH_MAX_LEN + 24];
                snprintf(at, sizeof(at), "%s[%zu]", sub, i);
                if (json_is_object(item)) {
                    normalize(root, items, item, at, NULL, notes, changed);
                    if (changed != NULL && *changed)
                        return;
                } else if (items != NULL) {
                    json_t *r = normalize_scalar(items, item, at, notes);
                    if (r != NULL && changed != NULL) {
                        json_decref(r);
                        *changed = true;
                        return;
                    }
                    if (r != NULL)
                        json_array_set_new(val, i, r);
                }
            }
        }
    }
}

void tool_schema_normalize(const json_t *schema, json_t *args, const char *const *aliases,
                           json_t *notes)
{
    if (schema != NULL && json_is_object(args))
        normalize(schema, schema, args, "", aliases, notes, NULL);
}

bool tool_schema_is_normal(const json_t *schema, const json_t *args,
                           const char *const *aliases)
{
    bool changed = false;
    if (schema != NULL && json_is_object(args))
        normalize(schema, schema, (json_t *)args, "", aliases, NULL, &changed);
    return !changed;
}
