/*
 * verify_internal.h - what the checker's files share: the plan's layout,
 * a value read from the model, the per-thread context.
 */
#ifndef VERIFY_INTERNAL_H
#define VERIFY_INTERNAL_H

#include "verify/verify.h"

#include <stdio.h>

/* A facet parameter ready for matching: the value and its patterns. */
typedef struct vmatch {
    const ids_value *v;      /* NULL: the parameter is absent */
    ids_regex **patterns;    /* one per pattern item, in order */
    size_t n_patterns;
    /* The value and the items read as numbers once, not per element. */
    double simple_num;
    bool simple_is_num;
    double *item_num;        /* per item */
    bool *item_is_num;
    char *desc;              /* vmatch_describe's words, made once */
} vmatch;

typedef enum vcard {
    VCARD_REQUIRED = 0,
    VCARD_OPTIONAL,
    VCARD_PROHIBITED
} vcard;

typedef struct vfacet {
    const ids_facet *f;
    vmatch params[IDS_PARAM_COUNT];
    vcard card;
} vfacet;

typedef struct vspec {
    const ids_spec_view *view;
    vfacet *facets[2];       /* [location] */
    size_t n_facets[2];
    verify_usage usage;
    ifc_version_mask versions;
    char *problem;           /* a pattern that cannot be matched; NULL */
} vspec;

struct verify_plan {
    ids_spec_view **views;
    size_t n;
    vspec *specs;
};

/* Compiles the patterns of a value; false (why filled) when one cannot be
 * matched in bounded time. */
bool vmatch_init(vmatch *m, const ids_value *v, char *why, size_t why_size);
void vmatch_clear(vmatch *m);

/* ---- values read from the model --------------------------------------- */

typedef enum ival_kind {
    IVAL_NULL = 0,   /* $ or * */
    IVAL_STRING,
    IVAL_ENUM,       /* an enumeration other than a boolean */
    IVAL_INT,
    IVAL_REAL,
    IVAL_BOOL,
    IVAL_UNKNOWN,    /* LOGICAL .U. */
    IVAL_REF,
    IVAL_LIST,       /* a list with items */
    IVAL_EMPTY_LIST,
    IVAL_OTHER       /* binary, malformed */
} ival_kind;

#define IVAL_TYPE_LEN 64

typedef struct ival {
    ival_kind kind;
    const char *s;           /* STRING, ENUM: not NUL-terminated */
    size_t len;
    int64_t i;
    double d;                /* REAL (INT too, as a double) */
    bool b;
    char type[IVAL_TYPE_LEN];/* IFCLABEL: the typed value's or the slot's type, upper case */
} ival;

/* True for what IDS treats as no value: null, "", an empty list, UNKNOWN. */
bool ival_is_empty(const ival *v);
/* The value as IfcTester's str() writes it, for patterns and lengths. */
const char *ival_text(const ival *v, char *buf, size_t cap, size_t *len);
/* The value in a reason: 'text', 12.5, true, an object, ... */
void ival_describe(const ival *v, char *buf, size_t cap);

/* True when the value satisfies m (simple value or restriction). */
bool vmatch_value(const vmatch *m, const ival *v);
/* True when text (a class name, a predefined type, a set name) does. */
bool vmatch_text(const vmatch *m, const char *text, size_t len);
/* The parameter in words: 'REI30', one of 'A', 'B', matching pattern ... */
void vmatch_describe(const vmatch *m, char *buf, size_t cap);

/* ---- the context of one thread ----------------------------------------- */

#define VCTX_CHUNK 65536 /* bytes per arena chunk */

typedef struct vchunk {
    struct vchunk *next;
    size_t used;
    size_t size;
    char data[];
} vchunk;

typedef struct vctx {
    const ifc_model *m;
    const ifc_schema *s;
    const ifc_step_reader *r;
    ifc_step_scratch scratch;
    vchunk *arena;           /* strings kept while one element is evaluated */
    void *values;            /* facets.c's buffer of one property's values */
    void *props;             /* facets.c's properties of props_inst */
    ifc_step_inst props_inst;/* IFC_STEP_NO_INST: none cached (vctx_reset) */
    /* Look-ups by name, memoized: class names and (class, attribute)
     * positions. Keys are the addresses of the callers' string literals. */
    struct { const char *name; ifc_entity e; } classes[32];
    size_t n_classes;
    struct { const char *name; ifc_entity e; int pos; ifc_attribute a; } attrs[1024];
    bool nomem;
    /* Whether a failure's reason will be kept: once a requirement listed
     * its first failures, the rest are only counted, and formatting their
     * reasons would cost more than finding them. */
    bool want_reason;
    char reason[512];
} vctx;

void vctx_init(vctx *c, const ifc_model *m);
void vctx_free(vctx *c);
/* Forgets what the arena holds (keeps its first chunk). */
void vctx_reset(vctx *c);
/* A copy of len bytes, NUL-terminated, valid until vctx_reset; NULL when
 * out of memory (c->nomem set). */
char *vctx_keep(vctx *c, const char *text, size_t len);

/* Reads the value at cursor; hint is the schema type of the slot (-1 when
 * unknown), which tells a boolean from an enumeration. Strings are kept in
 * the arena. */
void vctx_read(vctx *c, ifc_step_cursor *cur, ifc_type hint, ival *out);
/* Attribute name of inst: its value; false when the class has no such
 * explicit attribute. */
bool vctx_attr(vctx *c, ifc_step_inst inst, const char *name, ival *out);
/* The string attribute name of inst, kept in the arena; NULL when unset. */
const char *vctx_attr_string(vctx *c, ifc_step_inst inst, const char *name);
/* The instance attribute name of inst refers to, or IFC_STEP_NO_INST. */
ifc_step_inst vctx_attr_ref(vctx *c, ifc_step_inst inst, const char *name);
/* The entity of a class name (a string literal: memoized by address). */
ifc_entity vctx_entity(vctx *c, const char *literal);
/* ifc_entity_attribute_find of a literal name, memoized. */
int vctx_attr_pos(vctx *c, ifc_entity e, const char *literal, ifc_attribute *out);
/* The class name as the schema writes it ("IfcWall"); "(unknown)" else. */
const char *vctx_class(vctx *c, ifc_step_inst inst);

/* ---- facets ------------------------------------------------------------- */

/* What a facet found on one element. */
typedef enum vresult {
    VRES_PASS = 0,
    VRES_FAIL,   /* the subject is there and does not satisfy the facet */
    VRES_ABSENT  /* the subject is not there (no property, no material, null) */
} vresult;

/* Evaluates a facet on inst; c->reason says why when not PASS. */
vresult vfacet_eval(vctx *c, const vfacet *f, ifc_step_inst inst);
/* The facet as a requirement (its cardinality applied) or as a filter. */
bool vfacet_holds(vctx *c, const vfacet *f, ids_location loc, ifc_step_inst inst);
/* The predefined type IfcTester reads (through the type object first),
 * kept in the arena; NULL when none. */
const char *vfacet_predefined_type(vctx *c, ifc_step_inst inst);
/* Compiles a facet's parameters; false (why filled) as vmatch_init. */
bool vfacet_init(vfacet *vf, const ids_facet *f, ids_location loc, char *why, size_t why_size);
void vfacet_clear(vfacet *vf);

#endif /* VERIFY_INTERNAL_H */
