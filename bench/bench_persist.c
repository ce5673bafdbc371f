/*
 * bench_persist.c - what writing the whole document after each change
 * costs, against the size of the document (specs/persistence.md, "What is
 * written"): for documents of 1, 10, 100 and 1,000 specifications (each
 * an entity and a property in applicability, three requirements), the
 * median time of ids_doc_to_string and of one durable put of its bytes
 * into the SQLite store with --state-sync normal and full (one writer, so
 * no group commit), beside a put of 200 bytes, the size a journal entry of
 * one call would have.
 *
 *     bench_persist [REPEAT] [DIR]     (default 51; DIR a scratch folder on
 *                                       the disk to measure, default /var/tmp)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ids/ids.h"
#include "store/store.h"

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
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* Median ms of REPEAT durable puts of len bytes as one session's doc. */
static double time_puts(store_handle *st, const char *id, const char *bytes, size_t len,
                        int repeat, uint64_t *version)
{
    double *t = malloc((size_t)repeat * sizeof *t);
    for (int i = 0; i < repeat; i++) {
        store_put p = {0};
        store_error err;
        p.id = id;
        p.fields = STORE_F_DOC;
        p.expected_version = (*version)++;
        p.created_ms = p.access_ms = store_now_ms();
        p.doc = bytes;
        p.doc_len = len;
        double t0 = now_ms();
        if (store_put_row(st, &p, &err) != STORE_OK) {
            fprintf(stderr, "bench_persist: %s\n", err.message);
            exit(1);
        }
        t[i] = now_ms() - t0;
    }
    double m = median(t, repeat);
    free(t);
    return m;
}

int main(int argc, char **argv)
{
    int repeat = argc > 1 ? atoi(argv[1]) : 51;
    const char *base = argc > 2 ? argv[2] : "/var/tmp";
    static const size_t sizes[] = {1, 10, 100, 1000};
    char journal[200];
    memset(journal, 'j', sizeof journal);
    if (repeat < 1)
        repeat = 1;

    ids_library_init();
    printf("%8s %10s %14s %16s %14s %16s %14s\n", "specs", "bytes", "serialize ms",
           "put normal ms", "put full ms", "200 B normal ms", "200 B full ms");
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        char *xml = document(n);
        ids_doc *doc = NULL;
        ids_error err;
        ids_error_clear(&err);
        if (xml == NULL || ids_doc_load_string(xml, strlen(xml), NULL, &doc, &err) != IDS_OK) {
            fprintf(stderr, "bench_persist: document of %zu: %s\n", n, err.message);
            return 1;
        }
        double *t = malloc((size_t)repeat * sizeof *t);
        char *out = NULL;
        size_t len = 0;
        for (int i = 0; i < repeat; i++) {
            free(out);
            double t0 = now_ms();
            ids_doc_to_string(doc, &out, &len, &err);
            t[i] = now_ms() - t0;
        }
        double ser = median(t, repeat);
        free(t);

        double put[2], small[2];
        for (int sync = 0; sync < 2; sync++) {
            char dir[4096];
            snprintf(dir, sizeof dir, "%s/bench-persist-%d-%zu-%d", base, (int)getpid(), n, sync);
            store_sqlite_config cfg = {dir, sync ? STORE_SYNC_FULL : STORE_SYNC_NORMAL, false};
            store_handle *st = NULL;
            store_error serr;
            if (store_sqlite_open(&cfg, &st, NULL, &serr) != STORE_OK) {
                fprintf(stderr, "bench_persist: %s\n", serr.message);
                return 1;
            }
            uint64_t v1 = 0, v2 = 0;
            put[sync] = time_puts(st, "00000000000000000000000000000001", out, len, repeat, &v1);
            small[sync] = time_puts(st, "00000000000000000000000000000002", journal,
                                    sizeof journal, repeat, &v2);
            store_close(st);
            char cmd[4200];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
            if (system(cmd) != 0)
                fprintf(stderr, "bench_persist: could not remove %s\n", dir);
        }
        printf("%8zu %10zu %14.3f %16.3f %14.3f %16.3f %14.3f\n", n, len, ser, put[0], put[1],
               small[0], small[1]);
        free(out);
        free(xml);
        ids_doc_free(doc);
    }
    ids_library_cleanup();
    return 0;
}
