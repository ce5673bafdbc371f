/*
 * bench_view.c - what rendering a document for people costs (src/view).
 *
 * For documents of 100, 500 and 2,000 specifications (each an entity and
 * a property in applicability, three requirements), validated once, it
 * times view_markdown, view_html_body and view_html_page: REPEAT runs
 * each after one warm-up, and prints the median and the fastest in ms
 * with the output's size. Every rendering reads the document afresh
 * (summary, each specification, findings), as a server does per request.
 *
 *     bench_view [REPEAT]     (default 21)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "view/view.h"

#define SIMPLE(x) "<simpleValue>" x "</simpleValue>"
#define SPEC                                                                                \
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

static char *document(size_t n)
{
    size_t cap = 1024 + n * (sizeof(SPEC) + 64), len = 0;
    char *xml = malloc(cap);
    if (xml == NULL)
        return NULL;
    len += (size_t)snprintf(xml, cap,
                            "<ids xmlns=\"http://standards.buildingsmart.org/IDS\" "
                            "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
                            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                            "xsi:schemaLocation=\"" IDS_SCHEMA_LOCATION "\"><info><title>Bench"
                            "</title></info><specifications>\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(xml + len, cap - len, SPEC, i + 1, i + 1, i % 7);
    snprintf(xml + len, cap - len, "</specifications></ids>\n");
    return xml;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef view_status (*render_fn)(const view_input *in, char **out, size_t *len);

static view_status page(const view_input *in, char **out, size_t *len)
{
    return view_html_page(in, NULL, out, len);
}

static int measure(const char *what, size_t n_specs, render_fn fn, const view_input *in,
                   int repeat)
{
    double *ms = calloc((size_t)repeat, sizeof(double));
    size_t len = 0;
    if (ms == NULL)
        return -1;
    for (int i = -1; i < repeat; i++) {
        char *out = NULL;
        double t0 = now_ms();
        view_status st = fn(in, &out, &len);
        double t = now_ms() - t0;
        free(out);
        if (st != VIEW_OK) {
            fprintf(stderr, "bench_view: %s: %s\n", what, view_status_name(st));
            free(ms);
            return -1;
        }
        if (i >= 0)
            ms[i] = t;
    }
    qsort(ms, (size_t)repeat, sizeof(double), cmp_double);
    printf("%6zu  %-10s %10zu  %9.2f  %9.2f\n", n_specs, what, len, ms[repeat / 2], ms[0]);
    free(ms);
    return 0;
}

int main(int argc, char **argv)
{
    int repeat = argc > 1 ? atoi(argv[1]) : 21;
    if (repeat < 1) {
        fprintf(stderr, "usage: bench_view [REPEAT]\n");
        return 2;
    }
    static const size_t sizes[] = {100, 500, 2000};
    printf(" specs  rendering       bytes  median ms  fastest ms\n");
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        char *xml = document(sizes[s]);
        ids_doc *doc = NULL;
        ids_report *report = NULL;
        ids_error err;
        ids_error_clear(&err);
        if (xml == NULL || ids_doc_load_string(xml, strlen(xml), NULL, &doc, &err) != IDS_OK ||
            ids_validate(doc, NULL, &report, &err) != IDS_OK) {
            fprintf(stderr, "bench_view: cannot build the document: %s\n", err.message);
            return 1;
        }
        free(xml);
        view_input in = {.doc = doc, .report = report, .check = NULL};
        if (measure("markdown", sizes[s], view_markdown, &in, repeat) != 0 ||
            measure("html body", sizes[s], view_html_body, &in, repeat) != 0 ||
            measure("html page", sizes[s], page, &in, repeat) != 0)
            return 1;
        ids_report_free(report);
        ids_doc_free(doc);
    }
    ids_library_cleanup();
    return 0;
}
