/*
 * words.c - the grammar that turns facets into sentences.
 *
 * One place writes every sentence, in three modes (plain text, Markdown,
 * HTML), so what a model reads in chat and what a person sees in the
 * browser say the same thing. specs/view.md lists the sentences; the
 * tests compare whole lines against it.
 *
 * A value (an idsValue) is written in one of two moods:
 * - as a condition after a subject, in applicability ("with X = true",
 *   "with X one of A, B", "with X matching /p/");
 * - as a predicate after "must" / "must not" in requirements ("be true",
 *   "be one of A, B", "match /p/").
 * Restriction items combine as the standard says: enumerations and
 * patterns each with OR, the kinds with AND ("be one of A, B and be at
 * most 5 characters long"). Materials, classifications and systems read
 * as nouns with their values quoted ("material 'wood' or 'steel'").
 *
 * Fixed words here contain no character that means something in
 * Markdown or HTML, so only the strings from the document need escaping.
 */
#include "view/view_internal.h"

#include "ifc/ifc.h"

#include <string.h>

typedef enum mood {
    MOOD_ADJ, /* after a subject: "= V", "one of A, B", "matching /p/" */
    MOOD_BE   /* after must: "be V", "be one of A, B", "match /p/" */
} mood;

typedef struct out {
    base_buf *b;
    view_mode mode;
    const char *versions; /* the specification's ifcVersion, or NULL */
    bool in_table;        /* Markdown: inside a GFM table cell */
} out;

static void lit(const out *o, const char *s)
{
    base_buf_append_str(o->b, s);
}

/* A name from the document (class, property set, property, attribute). */
static void name(const out *o, const char *s)
{
    if (o->mode == VIEW_MODE_HTML)
        BASE_BUF_LITERAL(o->b, "<span class=\"n\">");
    view_put_cstr(o->b, o->mode, s);
    if (o->mode == VIEW_MODE_HTML)
        BASE_BUF_LITERAL(o->b, "</span>");
}

/* Quotes make a value with blanks or commas unambiguous in a list. */
static bool needs_quotes(const char *s)
{
    if (s[0] == '\0')
        return true;
    for (const char *p = s; *p != '\0'; p++)
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',' ||
            *p == '\'' || *p == '"')
            return true;
    return false;
}

/* A value from the document; quoted when asked or when it needs it. */
static void value(const out *o, const char *s, bool quote)
{
    if (s == NULL)
        s = "";
    quote = quote || needs_quotes(s);
    const char *q = strchr(s, '\'') != NULL && strchr(s, '"') == NULL ? "\"" : "'";
    if (o->mode == VIEW_MODE_HTML)
        BASE_BUF_LITERAL(o->b, "<span class=\"v\">");
    if (quote)
        view_put_cstr(o->b, o->mode, q);
    view_put_cstr(o->b, o->mode, s);
    if (quote)
        view_put_cstr(o->b, o->mode, q);
    if (o->mode == VIEW_MODE_HTML)
        BASE_BUF_LITERAL(o->b, "</span>");
}

/* A pattern between slashes. In Markdown a code span, so a model reads
 * the expression as written, not with a backslash before each bracket. */
static void pattern(const out *o, const char *s)
{
    if (s == NULL)
        s = "";
    if (o->mode == VIEW_MODE_MD) {
        view_put_md_pattern(o->b, s, o->in_table);
        return;
    }
    if (o->mode == VIEW_MODE_HTML)
        BASE_BUF_LITERAL(o->b, "<code>");
    lit(o, "/");
    view_put_cstr(o->b, o->mode, s);
    lit(o, "/");
    if (o->mode == VIEW_MODE_HTML)
        BASE_BUF_LITERAL(o->b, "</code>");
}

/* ---- IFC names ------------------------------------------------------------ */

/* Calls fn for each version named in the specification, then for every
 * version (a class the listed versions lack is still spelled well);
 * stops at the first non-NULL answer. */
