/*
 * audit_ifc.c - the audit rules of the IDS reference (section 9) that
 * need IFC schema data: E1, E2, A1-A4, P3, P4, P5's version check, R1 and
 * S6, evaluated once for each IFC version a specification declares, with
 * the tables of src/ifc.
 *
 * Each facet is turned, per version, into the set of classes it allows
 * (a bitset over the version's entity ids, or "all" when the facet does
 * not narrow): an entity facet allows exactly the classes its name
 * matches, an attribute facet the classes having such an attribute, a
 * standard property set its applicable classes and their subtypes,
 * classification and material the classes IfcRelAssociates can relate,
 * partOf the part side of its relation. S6 intersects them: applicability
 * facets with each other, then with each required requirement facet.
 *
 * Names in values are matched the way a checker would: a simpleValue
 * exactly, an xs:restriction by its enumeration, its patterns (libxml2's
 * XSD regular expressions, compiled once per facet; literal text with
 * ".*" matched directly) and its lengths, so an entity pattern "IfcWall.*"
 * that no upper-case class name matches is caught like a misspelt name.
 *
 * A finding found in several versions with the same message is reported
 * once, its message beginning with the versions ("IFC2X3, IFC4: ...").
 * Messages offer the closest names of the version ("did you mean").
 *
 * Cost per specification and version: a few binary searches per simple
 * name; per attribute facet, the declarations of the name and the
 * subtrees of the declaring classes (bitset words); per pattern, one match
 * per class or attribute name (a regular expression once per distinct
 * name across versions). Over the 314 test cases this is about 49,000
 * instructions a file (specs/performance.md). No locks; the tables are
 * shared read-only data.
 */
#include "ids/validate_internal.h"
#include "ifc/ifc.h"

#include <libxml/xmlregexp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTITIES 1024
#define SET_WORDS (MAX_ENTITIES / 64)
#define NAME_MAX_LEN 128
/* Attribute names a name restriction may match and still be judged; a
 * pattern matching more (".*") is judged on the first ones only. */
#define MAX_NAMES 256

/* ---- class sets ---- */

typedef struct class_set {
    bool all; /* does not narrow */
    uint64_t w[SET_WORDS];
} class_set;

static void set_all(class_set *c)
{
    c->all = true;
    memset(c->w, 0, sizeof(c->w));
}

static void set_none(class_set *c)
{
    c->all = false;
    memset(c->w, 0, sizeof(c->w));
}

static void set_add(class_set *c, ifc_entity e)
{
    if (e >= 0 && e < MAX_ENTITIES)
        c->w[e / 64] |= 1ull << (e % 64);
}

static bool set_has(const class_set *c, ifc_entity e)
{
    return c->all || (e >= 0 && e < MAX_ENTITIES && (c->w[e / 64] >> (e % 64)) & 1u);
}

/* The first member of c at or after from, or -1; c must not be "all". */
static ifc_entity set_next(const class_set *c, ifc_entity from)
{
    if (from < 0)
        from = 0;
    for (size_t w = (size_t)from / 64; w < SET_WORDS; w++) {
        uint64_t bits = c->w[w];
        if (w == (size_t)from / 64)
            bits &= ~0ull << (from % 64);
        if (bits != 0)
            return (ifc_entity)(w * 64 + (size_t)__builtin_ctzll(bits));
    }
    return -1;
}

/* e and all its subtypes: an id range, set a word at a time. */
static void set_add_subtree(class_set *c, const ifc_schema *s, ifc_entity e)
{
    ifc_entity last = ifc_entity_last(s, e);
    if (e < 0 || last < e || last >= MAX_ENTITIES)
        return;
    for (ifc_entity i = e; i <= last;) {
        if (i % 64 == 0 && last - i >= 63) {
            c->w[i / 64] = ~0ull;
            i += 64;
        } else {
            set_add(c, i++);
        }
    }
}

static void set_and(class_set *a, const class_set *b)
{
    if (b->all)
        return;
    if (a->all) {
        *a = *b;
        return;
    }
    for (size_t i = 0; i < SET_WORDS; i++)
        a->w[i] &= b->w[i];
}

static bool set_empty(const class_set *c)
{
    if (c->all)
        return false;
    for (size_t i = 0; i < SET_WORDS; i++)
        if (c->w[i] != 0)
            return false;
    return true;
}

static bool sets_meet(const class_set *a, const class_set *b)
{
    if (a->all || b->all)
        return !set_empty(a) && !set_empty(b);
    for (size_t i = 0; i < SET_WORDS; i++)
        if (a->w[i] & b->w[i])
            return true;
    return false;
}

/* Up to max upper-case class names of c, comma-separated, "..." when more. */
static void set_names(const class_set *c, const ifc_schema *s, size_t max, char *buf,
                      size_t size)
{
    size_t used = 0, shown = 0, total = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ifc_entity_count(s); i++) {
        ifc_entity e = ifc_entity_by_name(s, i);
        if (!set_has(c, e))
            continue;
        total++;
        if (shown >= max)
            continue;
        const char *n = ifc_entity_name(s, e);
        int w = snprintf(buf + used, size - used, "%s", shown > 0 ? ", " : "");
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
        for (const char *p = n; *p != '\0' && used + 1 < size; p++)
            buf[used++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
        buf[used] = '\0';
        shown++;
    }
    if (total > shown && used + 5 < size)
        snprintf(buf + used, size - used, ", ...");
}

/* ---- matching names against a value ---- */

typedef struct matcher {
    const ids_value *v;
    xmlRegexpPtr *regex; /* compiled patterns of v, NULL where one failed */
    const char **glob;   /* or the pattern itself when it is a glob (below) */
    size_t n_regex;
    bool unknown;        /* a pattern did not compile: matching is not judged */
} matcher;

/* True when pattern is literal text and ".*" only (".*", "IFCWALL.*",
 * "IFC.*TYPE"): the usual shapes, matched here without running libxml2's
 * regular expression engine over every class name (a pattern is checked
 * against up to 876 names per version). */
