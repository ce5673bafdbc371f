/*
 * bcf.c - a check result as BCF 2.1 (BIM Collaboration Format, the
 * buildingSMART exchange of issues about a model), a zip a BIM tool
 * imports so a person sees the failing elements in the model.
 *
 * The zip holds bcf.version (VersionId 2.1) and one folder per topic, named
 * by the topic's GUID, with markup.bcf (the topic: title, description,
 * date, author) and, when some failing element has a usable GlobalId,
 * viewpoint.bcfv selecting those elements as components. A topic is one
 * failed requirement of a specification; a specification that fails on
 * its applicability count alone (required but nothing applies, prohibited
 * but something does) is one topic without components.
 *
 * Topic GUIDs are made from content, not from a random source: SHA-256 of
 * the model, the IDS title, the specification's name and identifier and
 * the requirement's words (an RFC 9562 version 8 UUID from its first 16
 * bytes). Checking the same model again, after some elements were fixed,
 * names the same topics, so a tool updates them instead of adding copies.
 * Two topics with the same content get an occurrence number in the hash
 * (the second "Walls / Name must be W-01" differs from the first). The
 * failing elements are not part of the name for that reason. Nothing
 * reads the clock: dates and zip entry times come from the options, so
 * equal inputs give equal bytes.
 *
 * Components: BCF's IfcGuid is exactly 22 characters of the IFC base64
 * alphabet (0-9 A-Z a-z _ $). An element whose GlobalId is not one is
 * listed in the description but not selected, so a hostile model cannot
 * make the viewpoint invalid.
 *
 * The zip is written by libzip into memory and copied into the caller's
 * buffer; every XML text goes through view_put_text's HTML mode, which is
 * well-formed XML (report.c says why).
 */
#include "view/view_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#define TITLE_MAX 200u           /* bytes of a topic title; tools show one line */
#define ZIP_FIRST_DAY 315532800LL /* 1980-01-01T00:00:00Z, the zip format's epoch */
#define ZIP_LAST_DAY 4102444800LL /* 2100-01-01T00:00:00Z, well inside DOS time */

/* ---- GUIDs ------------------------------------------------------------------ */

typedef struct guid_set {
    uint8_t (*slots)[16];
    size_t cap;   /* a power of two, at least twice the topics */
} guid_set;

static void key_str(base_buf *k, const char *s)
{
    /* A NULL and "" differ; the NUL ends each field. */
    base_buf_append_char(k, s != NULL ? 's' : 'n');
    if (s != NULL)
        base_buf_append(k, s, strlen(s) + 1);
}

static void uuid_text(const uint8_t u[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[u[i] >> 4];
        out[o++] = hex[u[i] & 15];
    }
    out[o] = '\0';
}

/* A version 8 UUID from SHA-256 of key (RFC 9562 gives this shape for
 * name-based UUIDs with a hash newer than SHA-1). */
static void uuid_of(const void *key, size_t len, uint8_t u[16])
{
    uint8_t d[32];
    view_sha256(key, len, d);
    memcpy(u, d, 16);
    u[6] = (uint8_t)((u[6] & 0x0F) | 0x80);
    u[8] = (uint8_t)((u[8] & 0x3F) | 0x80);
}

/* Inserts u; false when it was there already. */
static bool guid_set_add(guid_set *set, const uint8_t u[16])
{
    uint64_t h;
    memcpy(&h, u, sizeof h);
    for (size_t i = (size_t)h & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
        static const uint8_t empty[16];
        if (memcmp(set->slots[i], empty, 16) == 0) {
            memcpy(set->slots[i], u, 16);
            return true;
        }
        if (memcmp(set->slots[i], u, 16) == 0)
            return false;
    }
}

/* The topic's GUID from its content; the viewpoint's from the topic's. */
static bool topic_guid(guid_set *set, base_buf *k, const view_check_result *c,
                       const view_check_spec *s, const view_check_requirement *q,
                       uint8_t u[16])
{
    bool ok = true;
    BASE_BUF_LITERAL(k, "idsd BCF topic");
    key_str(k, c->model);
    key_str(k, c->ids_title);
    key_str(k, s->name);
    key_str(k, s->identifier);
    key_str(k, q != NULL ? q->text : NULL);
    size_t base_len = k->len;
    for (unsigned long occurrence = 0;; occurrence++) {
        k->len = base_len;
        base_buf_printf(k, "%lu", occurrence);
        if (k->error != BASE_OK) {
            ok = false;
            break;
        }
        uuid_of(k->data, k->len, u);
        if (guid_set_add(set, u))
            break;
    }
    base_buf_reset(k);
    return ok;
}

