/*
 * test_view_bcf.c - the BCF 2.1 report read back as a BIM tool reads it:
 * the bytes open as a zip (libzip, consistency checked), bcf.version says
 * 2.1, one topic folder per failed requirement (and per specification
 * that fails on its applicability count) named by the topic's GUID, each
 * markup.bcf and viewpoint.bcfv well-formed and shaped as the BCF 2.1
 * schemas require (elements, their order, the GUID and IfcGuid and
 * dateTime forms), hostile strings inert, GUIDs stable across runs and
 * after elements change, equal bytes for equal inputs.
 *
 * The buildingSMART XSDs (markup.xsd, visinfo.xsd, version.xsd of BCF-XML
 * release 2.1) are not part of the project: the release carries no
 * licence of its own. With IDSD_TEST_BCF_XSD_DIR naming a folder that
 * holds them, every file is also validated against them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <zip.h>

#include "view/view.h"

#define HOSTILE "</Title><Topic Guid=\"x\">&amp;\x01\xFF\xEF\xBF\xBF]]>"
#define HOSTILE_TEXT "</Title><Topic Guid=\"x\">&amp;\xE2\x9F\xA8U+0001\xE2\x9F\xA9\xEF\xBF\xBD" \
                     "\xE2\x9F\xA8U+FFFF\xE2\x9F\xA9]]>"

static const view_check_element wall_elements[] = {
    {"2O2Fr$t4X7Zf8NOew3FLOH", "IfcWall", "Wall-01", "FireRating is missing", 42},
    {"1hqIFTRjfV6AWq_bMtnZwI", "IfcWall", NULL, "FireRating is 'EI30'", 0},
    {"not-a-guid", "IfcWall", "bad id", NULL, 5},                 /* not selectable */
    {"2O2Fr$t4X7Zf8NOew3FLO\"", "IfcWall", HOSTILE, HOSTILE, 6}, /* 22, bad alphabet */
    {NULL, "IfcWall", NULL, NULL, 9},
};
static const view_check_element bad_only[] = {
    {HOSTILE, "IfcDoor", NULL, NULL, 0},
};
static const view_check_requirement wall_requirements[] = {
    {"Pset_WallCommon.FireRating must be one of REI30, REI60", 6, wall_elements, 5},
    {"Name must have a value", 0, NULL, 0},
    {HOSTILE, 1, bad_only, 1},
};
/* The same content twice: two topics, two GUIDs. */
static const view_check_requirement twin_requirements[] = {
    {"Name must be D-01", 1, wall_elements, 1},
    {"Name must be D-01", 1, wall_elements + 1, 1},
};
static const view_check_spec specs[] = {
    {"Walls", "W-1", "All IfcWall elements (IFC4)", VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 10, 4,
     6, NULL, wall_requirements, 3},
    {"Slabs", NULL, "All IfcSlab elements", VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 0, 0, 0, NULL,
     NULL, 0},
    {"Doors", NULL, NULL, VIEW_USAGE_OPTIONAL, VIEW_CHECK_NOT_APPLICABLE, 0, 0, 0, NULL, NULL, 0},
    {"Roofs", NULL, NULL, VIEW_USAGE_REQUIRED, VIEW_CHECK_PASS, 3, 3, 0, NULL, NULL, 0},
    {HOSTILE, HOSTILE, HOSTILE, VIEW_USAGE_PROHIBITED, VIEW_CHECK_FAIL, 2, 0, 2, HOSTILE, NULL,
     0},
    {"Doors", NULL, NULL, VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 2, 0, 2, NULL, twin_requirements,
     2},
};
static const view_check_result check = {"House rules", "house " HOSTILE ".ifc", "IFC4", specs,
                                        6, false, NULL};
/* Topics: walls 2 (FireRating, hostile), slabs 1 (cardinality), hostile
 * spec 1 (cardinality), doors 2 (twins). */
#define TOPICS 6

/* ---- reading the zip ---- */

typedef struct entry {
    char *name;
    char *data;
    size_t len;
} entry;

typedef struct archive {
    entry *e;
    size_t n;
} archive;