static bool is_glob(const char *pattern)
{
    for (const char *p = pattern; *p != '\0'; p++) {
        if (*p == '.' && p[1] == '*') {
            p++;
            continue;
        }
        if (strchr(".\\?*+{}()[]|^$", *p) != NULL)
            return false;
    }
    return true;
}

static void upper_into(const char *in, char *buf, size_t size)
{
    size_t i = 0;
    for (; in[i] != '\0' && i + 1 < size; i++)
        buf[i] = (char)(in[i] >= 'a' && in[i] <= 'z' ? in[i] - 'a' + 'A' : in[i]);
    buf[i] = '\0';
}

static char up_char(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* True when the n bytes at lit equal those at name, name upper-cased when
 * up is set. */
static bool same_n(const char *lit, const char *name, size_t n, bool up)
{
    for (size_t i = 0; i < n; i++) {
        char c = up ? up_char(name[i]) : name[i];
        if (name[i] == '\0' || c != lit[i])
            return false;
    }
    return true;
}

/* Whole-string match of a glob: literal pieces separated by ".*"; name is
 * read upper-cased when up is set (class names against IDS's IFCWALL). */
static bool glob_match(const char *pattern, const char *name, bool up)
{
    if (pattern[0] == '.' && pattern[1] == '*' && pattern[2] == '\0')
        return true;
    const char *star = strstr(pattern, ".*");
    size_t first = star != NULL ? (size_t)(star - pattern) : strlen(pattern);
    if (!same_n(pattern, name, first, up))
        return false;
    if (star == NULL)
        return name[first] == '\0';
    const char *at = name + first;
    const char *piece = star + 2;
    for (;;) {
        const char *next = strstr(piece, ".*");
        size_t len = next != NULL ? (size_t)(next - piece) : strlen(piece);
        if (next == NULL) {
            size_t rest = strlen(at);
            return rest >= len && same_n(piece, at + rest - len, len, up);
        }
        if (len > 0) {
            const char *hit = NULL;
            for (const char *q = at; *q != '\0' && hit == NULL; q++)
                if (same_n(piece, q, len, up))
                    hit = q;
            if (hit == NULL)
                return false;
            at = hit + len;
        }
        piece = next + 2;
    }
}

static bool same_string(const char *lit, const char *name, bool up)
{
    size_t n = strlen(lit);
    return same_n(lit, name, n, up) && name[n] == '\0';
}

static void matcher_init(matcher *m, const ids_value *v, ids_findings *out)
{
    memset(m, 0, sizeof(*m));
    m->v = v;
    if (v->kind != IDS_VALUE_RESTRICTION)
        return;
    size_t n = 0;
    for (size_t i = 0; i < v->n_items; i++)
        if (v->items[i].facet == IDS_XS_PATTERN)
            n++;
    if (n == 0)
        return;
    m->regex = calloc(n, sizeof(*m->regex));
    m->glob = calloc(n, sizeof(*m->glob));
    if (m->regex == NULL || m->glob == NULL) {
        out->nomem = true;
        m->unknown = true;
        return;
    }
    for (size_t i = 0; i < v->n_items; i++) {
        if (v->items[i].facet != IDS_XS_PATTERN)
            continue;
        if (is_glob(v->items[i].value)) {
            m->glob[m->n_regex++] = v->items[i].value;
            continue;
        }
        xmlRegexpPtr re = ids_regex_compile(v->items[i].value);
        if (re == NULL)
            m->unknown = true; /* X4 reports it */
        m->regex[m->n_regex++] = re;
    }
}

static void matcher_clear(matcher *m)
{
    for (size_t i = 0; i < m->n_regex; i++)
        if (m->regex[i] != NULL)
            xmlRegFreeRegexp(m->regex[i]);
    free(m->regex);
    free(m->glob);
    memset(m, 0, sizeof(*m));
}

/* True when the value accepts name: a simpleValue equal to it, or a
 * restriction whose enumeration (if any) lists it, one of whose patterns
 * (if any) matches it, and whose length facets it meets. */
static bool matcher_accepts_as(const matcher *m, const char *name, bool up)
{
    const ids_value *v = m->v;
    if (v->kind == IDS_VALUE_SIMPLE)
        return same_string(v->simple, name, up);
    if (v->kind != IDS_VALUE_RESTRICTION)
        return true;
    bool has_enum = false, in_enum = false;
    size_t len = strlen(name);
    for (size_t i = 0; i < v->n_items; i++) {
        const ids_xs_item *it = &v->items[i];
        char *end = NULL;
        long n = 0;
        bool number = false;
        if (it->facet == IDS_XS_LENGTH || it->facet == IDS_XS_MIN_LENGTH ||
            it->facet == IDS_XS_MAX_LENGTH) {
            n = strtol(it->value, &end, 10);
            number = end != it->value && *end == '\0';
        }
        switch (it->facet) {
        case IDS_XS_ENUMERATION:
            has_enum = true;
            if (same_string(it->value, name, up))
                in_enum = true;
            break;
        case IDS_XS_LENGTH:
            if (number && (long)len != n)
                return false;
            break;
        case IDS_XS_MIN_LENGTH:
            if (number && (long)len < n)
                return false;
            break;
        case IDS_XS_MAX_LENGTH:
            if (number && (long)len > n)
                return false;
            break;
        default:
            break;
        }
    }
    if (has_enum && !in_enum)
        return false;
    if (m->n_regex > 0) {
        bool any = false;
        char upper[NAME_MAX_LEN];
        const char *subject = name;
        for (size_t i = 0; i < m->n_regex && !any; i++) {
            if (m->glob[i] != NULL) {
                any = glob_match(m->glob[i], name, up);
                continue;
            }
            if (m->regex[i] == NULL)
                continue;
            if (up && subject == name) {
                upper_into(name, upper, sizeof(upper));
                subject = upper;
            }
            any = xmlRegexpExec(m->regex[i], (const xmlChar *)subject) == 1;
        }
        if (!any)
            return false;
    }
    return true;
}

static bool matcher_accepts(const matcher *m, const char *name)
{
    return matcher_accepts_as(m, name, false);
}

/* True when matching is judged at all: a simple value, or a restriction
 * whose patterns all compiled. */
static bool matcher_judges(const matcher *m)
{
    return (m->v->kind == IDS_VALUE_SIMPLE || m->v->kind == IDS_VALUE_RESTRICTION) &&
           !m->unknown;
}

/* "; did you mean A, B or C?" for word, or "" when nothing is close. Only
 * the closest names are offered (all at the smallest distance, up to
 * three), which also keeps the hint the same in versions that share them,
 * so that their findings merge. */
static void did_you_mean(ifc_name_kind kind, ifc_version_mask versions,
                         const char *context, const char *word, bool upper, char *buf,
                         size_t size)
{
    ifc_suggestion sug[3];
    size_t n = ifc_suggest(kind, versions, context, word, 0, sug, 3);
    buf[0] = '\0';
    while (n > 1 && sug[n - 1].distance > sug[0].distance)
        n--;
    if (n == 0)
        return;
    size_t used = (size_t)snprintf(buf, size, "; did you mean ");
    for (size_t i = 0; i < n && used < size; i++) {
        char name[NAME_MAX_LEN];
        if (upper)
            upper_into(sug[i].name, name, sizeof(name));
        else
            snprintf(name, sizeof(name), "%s", sug[i].name);
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 i == 0 ? "" : i + 1 == n ? " or " : ", ", name);
    }
    if (used < size)
        snprintf(buf + used, size - used, "?");
}