static void viewpoint_guid(const uint8_t topic[16], uint8_t u[16])
{
    uint8_t key[16 + 9];
    memcpy(key, "viewpoint", 9);
    memcpy(key + 9, topic, 16);
    uuid_of(key, sizeof key, u);
}

/* ---- text ------------------------------------------------------------------- */

static void xml(base_buf *b, const char *s, size_t n)
{
    view_put_text(b, VIEW_MODE_HTML, VIEW_MD_INLINE, s, n);
}

static bool ifc_guid_ok(const char *g)
{
    if (g == NULL || strlen(g) != 22)
        return false;
    for (size_t i = 0; i < 22; i++) {
        char ch = g[i];
        bool ok = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= 'a' && ch <= 'z') || ch == '_' || ch == '$';
        if (!ok)
            return false;
    }
    return true;
}

static size_t selectable(const view_check_requirement *q)
{
    size_t n = 0;
    for (size_t e = 0; q != NULL && e < q->n_elements; e++)
        n += ifc_guid_ok(q->elements[e].global_id);
    return n;
}

/* "2026-12-02T21:37:26Z" */
static void bcf_date(long long created, char out[32])
{
    if (!view_report_utc(created < ZIP_FIRST_DAY ? ZIP_FIRST_DAY : created, out))
        view_report_utc(ZIP_FIRST_DAY, out);
    strcat(out, "Z");
}

/* ---- the files ---------------------------------------------------------------- */

static void markup(base_buf *b, base_buf *t, const view_check_result *c, const view_check_spec *s,
                   size_t spec_index, const view_check_requirement *q, size_t topic_index,
                   const char *guid, const char *vp_guid, const char *date, const char *author)
{
    BASE_BUF_LITERAL(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Markup>\n");
    if (c->model != NULL) {
        BASE_BUF_LITERAL(b, "<Header><File isExternal=\"true\"><Filename>");
        xml(b, c->model, strlen(c->model));
        BASE_BUF_LITERAL(b, "</Filename></File></Header>\n");
    }
    base_buf_printf(b, "<Topic Guid=\"%s\" TopicType=\"Error\" TopicStatus=\"Open\">\n<Title>",
                    guid);
    /* The title: "Walls: Name must be W-01", cut on a character. */
    base_buf_append_str(t, s->name != NULL ? s->name : "(no name)");
    BASE_BUF_LITERAL(t, ": ");
    if (q != NULL && q->text != NULL)
        base_buf_append_str(t, q->text);
    else if (q != NULL)
        BASE_BUF_LITERAL(t, "a requirement fails");
    else
        view_report_cardinality_words(t, s);
    char title[TITLE_MAX + 1];
    base_utf8_copy(title, sizeof title, t->data, t->len);
    base_buf_reset(t);
    xml(b, title, strlen(title));
    base_buf_printf(b, "</Title>\n<Index>%zu</Index>\n<Labels>IDS</Labels>\n"
                       "<CreationDate>%s</CreationDate>\n<CreationAuthor>",
                    topic_index + 1, date);
    xml(b, author, strlen(author));
    BASE_BUF_LITERAL(b, "</CreationAuthor>\n<Description>");

    /* The description: everything a person needs without the model open. */
    base_buf_printf(t, "Specification %zu: %s", spec_index + 1,
                    s->name != NULL ? s->name : "(no name)");
    if (s->identifier != NULL)
        base_buf_printf(t, " (%s)", s->identifier);
    base_buf_printf(t, ", %s, %s.\n", view_usage_name(s->usage),
                    view_check_status_name(s->status));
    if (c->ids_title != NULL)
        base_buf_printf(t, "IDS: %s\n", c->ids_title);
    if (s->applicability != NULL)
        base_buf_printf(t, "Applies to: %s\n", s->applicability);
    base_buf_printf(t, "Elements: %zu applicable, %zu passed, %zu failed.\n", s->n_applicable,
                    s->n_passed, s->n_failed);
    if (q == NULL) {
        view_report_cardinality_words(t, s);
        BASE_BUF_LITERAL(t, ".\n");
    } else {
        base_buf_printf(t, "Requirement: %s\n%zu element%s fail%s it", q->text != NULL ? q->text : "(not given)",
                        q->n_failed, q->n_failed == 1 ? "" : "s", q->n_failed == 1 ? "s" : "");
        if (q->n_elements < q->n_failed)
            base_buf_printf(t, " (the first %zu listed)", q->n_elements);
        BASE_BUF_LITERAL(t, ":\n");
        for (size_t e = 0; e < q->n_elements; e++) {
            BASE_BUF_LITERAL(t, "- ");
            view_report_element_line(t, &q->elements[e]);
            base_buf_append_char(t, '\n');
        }
        if (selectable(q) < q->n_elements)
            BASE_BUF_LITERAL(t, "Elements without a valid IFC GlobalId are listed here but not "
                                "selected in the viewpoint.\n");
    }
    if (c->truncated)
        BASE_BUF_LITERAL(t, "The check stopped early: the counts are lower bounds.\n");
    if (t->error != BASE_OK)
        base_buf_fail(b, t->error);
    xml(b, t->data, t->len);
    base_buf_reset(t);
    BASE_BUF_LITERAL(b, "</Description>\n</Topic>\n");
    if (vp_guid != NULL)
        base_buf_printf(b, "<Viewpoints Guid=\"%s\"><Viewpoint>viewpoint.bcfv</Viewpoint>"
                           "</Viewpoints>\n", vp_guid);
    BASE_BUF_LITERAL(b, "</Markup>\n");
}

static void viewpoint(base_buf *b, const view_check_requirement *q, const char *vp_guid)
{
    base_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VisualizationInfo Guid=\"%s\">\n"
                       "<Components>\n<Selection>\n", vp_guid);
    for (size_t e = 0; e < q->n_elements; e++) {
        const char *g = q->elements[e].global_id;
        if (ifc_guid_ok(g))
            base_buf_printf(b, "<Component IfcGuid=\"%s\"/>\n", g);
    }
    BASE_BUF_LITERAL(b, "</Selection>\n<Visibility DefaultVisibility=\"true\"/>\n</Components>\n"
                        "</VisualizationInfo>\n");
}

