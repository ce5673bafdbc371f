/*
 * view_pages.c - writes the pages the browser test opens (run_view.sh).
 *
 * usage: view_pages OUT_DIR
 *
 * For each NAME below it writes NAME.html (the page), NAME.csp (the
 * Content-Security-Policy header to serve it with) and NAME.body.html
 * (the body alone, what a live page is sent).
 *   doc     a document with findings and a check result
 *   doc2    the same document after an edit (a live update)
 *   live    doc, with data-live="/events"
 *   xss     a document and a check result made of attacks
 *   big     500 specifications
 *   report  a check result alone: the standalone report
 *   empty   nothing yet: the shell
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

#define IDS_OPEN                                                                       \
    "<ids xmlns=\"http://standards.buildingsmart.org/IDS\""                            \
    " xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""                                   \
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""                         \
    " xsi:schemaLocation=\"" IDS_SCHEMA_LOCATION "\">\n"
#define SIMPLE(x) "<simpleValue>" x "</simpleValue>"

static const char *const doc_ids =
    IDS_OPEN
    "<info><title>Walls &amp; doors</title><version>1.0</version><author>bim@example.org"
    "</author><date>2025-01-31</date><purpose>Handover</purpose></info>\n"
    "<specifications>\n"
    "<specification name=\"External walls\" ifcVersion=\"IFC4 IFC4X3_ADD2\" identifier=\"W-1\""
    " description=\"Fire rating of external walls\" instructions=\"Ask the fire engineer\">\n"
    "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\">\n"
    "<entity><name>" SIMPLE("IFCWALL") "</name></entity>\n"
    "<property dataType=\"IFCBOOLEAN\"><propertySet>" SIMPLE("Pset_WallCommon")
    "</propertySet><baseName>" SIMPLE("IsExternal") "</baseName><value>" SIMPLE("true")
    "</value></property>\n"
    "</applicability>\n"
    "<requirements>\n"
    "<property dataType=\"IFCLABEL\" instructions=\"REI classes only\"><propertySet>"
    SIMPLE("Pset_WallCommon") "</propertySet><baseName>" SIMPLE("FireRating")
    "</baseName><value><xs:restriction base=\"xs:string\"><xs:enumeration value=\"REI30\"/>"
    "<xs:enumeration value=\"REI60\"/></xs:restriction></value></property>\n"
    "<material cardinality=\"prohibited\"><value>" SIMPLE("wood") "</value></material>\n"
    "<classification uri=\"https://identifier.buildingsmart.org/uri/example\"><value>"
    SIMPLE("EF_25_10") "</value><system>" SIMPLE("Uniclass 2015") "</system></classification>\n"
    "<partOf relation=\"IFCRELCONTAINEDINSPATIALSTRUCTURE\"><entity><name>"
    SIMPLE("IFCBUILDINGSTOREY") "</name></entity></partOf>\n"
    "<property><propertySet>" SIMPLE("Qto_WallBaseQuantities") "</propertySet><baseName>"
    SIMPLE("Width") "</baseName><value><xs:restriction base=\"xs:double\"><xs:minInclusive "
    "value=\"0.2\"/><xs:maxInclusive value=\"0.5\"/></xs:restriction></value></property>\n"
    "</requirements>\n"
    "</specification>\n"
    "<specification name=\"Doors\" ifcVersion=\"IFC4\">\n"
    "<applicability minOccurs=\"0\" maxOccurs=\"unbounded\">\n"
    "<entity><name>" SIMPLE("IFCDOOR") "</name></entity>\n"
    "</applicability>\n"
    "<requirements>\n"
    "<attribute cardinality=\"optional\"><name>" SIMPLE("Name") "</name><value>"
    "<xs:restriction base=\"xs:string\"><xs:pattern value=\"D-[0-9]{3}\"/></xs:restriction>"
    "</value></attribute>\n"
    "</requirements>\n"
    "</specification>\n"
    "</specifications>\n"
    "</ids>\n";

/* The same document after an edit: a new title and a third specification. */
static const char *const doc2_ids =
    IDS_OPEN
    "<info><title>Walls, doors &amp; slabs</title></info>\n"
    "<specifications>\n"
    "<specification name=\"Slabs\" ifcVersion=\"IFC4\">\n"
    "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\"><entity><name>" SIMPLE("IFCSLAB")
    "</name></entity></applicability>\n"
    "<requirements><material><value>" SIMPLE("concrete") "</value></material></requirements>\n"
    "</specification>\n"
    "</specifications>\n"
    "</ids>\n";