static const char *by_version(const char *versions, const char *key,
                              const char *(*fn)(ifc_version, const char *))
{
    if (key == NULL)
        return NULL;
    const char *p = versions != NULL ? versions : "";
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        const char *start = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        ifc_version v;
        if (p > start && ifc_version_from_name(start, (size_t)(p - start), &v)) {
            const char *r = fn(v, key);
            if (r != NULL)
                return r;
        }
    }
    static const ifc_version newest_first[] = {IFC_IFC4X3_ADD2, IFC_IFC4, IFC_IFC2X3};
    for (size_t i = 0; i < sizeof(newest_first) / sizeof(newest_first[0]); i++) {
        const char *r = fn(newest_first[i], key);
        if (r != NULL)
            return r;
    }
    return NULL;
}

static const char *entity_spelling(ifc_version v, const char *key)
{
    const ifc_schema *s = ifc_schema_get(v);
    ifc_entity e = s != NULL ? ifc_entity_find(s, key, strlen(key)) : IFC_NONE;
    return e != IFC_NONE ? ifc_entity_name(s, e) : NULL;
}

static const char *defined_spelling(ifc_version v, const char *key)
{
    const ifc_schema *s = ifc_schema_get(v);
    int d = s != NULL ? ifc_defined_find(s, key) : -1;
    return d >= 0 ? ifc_defined_name(s, d) : NULL;
}

/* IFCWALL as its schema spells it (IfcWall); unknown names as written. */
static void class_name(const out *o, const char *s)
{
    const char *nice = by_version(o->versions, s, entity_spelling);
    name(o, nice != NULL ? nice : s);
}

static void data_type(const out *o, const char *s)
{
    const char *nice = by_version(o->versions, s, defined_spelling);
    name(o, nice != NULL ? nice : s);
}

/* ---- values ---------------------------------------------------------------- */

static size_t count_items(const ids_value *v, ids_xs_facet facet)
{
    size_t n = 0;
    for (size_t i = 0; i < v->n_items; i++)
        n += v->items[i].facet == facet;
    return n;
}

static const char *first_item(const ids_value *v, ids_xs_facet facet)
{
    for (size_t i = 0; i < v->n_items; i++)
        if (v->items[i].facet == facet)
            return v->items[i].value;
    return NULL;
}

/* True when v is a simple value or a restriction of enumerations only:
 * a list of names or values that can stand as nouns. */
static bool is_list(const ids_value *v)
{
    if (v->kind == IDS_VALUE_SIMPLE)
        return v->simple != NULL;
    return v->kind == IDS_VALUE_RESTRICTION && v->n_items > 0 &&
           count_items(v, IDS_XS_ENUMERATION) == v->n_items;
}

typedef void (*item_fn)(const out *o, const char *s, bool quote);

static void item_value(const out *o, const char *s, bool quote)
{
    value(o, s, quote);
}

static void item_class(const out *o, const char *s, bool quote)
{
    (void)quote;
    class_name(o, s);
}

static void item_name(const out *o, const char *s, bool quote)
{
    (void)quote;
    name(o, s);
}

/* The members of a list value: "A", "A or B", "A, B or C" (or_words) or
 * "A, B" (one_of), each written by fn. */
static void list(const out *o, const ids_value *v, item_fn fn, bool quote, bool or_words)
{
    if (v->kind == IDS_VALUE_SIMPLE) {
        fn(o, v->simple, quote);
        return;
    }
    size_t n = count_items(v, IDS_XS_ENUMERATION), k = 0;
    for (size_t i = 0; i < v->n_items; i++) {
        if (v->items[i].facet != IDS_XS_ENUMERATION)
            continue;
        if (k > 0)
            lit(o, or_words && k + 1 == n ? " or " : ", ");
        fn(o, v->items[i].value, quote);
        k++;
    }
}

/* Joins the clauses of a restriction with " and ". */
static void and_sep(const out *o, bool *first)
{
    if (!*first)
        lit(o, " and ");
    *first = false;
}

