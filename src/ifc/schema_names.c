/*
 * schema_names.c - "did you mean" and name-fragment search over the
 * schema tables.
 *
 * Both walk a list of names once (at most a few thousand: IFC4X3_ADD2
 * has 876 entities, 760 sets, about 3,900 properties) and allocate
 * nothing. The edit distance runs on two stack rows of 129 cells and
 * stops as soon as a row exceeds the limit, so a word costs at most
 * 128 x 128 steps per candidate and usually a handful; candidates whose
 * length alone puts them out of reach are skipped before that.
 */
#include "ifc/ifc_internal.h"

#include <string.h>

#define WORD_MAX 128

static unsigned char low(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Optimal string alignment distance (Damerau-Levenshtein without
 * repeated edits of one substring), ASCII case ignored; limit + 1 once it
 * is certain to exceed limit. Only the band of cells within limit of the
 * diagonal is computed (cells outside it exceed limit anyway), so a
 * candidate costs O(length x limit). */
static unsigned edit_distance(const char *a, size_t la, const char *b, unsigned limit)
{
    size_t lb = strlen(b);
    if (la > WORD_MAX || lb > WORD_MAX)
        return limit + 1;
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    /* A common prefix costs nothing ("IFC" of every class name). */
    while (la > 0 && lb > 0 && low((unsigned char)*a) == low((unsigned char)*b)) {
        a++;
        b++;
        la--;
        lb--;
    }
    const unsigned far = limit + 1;
    unsigned rows[3][WORD_MAX + 1];
    unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++) {
        prev[j] = j <= limit ? (unsigned)j : far;
        prev2[j] = far;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t lo = i > limit ? i - limit : 1;
        size_t hi = i + limit < lb ? i + limit : lb;
        /* Cells next to the band are read by the next row: keep them far. */
        cur[0] = i <= limit ? (unsigned)i : far;
        if (lo > 1)
            cur[lo - 1] = far;
        if (hi < lb)
            cur[hi + 1] = far;
        unsigned row_min = cur[0];
        for (size_t j = lo; j <= hi; j++) {
            unsigned char ca = low((unsigned char)a[i - 1]);
            unsigned char cb = low((unsigned char)b[j - 1]);
            unsigned v = prev[j - 1] + (ca == cb ? 0 : 1);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == low((unsigned char)b[j - 2]) &&
                low((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            if (v > far)
                v = far;
            cur[j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > limit)
            return far;
        unsigned *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] > limit ? far : prev[lb];
}

static unsigned popcount(unsigned m)
{
    unsigned n = 0;
    for (; m != 0; m &= m - 1)
        n++;
    return n;
}

/* Ranking order: closer first, then more versions, then name. */
static bool ranks_before(const ifc_suggestion *a, const ifc_suggestion *b)
{
    if (a->distance != b->distance)
        return a->distance < b->distance;
    unsigned pa = popcount(a->versions), pb = popcount(b->versions);
    if (pa != pb)
        return pa > pb;
    return ifc_name_cmp(a->name, b->name) < 0;
}

typedef struct ranking {
    const char *word;
    size_t word_len;
    unsigned limit;
    ifc_suggestion *out;
    size_t max;
    size_t n;
} ranking;

/* True when name was already offered (the same name from another version). */
static bool ranking_has(const ranking *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->out[i].name, name) == 0)
            return true;
    return false;
}

static void ranking_offer(ranking *r, const char *name, unsigned distance,
                          ifc_version_mask versions)
{
    if (r->max == 0 || ranking_has(r, name))
        return;
    ifc_suggestion s = {name, distance, versions};
    size_t at = r->n;
    while (at > 0 && ranks_before(&s, &r->out[at - 1]))
        at--;
    if (at >= r->max)
        return;
    size_t keep = r->n < r->max ? r->n : r->max - 1;
    memmove(&r->out[at + 1], &r->out[at], (keep - at) * sizeof(s));
    r->out[at] = s;
    if (r->n < r->max)
        r->n++;
}

/* Distance of name to the word, or limit + 1 when out of reach or equal. */
static unsigned ranking_distance(const ranking *r, const char *name)
{
    if (strcmp(name, r->word) == 0)
        return r->limit + 1;
    return edit_distance(r->word, r->word_len, name, r->limit);
}

/* ---- where a name exists, per kind ---- */

static bool entity_has(const ifc_schema *s, const char *name)
{
    return ifc_entity_find(s, name, strlen(name)) != IFC_NONE;
}

static bool pset_has(const ifc_schema *s, const char *name)
{
    return ifc_pset_find(s, name) != IFC_NONE;
}

static bool attribute_has(const ifc_schema *s, const char *name)
{
    return ifc_attribute_name_exists(s, name);
}

static bool property_has(const ifc_schema *s, const char *name)
{
    return ifc_sorted_find_exact(s, s->property_names, s->property_name_count, name) >= 0;
}

static bool relation_has(const ifc_schema *s, const char *name)
{
    return ifc_partof_find(s, name, NULL) >= 0;
}

typedef bool (*has_fn)(const ifc_schema *s, const char *name);

static ifc_version_mask mask_of(ifc_version_mask asked, has_fn has, const char *name)
{
    ifc_version_mask m = 0;
    for (int v = 0; v < IFC_VERSION_COUNT; v++)
        if ((asked & (1u << v)) && has(ifc_schema_get((ifc_version)v), name))
            m |= 1u << v;
    return m;
}

/* The mask of versions where the named entity has an attribute / a
 * predefined value / the named set has a property called name. */
static ifc_version_mask context_mask(ifc_name_kind kind, ifc_version_mask asked,
                                     const char *context, const char *name)
{
    ifc_version_mask m = 0;
    for (int v = 0; v < IFC_VERSION_COUNT; v++) {
        if (!(asked & (1u << v)))
            continue;
        const ifc_schema *s = ifc_schema_get((ifc_version)v);
        bool has = false;
        if (kind == IFC_NAME_ATTRIBUTE) {
            ifc_attribute a;
            ifc_entity e = ifc_entity_find(s, context, strlen(context));
            has = ifc_entity_attribute_find(s, e, name, &a) >= 0 && !a.derived;
        } else if (kind == IFC_NAME_PREDEFINED) {
            ifc_entity e = ifc_entity_find(s, context, strlen(context));
            has = ifc_enum_value_find(s, ifc_entity_predefined_enum(s, e, NULL), name) >= 0;
        } else {
            has = ifc_pset_property_find(s, ifc_pset_find(s, context), name, NULL) >= 0;
        }
        if (has)
            m |= 1u << v;
    }
    return m;
}

static void consider(ranking *r, const char *name, ifc_version_mask asked, has_fn has)
{
    unsigned d = ranking_distance(r, name);
    if (d > r->limit || ranking_has(r, name))
        return;
    ranking_offer(r, name, d, mask_of(asked, has, name));
}

static void consider_in_context(ranking *r, ifc_name_kind kind, ifc_version_mask asked,
                                const char *context, const char *name)
{
    unsigned d = ranking_distance(r, name);
    if (d > r->limit || ranking_has(r, name))
        return;
    ranking_offer(r, name, d, context_mask(kind, asked, context, name));
}

size_t ifc_suggest(ifc_name_kind kind, ifc_version_mask versions, const char *context,
                   const char *word, unsigned max_distance, ifc_suggestion *out, size_t max)
{
    if (word == NULL || out == NULL || max == 0)
        return 0;
    size_t len = strlen(word);
    if (len > WORD_MAX)
        return 0;
    versions &= IFC_ALL_VERSIONS;
    if (versions == 0)
        return 0;
    unsigned limit = max_distance;
    if (limit == 0) {
        limit = 1 + (unsigned)(len / 4);
        if (limit > 4)
            limit = 4;
    }
    ranking r = {word, len, limit, out, max, 0};

    for (int v = 0; v < IFC_VERSION_COUNT; v++) {
        if (!(versions & (1u << v)))
            continue;
        const ifc_schema *s = ifc_schema_get((ifc_version)v);
        switch (kind) {
        case IFC_NAME_ENTITY:
            for (size_t i = 0; i < s->entity_count; i++)
                consider(&r, ifc_str(s, s->entities[i].name), versions, entity_has);
            break;
        case IFC_NAME_PSET:
            for (size_t i = 0; i < s->pset_count; i++)
                consider(&r, ifc_str(s, s->psets[i].name), versions, pset_has);
            break;
        case IFC_NAME_RELATION:
            for (size_t i = 0; i < s->partof_count; i++)
                consider(&r, ifc_str(s, s->partof[i].relation), versions, relation_has);
            break;
        case IFC_NAME_ATTRIBUTE:
            if (context == NULL) {
                for (size_t i = 0; i < s->attribute_name_count; i++)
                    consider(&r, ifc_str(s, s->attribute_names[i]), versions, attribute_has);
            } else {
                ifc_entity e = ifc_entity_find(s, context, strlen(context));
                ifc_attribute a;
                for (size_t i = 0; ifc_entity_attribute(s, e, i, &a); i++)
                    if (!a.derived)
                        consider_in_context(&r, kind, versions, context, a.name);
            }
            break;
        case IFC_NAME_PROPERTY:
            if (context == NULL) {
                for (size_t i = 0; i < s->property_name_count; i++)
                    consider(&r, ifc_str(s, s->property_names[i]), versions, property_has);
            } else {
                ifc_pset p = ifc_pset_find(s, context);
                ifc_property q;
                for (size_t i = 0; ifc_pset_property(s, p, i, &q); i++)
                    consider_in_context(&r, kind, versions, context, q.name);
            }
            break;
        case IFC_NAME_PREDEFINED: {
            if (context == NULL)
                break;
            ifc_entity e = ifc_entity_find(s, context, strlen(context));
            int en = ifc_entity_predefined_enum(s, e, NULL);
            for (size_t i = 0; i < ifc_enum_value_count(s, en); i++)
                consider_in_context(&r, kind, versions, context, ifc_enum_value(s, en, i));
            break;
        }
        case IFC_NAME_DATATYPE:
            break;
        }
    }
    if (kind == IFC_NAME_DATATYPE)
        for (size_t i = 0; i < ifc_datatype_total; i++) {
            const ifc_datatype *d = &ifc_datatypes[i];
            if ((d->versions & versions) == 0)
                continue;
            unsigned dist = ranking_distance(&r, d->name);
            if (dist <= r.limit)
                ranking_offer(&r, d->name, dist, d->versions & versions);
        }
    return r.n;
}

/* ---- fragment search ---- */

static bool contains_ci(const char *hay, const char *needle, size_t nlen)
{
    if (nlen == 0)
        return true;
    for (; *hay != '\0'; hay++) {
        size_t i = 0;
        while (i < nlen && hay[i] != '\0' &&
               low((unsigned char)hay[i]) == low((unsigned char)needle[i]))
            i++;
        if (i == nlen)
            return true;
    }
    return false;
}

typedef struct pager {
    size_t offset, max, total;
    ifc_search_hit *out;
} pager;

static void pager_hit(pager *p, const char *name, const char *context)
{
    if (p->total >= p->offset && p->total - p->offset < p->max) {
        p->out[p->total - p->offset].name = name;
        p->out[p->total - p->offset].context = context;
    }
    p->total++;
}

size_t ifc_search(const ifc_schema *s, ifc_name_kind kind, const char *fragment,
                  const char *context, size_t offset, ifc_search_hit *out, size_t max)
{
    if (s == NULL)
        return 0;
    const char *f = fragment != NULL ? fragment : "";
    size_t flen = strlen(f);
    pager p = {offset, out != NULL ? max : 0, 0, out};
    switch (kind) {
    case IFC_NAME_ENTITY:
        for (size_t i = 0; i < s->entity_count; i++) {
            const char *n = ifc_str(s, s->entities[s->entities_by_name[i]].name);
            if (contains_ci(n, f, flen))
                pager_hit(&p, n, NULL);
        }
        break;
    case IFC_NAME_PSET:
        for (size_t i = 0; i < s->pset_count; i++) {
            const char *n = ifc_str(s, s->psets[i].name);
            if (contains_ci(n, f, flen))
                pager_hit(&p, n, NULL);
        }
        break;
    case IFC_NAME_PROPERTY:
        for (size_t i = 0; i < s->pset_count; i++) {
            const char *set = ifc_str(s, s->psets[i].name);
            if (context != NULL && strcmp(set, context) != 0)
                continue;
            for (size_t j = 0; j < s->psets[i].property_count; j++) {
                const char *n = ifc_str(s, s->properties[s->psets[i].first_property + j].name);
                if (contains_ci(n, f, flen))
                    pager_hit(&p, n, set);
            }
        }
        break;
    case IFC_NAME_ATTRIBUTE:
        for (size_t i = 0; i < s->attribute_name_count; i++) {
            const char *n = ifc_str(s, s->attribute_names[i]);
            if (contains_ci(n, f, flen))
                pager_hit(&p, n, NULL);
        }
        break;
    case IFC_NAME_DATATYPE:
        for (size_t i = 0; i < ifc_datatype_total; i++)
            if ((ifc_datatypes[i].versions & (1u << s->version)) &&
                contains_ci(ifc_datatypes[i].name, f, flen))
                pager_hit(&p, ifc_datatypes[i].name, NULL);
        break;
    case IFC_NAME_PREDEFINED:
    case IFC_NAME_RELATION:
        break;
    }
    return p.total;
}