/* Every string an attacker controls, each trying to set window.__xss. */
#define XSS_SCRIPT "&lt;script&gt;window.__xss=1&lt;/script&gt;"
#define XSS_IMG "&quot;&gt;&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;"
#define XSS_SVG "'&gt;&lt;svg onload=window.__xss=3&gt;"
#define XSS_STYLE "&lt;/style&gt;&lt;script&gt;window.__xss=5&lt;/script&gt;"
#define XSS_COMMENT "&lt;!-- ]]&gt; --&gt;&lt;script&gt;window.__xss=6&lt;/script&gt;"
#define XSS_IFRAME "&lt;iframe srcdoc=&quot;&lt;script&gt;parent.__xss=7&lt;/script&gt;&quot;&gt;"
#define XSS_MD "[click](javascript:window.__xss=8)"

static const char *const xss_ids =
    IDS_OPEN
    "<info><title>" XSS_SCRIPT "</title><copyright>" XSS_IMG "</copyright><description>"
    XSS_STYLE "&#x2028;" XSS_COMMENT "</description><purpose>\xE2\x80\xAE" "fdp.exe"
    "</purpose></info>\n"
    "<specifications>\n"
    "<specification name=\"" XSS_IMG "\" ifcVersion=\"IFC4\" identifier=\"javascript:"
    "window.__xss=4\" description=\"" XSS_SVG "\" instructions=\"" XSS_IFRAME "\">\n"
    "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\">\n"
    "<entity><name>" SIMPLE(XSS_SCRIPT) "</name></entity>\n"
    "<attribute><name>" SIMPLE(XSS_MD) "</name><value>" SIMPLE(XSS_STYLE) "</value></attribute>\n"
    "</applicability>\n"
    "<requirements description=\"" XSS_COMMENT "\">\n"
    "<property dataType=\"IFCLABEL\" uri=\"javascript:window.__xss=4\" instructions=\""
    XSS_IMG "\"><propertySet>" SIMPLE(XSS_SVG) "</propertySet><baseName>" SIMPLE(XSS_SCRIPT)
    "</baseName><value><xs:restriction base=\"xs:string\"><xs:pattern value=\"" XSS_STYLE
    "\"/><xs:enumeration value=\"" XSS_IFRAME "\"/></xs:restriction></value></property>\n"
    "<material uri=\"JaVaScRiPt:window.__xss=4\"><value>" SIMPLE("\xE2\x81\xA6" XSS_MD
    "\xE2\x81\xA9") "</value></material>\n"
    "<classification uri=\"data:text/html,&lt;script&gt;window.__xss=4&lt;/script&gt;\">"
    "<system>" SIMPLE(XSS_COMMENT) "</system></classification>\n"
    "</requirements>\n"
    "</specification>\n"
    "</specifications>\n"
    "</ids>\n";

static const view_check_element doc_elements[] = {
    {"2O2Fr$t4X7Zf8NOew3FLOH", "IfcWall", "Wall-01", "FireRating is missing", 42},
    {"1hqIFTRjfV6AWq_bMtnZwI", "IfcWall", "Wall-02", "FireRating is 'EI30', not one of REI30, "
                                                     "REI60", 57},
};
static const view_check_requirement doc_requirements[] = {
    {"Pset_WallCommon.FireRating must be one of REI30, REI60 (data type IfcLabel)", 3,
     doc_elements, 2},
};
static const view_check_spec doc_check_specs[] = {
    {"External walls", "W-1",
     "All IfcWall elements (IFC4, IFC4X3_ADD2) with Pset_WallCommon.IsExternal = true",
     VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 12, 9, 3, NULL, doc_requirements, 1},
    {"Doors", NULL, "All IfcDoor elements (IFC4)", VIEW_USAGE_OPTIONAL, VIEW_CHECK_PASS, 4, 4, 0,
     NULL, NULL, 0},
};
static const view_check_result doc_check = {"Walls & doors", "house.ifc", "IFC4",
                                            doc_check_specs, 2, false, NULL};

/* A model's strings may be anything: controls too. */
static const view_check_element xss_elements[] = {
    {"<script>window.__xss=11</script>", "IfcWall\x01\x1B[2J", "\"><img src=x onerror=\""
                                                               "window.__xss=12\">",
     "</style><!--\xE2\x80\xA8\xE2\x80\xAE", 1},
};
static const view_check_requirement xss_requirements[] = {
    {"<svg onload=window.__xss=13>", 1, xss_elements, 1},
};
static const view_check_spec xss_check_specs[] = {
    {"<script>window.__xss=14</script>", "javascript:window.__xss=15", "]]>",
     VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 1, 0, 1, "\"><iframe src=javascript:window.__xss=16>",
     xss_requirements, 1},
};
static const view_check_result xss_check = {"<b>x</b>", "<img src=x onerror=window.__xss=17>",
                                            "IFC4\x7F", xss_check_specs, 1, true, NULL};