static void bound_words(const out *o, mood md, const char *lower, bool lower_incl,
                        const char *upper, bool upper_incl)
{
    if (md == MOOD_BE)
        lit(o, "be ");
    if (lower != NULL && upper != NULL && lower_incl == upper_incl) {
        lit(o, "between ");
        value(o, lower, false);
        lit(o, " and ");
        value(o, upper, false);
        lit(o, lower_incl ? " (inclusive)" : " (exclusive)");
        return;
    }
    if (lower != NULL) {
        lit(o, lower_incl ? "at least " : "greater than ");
        value(o, lower, false);
        if (upper != NULL)
            lit(o, " and ");
    }
    if (upper != NULL) {
        lit(o, upper_incl ? "at most " : "less than ");
        value(o, upper, false);
    }
}

static void bounds(const out *o, const ids_value *v, mood md, bool *first)
{
    const char *lower = NULL, *upper = NULL;
    bool lower_incl = false, upper_incl = false;
    for (size_t i = 0; i < v->n_items; i++) {
        const ids_xs_item *it = &v->items[i];
        bool lo = it->facet == IDS_XS_MIN_INCLUSIVE || it->facet == IDS_XS_MIN_EXCLUSIVE;
        bool hi = it->facet == IDS_XS_MAX_INCLUSIVE || it->facet == IDS_XS_MAX_EXCLUSIVE;
        if (!lo && !hi)
            continue;
        bool incl = it->facet == IDS_XS_MIN_INCLUSIVE || it->facet == IDS_XS_MAX_INCLUSIVE;
        if (lo && lower == NULL) {
            lower = it->value;
            lower_incl = incl;
        } else if (hi && upper == NULL) {
            upper = it->value;
            upper_incl = incl;
        } else {
            /* A second bound on one side: its own clause. */
            and_sep(o, first);
            bound_words(o, md, lo ? it->value : NULL, incl, hi ? it->value : NULL, incl);
        }
    }
    if (lower != NULL || upper != NULL) {
        and_sep(o, first);
        bound_words(o, md, lower, lower_incl, upper, upper_incl);
    }
}

static void lengths(const out *o, const ids_value *v, mood md, bool *first)
{
    const char *exact = first_item(v, IDS_XS_LENGTH);
    const char *lo = first_item(v, IDS_XS_MIN_LENGTH);
    const char *hi = first_item(v, IDS_XS_MAX_LENGTH);
    if (exact == NULL && lo == NULL && hi == NULL)
        return;
    and_sep(o, first);
    if (md == MOOD_BE)
        lit(o, "be ");
    if (exact != NULL) {
        lit(o, "exactly ");
        value(o, exact, false);
    } else if (lo != NULL && hi != NULL) {
        lit(o, "between ");
        value(o, lo, false);
        lit(o, " and ");
        value(o, hi, false);
    } else if (lo != NULL) {
        lit(o, "at least ");
        value(o, lo, false);
    } else {
        lit(o, "at most ");
        value(o, hi, false);
    }
    lit(o, " characters long");
}

static void digits(const out *o, const ids_value *v, mood md, bool *first)
{
    static const struct {
        ids_xs_facet facet;
        const char *what;
    } kinds[] = {{IDS_XS_TOTAL_DIGITS, " digits"},
                 {IDS_XS_FRACTION_DIGITS, " decimal places"}};
    for (size_t k = 0; k < 2; k++) {
        const char *n = first_item(v, kinds[k].facet);
        if (n == NULL)
            continue;
        and_sep(o, first);
        lit(o, md == MOOD_BE ? "have at most " : "of at most ");
        value(o, n, false);
        lit(o, kinds[k].what);
    }
}

