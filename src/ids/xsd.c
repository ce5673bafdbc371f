/*
 * xsd.c - the official ids.xsd through libxml2's XML Schema engine.
 *
 * ids.xsd imports three schemas by absolute URL: W3C's XMLSchema.xsd (it
 * defines xs:restriction and the xs:occurs group the IDS schema uses, so it
 * is required), xml.xsd (imported again by XMLSchema.xsd) and the XSI
 * namespace. The server never uses the network: ids_library_init installs
 * a process-wide loader that refuses everything, and compilation sets, for
 * the calling thread only and for its duration, a resolver (doc.c's
 * ids_entity_resolver_set) that serves exactly those URLs: the two W3C ones
 * from local files, the XSI one from an empty in-memory stub (libxml2
 * refuses a real schema for that namespace). Every other URL is refused,
 * including the DTD that XMLSchema.xsd names. Other threads keep refusing
 * everything meanwhile, so no lock is needed. ids.xsd itself is read into
 * memory first, so its own path never goes through the loader.
 *
 * The compiled xmlSchema is never written after ids_schema_load returns;
 * each validation makes its own xmlSchemaValidCtxt (which has its own
 * dictionary), so any number of threads may validate with one schema.
 */
#include "ids/validate_internal.h"

#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ids_schema {
    xmlSchemaPtr xs;
};

#define W3C_XMLSCHEMA_URL "http://www.w3.org/2001/XMLSchema.xsd"
#define W3C_XML_URL "http://www.w3.org/2001/xml.xsd"

/* Where Debian's python3-xmlschema package installs its copies of the W3C
 * schemas; a distribution path, used only when nothing else is configured. */
#define DEBIAN_W3C_DIR "/usr/lib/python3/dist-packages/xmlschema/schemas"

/* An empty schema for the XSI namespace: it satisfies the import without
 * declaring anything, which libxml2 would refuse for that namespace. */
static const char xsi_stub[] =
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""
    " targetNamespace=\"http://www.w3.org/2001/XMLSchema-instance\"/>";

/* ---- the resolver used while compiling ---- */

typedef struct w3c_files {
    const char *xmlschema_path;
    const char *xml_path;
    char refused[IDS_ERROR_PATH_LEN]; /* first URL refused, "" if none */
} w3c_files;

static xmlParserInputPtr serve_w3c(const char *url, const char *id,
                                   xmlParserCtxtPtr ctxt, void *data)
{
    (void)id;
    w3c_files *files = data;
    if (url == NULL)
        return NULL;
    if (strcmp(url, W3C_XMLSCHEMA_URL) == 0)
        return xmlNewInputFromFile(ctxt, files->xmlschema_path);
    if (strcmp(url, W3C_XML_URL) == 0)
        return xmlNewInputFromFile(ctxt, files->xml_path);
    if (strcmp(url, IDS_XSI_NAMESPACE) == 0)
        return xmlNewStringInputStream(ctxt, (const xmlChar *)xsi_stub);
    /* Remember the first refusal: if compilation then fails, it is the
     * likeliest cause and worth naming. The DTD named by XMLSchema.xsd is
     * refused on every run and is not needed. */
    if (files->refused[0] == '\0' && strstr(url, ".dtd") == NULL)
        snprintf(files->refused, sizeof(files->refused), "%s", url);
    return NULL;
}

/* ---- locating the W3C copies ---- */

static bool readable(const char *path)
{
    return access(path, R_OK) == 0;
}

/* Accepts a folder holding XMLSchema.xsd and xml.xsd (or xml_minimal.xsd),
 * or the python3-xmlschema layout (XSD_1.0/XMLSchema.xsd, XML/...). */
static bool find_w3c(const char *dir, char *xs_out, char *xml_out, size_t size)
{
    static const char *const xs_names[] = {"XMLSchema.xsd", "XSD_1.0/XMLSchema.xsd"};
    static const char *const xml_names[] = {"xml.xsd", "xml_minimal.xsd",
                                            "XML/xml_minimal.xsd", "XML/xml.xsd"};
    bool have_xs = false, have_xml = false;
    for (size_t i = 0; i < sizeof(xs_names) / sizeof(xs_names[0]) && !have_xs; i++) {
        snprintf(xs_out, size, "%s/%s", dir, xs_names[i]);
        have_xs = readable(xs_out);
    }
    for (size_t i = 0; i < sizeof(xml_names) / sizeof(xml_names[0]) && !have_xml; i++) {
        snprintf(xml_out, size, "%s/%s", dir, xml_names[i]);
        have_xml = readable(xml_out);
    }
    return have_xs && have_xml;
}