/* ---- one specification ---- */

/* The class sets an entity name value gives in each version, kept so that
 * a pattern runs once per distinct class name, not once per version. */
typedef struct name_memo {
    bool done[IFC_VERSION_COUNT];
    class_set cs[IFC_VERSION_COUNT];
} name_memo;

typedef struct facet_info {
    const xmlNode *node;
    ids_facet facet;
    ids_location loc;
    bool required;      /* narrows S6 (applicability, or a required requirement) */
    matcher name;       /* entity / partOf entity / attribute name */
    name_memo memo;     /* classes of an entity name per version */
    matcher base_name;  /* property baseName */
    bool failed;        /* a facet rule already reported it in this version */
} facet_info;

typedef struct spec_ctx {
    ids_findings *out;          /* this version's findings */
    const ifc_schema *s;
    ifc_version version;
    ifc_version_mask declared;  /* every version the specification names */
} spec_ctx;

#define ERR(c, rule, node, ...) \
    ids_findings_add((c)->out, IDS_SEVERITY_ERROR, (rule), (node), __VA_ARGS__)

static bool is_upper_name(const char *s)
{
    return ids_ifc_class_name_form(s);
}

/* The enumeration values of a restriction, or the simple value, as a list;
 * returns the count (0 for patterns and other restrictions). */
static size_t listed_values(const ids_value *v, const char **out, size_t max)
{
    if (v->kind == IDS_VALUE_SIMPLE) {
        if (max > 0)
            out[0] = v->simple;
        return 1;
    }
    size_t n = 0;
    if (v->kind == IDS_VALUE_RESTRICTION)
        for (size_t i = 0; i < v->n_items && n < max; i++)
            if (v->items[i].facet == IDS_XS_ENUMERATION)
                out[n++] = v->items[i].value;
    for (size_t i = 0; v->kind == IDS_VALUE_RESTRICTION && i < v->n_items; i++)
        if (v->items[i].facet == IDS_XS_PATTERN)
            return 0;
    return n;
}

/* The classes an entity name value matches in this version. A class whose
 * name a version already judged takes that answer (most names are in all
 * three versions), so a pattern runs about once per distinct name. */
static void entity_classes(const spec_ctx *c, const matcher *m, name_memo *memo,
                           class_set *cs)
{
    set_none(cs);
    if (m->v->kind == IDS_VALUE_SIMPLE) {
        if (!is_upper_name(m->v->simple))
            return;
        ifc_entity e = ifc_entity_find(c->s, m->v->simple, strlen(m->v->simple));
        if (e != IFC_NONE)
            set_add(cs, e);
        return;
    }
    bool slow = false; /* a pattern that is no glob: worth the look-ups */
    for (size_t i = 0; i < m->n_regex; i++)
        if (m->glob[i] == NULL)
            slow = true;
    bool all = m->v->n_items > 0;
    for (size_t i = 0; i < m->v->n_items; i++)
        if (m->v->items[i].facet != IDS_XS_PATTERN || strcmp(m->v->items[i].value, ".*") != 0)
            all = false;
    if (all) {
        for (size_t i = 0; i < ifc_entity_count(c->s); i++)
            set_add(cs, (ifc_entity)i);
        return;
    }
    for (size_t i = 0; i < ifc_entity_count(c->s); i++) {
        const char *name = ifc_entity_name(c->s, (ifc_entity)i);
        int known = -1;
        for (int w = 0; slow && w < IFC_VERSION_COUNT && known < 0; w++) {
            if (!memo->done[w])
                continue;
            ifc_entity o = ifc_entity_find(ifc_schema_get((ifc_version)w), name, strlen(name));
            if (o != IFC_NONE)
                known = set_has(&memo->cs[w], o) ? 1 : 0;
        }
        if (known < 0)
            known = matcher_accepts_as(m, name, true) ? 1 : 0;
        if (known)
            set_add(cs, (ifc_entity)i);
    }
    memo->cs[c->version] = *cs;
    memo->done[c->version] = true;
}