/* A value as a condition (MOOD_ADJ) or predicate (MOOD_BE). */
static void condition(const out *o, const ids_value *v, mood md, bool quote)
{
    if (v->kind == IDS_VALUE_ABSENT || (v->kind == IDS_VALUE_SIMPLE && v->simple == NULL)) {
        lit(o, md == MOOD_BE ? "be (missing)" : "(missing)");
        return;
    }
    if (v->kind == IDS_VALUE_SIMPLE) {
        lit(o, md == MOOD_BE ? "be " : "= ");
        value(o, v->simple, quote);
        return;
    }
    if (v->n_items == 0) {
        lit(o, md == MOOD_BE ? "be any value (empty restriction)"
                             : "of any value (empty restriction)");
        return;
    }
    bool first = true;
    size_t n_enum = count_items(v, IDS_XS_ENUMERATION);
    if (n_enum > 0) {
        and_sep(o, &first);
        if (n_enum == 1)
            lit(o, md == MOOD_BE ? "be " : "= ");
        else
            lit(o, md == MOOD_BE ? "be one of " : "one of ");
        list(o, v, item_value, quote, false);
    }
    size_t n_pattern = count_items(v, IDS_XS_PATTERN);
    if (n_pattern > 0) {
        and_sep(o, &first);
        lit(o, md == MOOD_BE ? "match " : "matching ");
        size_t k = 0;
        for (size_t i = 0; i < v->n_items; i++) {
            if (v->items[i].facet != IDS_XS_PATTERN)
                continue;
            if (k++ > 0)
                lit(o, " or ");
            pattern(o, v->items[i].value);
        }
    }
    bounds(o, v, md, &first);
    lengths(o, v, md, &first);
    digits(o, v, md, &first);
}

/* "material 'wood'", "material 'wood' or 'steel'", or "a material" and
 * a condition. */
static void noun(const out *o, const char *what, const ids_value *v)
{
    if (is_list(v)) {
        lit(o, what);
        lit(o, " ");
        list(o, v, item_value, true, true);
        return;
    }
    lit(o, "a ");
    lit(o, what);
    lit(o, " ");
    condition(o, v, MOOD_ADJ, true);
}

/* ---- facets ----------------------------------------------------------------- */

typedef enum modal {
    MODAL_MUST = 0,   /* required */
    MODAL_MUST_NOT,   /* prohibited */
    MODAL_MAY         /* optional */
} modal;

const char *view_facet_cardinality(const ids_facet *facet, ids_location loc)
{
    if (loc != IDS_REQUIREMENTS || facet->kind == IDS_FACET_ENTITY)
        return "required";
    const char *c = facet->fattrs[IDS_FATTR_CARDINALITY];
    if (c != NULL && strcmp(c, "prohibited") == 0)
        return "prohibited";
    if (c != NULL && strcmp(c, "optional") == 0)
        return "optional";
    return "required";
}

static modal modal_of(const ids_facet *facet)
{
    const char *c = view_facet_cardinality(facet, IDS_REQUIREMENTS);
    if (strcmp(c, "prohibited") == 0)
        return MODAL_MUST_NOT;
    if (strcmp(c, "optional") == 0)
        return MODAL_MAY;
    return MODAL_MUST;
}

static const ids_value *param(const ids_facet *f, ids_param p)
{
    return &f->params[p];
}

static bool present(const ids_value *v)
{
    return v->kind != IDS_VALUE_ABSENT;
}

