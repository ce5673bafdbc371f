/*
 * bench_check_floor.c - the floor that `idsd check` is measured against:
 * libxml2 alone parsing and XSD-validating IDS files one after another in
 * one process, one thread.
 *
 * usage: bench_check_floor --xsd ids.xsd [--w3c DIR] [--repeat N] PATH...
 *        PATH is a file or "-" (one path per line on standard input).
 *
 * This is deliberately the least a competent single-process program does:
 * the schema is compiled once (not timed), one validation context is
 * reused for every file, each file is xmlReadFile'd with XML_PARSE_NONET
 * and checked with xmlSchemaValidateDoc, and messages are counted, not
 * printed. No idsd code is linked; ids.xsd's imports of the W3C schemas
 * are served from local copies by an entity loader, the way the engine's
 * src/ids/xsd.c does it, so no network is used.
 *
 * Output: one line, "floor: FILES files, VALID valid, MS ms, RATE files/s
 * (schema compiled in MS ms)". Exit 0, or 2 on a usage or schema error.
 */
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define XMLSCHEMA_URL "http://www.w3.org/2001/XMLSchema.xsd"
#define XML_URL "http://www.w3.org/2001/xml.xsd"
#define XSI_URL "http://www.w3.org/2001/XMLSchema-instance"
/* Debian's python3-xmlschema copies, as the engine's default. */
#define DEFAULT_W3C_DIR "/usr/lib/python3/dist-packages/xmlschema/schemas"

static const char xsi_stub[] =
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""
    " targetNamespace=\"http://www.w3.org/2001/XMLSchema-instance\"/>";

static char xs_path[PATH_MAX], xml_path[PATH_MAX];

static xmlParserInputPtr offline_loader(const char *url, const char *id,
                                        xmlParserCtxtPtr ctxt)
{
    (void)id;
    if (!url)
        return NULL;
    if (strcmp(url, XMLSCHEMA_URL) == 0)
        return xmlNewInputFromFile(ctxt, xs_path);
    if (strcmp(url, XML_URL) == 0)
        return xmlNewInputFromFile(ctxt, xml_path);
    if (strcmp(url, XSI_URL) == 0)
        return xmlNewStringInputStream(ctxt, (const xmlChar *)xsi_stub);
    return NULL;
}

static int first_readable(char *out, const char *dir, const char *const *names)
{
    for (; *names; names++) {
        snprintf(out, PATH_MAX, "%s/%s", dir, *names);
        if (access(out, R_OK) == 0)
            return 1;
    }
    return 0;
}

static void count_error(void *data, xmlErrorPtr e)
{
    (void)e;
    (*(size_t *)data)++;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;

    if (!f)
        return NULL;
    size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size >= 0 && size < INT_MAX && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
        if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
            free(buf);
            buf = NULL;
        }
        if (buf) {
            buf[size] = '\0';
            *len = (size_t)size;
        }
    }
    fclose(f);
    return buf;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int add_path(char ***list, size_t *n, size_t *cap, const char *p)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 512;
        char **g = realloc(*list, c * sizeof *g);

        if (!g)
            return 0;
        *list = g;
        *cap = c;
    }
    (*list)[*n] = strdup(p);
    if (!(*list)[*n])
        return 0;
    (*n)++;
    return 1;
}

int main(int argc, char **argv)
{
    static const char *const xs_names[] = {"XMLSchema.xsd", "XSD_1.0/XMLSchema.xsd", NULL};
    static const char *const xml_names[] = {"xml.xsd", "xml_minimal.xsd", "XML/xml_minimal.xsd",
                                            "XML/xml.xsd", NULL};
    const char *xsd = NULL, *w3c = getenv("IDSD_W3C_SCHEMAS");
    char **paths = NULL, *line = NULL, *xsd_text = NULL;
    size_t xsd_len = 0;
    size_t n_paths = 0, cap = 0, line_cap = 0, errors = 0, valid = 0, files = 0;
    long repeat = 1;
    xmlSchemaParserCtxtPtr pctxt;
    xmlSchemaPtr schema = NULL;
    xmlSchemaValidCtxtPtr vctxt = NULL;
    xmlExternalEntityLoader previous;
    double t_compile, t0, ms;
    int rc = 2;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--xsd") == 0 && i + 1 < argc) {
            xsd = argv[++i];
        } else if (strcmp(argv[i], "--w3c") == 0 && i + 1 < argc) {
            w3c = argv[++i];
        } else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = strtol(argv[++i], NULL, 10);
            if (repeat < 1)
                repeat = 1;
        } else if (strcmp(argv[i], "-") == 0) {
            for (;;) {
                ssize_t len = getline(&line, &line_cap, stdin);

                if (len < 0)
                    break;
                while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                    line[--len] = '\0';
                if (len > 0 && !add_path(&paths, &n_paths, &cap, line))
                    goto out;
            }
        } else if (!add_path(&paths, &n_paths, &cap, argv[i])) {
            goto out;
        }
    }
    if (!xsd || n_paths == 0) {
        fprintf(stderr, "usage: bench_check_floor --xsd ids.xsd [--w3c DIR] "
                        "[--repeat N] PATH... (or - for a list on stdin)\n");
        goto out;
    }
    if (!w3c || !w3c[0])
        w3c = DEFAULT_W3C_DIR;
    if (!first_readable(xs_path, w3c, xs_names) || !first_readable(xml_path, w3c, xml_names)) {
        fprintf(stderr, "bench_check_floor: no XMLSchema.xsd and xml.xsd in %s "
                        "(set IDSD_W3C_SCHEMAS or --w3c)\n", w3c);
        goto out;
    }

    xmlInitParser();
    t_compile = now_ms();
    previous = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(offline_loader);
    /* From memory: the offline loader refuses every URL but the W3C ones,
     * the schema's own path included. */
    xsd_text = read_all(xsd, &xsd_len);
    pctxt = xsd_text ? xmlSchemaNewMemParserCtxt(xsd_text, (int)xsd_len) : NULL;
    if (pctxt) {
        schema = xmlSchemaParse(pctxt);
        xmlSchemaFreeParserCtxt(pctxt);
    }
    xmlSetExternalEntityLoader(previous);
    t_compile = now_ms() - t_compile;
    if (!schema) {
        fprintf(stderr, "bench_check_floor: %s did not compile\n", xsd);
        goto out;
    }
    vctxt = xmlSchemaNewValidCtxt(schema);
    if (!vctxt)
        goto out;
    xmlSchemaSetValidStructuredErrors(vctxt, count_error, &errors);
    xmlSetStructuredErrorFunc(&errors, count_error);

    t0 = now_ms();
    for (long r = 0; r < repeat; r++) {
        for (size_t i = 0; i < n_paths; i++) {
            xmlDocPtr doc = xmlReadFile(paths[i], NULL, XML_PARSE_NONET);

            files++;
            if (!doc)
                continue;
            if (xmlSchemaValidateDoc(vctxt, doc) == 0)
                valid++;
            xmlFreeDoc(doc);
        }
    }
    ms = now_ms() - t0;
    printf("floor: %zu files, %zu valid, %.3f ms, %.0f files/s (schema compiled in %.3f ms)\n",
           files, valid, ms, ms > 0 ? files * 1000.0 / ms : 0.0, t_compile);
    rc = 0;
out:
    xmlSchemaFreeValidCtxt(vctxt);
    xmlSchemaFree(schema);
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    free(line);
    free(xsd_text);
    xmlCleanupParser();
    return rc;
}