static const char version_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Version VersionId=\"2.1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xsi:noNamespaceSchemaLocation=\"version.xsd\">\n"
    "<DetailedVersion>2.1</DetailedVersion>\n</Version>\n";

/* ---- the zip ------------------------------------------------------------------ */

typedef struct zipper {
    zip_t *za;
    time_t mtime;
    bool failed;
    bool too_big;  /* a file passed the report's cap (else: out of memory) */
} zipper;

/* Adds the content of t as name (t is emptied; libzip owns the bytes). */
static void zip_put(zipper *z, const char *name, base_buf *t)
{
    if (z->failed)
        return;
    size_t len = 0;
    char *data = t->error == BASE_OK ? base_buf_take(t, &len) : NULL;
    z->too_big = t->error == BASE_TOO_BIG;
    base_buf_reset(t);
    if (data == NULL) {
        z->failed = true;
        return;
    }
    zip_source_t *src = zip_source_buffer(z->za, data, len, 1);
    if (src == NULL) {
        free(data);
        z->failed = true;
        return;
    }
    zip_int64_t idx = zip_file_add(z->za, name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        z->failed = true;
        return;
    }
    if (zip_file_set_mtime(z->za, (zip_uint64_t)idx, z->mtime, 0) != 0)
        z->failed = true;
}

static void zip_folder(zipper *z, const char *name)
{
    if (z->failed)
        return;
    zip_int64_t idx = zip_dir_add(z->za, name, ZIP_FL_ENC_UTF_8);
    if (idx < 0 || zip_file_set_mtime(z->za, (zip_uint64_t)idx, z->mtime, 0) != 0)
        z->failed = true;
}

/* The whole archive out of its memory source into b. */
static bool zip_copy_out(zip_source_t *src, base_buf *b)
{
    zip_stat_t st;
    if (zip_source_open(src) != 0)
        return false;
    bool ok = zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE) != 0 &&
              base_buf_reserve(b, (size_t)st.size);
    while (ok) {
        char chunk[16384];
        zip_int64_t n = zip_source_read(src, chunk, sizeof chunk);
        if (n < 0)
            ok = false;
        else if (n == 0)
            break;
        else
            ok = base_buf_append(b, chunk, (size_t)n);
    }
    zip_source_close(src);
    return ok;
}