static const char *article_for(const char *word)
{
    char c = word != NULL ? word[0] : 'x';
    if (c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
    return (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') ? "an " : "a ";
}

/* The predefined type after a class: " of predefined type X" or
 * " with predefined type one of A, B". */
static void predefined(const out *o, const ids_facet *f)
{
    const ids_value *pt = param(f, IDS_PARAM_PREDEFINED_TYPE);
    if (!present(pt))
        return;
    if (pt->kind == IDS_VALUE_SIMPLE && pt->simple != NULL) {
        lit(o, " of predefined type ");
        value(o, pt->simple, false);
        return;
    }
    lit(o, " with predefined type ");
    condition(o, pt, MOOD_ADJ, false);
}

/* "an IfcWall", "an IfcSpace or IfcZone", "an element with class matching /p/" */
static void class_phrase(const out *o, const ids_facet *f)
{
    const ids_value *n = param(f, IDS_PARAM_NAME);
    if (is_list(n)) {
        const char *first = n->kind == IDS_VALUE_SIMPLE ? n->simple
                                                        : first_item(n, IDS_XS_ENUMERATION);
        const char *nice = by_version(o->versions, first, entity_spelling);
        lit(o, article_for(nice != NULL ? nice : first));
        list(o, n, item_class, false, true);
    } else {
        lit(o, "an element with class ");
        condition(o, n, MOOD_ADJ, false);
    }
    predefined(o, f);
}

static void entity_words(const out *o, const ids_facet *f, ids_location loc)
{
    const ids_value *n = param(f, IDS_PARAM_NAME);
    if (loc == IDS_APPLICABILITY) {
        if (is_list(n)) {
            list(o, n, item_class, false, true);
            lit(o, " elements");
        } else {
            lit(o, "elements with class ");
            condition(o, n, MOOD_ADJ, false);
        }
        predefined(o, f);
        return;
    }
    lit(o, "must be ");
    class_phrase(o, f);
}

static void relation_words(const out *o, const char *relation)
{
    static const struct {
        const char *relation;
        const char *words;
    } table[] = {
        {"IFCRELAGGREGATES", "aggregated into "},
        {"IFCRELASSIGNSTOGROUP", "assigned to "},
        {"IFCRELCONTAINEDINSPATIALSTRUCTURE", "contained in "},
        {"IFCRELNESTS", "nested in "},
        {"IFCRELVOIDSELEMENT IFCRELFILLSELEMENT", "filling a void in "},
    };
    if (relation == NULL) {
        lit(o, "part of ");
        return;
    }
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(relation, table[i].relation) == 0) {
            lit(o, table[i].words);
            return;
        }
    lit(o, "related through ");
    name(o, relation);
    lit(o, " to ");
}

static void partof_words(const out *o, const ids_facet *f, ids_location loc)
{
    if (loc == IDS_REQUIREMENTS) {
        static const char *const lead[] = {"must be ", "must not be ", "may be "};
        lit(o, lead[modal_of(f)]);
    }
    relation_words(o, f->fattrs[IDS_FATTR_RELATION]);
    class_phrase(o, f);
}

/* "must have ", "must not have ", "may have " / "with " */
static void have(const out *o, const ids_facet *f, ids_location loc)
{
    static const char *const lead[] = {"must have ", "must not have ", "may have "};
    lit(o, loc == IDS_REQUIREMENTS ? lead[modal_of(f)] : "with ");
}

static void classification_words(const out *o, const ids_facet *f, ids_location loc)
{
    have(o, f, loc);
    const ids_value *v = param(f, IDS_PARAM_VALUE);
    const ids_value *sys = param(f, IDS_PARAM_SYSTEM);
    if (present(v))
        noun(o, "classification", v);
    else
        lit(o, "a classification");
    if (present(sys)) {
        lit(o, " in ");
        noun(o, "system", sys);
    }
}

static void material_words(const out *o, const ids_facet *f, ids_location loc)
{
    have(o, f, loc);
    const ids_value *v = param(f, IDS_PARAM_VALUE);
    if (present(v))
        noun(o, "material", v);
    else
        lit(o, "a material");
}

/* After the subject of a value: " must be V", " must not be V",
 * ", where present, must be V" / " = V". */
static void predicate(const out *o, const ids_facet *f, ids_location loc, const ids_value *v)
{
    if (loc == IDS_APPLICABILITY) {
        lit(o, " ");
        condition(o, v, MOOD_ADJ, false);
        return;
    }
    static const char *const lead[] = {" must ", " must not ", ", where present, must "};
    lit(o, lead[modal_of(f)]);
    condition(o, v, MOOD_BE, false);
}

/* A name parameter as a subject: "Name", "Name or Description", or
 * "<what> with a name matching /p/". */
static void name_subject(const out *o, const ids_value *n, const char *what)
{
    if (is_list(n)) {
        list(o, n, item_name, false, true);
        return;
    }
    lit(o, what);
    lit(o, " with a name ");
    condition(o, n, MOOD_ADJ, false);
}

static void attribute_words(const out *o, const ids_facet *f, ids_location loc)
{
    const ids_value *n = param(f, IDS_PARAM_NAME);
    const ids_value *v = param(f, IDS_PARAM_VALUE);
    if (present(v)) {
        if (loc == IDS_APPLICABILITY)
            lit(o, "with ");
        name_subject(o, n, "an attribute");
        predicate(o, f, loc, v);
        return;
    }
    if (loc == IDS_APPLICABILITY) {
        lit(o, "with a value for ");
        name_subject(o, n, "an attribute");
        return;
    }
    name_subject(o, n, "an attribute");
    static const char *const tail[] = {" must have a value", " must not have a value",
                                       " may have a value"};
    lit(o, tail[modal_of(f)]);
}

static void property_subject(const out *o, const ids_facet *f)
{
    const ids_value *pset = param(f, IDS_PARAM_PROPERTY_SET);
    const ids_value *base = param(f, IDS_PARAM_BASE_NAME);
    if (pset->kind == IDS_VALUE_SIMPLE && base->kind == IDS_VALUE_SIMPLE &&
        pset->simple != NULL && base->simple != NULL) {
        if (o->mode == VIEW_MODE_HTML)
            BASE_BUF_LITERAL(o->b, "<span class=\"n\">");
        view_put_cstr(o->b, o->mode, pset->simple);
        lit(o, ".");
        view_put_cstr(o->b, o->mode, base->simple);
        if (o->mode == VIEW_MODE_HTML)
            BASE_BUF_LITERAL(o->b, "</span>");
        return;
    }
    name_subject(o, base, "a property");
    lit(o, " in ");
    name_subject(o, pset, "a property set");
}

static void property_words(const out *o, const ids_facet *f, ids_location loc)
{
    const ids_value *v = param(f, IDS_PARAM_VALUE);
    if (present(v)) {
        if (loc == IDS_APPLICABILITY)
            lit(o, "with ");
        property_subject(o, f);
        predicate(o, f, loc, v);
    } else {
        if (loc == IDS_APPLICABILITY) {
            lit(o, "with property ");
        } else {
            have(o, f, loc);
            lit(o, "property ");
        }
        property_subject(o, f);
    }
    const char *dt = f->fattrs[IDS_FATTR_DATA_TYPE];
    if (dt != NULL) {
        lit(o, " (data type ");
        data_type(o, dt);
        lit(o, ")");
    }
}

static void facet_words(const out *o, const ids_facet *f, ids_location loc)
{
    switch (f->kind) {
    case IDS_FACET_ENTITY: entity_words(o, f, loc); break;
    case IDS_FACET_PARTOF: partof_words(o, f, loc); break;
    case IDS_FACET_CLASSIFICATION: classification_words(o, f, loc); break;
    case IDS_FACET_ATTRIBUTE: attribute_words(o, f, loc); break;
    case IDS_FACET_PROPERTY: property_words(o, f, loc); break;
    case IDS_FACET_MATERIAL: material_words(o, f, loc); break;
    default: lit(o, "(unknown facet)"); return;
    }
    const char *uri = f->fattrs[IDS_FATTR_URI];
    if (loc == IDS_REQUIREMENTS && uri != NULL) {
        lit(o, " (see ");
        view_put_uri(o->b, o->mode, uri);
        lit(o, ")");
    }
}

void view_words_facet(base_buf *b, view_mode mode, const ids_facet *facet,
                      ids_location loc, const char *versions, bool in_table)
{
    out o = {b, mode, versions, in_table};
    facet_words(&o, facet, loc);
}

void view_words_versions(base_buf *b, view_mode mode, const char *versions)
{
    const char *p = versions != NULL ? versions : "";
    bool first = true;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        const char *start = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        if (p == start)
            continue;
        if (!first)
            base_buf_append_str(b, ", ");
        first = false;
        view_put_text(b, mode, VIEW_MD_INLINE, start, (size_t)(p - start));
    }
}