/* E1 for the name of an entity or partOf facet; fills cs. */
static void check_entity_name(const spec_ctx *c, facet_info *f, const xmlNode *name_node,
                              class_set *cs)
{
    set_all(cs);
    const matcher *m = &f->name;
    if (!matcher_judges(m))
        return;
    entity_classes(c, m, &f->memo, cs);
    const ids_value *v = m->v;
    const char *listed[64];
    size_t n = v->kind == IDS_VALUE_RESTRICTION ? listed_values(v, listed, 64) : 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_upper_name(listed[i]))
            continue; /* the form part of E1 (audit.c) reports it */
        bool somewhere = false;
        for (int w = 0; w < IFC_VERSION_COUNT && !somewhere; w++)
            if ((c->declared & (1u << w)) &&
                ifc_entity_find(ifc_schema_get((ifc_version)w), listed[i], strlen(listed[i])) !=
                    IFC_NONE)
                somewhere = true;
        if (somewhere)
            continue;
        char hint[256];
        did_you_mean(IFC_NAME_ENTITY, c->declared, NULL, listed[i], true, hint, sizeof(hint));
        ERR(c, "E1", name_node, "enumerated entity '%s' is not a class of any IFC version "
            "the specification names%s", listed[i], hint);
        f->failed = true;
    }
    if (!set_empty(cs))
        return;
    if (v->kind == IDS_VALUE_SIMPLE) {
        if (!is_upper_name(v->simple)) {
            f->failed = true; /* the form part of E1 (audit.c) reports it */
            return;
        }
        char hint[256];
        did_you_mean(IFC_NAME_ENTITY, 1u << c->version, NULL, v->simple, true, hint,
                     sizeof(hint));
        ERR(c, "E1", name_node, "entity '%s' is not a class of this IFC version%s", v->simple,
            hint);
    } else {
        ERR(c, "E1", name_node, "no class of this IFC version matches the entity name "
            "restriction (class names are upper case, e.g. IFCWALL; a pattern must match "
            "the whole name)");
    }
    f->failed = true;
}

/* E2: a predefinedType must be a predefined value of a matched class (any
 * value when USERDEFINED is one), and the class must have predefined
 * types at all. */
static void check_predefined(const spec_ctx *c, facet_info *f, const xmlNode *pt_node,
                             const ids_value *pt, const class_set *cs)
{
    if (pt->kind == IDS_VALUE_ABSENT || cs->all || set_empty(cs))
        return;
    const char *values[64];
    size_t n = listed_values(pt, values, 64);
    if (n == 0)
        return;
    bool any_enum = false;
    for (ifc_entity e = set_next(cs, 0); e >= 0 && !any_enum; e = set_next(cs, e + 1))
        if (ifc_entity_predefined_enum(c->s, e, NULL) >= 0)
            any_enum = true;
    char classes[256];
    set_names(cs, c->s, 3, classes, sizeof(classes));
    if (!any_enum) {
        ERR(c, "E2", pt_node, "%s has no predefined types in this IFC version (neither a "
            "PredefinedType attribute nor a type object with one); remove predefinedType "
            "or name a class that has them", classes);
        f->failed = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        bool ok = false;
        int first_enum = -1;
        ifc_entity first_class = IFC_NONE;
        for (ifc_entity e = set_next(cs, 0); e >= 0 && !ok; e = set_next(cs, e + 1)) {
            int en = ifc_entity_predefined_enum(c->s, e, NULL);
            if (en < 0)
                continue;
            if (first_enum < 0) {
                first_enum = en;
                first_class = e;
            }
            if (ifc_enum_value_find(c->s, en, values[i]) >= 0 ||
                ifc_enum_value_find(c->s, en, "USERDEFINED") >= 0)
                ok = true;
        }
        if (ok)
            continue;
        char hint[256] = "";
        if (first_class != IFC_NONE)
            did_you_mean(IFC_NAME_PREDEFINED, 1u << c->version,
                         ifc_entity_name(c->s, first_class), values[i], false, hint,
                         sizeof(hint));
        ERR(c, "E2", pt_node, "predefinedType '%s' is not a predefined type of %s in this "
            "IFC version (%s)%s", values[i], classes,
            first_enum >= 0 ? ifc_enum_name(c->s, first_enum) : "", hint);
        f->failed = true;
    }
}

/* The xs base type an attribute's value is compared in, or NULL when the
 * attribute holds no simple value (an entity, a select, a list). "" when
 * it has no IDS base (binary). */
static const char *attribute_base(const ifc_schema *s, ifc_type t, const char **what)
{
    ifc_type_kind k = ifc_type_kind_of(s, t);
    ifc_type_kind vk = ifc_type_value_kind(s, t);
    *what = NULL;
    switch (k) {
    case IFC_TYPE_ENTITY:
        *what = "an entity reference";
        return NULL;
    case IFC_TYPE_SELECT:
        *what = "a select";
        return NULL;
    case IFC_TYPE_AGGREGATE:
        *what = "a list";
        return NULL;
    case IFC_TYPE_ENUM:
        return "xs:string";
    case IFC_TYPE_DEFINED: {
        if (vk == IFC_TYPE_AGGREGATE) {
            *what = "a list";
            return NULL;
        }
        char up[NAME_MAX_LEN];
        upper_into(ifc_type_name(s, t), up, sizeof(up));
        const ifc_datatype *d = ifc_datatype_find(up);
        if (d != NULL)
            return d->base;
        break;
    }
    default:
        break;
    }
    switch (vk) {
    case IFC_TYPE_REAL:
    case IFC_TYPE_NUMBER:
        return "xs:double";
    case IFC_TYPE_INTEGER:
        return "xs:integer";
    case IFC_TYPE_BOOLEAN:
        return "xs:boolean";
    case IFC_TYPE_STRING:
    case IFC_TYPE_LOGICAL:
        return "xs:string";
    default:
        return "";
    }
}

/* The value items a lexical check applies to. */
static bool value_item_checked(ids_xs_facet f)
{
    return f == IDS_XS_ENUMERATION || f == IDS_XS_MIN_INCLUSIVE || f == IDS_XS_MAX_INCLUSIVE ||
           f == IDS_XS_MIN_EXCLUSIVE || f == IDS_XS_MAX_EXCLUSIVE;
}