static archive unzip(const char *bytes, size_t len)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(bytes, len, 0, &err);
    assert_non_null(src);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (za == NULL)
        fail_msg("not a valid zip: %s", zip_error_strerror(&err));
    archive a = {0};
    a.n = (size_t)zip_get_num_entries(za, 0);
    a.e = calloc(a.n, sizeof *a.e);
    for (size_t i = 0; i < a.n; i++) {
        zip_stat_t st;
        assert_int_equal(zip_stat_index(za, i, 0, &st), 0);
        a.e[i].name = strdup(st.name);
        a.e[i].len = (size_t)st.size;
        a.e[i].data = malloc(a.e[i].len + 1);
        zip_file_t *f = zip_fopen_index(za, i, 0);
        assert_non_null(f);
        assert_int_equal(zip_fread(f, a.e[i].data, st.size), (zip_int64_t)st.size);
        a.e[i].data[a.e[i].len] = '\0';
        zip_fclose(f);
    }
    zip_close(za);
    zip_error_fini(&err);
    return a;
}

static void archive_free(archive *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->e[i].name);
        free(a->e[i].data);
    }
    free(a->e);
}

static const entry *find(const archive *a, const char *name)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->e[i].name, name) == 0)
            return &a->e[i];
    return NULL;
}

/* ---- the shapes BCF 2.1 requires ---- */

static bool is_uuid(const char *s)
{
    if (s == NULL || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : strchr("0123456789abcdefABCDEF", s[i]) == NULL)
            return false;
    }
    return true;
}

static bool is_ifc_guid(const char *s)
{
    if (s == NULL || strlen(s) != 22)
        return false;
    for (int i = 0; i < 22; i++)
        if (strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$", s[i]) ==
            NULL)
            return false;
    return true;
}

static bool is_datetime(const char *s)
{
    /* xs:dateTime as written here: YYYY-MM-DDThh:mm:ss, optional Z. */
    int y, mo, d, h, mi, se, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
        return false;
    return (s[19] == '\0' || strcmp(s + 19, "Z") == 0) && mo >= 1 && mo <= 12 && d >= 1 &&
           d <= 31 && h < 24 && mi < 60 && se < 60;
}