void view_words_applicability(base_buf *b, view_mode mode, const ids_spec_view *spec)
{
    const char *versions = spec->fields[IDS_SPEC_IFC_VERSION];
    out o = {b, mode, versions, false};
    size_t n = spec->n_facets[IDS_APPLICABILITY];
    const ids_facet *facets = spec->facets[IDS_APPLICABILITY];
    if (n == 0) {
        lit(&o, "Nothing: the applicability has no facets");
        return;
    }
    const ids_facet *subject = NULL;
    for (size_t i = 0; i < n && subject == NULL; i++)
        if (facets[i].kind == IDS_FACET_ENTITY)
            subject = &facets[i];
    lit(&o, "All ");
    if (subject != NULL)
        entity_words(&o, subject, IDS_APPLICABILITY);
    else
        lit(&o, "elements");
    if (versions != NULL && versions[0] != '\0') {
        lit(&o, " (");
        view_words_versions(b, mode, versions);
        lit(&o, ")");
    }
    size_t n_clauses = n - (subject != NULL), k = 0;
    for (size_t i = 0; i < n; i++) {
        const ids_facet *f = &facets[i];
        if (f == subject)
            continue;
        lit(&o, k == 0 ? " " : k + 1 == n_clauses ? " and " : ", ");
        k++;
        if (f->kind == IDS_FACET_ENTITY) {
            /* A second entity, which the standard does not allow: still said. */
            lit(&o, "that are also ");
            entity_words(&o, f, IDS_APPLICABILITY);
        } else {
            facet_words(&o, f, IDS_APPLICABILITY);
        }
    }
}