/* ---- compile ---- */

typedef struct compile_log {
    char first[IDS_ERROR_TEXT_LEN];
    int line;
} compile_log;

static void trim_newlines(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
}

static void on_compile_error(void *data, xmlErrorPtr e)
{
    compile_log *log = data;
    if (e == NULL || e->level < XML_ERR_ERROR || log->first[0] != '\0')
        return;
    base_utf8_format(log->first, sizeof(log->first), "%s",
                    e->message != NULL ? e->message : "unknown error");
    trim_newlines(log->first);
    log->line = e->line;
}

/* The whole file; NULL with errno set on failure. */
static char *read_all(const char *path, size_t *len)
{
    base_buf text = {0};
    base_status st = base_buf_read_file(&text, path);

    if (st != BASE_OK) {
        int saved = st == BASE_IO ? errno : ENOMEM;

        base_buf_free(&text);
        errno = saved;
        return NULL;
    }
    return base_buf_take(&text, len);
}

ids_status ids_schema_load(const char *xsd_path, const char *w3c_dir,
                           ids_schema **out, ids_error *err)
{
    if (out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the schema");
    *out = NULL;
    if (xsd_path == NULL || xsd_path[0] == '\0')
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "no path to the official ids.xsd was given");
    ids_xsd_types_init();

    const char *dir = w3c_dir;
    if (dir == NULL || dir[0] == '\0')
        dir = getenv("IDSD_W3C_SCHEMAS");
    if (dir == NULL || dir[0] == '\0')
        dir = DEBIAN_W3C_DIR;
    char xs_path[PATH_MAX], xml_path[PATH_MAX];
    if (!find_w3c(dir, xs_path, xml_path, sizeof(xs_path)))
        return ids_err(err, IDS_ERR_SCHEMA, NULL,
                       "the W3C schemas XMLSchema.xsd and xml.xsd were not found in %s; "
                       "point IDSD_W3C_SCHEMAS (or the w3c folder option) at a folder "
                       "holding both, e.g. the one of Debian's python3-xmlschema", dir);

    size_t len = 0;
    char *text = read_all(xsd_path, &len);
    if (text == NULL)
        return ids_err(err, errno == ENOMEM ? IDS_ERR_NOMEM : IDS_ERR_SCHEMA, NULL,
                       "cannot read the official schema %s: %s", xsd_path,
                       strerror(errno));
    if (len > INT_MAX) {
        free(text);
        return ids_err(err, IDS_ERR_SCHEMA, NULL, "the schema %s is too large", xsd_path);
    }

    compile_log log = {{0}, 0};
    xmlSchemaPtr xs = NULL;
    w3c_files files = {xs_path, xml_path, ""};
    ids_library_init(); /* the refusing loader, which hands requests to us */
    ids_xml_quiet quiet;
    ids_xml_quiet_begin(&quiet);
    ids_entity_resolver_set(serve_w3c, &files);
    xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewMemParserCtxt(text, (int)len);
    if (pctxt != NULL) {
        xmlSchemaSetParserStructuredErrors(pctxt, on_compile_error, &log);
        xs = xmlSchemaParse(pctxt);
        xmlSchemaFreeParserCtxt(pctxt);
    }
    ids_entity_resolver_set(NULL, NULL);
    ids_xml_quiet_end(&quiet);
    free(text);
    const char *refused = files.refused;

    if (pctxt == NULL)
        return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory compiling the schema");
    if (xs == NULL) {
        if (refused[0] != '\0')
            return ids_err(err, IDS_ERR_SCHEMA, NULL,
                           "the schema %s did not compile (%s, line %d); it asked for %s, "
                           "which is not served offline",
                           xsd_path, log.first[0] ? log.first : "no message", log.line,
                           refused);
        return ids_err(err, IDS_ERR_SCHEMA, NULL, "the schema %s did not compile: %s (line %d)",
                       xsd_path, log.first[0] ? log.first : "no message", log.line);
    }
    ids_schema *schema = calloc(1, sizeof(*schema));
    if (schema == NULL) {
        xmlSchemaFree(xs);
        return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory compiling the schema");
    }
    schema->xs = xs;
    *out = schema;
    return IDS_OK;
}