/* True when value v can be compared in base. */
static bool value_fits_base(const ids_value *v, const char *base)
{
    if (base[0] == '\0')
        return true;
    if (v->kind == IDS_VALUE_SIMPLE)
        return ids_lexical_valid(base, v->simple);
    if (v->kind != IDS_VALUE_RESTRICTION)
        return true;
    if (v->base != NULL && strcmp(v->base, base) != 0)
        return false;
    for (size_t i = 0; i < v->n_items; i++)
        if (value_item_checked(v->items[i].facet) && !ids_lexical_valid(base, v->items[i].value))
            return false;
    return true;
}

/* A1-A4 for an attribute facet; fills cs with the classes having the
 * attribute. app is the applicability's class set (for requirements). */
static void check_attribute(const spec_ctx *c, facet_info *f, const class_set *app,
                            class_set *cs)
{
    set_all(cs);
    const matcher *m = &f->name;
    if (!matcher_judges(m))
        return;
    const ifc_schema *s = c->s;
    const xmlNode *name_node = ids_param_node(f->node, IDS_FACET_ATTRIBUTE, IDS_PARAM_NAME);
    const xmlNode *value_node = ids_param_node(f->node, IDS_FACET_ATTRIBUTE, IDS_PARAM_VALUE);
    const ids_value *value = &f->facet.params[IDS_PARAM_VALUE];

    /* A1: the names the value matches among the version's explicit
     * attributes (for a simple value, the one name). */
    const char *names[MAX_NAMES];
    size_t matched = 0;
    if (m->v->kind == IDS_VALUE_SIMPLE) {
        if (ifc_attribute_name_exists(s, m->v->simple))
            names[matched++] = m->v->simple;
    } else {
        for (size_t i = 0; i < ifc_attribute_name_count(s) && matched < MAX_NAMES; i++)
            if (matcher_accepts(m, ifc_attribute_name_at(s, i)))
                names[matched++] = ifc_attribute_name_at(s, i);
    }
    if (matched == 0) {
        char hint[256] = "";
        const char *why = "";
        if (m->v->kind == IDS_VALUE_SIMPLE) {
            did_you_mean(IFC_NAME_ATTRIBUTE, 1u << c->version, NULL, m->v->simple, false, hint,
                         sizeof(hint));
            for (size_t e = 0; e < ifc_entity_count(s) && why[0] == '\0'; e++)
                if (ifc_entity_inverse_find(s, (ifc_entity)e, m->v->simple, NULL) >= 0)
                    why = " (it is an inverse attribute, which IDS cannot check)";
            ERR(c, "A1", name_node, "'%s' is not an explicit attribute of any class in this "
                "IFC version%s; IDS checks only explicit attributes, not derived or inverse "
                "ones%s", m->v->simple, why, hint);
        } else {
            ERR(c, "A1", name_node, "no explicit attribute of this IFC version matches the "
                "attribute name restriction");
        }
        set_none(cs);
        f->failed = true;
        return;
    }

    /* The classes having a matching attribute that is not derived there:
     * each declaring class and its subtypes, where the attribute keeps its
     * position. With a value, what the attribute can hold where the
     * applicability selects such a class. */
    set_none(cs);
    bool any_pair = false, any_simple = false, fits = false;
    const char *not_simple = NULL;
    const char *bases[4] = {NULL, NULL, NULL, NULL};
    size_t n_bases = 0;
    for (size_t k = 0; k < matched; k++) {
        const char *name = names[k];
        size_t cursor = 0;
        ifc_attribute decl;
        while (ifc_attribute_declaration(s, name, &cursor, &decl)) {
            class_set sub;
            set_none(&sub);
            set_add_subtree(&sub, s, decl.declared_by);
            ifc_entity last = ifc_entity_last(s, decl.declared_by);
            for (ifc_entity e = decl.declared_by; e <= last; e++)
                if (ifc_entity_attribute_derived(s, e, decl.position))
                    sub.w[e / 64] &= ~(1ull << (e % 64));
            for (size_t w = 0; w < SET_WORDS; w++)
                cs->w[w] |= sub.w[w];
            bool in_app = sets_meet(&sub, app);
            if (value->kind == IDS_VALUE_ABSENT || !in_app)
                continue;
            any_pair = true;
            const char *what = NULL;
            const char *base = attribute_base(s, decl.type, &what);
            if (base == NULL) {
                not_simple = what;
                continue;
            }
            any_simple = true;
            if (value_fits_base(value, base))
                fits = true;
            bool seen = false;
            for (size_t b = 0; b < n_bases; b++)
                if (strcmp(bases[b], base) == 0)
                    seen = true;
            if (!seen && n_bases < 4 && base[0] != '\0')
                bases[n_bases++] = base;
        }
    }
    const char *attr_name =
        m->v->kind == IDS_VALUE_SIMPLE ? m->v->simple : "(those matching the name)";

    /* A4: the classes having it must overlap the applicability. */
    if (f->loc == IDS_REQUIREMENTS && f->required && !sets_meet(cs, app)) {
        char have[256], want[256];
        set_names(cs, s, 3, have, sizeof(have));
        set_names(app, s, 3, want, sizeof(want));
        ERR(c, "A4", name_node, "%s is an attribute of %s, none of which the applicability "
            "(%s) selects in this IFC version", attr_name, have, want);
        f->failed = true;
        return;
    }
    if (!any_pair)
        return;
    if (!any_simple) {
        ERR(c, "A2", value_node != NULL ? value_node : name_node, "attribute %s holds %s, "
            "not a simple value, so IDS cannot compare a value with it; remove the value "
            "and require only that the attribute is set",
            attr_name, not_simple != NULL ? not_simple : "no simple value");
        f->failed = true;
        return;
    }
    if (!fits && n_bases > 0) {
        char list[128] = "";
        for (size_t b = 0; b < n_bases; b++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof(list) - used, "%s%s", b == 0 ? "" : " or ", bases[b]);
        }
        if (value->kind == IDS_VALUE_SIMPLE)
            ERR(c, "A3", value_node, "value '%s' is not a valid %s, the type of attribute %s",
                value->simple, list, attr_name);
        else
            ERR(c, "A3", value_node, "the value restriction must have base %s with values "
                "in that form, the type of attribute %s%s", list, attr_name,
                value->base != NULL && strcmp(value->base, "xs:string") == 0
                    ? " (a pattern applies to text only)" : "");
        f->failed = true;
    }
}