static xmlNodePtr first_el(xmlNodePtr n)
{
    while (n != NULL && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

static xmlNodePtr next_el(xmlNodePtr n)
{
    return first_el(n->next);
}

static bool named(xmlNodePtr n, const char *name)
{
    return n != NULL && strcmp((const char *)n->name, name) == 0;
}

static char *attr(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static char *content(xmlNodePtr n)
{
    return (char *)xmlNodeGetContent(n);
}

/* Children of n, in order, must be a subsequence of the schema's
 * sequence, and every required one present. seq: names; required:
 * flags; repeat: may occur more than once. */
static void expect_sequence(xmlNodePtr parent, const char *const *seq, const bool *required,
                            const bool *repeat, size_t n)
{
    xmlNodePtr c = first_el(parent->children);
    for (size_t i = 0; i < n; i++) {
        size_t seen = 0;
        while (named(c, seq[i])) {
            seen++;
            c = next_el(c);
        }
        if (required[i] && seen == 0)
            fail_msg("<%s> lacks <%s>", parent->name, seq[i]);
        if (!repeat[i] && seen > 1)
            fail_msg("<%s> has %zu <%s>", parent->name, seen, seq[i]);
    }
    if (c != NULL)
        fail_msg("<%s> has <%s> out of the schema's order", parent->name, c->name);
}

static xmlDocPtr parse(const entry *e)
{
    assert_non_null(e);
    xmlDocPtr doc = xmlReadMemory(e->data, (int)e->len, e->name, NULL, XML_PARSE_NONET);
    if (doc == NULL)
        fail_msg("%s is not well-formed:\n%s", e->name, e->data);
    return doc;
}

/* markup.bcf: Markup(Header?, Topic, Comment*, Viewpoints*). Returns the
 * viewpoint file it names (or NULL). */
static char *check_markup(xmlDocPtr doc, const char *folder_guid, char **title, char **desc)
{
    xmlNodePtr m = xmlDocGetRootElement(doc);
    assert_true(named(m, "Markup"));
    static const char *const mseq[] = {"Header", "Topic", "Comment", "Viewpoints"};
    static const bool mreq[] = {false, true, false, false}, mrep[] = {false, false, true, true};
    expect_sequence(m, mseq, mreq, mrep, 4);

    xmlNodePtr header = first_el(m->children);
    if (named(header, "Header")) {
        xmlNodePtr file = first_el(header->children);
        assert_true(named(file, "File"));
        static const char *const fseq[] = {"Filename", "Date", "Reference"};
        static const bool freq[] = {false, false, false}, frep[] = {false, false, false};
        expect_sequence(file, fseq, freq, frep, 3);
    }

    xmlNodePtr topic = named(header, "Header") ? next_el(header) : header;
    assert_true(named(topic, "Topic"));
    char *guid = attr(topic, "Guid");
    assert_true(is_uuid(guid));
    assert_string_equal(guid, folder_guid);
    xmlFree(guid);
    static const char *const tseq[] = {
        "ReferenceLink", "Title", "Priority", "Index", "Labels", "CreationDate",
        "CreationAuthor", "ModifiedDate", "ModifiedAuthor", "DueDate", "AssignedTo", "Stage",
        "Description", "BimSnippet", "DocumentReference", "RelatedTopic"};
    static const bool treq[] = {false, true, false, false, false, true, true, false,
                                false, false, false, false, false, false, false, false};
    static const bool trep[] = {true, false, false, false, true, false, false, false,
                                false, false, false, false, false, false, true, true};
    expect_sequence(topic, tseq, treq, trep, 16);
    *title = NULL;
    *desc = NULL;
    for (xmlNodePtr c = first_el(topic->children); c != NULL; c = next_el(c)) {
        char *text = content(c);
        if (named(c, "CreationDate"))
            assert_true(is_datetime(text));
        if (named(c, "Index"))
            assert_true(atoi(text) >= 1);
        if (named(c, "Title"))
            *title = strdup(text);
        if (named(c, "Description"))
            *desc = strdup(text);
        xmlFree(text);
    }

    char *vp_file = NULL;
    for (xmlNodePtr v = next_el(topic); v != NULL; v = next_el(v)) {
        if (!named(v, "Viewpoints"))
            continue;
        char *g = attr(v, "Guid");
        assert_true(is_uuid(g));
        xmlFree(g);
        static const char *const vseq[] = {"Viewpoint", "Snapshot", "Index"};
        static const bool vreq[] = {false, false, false}, vrep[] = {false, false, false};
        expect_sequence(v, vseq, vreq, vrep, 3);
        xmlNodePtr file = first_el(v->children);
        assert_true(named(file, "Viewpoint"));
        char *t = content(file);
        vp_file = strdup(t);
        xmlFree(t);
    }
    return vp_file;
}

/* viewpoint.bcfv: VisualizationInfo(Components(Selection?, Visibility)).
 * Returns how many components it selects. */
static size_t check_viewpoint(xmlDocPtr doc, char ***guids)
{
    xmlNodePtr v = xmlDocGetRootElement(doc);
    assert_true(named(v, "VisualizationInfo"));
    char *g = attr(v, "Guid");
    assert_true(is_uuid(g));
    xmlFree(g);
    xmlNodePtr comps = first_el(v->children);
    assert_true(named(comps, "Components"));
    static const char *const cseq[] = {"ViewSetupHints", "Selection", "Visibility", "Coloring"};
    static const bool creq[] = {false, false, true, false}, crep[] = {false, false, false, false};
    expect_sequence(comps, cseq, creq, crep, 4);
    size_t n = 0;
    *guids = NULL;
    for (xmlNodePtr s = first_el(comps->children); s != NULL; s = next_el(s)) {
        if (!named(s, "Selection"))
            continue;
        for (xmlNodePtr c = first_el(s->children); c != NULL; c = next_el(c)) {
            assert_true(named(c, "Component"));
            char *ig = attr(c, "IfcGuid");
            assert_true(is_ifc_guid(ig));
            *guids = realloc(*guids, (n + 1) * sizeof **guids);
            (*guids)[n++] = strdup(ig);
            xmlFree(ig);
        }
    }
    return n;
}

/* ---- the official schemas, when given ---- */

static xmlSchemaPtr load_xsd(const char *name)
{
    const char *dir = getenv("IDSD_TEST_BCF_XSD_DIR");
    if (dir == NULL || dir[0] == '\0')
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
    assert_non_null(pc);
    xmlSchemaPtr s = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (s == NULL)
        fail_msg("IDSD_TEST_BCF_XSD_DIR: cannot compile %s", path);
    return s;
}

static size_t xsd_validated;

static void validate(xmlSchemaPtr schema, xmlDocPtr doc, const char *name)
{
    if (schema == NULL)
        return;
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    if (rc != 0)
        fail_msg("%s is not valid against the BCF 2.1 schema", name);
    xsd_validated++;
}

/* ---- tests ---- */

static char *bcf(const view_check_result *c, long long created, size_t *len)
{
    base_buf b = {0};
    view_report_options o = {.created = created, .author = "ci@example.org"};
    assert_int_equal(view_report(&b, VIEW_REPORT_BCF, c, &o), VIEW_OK);
    return base_buf_take(&b, len);
}

static void test_bcf_structure(void **state)
{
    (void)state;
    xmlSchemaPtr markup_xsd = load_xsd("markup.xsd"), visinfo_xsd = load_xsd("visinfo.xsd"),
                 version_xsd = load_xsd("version.xsd");
    size_t len;
    char *bytes = bcf(&check, 1796246246, &len); /* 2026-12-02T21:17:26Z */
    assert_true(len > 22 && memcmp(bytes, "PK\x03\x04", 4) == 0);
    archive a = unzip(bytes, len);

    /* bcf.version */
    xmlDocPtr doc = parse(find(&a, "bcf.version"));
    xmlNodePtr v = xmlDocGetRootElement(doc);
    assert_true(named(v, "Version"));
    char *id = attr(v, "VersionId");
    assert_string_equal(id, "2.1");
    xmlFree(id);
    char *detailed = content(first_el(v->children));
    assert_string_equal(detailed, "2.1");
    xmlFree(detailed);
    validate(version_xsd, doc, "bcf.version");
    xmlFreeDoc(doc);

    /* Topic folders: one per failed requirement or cardinality failure. */
    size_t topics = 0, viewpoints = 0, selected = 0;
    bool hostile_title = false, cardinality = false, twins[2] = {false, false};
    char *guids[TOPICS];
    for (size_t i = 0; i < a.n; i++) {
        const char *name = a.e[i].name;
        if (strcmp(name, "bcf.version") == 0)
            continue;
        char folder[37];
        assert_true(strlen(name) >= 37 && name[36] == '/');
        memcpy(folder, name, 36);
        folder[36] = '\0';
        assert_true(is_uuid(folder));
        const char *file = name + 37;
        if (file[0] == '\0')
            continue; /* the folder's own entry */
        if (strcmp(file, "viewpoint.bcfv") == 0)
            continue; /* read from its markup */
        assert_string_equal(file, "markup.bcf");
        assert_true(topics < TOPICS);
        guids[topics++] = strdup(folder);

        doc = parse(&a.e[i]);
        char *title, *desc;
        char *vp = check_markup(doc, folder, &title, &desc);
        validate(markup_xsd, doc, name);
        xmlFreeDoc(doc);
        assert_non_null(title);
        assert_non_null(desc);
        assert_true(strlen(title) <= 200);
        if (strstr(title, "Walls: " HOSTILE_TEXT) == title)
            hostile_title = true;
        if (strcmp(title, "Slabs: required, but no element is applicable") == 0) {
            cardinality = true;
            assert_null(vp); /* no elements: no viewpoint */
        }
        if (strcmp(title, "Doors: Name must be D-01") == 0) {
            bool second = strstr(desc, "1hqIFTRjfV6AWq_bMtnZwI") != NULL;
            twins[second] = true;
        }
        if (strstr(title, "Walls: Pset_WallCommon.FireRating") == title) {
            /* Every listed element is in the description, with the note
             * that those without a usable GlobalId are not selected. */
            assert_non_null(strstr(desc, "6 elements fail it (the first 5 listed):\n"));
            assert_non_null(strstr(desc, "- 2O2Fr$t4X7Zf8NOew3FLOH IfcWall #42 'Wall-01': "
                                         "FireRating is missing\n"));
            assert_non_null(strstr(desc, "- not-a-guid IfcWall #5 'bad id'\n"));
            assert_non_null(strstr(desc, "- (no GlobalId) IfcWall #9\n"));
            assert_non_null(strstr(desc, "not selected in the viewpoint"));
            assert_non_null(strstr(desc, "'" HOSTILE_TEXT "': " HOSTILE_TEXT));
        }
        free(title);
        free(desc);
        if (vp != NULL) {
            assert_string_equal(vp, "viewpoint.bcfv");
            char path[64];
            snprintf(path, sizeof path, "%s/%s", folder, vp);
            doc = parse(find(&a, path));
            char **sel;
            size_t n = check_viewpoint(doc, &sel);
            validate(visinfo_xsd, doc, path);
            xmlFreeDoc(doc);
            viewpoints++;
            selected += n;
            for (size_t k = 0; k < n; k++)
                free(sel[k]);
            free(sel);
            free(vp);
        }
    }
    assert_int_equal(topics, TOPICS);
    assert_true(hostile_title);
    assert_true(cardinality);
    assert_true(twins[0] && twins[1]);
    /* FireRating selects its 2 valid GlobalIds, each twin 1; the
     * hostile-only requirement has none, so no viewpoint. */
    assert_int_equal(viewpoints, 3);
    assert_int_equal(selected, 4);
    for (size_t i = 0; i < topics; i++)
        for (size_t j = i + 1; j < topics; j++)
            assert_string_not_equal(guids[i], guids[j]);
    for (size_t i = 0; i < topics; i++)
        free(guids[i]);
    archive_free(&a);
    free(bytes);
    if (markup_xsd != NULL)
        assert_int_equal(xsd_validated, 1 + TOPICS + 3);
    xmlSchemaFree(markup_xsd);
    xmlSchemaFree(visinfo_xsd);
    xmlSchemaFree(version_xsd);
}

/* The folder names (topic GUIDs) of a report, sorted as the zip lists them. */
static char *folders(const view_check_result *c)
{
    size_t len;
    char *bytes = bcf(c, 0, &len);
    archive a = unzip(bytes, len);
    base_buf names = {0};
    for (size_t i = 0; i < a.n; i++) {
        size_t n = strlen(a.e[i].name);
        if (n == 37 && a.e[i].name[36] == '/') {
            base_buf_append(&names, a.e[i].name, n);
            base_buf_append_char(&names, '\n');
        }
    }
    archive_free(&a);
    free(bytes);
    return base_buf_take(&names, NULL);
}

static void test_bcf_deterministic(void **state)
{
    (void)state;
    /* Equal inputs, equal bytes. */
    size_t l1, l2;
    char *a = bcf(&check, 1796246246, &l1), *b = bcf(&check, 1796246246, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(a, b, l1);
    free(a);
    free(b);

    /* The topics keep their GUIDs when the failing elements change (a
     * model fixed in part) and when the date changes. */
    char *before = folders(&check);
    view_check_requirement fewer[3];
    memcpy(fewer, wall_requirements, sizeof fewer);
    fewer[0].n_failed = 1;
    fewer[0].n_elements = 1;
    view_check_spec changed[6];
    memcpy(changed, specs, sizeof changed);
    changed[0].requirements = fewer;
    changed[0].n_failed = 1;
    view_check_result later = check;
    later.specs = changed;
    char *after = folders(&later);
    assert_string_equal(before, after);
    free(after);

    /* Another model: other topics. */
    view_check_result other = check;
    other.model = "other.ifc";
    after = folders(&other);
    assert_string_not_equal(before, after);
    free(after);
    free(before);
}

static void test_bcf_nothing_fails(void **state)
{
    (void)state;
    /* Only passing and not applicable specifications: bcf.version alone. */
    view_check_result ok = {"ok", "ok.ifc", "IFC4", specs + 2, 2, false, NULL};
    size_t len;
    char *bytes = bcf(&ok, 0, &len);
    archive a = unzip(bytes, len);
    assert_int_equal(a.n, 1);
    assert_string_equal(a.e[0].name, "bcf.version");
    /* created 0: dated 1980-01-01, the zip format's first day. */
    archive_free(&a);
    free(bytes);

    bytes = bcf(&check, 0, &len);
    a = unzip(bytes, len);
    for (size_t i = 0; i < a.n; i++)
        if (strstr(a.e[i].name, "/markup.bcf") != NULL)
            assert_non_null(strstr(a.e[i].data, "<CreationDate>1980-01-01T00:00:00Z<"));
    archive_free(&a);
    free(bytes);
}

/* Random bytes in every string, GlobalIds among them: the zip opens, and
 * every file is well-formed and of the schema's shape. */
static uint64_t rng = 0x2545F4914F6CDD1Du;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *random_text(void)
{
    static const char *const pieces[] = {"<", "&", "\"", "]]>", "\r\n", "\xFF", "\xEF\xBF\xBF",
                                         "\x01", "$", "_", "A", "0", "z", "Wall"};
    size_t n = next_rand() % 24;
    char *out = calloc(1, 128);
    for (size_t i = 0; i < n; i++)
        strcat(out, pieces[next_rand() % (sizeof pieces / sizeof *pieces)]);
    return out;
}

static void test_bcf_random(void **state)
{
    (void)state;
    int rounds = getenv("IDSD_TEST_UNDER_VALGRIND") ? 10 : 150;
    xmlSchemaPtr markup_xsd = load_xsd("markup.xsd"), visinfo_xsd = load_xsd("visinfo.xsd");
    for (int round = 0; round < rounds; round++) {
        char *str[12];
        for (int i = 0; i < 12; i++)
            str[i] = random_text();
        view_check_element els[3] = {{str[0], str[1], str[2], str[3], 1},
                                     {str[4], NULL, NULL, NULL, 0},
                                     {"2O2Fr$t4X7Zf8NOew3FLOH", "IfcWall", NULL, NULL, 2}};
        view_check_requirement reqs[1] = {{str[5], 3, els, 3}};
        view_check_spec sp[2] = {
            {str[6], str[7], str[8], VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 3, 0, 3, NULL, reqs, 1},
            {str[9], NULL, NULL, VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 0, 0, 0, str[10], NULL, 0},
        };
        view_check_result c = {str[11], str[0], "IFC4", sp, 2, false, NULL};
        size_t len;
        char *bytes = bcf(&c, (long long)(next_rand() % 5000000000u), &len);
        archive a = unzip(bytes, len);
        size_t topics = 0;
        for (size_t i = 0; i < a.n; i++) {
            const char *name = a.e[i].name;
            if (strstr(name, "/markup.bcf") != NULL) {
                char folder[37];
                memcpy(folder, name, 36);
                folder[36] = '\0';
                xmlDocPtr doc = parse(&a.e[i]);
                char *title, *desc;
                free(check_markup(doc, folder, &title, &desc));
                validate(markup_xsd, doc, name);
                free(title);
                free(desc);
                xmlFreeDoc(doc);
                topics++;
            } else if (strstr(name, "/viewpoint.bcfv") != NULL) {
                xmlDocPtr doc = parse(&a.e[i]);
                char **sel;
                size_t n = check_viewpoint(doc, &sel);
                assert_true(n >= 1);
                validate(visinfo_xsd, doc, name);
                for (size_t k = 0; k < n; k++)
                    free(sel[k]);
                free(sel);
                xmlFreeDoc(doc);
            }
        }
        assert_int_equal(topics, 2);
        archive_free(&a);
        free(bytes);
        for (int i = 0; i < 12; i++)
            free(str[i]);
    }
    xmlSchemaFree(markup_xsd);
    xmlSchemaFree(visinfo_xsd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bcf_structure),
        cmocka_unit_test(test_bcf_deterministic),
        cmocka_unit_test(test_bcf_nothing_fails),
        cmocka_unit_test(test_bcf_random),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
