/*
 * fuzz_step.c - libFuzzer target for the STEP reader (src/ifc/step*.c).
 *
 * Opens the input as a STEP file from memory (the buffer is exactly the
 * input, so any read past it is caught by ASan), then reads everything a
 * checker could: the header, every value of every instance through every
 * accessor that fits its kind, and the validation pass. Besides crashes it
 * traps when the reader contradicts itself: an id that does not find its
 * instance, a type name that does not find its type, per-type lists that
 * do not add up, a decoded string that is not UTF-8 or outgrows the bound
 * the API promises.
 */
#include "ifc/step.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                \
    do {                           \
        if (!(cond))               \
            __builtin_trap();      \
    } while (0)

static bool valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

static void check_string(const ifc_step_cursor *c, ifc_step_scratch *scratch)
{
    const char *text;
    size_t len;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    size_t raw = ifc_step_string_raw_len(c);
    if (ifc_step_get_string(c, scratch, &text, &len, &err) != IFC_STEP_OK) {
        CHECK(err.code == IFC_STEP_ERR_STRING && err.line > 0);
        return;
    }
    CHECK(len <= raw * 2);
    CHECK(valid_utf8((const unsigned char *)text, len));
    /* The buffer API gives the same bytes, and cuts short cleanly. */
    char *buf = malloc(raw * 2 + 1);
    size_t len2;
    CHECK(ifc_step_copy_string(c, buf, raw * 2 + 1, &len2, NULL) == IFC_STEP_OK);
    CHECK(len2 == len && memcmp(buf, text, len) == 0);
    char small[5];
    ifc_step_status st = ifc_step_copy_string(c, small, sizeof(small), &len2, NULL);
    CHECK(len2 == len);
    CHECK(st == (len < sizeof(small) ? IFC_STEP_OK : IFC_STEP_ERR_LIMIT));
    CHECK(valid_utf8((const unsigned char *)small, strlen(small)));
    free(buf);
}

static void walk(const ifc_step_reader *r, ifc_step_cursor *c, ifc_step_scratch *scratch,
                 int depth)
{
    ifc_step_kind k;
    while ((k = ifc_step_next(c, NULL)) != IFC_STEP_KIND_END && k != IFC_STEP_KIND_ERROR) {
        (void)ifc_step_cursor_line(c);
        switch (k) {
        case IFC_STEP_KIND_INTEGER: {
            int64_t v;
            double d;
            (void)ifc_step_get_integer(c, &v, NULL);
            CHECK(ifc_step_get_real(c, &d, NULL) == IFC_STEP_OK);
            break;
        }
        case IFC_STEP_KIND_REAL: {
            double d;
            (void)ifc_step_get_real(c, &d, NULL);
            break;
        }
        case IFC_STEP_KIND_STRING:
            check_string(c, scratch);
            break;
        case IFC_STEP_KIND_ENUM: {
            const char *name;
            size_t len;
            ifc_step_logical l;
            bool b;
            CHECK(ifc_step_get_enum(c, &name, &len, NULL) == IFC_STEP_OK);
            (void)ifc_step_get_logical(c, &l, NULL);
            (void)ifc_step_get_boolean(c, &b, NULL);
            break;
        }
        case IFC_STEP_KIND_REF: {
            uint32_t id;
            ifc_step_inst inst;
            if (ifc_step_get_ref(c, &id, NULL) == IFC_STEP_OK &&
                ifc_step_resolve(c, &inst, NULL) == IFC_STEP_OK)
                CHECK(ifc_step_instance_id(r, inst) == id);
            break;
        }
        case IFC_STEP_KIND_BINARY: {
            const char *hex;
            size_t len;
            unsigned unused;
            CHECK(ifc_step_get_binary(c, &hex, &len, &unused, NULL) == IFC_STEP_OK);
            CHECK(unused <= 3);
            break;
        }
        case IFC_STEP_KIND_TYPED:
        case IFC_STEP_KIND_LIST: {
            const char *name;
            size_t len;
            if (k == IFC_STEP_KIND_TYPED)
                CHECK(ifc_step_get_keyword(c, &name, &len, NULL) == IFC_STEP_OK && len > 0);
            ifc_step_cursor child;
            CHECK(ifc_step_enter(c, &child, NULL) == IFC_STEP_OK);
            if (depth < 64)
                walk(r, &child, scratch, depth + 1);
            break;
        }
        default: {
            int64_t v;
            CHECK(ifc_step_get_integer(c, &v, NULL) == IFC_STEP_ERR_TYPE);
            break;
        }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ifc_step_reader *r = NULL;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    /* Small limits, so that inputs of a few kB reach every one of them. */
    ifc_step_limits limits = {
        .max_instances = 2000,
        .max_depth = 12,
        .max_string_bytes = 1024,
        .max_type_names = 64,
    };
    if (ifc_step_open_memory(data, size, &limits, &r, &err) != IFC_STEP_OK) {
        CHECK(r == NULL && err.code != IFC_STEP_OK && err.message[0] != '\0');
        CHECK(err.offset <= size);
        return 0;
    }
    ifc_step_scratch scratch = IFC_STEP_SCRATCH_INIT;
    ifc_step_cursor c;
    static const char *const header[] = {"FILE_DESCRIPTION", "FILE_NAME", "FILE_SCHEMA"};
    for (size_t i = 0; i < 3; i++)
        if (ifc_step_header_record(r, header[i], &c, NULL) == IFC_STEP_OK)
            walk(r, &c, &scratch, 0);
    ifc_version version;
    if (ifc_step_version(r, &version))
        CHECK(ifc_version_name(version) != NULL);
    CHECK(ifc_step_schema_identifier(r) != NULL);

    size_t count = ifc_step_instance_count(r), listed = 0;
    for (ifc_step_type t = 0; t < ifc_step_type_count(r); t++) {
        const char *name = ifc_step_type_name(r, t);
        CHECK(name != NULL && ifc_step_type_find(r, name) == t);
        size_t n;
        const ifc_step_inst *insts = ifc_step_instances_of_type(r, t, &n);
        for (size_t i = 0; i < n; i++) {
            CHECK(insts[i] < count && ifc_step_instance_type(r, insts[i]) == t);
            CHECK(i == 0 || insts[i] > insts[i - 1]);
        }
        listed += n;
    }
    CHECK(listed == count);
    for (ifc_step_inst i = 0; i < count; i++) {
        CHECK(ifc_step_find(r, ifc_step_instance_id(r, i)) == i);
        CHECK(ifc_step_instance_line(r, i) >= 1);
        if (ifc_step_record(r, i, &c, NULL) == IFC_STEP_OK)
            walk(r, &c, &scratch, 0);
    }
    ifc_step_error_clear(&err);
    if (ifc_step_validate(r, &err) != IFC_STEP_OK)
        CHECK(err.line >= 1 && err.offset <= size);
    ifc_step_scratch_free(&scratch);
    ifc_step_close(r);
    return 0;
}