static bool reserved_prefix(const char *name)
{
    return strncmp(name, "Pset_", 5) == 0 || strncmp(name, "Qto_", 4) == 0;
}

/* P3, P4 and P5's version check for a property facet; fills cs with the
 * classes a standard set applies to. */
static void check_property(const spec_ctx *c, facet_info *f, class_set *cs)
{
    set_all(cs);
    const ifc_schema *s = c->s;
    const xmlNode *pset_node = ids_param_node(f->node, IDS_FACET_PROPERTY, IDS_PARAM_PROPERTY_SET);
    const xmlNode *base_node = ids_param_node(f->node, IDS_FACET_PROPERTY, IDS_PARAM_BASE_NAME);
    const xmlNode *value_node = ids_param_node(f->node, IDS_FACET_PROPERTY, IDS_PARAM_VALUE);
    const ids_value *pv = &f->facet.params[IDS_PARAM_PROPERTY_SET];
    const ids_value *bv = &f->facet.params[IDS_PARAM_BASE_NAME];
    const ids_value *value = &f->facet.params[IDS_PARAM_VALUE];
    const char *data_type = f->facet.fattrs[IDS_FATTR_DATA_TYPE];

    /* P5: the dataType exists in this version. */
    if (data_type != NULL) {
        const ifc_datatype *d = ifc_datatype_find(data_type);
        if (d != NULL && !(d->versions & (1u << c->version))) {
            ERR(c, "P5", f->node, "dataType %s does not exist in this IFC version", data_type);
            f->failed = true;
        }
    }

    /* P4: a reserved prefix names a standard set. */
    const char *names[64];
    size_t n = listed_values(pv, names, 64);
    for (size_t i = 0; i < n; i++) {
        if (!reserved_prefix(names[i]) || ifc_pset_find(s, names[i]) != IFC_NONE)
            continue;
        char hint[256];
        did_you_mean(IFC_NAME_PSET, 1u << c->version, NULL, names[i], false, hint, sizeof(hint));
        ERR(c, "P4", pset_node, "property set '%s' uses a prefix reserved for the standard "
            "sets (Pset_, Qto_) but is not a standard set of this IFC version%s; a custom "
            "set needs a name without that prefix", names[i], hint);
        f->failed = true;
    }

    if (pv->kind != IDS_VALUE_SIMPLE)
        return;
    ifc_pset p = ifc_pset_find(s, pv->simple);
    if (p == IFC_NONE)
        return;
    set_none(cs);
    for (size_t i = 0; i < ifc_pset_applicable_count(s, p); i++)
        set_add_subtree(cs, s, ifc_pset_applicable(s, p, i));
    if (ifc_pset_applicable_count(s, p) == 0)
        set_all(cs);
    if (!f->required)
        return;

    /* P3: its properties, their values and dataTypes. */
    const matcher *bm = &f->base_name;
    if (!matcher_judges(bm))
        return;
    ifc_property q;
    size_t matched = 0;
    int which = -1;
    for (size_t i = 0; ifc_pset_property(s, p, i, &q); i++)
        if (matcher_accepts(bm, q.name)) {
            matched++;
            which = (int)i;
        }
    if (matched == 0) {
        char hint[256] = "";
        if (bv->kind == IDS_VALUE_SIMPLE)
            did_you_mean(IFC_NAME_PROPERTY, 1u << c->version, pv->simple, bv->simple, false,
                         hint, sizeof(hint));
        ERR(c, "P3", base_node, "%s%s%s is not a property of the standard set %s in this "
            "IFC version%s", bv->kind == IDS_VALUE_SIMPLE ? "'" : "",
            bv->kind == IDS_VALUE_SIMPLE ? bv->simple : "the baseName restriction",
            bv->kind == IDS_VALUE_SIMPLE ? "'" : "", pv->simple, hint);
        f->failed = true;
        return;
    }
    if (matched != 1)
        return;
    ifc_pset_property(s, p, (size_t)which, &q);
    /* Only a type IDS can name is compared: some properties hold an
     * entity (IFCTIMESERIES, IFCPERSON), which no dataType can be. */
    const ifc_datatype *known = ifc_datatype_find(q.data_type);
    if (data_type != NULL && known != NULL && known->base[0] != '\0' &&
        q.kind != IFC_PROPERTY_UNKNOWN && strcmp(data_type, q.data_type) != 0) {
        ERR(c, "P3", f->node, "%s.%s has dataType %s in this IFC version, not %s", pv->simple,
            q.name, q.data_type, data_type);
        f->failed = true;
    }
    if (q.kind == IFC_PROPERTY_ENUMERATION && q.value_count > 0) {
        const char *vals[64];
        size_t nv = listed_values(value, vals, 64);
        for (size_t i = 0; i < nv; i++) {
            bool ok = false;
            for (size_t j = 0; j < q.value_count && !ok; j++)
                if (strcmp(ifc_pset_property_value(s, p, (size_t)which, j), vals[i]) == 0)
                    ok = true;
            if (ok)
                continue;
            char allowed[256] = "";
            for (size_t j = 0; j < q.value_count; j++) {
                size_t used = strlen(allowed);
                snprintf(allowed + used, sizeof(allowed) - used, "%s%s", j == 0 ? "" : ", ",
                         ifc_pset_property_value(s, p, (size_t)which, j));
            }
            ERR(c, "P3", value_node, "'%s' is not an allowed value of %s.%s in this IFC "
                "version; allowed: %s", vals[i], pv->simple, q.name, allowed);
            f->failed = true;
        }
    }
}

/* The classes IfcRelAssociates can relate (classification, material):
 * the entities its RelatedObjects attribute names, through selects. */