static int write_file(const char *dir, const char *name, const char *ext, const char *data)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "view_pages: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t n = strlen(data);
    bool ok = fwrite(data, 1, n, f) == n;
    ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "view_pages: cannot write %s\n", path);
    return ok ? 0 : -1;
}

static ids_doc *load(const char *xml)
{
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_doc_load_string(xml, strlen(xml), NULL, &doc, &err) != IDS_OK) {
        fprintf(stderr, "view_pages: a built-in document does not load: %s\n", err.message);
        exit(1);
    }
    return doc;
}

static int write_page(const char *dir, const char *name, const ids_doc *doc,
                      const view_check_result *check, const char *live_url)
{
    ids_report *report = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (doc != NULL && ids_validate(doc, NULL, &report, &err) != IDS_OK) {
        fprintf(stderr, "view_pages: validation failed: %s\n", err.message);
        return -1;
    }
    view_input in = {.doc = doc, .report = report, .check = check};
    view_page_options opts = {live_url, NULL};
    char *page = NULL, *body = NULL, *csp = NULL;
    int rc = -1;
    view_status st = view_html_page(&in, &opts, &page, NULL);
    if (st == VIEW_OK)
        st = view_html_body(&in, &body, NULL);
    if (st == VIEW_OK)
        st = view_csp_header(&opts, &csp);
    if (st != VIEW_OK) {
        fprintf(stderr, "view_pages: %s: %s\n", name, view_status_name(st));
        goto out;
    }
    if (write_file(dir, name, ".html", page) != 0 || write_file(dir, name, ".body.html", body) != 0 ||
        write_file(dir, name, ".csp", csp) != 0)
        goto out;
    rc = 0;
out:
    free(page);
    free(body);
    free(csp);
    ids_report_free(report);
    return rc;
}

/* One specification of the big document (a printf format). */
#define BIG_SPEC                                                                            \
    "<specification name=\"Specification %zu\" ifcVersion=\"IFC4 IFC4X3_ADD2\" "          \
    "identifier=\"S-%zu\" description=\"Walls of group %zu\">"                               \
    "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\"><entity><name>"                  \
    SIMPLE("IFCWALL") "</name></entity><property dataType=\"IFCBOOLEAN\"><propertySet>"       \
    SIMPLE("Pset_WallCommon") "</propertySet><baseName>" SIMPLE("IsExternal")                  \
    "</baseName><value>" SIMPLE("true") "</value></property></applicability><requirements>"    \
    "<property dataType=\"IFCLABEL\"><propertySet>" SIMPLE("Pset_WallCommon")                  \
    "</propertySet><baseName>" SIMPLE("FireRating") "</baseName><value><xs:restriction "       \
    "base=\"xs:string\"><xs:enumeration value=\"REI30\"/><xs:enumeration value=\"REI60\"/>"    \
    "</xs:restriction></value></property><material cardinality=\"prohibited\"><value>"        \
    SIMPLE("wood") "</value></material><attribute><name>" SIMPLE("Name") "</name><value>"      \
    "<xs:restriction base=\"xs:string\"><xs:pattern value=\"W-[0-9]{3}\"/></xs:restriction>" \
    "</value></attribute></requirements></specification>\n"

static char *big_ids(size_t n)
{
    size_t cap = strlen(IDS_OPEN) + 200 + n * (strlen(BIG_SPEC) + 64);
    char *xml = malloc(cap);
    if (xml == NULL)
        return NULL;
    size_t len = (size_t)snprintf(xml, cap, "%s<info><title>500 specifications</title></info>"
                                            "<specifications>\n", IDS_OPEN);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(xml + len, cap - len, BIG_SPEC, i + 1, i + 1, i % 7);
    snprintf(xml + len, cap - len, "</specifications></ids>\n");
    return xml;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: view_pages OUT_DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    ids_doc *doc = load(doc_ids), *doc2 = load(doc2_ids), *xss = load(xss_ids);
    char *big_xml = big_ids(500);
    if (big_xml == NULL)
        return 1;
    ids_doc *big = load(big_xml);
    free(big_xml);
    int rc = 0;
    rc |= write_page(dir, "doc", doc, &doc_check, NULL);
    rc |= write_page(dir, "doc2", doc2, NULL, NULL);
    rc |= write_page(dir, "live", doc, &doc_check, "/events");
    rc |= write_page(dir, "xss", xss, &xss_check, NULL);
    rc |= write_page(dir, "big", big, NULL, NULL);
    rc |= write_page(dir, "report", NULL, &doc_check, NULL);
    rc |= write_page(dir, "empty", NULL, NULL, NULL);
    ids_doc_free(doc);
    ids_doc_free(doc2);
    ids_doc_free(xss);
    ids_doc_free(big);
    ids_library_cleanup();
    return rc == 0 ? 0 : 1;
}
