/*
 * read.c - values read from the model for the facets: a thread's context,
 * its string arena, and the reading of one STEP value into an ival, with
 * the schema's type of the slot telling booleans from enumerations and
 * giving a plain value its defined type (Name is an IfcLabel).
 */
#include "verify/verify_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void vctx_init(vctx *c, const ifc_model *m)
{
    memset(c, 0, sizeof *c);
    c->m = m;
    c->s = ifc_model_schema(m);
    c->r = ifc_model_reader(m);
    c->props_inst = IFC_STEP_NO_INST;
}

ifc_entity vctx_entity(vctx *c, const char *literal)
{
    ifc_entity e;

    for (size_t i = 0; i < c->n_classes; i++)
        if (c->classes[i].name == literal)
            return c->classes[i].e;
    e = ifc_entity_find(c->s, literal, strlen(literal));
    if (c->n_classes < sizeof c->classes / sizeof c->classes[0]) {
        c->classes[c->n_classes].name = literal;
        c->classes[c->n_classes].e = e;
        c->n_classes++;
    }
    return e;
}

int vctx_attr_pos(vctx *c, ifc_entity e, const char *literal, ifc_attribute *out)
{
    size_t n = sizeof c->attrs / sizeof c->attrs[0];
    size_t h = (((uintptr_t)literal >> 3) * 31u + (size_t)e * 2654435761u) % n;
    ifc_attribute a;
    int pos;

    if (c->attrs[h].name == literal && c->attrs[h].e == e) {
        if (out)
            *out = c->attrs[h].a;
        return c->attrs[h].pos;
    }
    memset(&a, 0, sizeof a);
    pos = ifc_entity_attribute_find(c->s, e, literal, &a);
    c->attrs[h].name = literal;
    c->attrs[h].e = e;
    c->attrs[h].pos = pos;
    c->attrs[h].a = a;
    if (out)
        *out = a;
    return pos;
}

void vctx_free(vctx *c)
{
    vchunk *k = c->arena;

    while (k) {
        vchunk *next = k->next;
        free(k);
        k = next;
    }
    c->arena = NULL;
    free(c->values);
    c->values = NULL;
    free(c->props);
    c->props = NULL;
    ifc_step_scratch_free(&c->scratch);
}

void vctx_reset(vctx *c)
{
    vchunk *k;

    c->props_inst = IFC_STEP_NO_INST;
    if (!c->arena)
        return;
    k = c->arena->next;
    while (k) {
        vchunk *next = k->next;
        free(k);
        k = next;
    }
    c->arena->next = NULL;
    c->arena->used = 0;
    c->props_inst = IFC_STEP_NO_INST;
}

char *vctx_keep(vctx *c, const char *text, size_t len)
{
    vchunk *k = c->arena;
    char *out;

    if (!k || k->used + len + 1 > k->size) {
        /* A string longer than a chunk gets a chunk of its own size (the
         * reader bounds strings by max_string_bytes). */
        size_t size = len + 1 > VCTX_CHUNK ? len + 1 : VCTX_CHUNK;
        vchunk *n = malloc(sizeof *n + size);
        if (!n) {
            c->nomem = true;
            return NULL;
        }
        /* The newest chunk is the head; vctx_reset keeps it. */
        n->used = 0;
        n->size = size;
        n->next = k;
        c->arena = n;
        k = n;
    }
    out = k->data + k->used;
    memcpy(out, text, len);
    out[len] = '\0';
    k->used += len + 1;
    return out;
}

/* The upper-case name of a schema type, for a slot's plain value. */
static void type_upper(const ifc_schema *s, ifc_type t, char *buf)
{
    const char *name = t >= 0 ? ifc_type_name(s, t) : NULL;
    size_t i = 0;

    if (name)
        for (; name[i] && i + 1 < IVAL_TYPE_LEN; i++)
            buf[i] = (char)toupper((unsigned char)name[i]);
    buf[i] = '\0';
}