static void add_type_classes(const ifc_schema *s, ifc_type t, class_set *cs, int depth)
{
    if (depth > 8)
        return;
    switch (ifc_type_kind_of(s, t)) {
    case IFC_TYPE_AGGREGATE:
        add_type_classes(s, ifc_type_element(s, t), cs, depth + 1);
        break;
    case IFC_TYPE_ENTITY:
        set_add_subtree(cs, s, ifc_type_ref(s, t));
        break;
    case IFC_TYPE_SELECT: {
        int sel = ifc_type_ref(s, t);
        for (size_t i = 0; i < ifc_select_member_count(s, sel); i++)
            add_type_classes(s, ifc_select_member(s, sel, i), cs, depth + 1);
        break;
    }
    default:
        break;
    }
}

static void associable_classes(const ifc_schema *s, bool classification, class_set *cs)
{
    set_none(cs);
    ifc_entity rel = ifc_entity_find(s, "IfcRelAssociates", 16);
    ifc_attribute a;
    if (ifc_entity_attribute_find(s, rel, "RelatedObjects", &a) < 0) {
        set_all(cs);
        return;
    }
    add_type_classes(s, a.type, cs, 0);
    /* Resources that are no IfcRoot (a material, a profile) take their
     * classification through IfcExternalReferenceRelationship (IFC4 on). */
    ifc_entity ext = ifc_entity_find(s, "IfcExternalReferenceRelationship", 32);
    if (classification && ifc_entity_attribute_find(s, ext, "RelatedResourceObjects", &a) >= 0)
        add_type_classes(s, a.type, cs, 0);
    /* IFC2X3 classifies materials with a relationship of their own. */
    ifc_entity mat = ifc_entity_find(s, "IfcMaterialClassificationRelationship", 37);
    if (classification && ifc_entity_attribute_find(s, mat, "ClassifiedMaterial", &a) >= 0)
        add_type_classes(s, a.type, cs, 0);
}

/* R1 for a partOf facet; fills cs with the classes its part side allows. */
static void check_partof(const spec_ctx *c, facet_info *f, const class_set *whole)
{
    const char *relation = f->facet.fattrs[IDS_FATTR_RELATION];
    if (relation == NULL)
        return;
    ifc_partof r;
    if (ifc_partof_find(c->s, relation, &r) < 0) {
        ERR(c, "R1", f->node, "relation %s is not a partOf relation of this IFC version",
            relation);
        f->failed = true;
        return;
    }
    if (whole->all || set_empty(whole))
        return;
    ifc_entity from = set_next(whole, r.whole);
    if (from >= 0 && from <= ifc_entity_last(c->s, r.whole))
        return; /* a named class lies in the subtree of the whole */
    char names[256], wname[NAME_MAX_LEN];
    set_names(whole, c->s, 3, names, sizeof(names));
    upper_into(ifc_entity_name(c->s, r.whole), wname, sizeof(wname));
    ERR(c, "R1", ids_param_node(f->node, IDS_FACET_PARTOF, IDS_PARAM_NAME),
        "%s cannot be the whole of %s in this IFC version: the relating side must be %s "
        "or one of its subtypes", names, relation, wname);
    f->failed = true;
}

/* Every rule for one facet in one version; cs gets its class set. */
static void check_facet(const spec_ctx *c, facet_info *f, const class_set *app, class_set *cs)
{
    set_all(cs);
    switch (f->facet.kind) {
    case IDS_FACET_ENTITY: {
        const xmlNode *nn = ids_param_node(f->node, IDS_FACET_ENTITY, IDS_PARAM_NAME);
        check_entity_name(c, f, nn, cs);
        check_predefined(c, f, ids_param_node(f->node, IDS_FACET_ENTITY, IDS_PARAM_PREDEFINED_TYPE),
                         &f->facet.params[IDS_PARAM_PREDEFINED_TYPE], cs);
        break;
    }
    case IDS_FACET_PARTOF: {
        class_set whole;
        const xmlNode *nn = ids_param_node(f->node, IDS_FACET_PARTOF, IDS_PARAM_NAME);
        check_entity_name(c, f, nn, &whole);
        check_predefined(c, f, ids_param_node(f->node, IDS_FACET_PARTOF, IDS_PARAM_PREDEFINED_TYPE),
                         &f->facet.params[IDS_PARAM_PREDEFINED_TYPE], &whole);
        if (!f->failed)
            check_partof(c, f, &whole);
        const char *relation = f->facet.fattrs[IDS_FATTR_RELATION];
        ifc_partof r;
        if (relation != NULL && ifc_partof_find(c->s, relation, &r) >= 0) {
            set_none(cs);
            set_add_subtree(cs, c->s, r.part);
        }
        break;
    }
    case IDS_FACET_ATTRIBUTE:
        check_attribute(c, f, app, cs);
        break;
    case IDS_FACET_PROPERTY:
        check_property(c, f, cs);
        break;
    case IDS_FACET_CLASSIFICATION:
    case IDS_FACET_MATERIAL:
        associable_classes(c->s, f->facet.kind == IDS_FACET_CLASSIFICATION, cs);
        break;
    case IDS_FACET_KIND_COUNT:
        break;
    }
}