void ids_schema_free(ids_schema *schema)
{
    if (schema == NULL)
        return;
    xmlSchemaFree(schema->xs);
    free(schema);
}

/* ---- built-in types ---- */

static pthread_once_t types_once = PTHREAD_ONCE_INIT;

static void types_init(void)
{
    xmlSchemaInitTypes();
}

void ids_xsd_types_init(void)
{
    pthread_once(&types_once, types_init);
}

/* ---- validate ---- */

typedef struct validate_log {
    ids_findings *out;
} validate_log;

static void on_validate_error(void *data, xmlErrorPtr e)
{
    validate_log *log = data;
    if (e == NULL)
        return;
    char message[IDS_ERROR_TEXT_LEN];
    base_utf8_format(message, sizeof(message), "%s", e->message != NULL ? e->message : "error");
    trim_newlines(message);
    char path[IDS_ERROR_PATH_LEN] = "";
    const xmlNode *node = e->node;
    if (node != NULL && node->type == XML_ATTRIBUTE_NODE)
        node = node->parent;
    if (node != NULL && node->type == XML_ELEMENT_NODE)
        ids_node_path(node, path, sizeof(path));
    ids_findings_add_at(log->out,
                        e->level >= XML_ERR_ERROR ? IDS_SEVERITY_ERROR : IDS_SEVERITY_WARNING,
                        "XSD", path, e->line > 0 ? e->line : 0, message);
}

/* True when any element at or below node carries an attribute named `id`
 * without a namespace. Iterative, so depth costs no stack. */
static bool has_id_attribute(const xmlNode *node)
{
    const xmlNode *top = node;
    while (node != NULL) {
        if (node->type == XML_ELEMENT_NODE) {
            for (const xmlAttr *a = node->properties; a != NULL; a = a->next)
                if (a->ns == NULL && strcmp((const char *)a->name, "id") == 0)
                    return true;
            if (node->children != NULL) {
                node = node->children;
                continue;
            }
        }
        while (node != top && node->next == NULL)
            node = node->parent;
        if (node == top)
            return false;
        node = node->next;
    }
    return false;
}

ids_status ids_xsd_validate(const ids_schema *schema, const xmlDoc *doc,
                            ids_findings *out, bool *valid, ids_error *err)
{
    *valid = false;
    if (schema == NULL || schema->xs == NULL || doc == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no schema or no document");
    /* The validator marks xs:ID attributes and registers their values in
     * the document it checks, which would both modify the caller's tree
     * and make a second validation see a different document. Only an
     * unprefixed `id` attribute can be of type xs:ID in the IDS schema
     * (on xs:restriction and its facets), so a document without one is
     * validated in place; copying every document cost batch checking a
     * fifth of its time. */
    xmlDocPtr target = (xmlDocPtr)doc;
    xmlDocPtr copy = NULL;
    if (has_id_attribute(xmlDocGetRootElement(target))) {
        copy = xmlCopyDoc(target, 1);
        if (copy == NULL)
            return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory copying the document");
        target = copy;
    }
    xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(schema->xs);
    if (vctxt == NULL) {
        xmlFreeDoc(copy);
        return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory validating");
    }
    validate_log log = {out};
    xmlSchemaSetValidStructuredErrors(vctxt, on_validate_error, &log);
    int rc = xmlSchemaValidateDoc(vctxt, target);
    xmlSchemaFreeValidCtxt(vctxt);
    xmlFreeDoc(copy);
    if (rc < 0)
        return ids_err(err, IDS_ERR_INTERNAL, NULL,
                       "libxml2's schema validator failed internally (%d)", rc);
    *valid = rc == 0;
    return IDS_OK;
}