static size_t topics_of(const view_check_spec *s)
{
    size_t n = 0;
    for (size_t r = 0; r < s->n_requirements; r++)
        n += s->requirements[r].n_failed > 0;
    return n == 0 && s->status == VIEW_CHECK_FAIL ? 1 : n;
}

view_status view_bcf(base_buf *b, const view_check_result *c, const view_report_options *opts)
{
    view_status st = VIEW_ERR_NOMEM;
    const char *author = opts->author != NULL && opts->author[0] != '\0' ? opts->author : "idsd";
    char date[32];
    bcf_date(opts->created, date);
    long long when = opts->created < ZIP_FIRST_DAY + 86400 ? ZIP_FIRST_DAY + 86400
                     : opts->created > ZIP_LAST_DAY ? ZIP_LAST_DAY : opts->created;

    size_t n_topics = 0;
    for (size_t i = 0; i < c->n_specs; i++)
        n_topics += topics_of(&c->specs[i]);
    guid_set set = {NULL, 16};
    while (set.cap < 2 * n_topics + 2)
        set.cap *= 2;
    set.slots = calloc(set.cap, 16);
    base_buf t = {.max = b->max}, key = {.max = 1u << 20}, words = {.max = b->max};
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *mem = NULL;
    zipper z = {NULL, (time_t)when, false, false};
    if (set.slots == NULL)
        goto out;
    mem = zip_source_buffer_create(NULL, 0, 0, &zerr);
    if (mem == NULL)
        goto out;
    z.za = zip_open_from_source(mem, ZIP_TRUNCATE, &zerr);
    if (z.za == NULL)
        goto out;
    zip_source_keep(mem); /* it outlives zip_close: the archive is read from it */

    base_buf_append_str(&t, version_xml);
    zip_put(&z, "bcf.version", &t);
    size_t topic = 0;
    for (size_t i = 0; i < c->n_specs && !z.failed; i++) {
        const view_check_spec *s = &c->specs[i];
        size_t n = topics_of(s);
        for (size_t r = 0, made = 0; made < n && !z.failed; r++) {
            const view_check_requirement *q = NULL;
            if (s->n_requirements > 0 && r < s->n_requirements) {
                q = &s->requirements[r];
                if (q->n_failed == 0)
                    continue;
            }
            made++;
            uint8_t u[16], v[16];
            char guid[37], vp_guid[37], name[64];
            if (!topic_guid(&set, &key, c, s, q, u)) {
                z.failed = true;
                break;
            }
            uuid_text(u, guid);
            viewpoint_guid(u, v);
            uuid_text(v, vp_guid);
            bool has_vp = selectable(q) > 0;
            snprintf(name, sizeof name, "%s/", guid);
            zip_folder(&z, name);
            markup(&t, &words, c, s, i, q, topic, guid, has_vp ? vp_guid : NULL, date, author);
            snprintf(name, sizeof name, "%s/markup.bcf", guid);
            zip_put(&z, name, &t);
            if (has_vp) {
                viewpoint(&t, q, vp_guid);
                snprintf(name, sizeof name, "%s/viewpoint.bcfv", guid);
                zip_put(&z, name, &t);
            }
            topic++;
        }
    }
    if (z.failed || t.error != BASE_OK) {
        st = z.too_big || t.error == BASE_TOO_BIG ? VIEW_ERR_TOO_BIG : VIEW_ERR_NOMEM;
        zip_discard(z.za);
        z.za = NULL;
        goto out;
    }
    if (zip_close(z.za) != 0) {
        zip_discard(z.za);
        z.za = NULL;
        goto out;
    }
    z.za = NULL;
    if (!zip_copy_out(mem, b)) {
        st = b->error == BASE_TOO_BIG ? VIEW_ERR_TOO_BIG : VIEW_ERR_NOMEM;
        goto out;
    }
    st = VIEW_OK;
out:
    if (z.za != NULL)
        zip_discard(z.za);
    if (mem != NULL)
        zip_source_free(mem);
    zip_error_fini(&zerr);
    base_buf_free(&t);
    base_buf_free(&key);
    base_buf_free(&words);
    free(set.slots);
    return st;
}