/* S6 and the facet rules for one specification in one version. */
static void check_version(const spec_ctx *c, const xmlNode *spec, facet_info *facets,
                          size_t n)
{
    for (size_t i = 0; i < n; i++)
        facets[i].failed = false;
    class_set app, fs;
    set_all(&app);
    bool app_failed = false;
    for (size_t i = 0; i < n; i++) {
        if (facets[i].loc != IDS_APPLICABILITY)
            continue;
        class_set all;
        set_all(&all);
        check_facet(c, &facets[i], &all, &fs);
        app_failed |= facets[i].failed;
        set_and(&app, &fs);
    }
    const xmlNode *app_node = ids_location_node(spec, IDS_APPLICABILITY);
    if (set_empty(&app)) {
        if (!app_failed)
            ERR(c, "S6", app_node, "no class of this IFC version meets all the applicability "
                "facets together, so the specification applies to nothing");
        return;
    }
    class_set req;
    set_all(&req);
    bool req_failed = false;
    for (size_t i = 0; i < n; i++) {
        facet_info *f = &facets[i];
        if (f->loc != IDS_REQUIREMENTS)
            continue;
        check_facet(c, f, &app, &fs);
        req_failed |= f->failed;
        if (!f->required || f->failed || fs.all)
            continue;
        if (!sets_meet(&app, &fs)) {
            char want[256], have[256];
            set_names(&app, c->s, 3, want, sizeof(want));
            set_names(&fs, c->s, 3, have, sizeof(have));
            ERR(c, "S6", f->node, "this requirement allows only %s, but the applicability "
                "selects %s in this IFC version: no element can meet it", have, want);
            f->failed = true;
            req_failed = true;
            continue;
        }
        set_and(&req, &fs);
    }
    if (!req_failed && !app_failed && !sets_meet(&app, &req))
        ERR(c, "S6", ids_location_node(spec, IDS_REQUIREMENTS), "the requirement facets "
            "together allow no class the applicability selects in this IFC version");
}

/* Appends the findings of each version, one finding for the versions that
 * share it, its message led by their names. */
static void merge_versions(ids_findings per[IFC_VERSION_COUNT], ids_findings *out)
{
    for (int v = 0; v < IFC_VERSION_COUNT; v++) {
        for (size_t i = 0; i < per[v].n; i++) {
            ids_finding *f = &per[v].items[i];
            if (f->rule == NULL)
                continue;
            char versions[64];
            snprintf(versions, sizeof(versions), "%s", ifc_version_name((ifc_version)v));
            for (int w = v + 1; w < IFC_VERSION_COUNT; w++)
                for (size_t j = 0; j < per[w].n; j++) {
                    ids_finding *g = &per[w].items[j];
                    if (g->rule != NULL && strcmp(g->rule, f->rule) == 0 &&
                        strcmp(g->path, f->path) == 0 && strcmp(g->message, f->message) == 0) {
                        size_t used = strlen(versions);
                        snprintf(versions + used, sizeof(versions) - used, ", %s",
                                 ifc_version_name((ifc_version)w));
                        free(g->rule);
                        g->rule = NULL;
                        break;
                    }
                }
            char message[IDS_ERROR_TEXT_LEN];
            snprintf(message, sizeof(message), "%s: %s", versions, f->message);
            ids_findings_add_at(out, f->severity, f->rule, f->path, f->line, message);
        }
    }
}

static ifc_version_mask declared_versions(const xmlNode *spec)
{
    char *raw = ids_attr_dup(spec, "ifcVersion");
    if (raw == NULL)
        return 0;
    ifc_version_mask m = 0;
    char *save = NULL;
    for (char *tok = strtok_r(raw, " \t\r\n", &save); tok != NULL;
         tok = strtok_r(NULL, " \t\r\n", &save))
        for (size_t i = 0; ids_ifc_versions[i] != NULL; i++) {
            ifc_version v;
            if (strcmp(tok, ids_ifc_versions[i]) == 0 &&
                ifc_version_from_name(tok, strlen(tok), &v))
                m |= 1u << v;
        }
    free(raw);
    return m;
}

static bool facet_required(const xmlNode *node, ids_location loc)
{
    if (loc == IDS_APPLICABILITY)
        return true;
    char *card = ids_attr_dup(node, "cardinality");
    bool required = card == NULL || strcmp(card, "required") == 0;
    free(card);
    return required;
}

void ids_audit_ifc_spec(const xmlNode *spec, ids_findings *out)
{
    ifc_version_mask declared = declared_versions(spec);
    if (declared == 0)
        return; /* S1 */
    size_t max = ids_location_facet_count(ids_location_node(spec, IDS_APPLICABILITY)) +
                 ids_location_facet_count(ids_location_node(spec, IDS_REQUIREMENTS));
    if (max == 0)
        return;
    facet_info *facets = calloc(max, sizeof(*facets));
    ids_findings per[IFC_VERSION_COUNT];
    memset(per, 0, sizeof(per));
    size_t n = 0;
    if (facets == NULL) {
        out->nomem = true;
        return;
    }
    for (ids_location loc = IDS_APPLICABILITY; loc <= IDS_REQUIREMENTS; loc++) {
        const xmlNode *where = ids_location_node(spec, loc);
        for (const xmlNode *c = ids_first_element(where); c != NULL && n < max;
             c = ids_next_element(c)) {
            if (ids_facet_kind_of(c) < 0)
                continue;
            facet_info *f = &facets[n];
            ids_error err;
            ids_error_clear(&err);
            if (ids_facet_read(c, &f->facet, &err) != IDS_OK) {
                if (err.code == IDS_ERR_NOMEM)
                    out->nomem = true;
                ids_facet_clear(&f->facet);
                continue;
            }
            f->node = c;
            f->loc = loc;
            f->required = facet_required(c, loc);
            matcher_init(&f->name, &f->facet.params[IDS_PARAM_NAME], out);
            matcher_init(&f->base_name, &f->facet.params[IDS_PARAM_BASE_NAME], out);
            n++;
        }
    }
    for (int v = 0; v < IFC_VERSION_COUNT; v++) {
        if (!(declared & (1u << v)))
            continue;
        spec_ctx c = {&per[v], ifc_schema_get((ifc_version)v), (ifc_version)v, declared};
        check_version(&c, spec, facets, n);
        out->nomem |= per[v].nomem;
    }
    merge_versions(per, out);
    for (int v = 0; v < IFC_VERSION_COUNT; v++)
        ids_findings_clear(&per[v]);
    for (size_t i = 0; i < n; i++) {
        matcher_clear(&facets[i].name);
        matcher_clear(&facets[i].base_name);
        ids_facet_clear(&facets[i].facet);
    }
    free(facets);
}