/* ---- usage ------------------------------------------------------------------- */

view_usage view_usage_of(const char *min_occurs, const char *max_occurs)
{
    const char *min = min_occurs != NULL ? min_occurs : "1";
    const char *max = max_occurs != NULL ? max_occurs : "1";
    if (strcmp(max, "unbounded") == 0) {
        if (strcmp(min, "1") == 0)
            return VIEW_USAGE_REQUIRED;
        if (strcmp(min, "0") == 0)
            return VIEW_USAGE_OPTIONAL;
    }
    if (strcmp(min, "0") == 0 && strcmp(max, "0") == 0)
        return VIEW_USAGE_PROHIBITED;
    return VIEW_USAGE_OTHER;
}

const char *view_usage_name(view_usage usage)
{
    switch (usage) {
    case VIEW_USAGE_REQUIRED: return "required";
    case VIEW_USAGE_OPTIONAL: return "optional";
    case VIEW_USAGE_PROHIBITED: return "prohibited";
    default: return "other";
    }
}

const char *view_usage_words(view_usage usage)
{
    switch (usage) {
    case VIEW_USAGE_REQUIRED:
        return "at least one applicable element must exist, and each must meet the requirements";
    case VIEW_USAGE_OPTIONAL:
        return "applicable elements may be absent; each one present must meet the requirements";
    case VIEW_USAGE_PROHIBITED:
        return "no element may match the applicability";
    default:
        return "minOccurs and maxOccurs name no usage that IDS 1.0 defines";
    }
}

/* ---- public ------------------------------------------------------------------- */

view_status view_facet_words(const ids_facet *facet, ids_location loc,
                             const char *versions, char **out_text)
{
    if (out_text == NULL)
        return VIEW_ERR_INVALID_ARG;
    *out_text = NULL;
    if (facet == NULL || (loc != IDS_APPLICABILITY && loc != IDS_REQUIREMENTS))
        return VIEW_ERR_INVALID_ARG;
    base_buf b = {0};
    view_words_facet(&b, VIEW_MODE_TEXT, facet, loc, versions, false);
    view_status st;
    *out_text = view_buf_take(&b, NULL, &st);
    return st;
}

view_status view_applicability_words(const ids_spec_view *spec, char **out_text)
{
    if (out_text == NULL)
        return VIEW_ERR_INVALID_ARG;
    *out_text = NULL;
    if (spec == NULL)
        return VIEW_ERR_INVALID_ARG;
    base_buf b = {0};
    view_words_applicability(&b, VIEW_MODE_TEXT, spec);
    view_status st;
    *out_text = view_buf_take(&b, NULL, &st);
    return st;
}