static void read_plain(vctx *c, ifc_step_cursor *cur, ifc_type_kind hint_kind, ival *out)
{
    ifc_step_kind k = ifc_step_kind_of(cur);

    switch (k) {
    case IFC_STEP_KIND_UNSET:
    case IFC_STEP_KIND_DERIVED:
    case IFC_STEP_KIND_END:
        out->kind = IVAL_NULL;
        break;
    case IFC_STEP_KIND_STRING: {
        const char *t;
        size_t len;
        if (ifc_step_get_string(cur, &c->scratch, &t, &len, NULL) != IFC_STEP_OK) {
            out->kind = IVAL_OTHER;
            break;
        }
        out->s = vctx_keep(c, t, len);
        out->len = out->s ? len : 0;
        if (!out->s)
            out->s = "";
        out->kind = IVAL_STRING;
        break;
    }
    case IFC_STEP_KIND_INTEGER:
        if (ifc_step_get_integer(cur, &out->i, NULL) != IFC_STEP_OK) {
            out->kind = IVAL_OTHER;
            break;
        }
        out->d = (double)out->i;
        out->kind = hint_kind == IFC_TYPE_REAL || hint_kind == IFC_TYPE_NUMBER
                        ? IVAL_REAL : IVAL_INT;
        break;
    case IFC_STEP_KIND_REAL:
        out->kind = ifc_step_get_real(cur, &out->d, NULL) == IFC_STEP_OK ? IVAL_REAL
                                                                           : IVAL_OTHER;
        break;
    case IFC_STEP_KIND_ENUM: {
        const char *name;
        size_t len;
        if (hint_kind == IFC_TYPE_BOOLEAN || hint_kind == IFC_TYPE_LOGICAL) {
            ifc_step_logical l;
            if (ifc_step_get_logical(cur, &l, NULL) != IFC_STEP_OK) {
                out->kind = IVAL_OTHER;
            } else if (l == IFC_STEP_UNKNOWN) {
                out->kind = IVAL_UNKNOWN;
            } else {
                out->kind = IVAL_BOOL;
                out->b = l == IFC_STEP_TRUE;
            }
            break;
        }
        if (ifc_step_get_enum(cur, &name, &len, NULL) != IFC_STEP_OK) {
            out->kind = IVAL_OTHER;
            break;
        }
        out->kind = IVAL_ENUM;
        out->s = name; /* points into the input, which outlives the element */
        out->len = len;
        break;
    }
    case IFC_STEP_KIND_REF:
        out->kind = IVAL_REF;
        break;
    case IFC_STEP_KIND_LIST: {
        ifc_step_cursor in;
        if (ifc_step_enter(cur, &in, NULL) != IFC_STEP_OK) {
            out->kind = IVAL_OTHER;
            break;
        }
        out->kind = ifc_step_next(&in, NULL) == IFC_STEP_KIND_END ? IVAL_EMPTY_LIST
                                                                   : IVAL_LIST;
        break;
    }
    default:
        out->kind = IVAL_OTHER;
        break;
    }
}

void vctx_read(vctx *c, ifc_step_cursor *cur, ifc_type hint, ival *out)
{
    ifc_type_kind hk = hint >= 0 ? ifc_type_value_kind(c->s, hint) : IFC_TYPE_NONE;

    memset(out, 0, sizeof *out);
    if (ifc_step_kind_of(cur) == IFC_STEP_KIND_TYPED) {
        const char *kw;
        size_t len, i;
        ifc_step_cursor in;
        int d;

        if (ifc_step_get_keyword(cur, &kw, &len, NULL) != IFC_STEP_OK ||
            ifc_step_enter(cur, &in, NULL) != IFC_STEP_OK) {
            out->kind = IVAL_OTHER;
            return;
        }
        for (i = 0; i < len && i + 1 < IVAL_TYPE_LEN; i++)
            out->type[i] = (char)toupper((unsigned char)kw[i]);
        out->type[i] = '\0';
        d = ifc_defined_find(c->s, out->type);
        hk = d >= 0 ? ifc_defined_value_kind(c->s, d) : IFC_TYPE_NONE;
        ifc_step_next(&in, NULL);
        read_plain(c, &in, hk, out);
        return;
    }
    type_upper(c->s, hint, out->type);
    read_plain(c, cur, hk, out);
}

bool vctx_attr(vctx *c, ifc_step_inst inst, const char *name, ival *out)
{
    ifc_entity e = ifc_model_entity_of(c->m, inst);
    ifc_attribute a;
    ifc_step_cursor cur;
    int pos;

    memset(out, 0, sizeof *out);
    if (e == IFC_NONE)
        return false;
    pos = vctx_attr_pos(c, e, name, &a);
    if (pos < 0)
        return false;
    if (a.derived) {
        out->kind = IVAL_NULL;
        return true;
    }
    if (ifc_step_attribute(c->r, inst, (unsigned)pos, &cur, NULL) == IFC_STEP_KIND_ERROR) {
        out->kind = IVAL_OTHER;
        return true;
    }
    vctx_read(c, &cur, a.type, out);
    return true;
}

const char *vctx_attr_string(vctx *c, ifc_step_inst inst, const char *name)
{
    ival v;

    if (!vctx_attr(c, inst, name, &v))
        return NULL;
    if (v.kind == IVAL_STRING)
        return v.s;
    if (v.kind == IVAL_ENUM)
        return vctx_keep(c, v.s, v.len);
    return NULL;
}

ifc_step_inst vctx_attr_ref(vctx *c, ifc_step_inst inst, const char *name)
{
    ifc_entity e = ifc_model_entity_of(c->m, inst);
    ifc_step_cursor cur;
    ifc_step_inst out;
    int pos;

    if (e == IFC_NONE)
        return IFC_STEP_NO_INST;
    pos = vctx_attr_pos(c, e, name, NULL);
    if (pos < 0 ||
        ifc_step_attribute(c->r, inst, (unsigned)pos, &cur, NULL) != IFC_STEP_KIND_REF ||
        ifc_step_resolve(&cur, &out, NULL) != IFC_STEP_OK)
        return IFC_STEP_NO_INST;
    return out;
}

const char *vctx_class(vctx *c, ifc_step_inst inst)
{
    ifc_entity e = ifc_model_entity_of(c->m, inst);
    return e == IFC_NONE ? "(unknown)" : ifc_entity_name(c->s, e);
}
