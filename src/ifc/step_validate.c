/*
 * step_validate.c - the optional full pass: every value of every record
 * decoded as a caller would, so that a file can be declared sound before
 * anyone relies on it.
 *
 * Opening leaves references unchecked on purpose: they may point forward,
 * so checking them needs the finished id map and one more walk over every
 * value, which a caller that only reads a few attributes should not pay.
 * ifc_step_resolve reports a dangling reference when it is met; this pass
 * reports the first one in the file.
 */
#include "ifc/step_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct frame {
    ifc_step_cursor c;
    uint32_t values;  /* values seen in this sequence */
    bool typed;       /* the value inside a typed value: exactly one */
} frame;

/* Decodes the cursor's current scalar value. */
static ifc_step_status check_value(const ifc_step_cursor *c, ifc_step_scratch *scratch,
                                   bool header, ifc_step_error *err)
{
    switch ((ifc_step_kind)c->kind) {
    case IFC_STEP_KIND_INTEGER: {
        int64_t v;
        return ifc_step_get_integer(c, &v, err);
    }
    case IFC_STEP_KIND_REAL: {
        double v;
        return ifc_step_get_real(c, &v, err);
    }
    case IFC_STEP_KIND_STRING: {
        const char *text;
        size_t len;
        return ifc_step_get_string(c, scratch, &text, &len, err);
    }
    case IFC_STEP_KIND_REF: {
        if (header) {
            step_cursor_fail(c, err, IFC_STEP_ERR_SYNTAX, c->tok,
                             "a header record cannot refer to instances");
            return IFC_STEP_ERR_SYNTAX;
        }
        ifc_step_inst inst;
        return ifc_step_resolve(c, &inst, err);
    }
    default:
        return IFC_STEP_OK; /* the lexer checked the rest */
    }
}

/* Walks one record; stack has room for max_depth + 1 frames. */
static ifc_step_status walk(frame *stack, uint32_t max_depth, const ifc_step_cursor *record,
                            bool complex, bool header, ifc_step_scratch *scratch,
                            ifc_step_error *err)
{
    uint32_t top = 0;
    stack[0].c = *record;
    stack[0].values = 0;
    stack[0].typed = false;
    for (;;) {
        frame *f = &stack[top];
        ifc_step_kind k = ifc_step_next(&f->c, err);
        if (k == IFC_STEP_KIND_ERROR)
            return err != NULL && err->code != IFC_STEP_OK ? err->code : IFC_STEP_ERR_SYNTAX;
        if (k == IFC_STEP_KIND_END) {
            if (f->typed && f->values != 1) {
                step_cursor_fail(&f->c, err, IFC_STEP_ERR_SYNTAX, f->c.tok,
                                 "a typed value holds exactly one value, found %u", f->values);
                return IFC_STEP_ERR_SYNTAX;
            }
            if (top == 0)
                return IFC_STEP_OK;
            top--;
            continue;
        }
        f->values++;
        if (k == IFC_STEP_KIND_LIST || k == IFC_STEP_KIND_TYPED) {
            if (top + 1 > max_depth) {
                step_cursor_fail(&f->c, err, IFC_STEP_ERR_LIMIT, f->c.tok,
                                 "values nest deeper than %u levels", max_depth);
                return IFC_STEP_ERR_LIMIT;
            }
            frame *child = &stack[top + 1];
            ifc_step_status st = ifc_step_enter(&f->c, &child->c, err);
            if (st != IFC_STEP_OK)
                return st;
            child->values = 0;
            /* The partial records of a complex instance hold attributes. */
            child->typed = k == IFC_STEP_KIND_TYPED && !(complex && top == 0);
            top++;
            continue;
        }
        ifc_step_status st = check_value(&f->c, scratch, header, err);
        if (st != IFC_STEP_OK)
            return st;
    }
}

ifc_step_status ifc_step_validate(const ifc_step_reader *r, ifc_step_error *err)
{
    ifc_step_error local;
    ifc_step_error_clear(&local);
    if (err == NULL || err->code != IFC_STEP_OK)
        err = &local;
    /* A typed value inside a list adds two levels for one parenthesis. */
    uint32_t max_depth = r->limits.max_depth * 2 + 2;
    frame *stack = malloc(((size_t)max_depth + 1) * sizeof(*stack));
    ifc_step_scratch scratch = IFC_STEP_SCRATCH_INIT;
    ifc_step_status st = IFC_STEP_OK;
    if (stack == NULL) {
        step_fail(err, IFC_STEP_ERR_NOMEM, r, NULL, 0, -1, "out of memory validating");
        return IFC_STEP_ERR_NOMEM;
    }
    ifc_step_cursor c;
    for (uint32_t i = 0; i < r->header_count && st == IFC_STEP_OK; i++) {
        st = step_header_cursor(r, i, &c, err);
        if (st == IFC_STEP_OK)
            st = walk(stack, max_depth, &c, false, true, &scratch, err);
    }
    for (uint32_t i = 0; i < r->count && st == IFC_STEP_OK; i++) {
        st = ifc_step_record(r, i, &c, err);
        if (st == IFC_STEP_OK)
            st = walk(stack, max_depth, &c, ifc_step_instance_is_complex(r, i), false, &scratch,
                      err);
    }
    ifc_step_scratch_free(&scratch);
    free(stack);
    return st;
}
