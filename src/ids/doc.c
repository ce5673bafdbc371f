/*
 * doc.c - library set-up, new documents and the info block.
 *
 * Safety comes first here: ids_library_init replaces libxml2's external
 * entity loader for the whole process with one that refuses everything, so
 * no document, schema or include can make idsd open a file or a socket.
 * The one legitimate exception (the XSD compiler reading two local W3C
 * schemas) is served per thread through ids_entity_resolver_set; see
 * ids_internal.h.
 *
 * Text that enters the tree is checked first (ids_text_check, value.c):
 * libxml2 stores whatever bytes it is given and would then write a
 * document no parser accepts, so invalid UTF-8 and characters XML 1.0
 * forbids are refused at the door rather than discovered at export.
 */
#include "ids/ids_internal.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors with a position ---- */

ids_status ids_err_at(ids_error *err, ids_status code, int line, int column,
                      const char *fmt, ...)
{
    if (err == NULL || err->code != IDS_OK)
        return code;
    char buf[IDS_ERROR_TEXT_LEN];
    va_list ap;
    va_start(ap, fmt);
    base_utf8_vformat(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    ids_err(err, code, NULL, "%s", buf);
    err->line = line > 0 ? line : 0;
    err->column = column > 0 ? column : 0;
    return code;
}

/* ---- library and entity loading ---- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static xmlExternalEntityLoader original_loader;

static _Thread_local ids_entity_resolver tls_resolver;
static _Thread_local void *tls_resolver_data;

static xmlParserInputPtr refusing_loader(const char *url, const char *id,
                                         xmlParserCtxtPtr ctxt)
{
    if (tls_resolver != NULL)
        return tls_resolver(url, id, ctxt, tls_resolver_data);
    return NULL;
}

/* What libxml2 reports outside a parser context when no IDS_QUIETLY is
 * in force (a thread that never entered one, or a report made after it
 * ended) goes nowhere: ids.h promises that nothing prints, out of memory
 * included, and libxml2's default writes to stderr. */
static void silent_generic(void *data, const char *msg, ...)
{
    (void)data;
    (void)msg;
}

static void silent_structured(void *data, xmlErrorPtr e)
{
    (void)data;
    (void)e;
}

static void library_init_once(void)
{
    xmlInitParser();
    /* This thread's handlers, and the defaults of threads to come. */
    xmlSetGenericErrorFunc(NULL, silent_generic);
    xmlSetStructuredErrorFunc(NULL, silent_structured);
    xmlThrDefSetGenericErrorFunc(NULL, silent_generic);
    xmlThrDefSetStructuredErrorFunc(NULL, silent_structured);
    original_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(refusing_loader);
}

void ids_library_init(void)
{
    pthread_once(&init_once, library_init_once);
}

void ids_library_cleanup(void)
{
    /* The refusing loader stays installed: cleanup is for leak checkers at
     * exit, and a late caller must still not reach the network. */
    xmlCleanupParser();
}

void ids_entity_resolver_set(ids_entity_resolver resolver, void *data)
{
    tls_resolver = resolver;
    tls_resolver_data = resolver != NULL ? data : NULL;
}

xmlExternalEntityLoader ids_default_entity_loader(void)
{
    ids_library_init();
    return original_loader;
}

/* ---- keeping libxml2 quiet ---- */

void ids_xml_quiet_record(ids_xml_quiet *q, const xmlError *e)
{
    if (q == NULL || e == NULL || e->level < XML_ERR_ERROR || q->first[0] != '\0')
        return;
    /* libxml2's messages quote the document (names, values): cut them
     * between characters. */
    base_utf8_format(q->first, sizeof(q->first), "%s",
                    e->message != NULL ? e->message : "unknown libxml2 error");
    size_t n = strlen(q->first);
    while (n > 0 && (q->first[n - 1] == '\n' || q->first[n - 1] == ' '))
        q->first[--n] = '\0';
    q->line = e->line;
    q->column = e->int2;
    q->code = e->code;
}

static void quiet_structured(void *data, xmlErrorPtr e)
{
    ids_xml_quiet_record(data, e);
}

static void quiet_generic(void *data, const char *msg, ...)
{
    /* Generic messages arrive in fragments and carry no level; the
     * structured handler sees the real errors, so these are only dropped. */
    (void)data;
    (void)msg;
}

void ids_xml_quiet_begin(ids_xml_quiet *q)
{
    memset(q, 0, sizeof(*q));
    q->saved_generic = xmlGenericError;
    q->saved_generic_ctx = xmlGenericErrorContext;
    q->saved_structured = xmlStructuredError;
    q->saved_structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(q, quiet_generic);
    xmlSetStructuredErrorFunc(q, quiet_structured);
}

void ids_xml_quiet_end(ids_xml_quiet *q)
{
    xmlSetGenericErrorFunc(q->saved_generic_ctx, q->saved_generic);
    xmlSetStructuredErrorFunc(q->saved_structured_ctx, q->saved_structured);
}

/* ---- text checks ---- */

bool ids_author_valid(const char *author)
{
    /* [^@]+@[^\.]+\..+ over the whole value. [^@]+ cannot hold an '@', so
     * the pattern's '@' is the first one; [^\.]+ cannot hold a '.', so the
     * pattern's '.' is the first one after it; the final .+ is XSD's '.',
     * which excludes only newline and carriage return. */
    if (author == NULL)
        return false;
    const char *at = strchr(author, '@');
    if (at == NULL || at == author)
        return false;
    const char *dot = strchr(at + 1, '.');
    if (dot == NULL || dot == at + 1 || dot[1] == '\0')
        return false;
    return strpbrk(dot + 1, "\r\n") == NULL;
}

static bool digits(const char *s, size_t n, int *value)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return true;
}

bool ids_date_valid(const char *date)
{
    /* YYYY-MM-DD, then nothing, Z, or +hh:mm / -hh:mm (hh <= 14, and
     * minutes 00 when hh is 14, as xs:date's time zone). Years 0001-9999:
     * the form the standard shows; XSD's longer and negative years are
     * legal there but never meant in an IDS. */
    if (date == NULL || strlen(date) < 10)
        return false;
    int y, m, d;
    if (!digits(date, 4, &y) || date[4] != '-' || !digits(date + 5, 2, &m) ||
        date[7] != '-' || !digits(date + 8, 2, &d))
        return false;
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y == 0 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = days[m - 1] + (m == 2 && leap ? 1 : 0);
    if (d > max)
        return false;
    const char *tz = date + 10;
    if (tz[0] == '\0')
        return true;
    if (tz[0] == 'Z')
        return tz[1] == '\0';
    int hh, mm;
    if ((tz[0] != '+' && tz[0] != '-') || strlen(tz) != 6 ||
        !digits(tz + 1, 2, &hh) || tz[3] != ':' || !digits(tz + 4, 2, &mm))
        return false;
    return mm <= 59 && (hh < 14 || (hh == 14 && mm == 0));
}

/* Checks a value for an info field: text, then the field's own format. */
static ids_status info_value_check(ids_info_field field, const char *value,
                                   ids_error *err)
{
    const char *name = ids_info_field_name(field);
    ids_status st = ids_text_check(name, value, err);
    if (st != IDS_OK)
        return st;
    switch (field) {
    case IDS_INFO_TITLE:
        if (value[0] == '\0')
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "title must not be empty; give the document a name");
        break;
    case IDS_INFO_AUTHOR:
        if (!ids_author_valid(value))
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "author must be an e-mail address such as "
                           "name@example.com (IDS pattern [^@]+@[^.]+\\..+ over "
                           "the whole value); got '%s'", BASE_QUOTE(value, 80));
        break;
    case IDS_INFO_DATE:
        if (!ids_date_valid(value))
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "date must be an xs:date YYYY-MM-DD that exists in "
                           "the calendar, optionally followed by Z or a zone "
                           "+hh:mm / -hh:mm (e.g. 2024-02-29, 2024-02-29Z, "
                           "2024-02-29+01:00); got '%s'", BASE_QUOTE(value, 80));
        break;
    default:
        break;
    }
    return IDS_OK;
}

/* ---- documents ---- */

/* libxml2 2.9's node constructors do not check their inner string copies:
 * out of memory there yields a node with a NULL name or content that looks
 * like success. These wrappers turn that into NULL. */
static xmlNode *new_element(xmlDoc *xml, xmlNs *ns, const char *name)
{
    xmlNode *node = xmlNewDocNode(xml, ns, (const xmlChar *)name, NULL);
    if (node != NULL && node->name == NULL) {
        xmlFreeNode(node);
        return NULL;
    }
    return node;
}

static xmlNode *new_text(xmlDoc *xml, const char *text)
{
    /* xmlNewDocText stores the text as is; the serializer escapes it.
     * (xmlNewDocNode's content argument would parse entity references.) */
    xmlNode *t = xmlNewDocText(xml, (const xmlChar *)text);
    if (t != NULL && t->content == NULL) {
        xmlFreeNode(t);
        return NULL;
    }
    return t;
}

static bool ns_ok(const xmlNs *ns, const char *prefix)
{
    return ns != NULL && ns->href != NULL && (prefix == NULL || ns->prefix != NULL);
}

static xmlNode *new_text_element(xmlDoc *xml, xmlNs *ns, const char *name,
                                 const char *text)
{
    xmlNode *node = new_element(xml, ns, name);
    /* Empty text gets no node: "<a></a>" would reload as "<a/>", and the
     * bytes of serialize-load-serialize would differ. */
    if (node == NULL || text[0] == '\0')
        return node;
    xmlNode *t = new_text(xml, text);
    if (t == NULL) {
        xmlFreeNode(node);
        return NULL;
    }
    xmlAddChild(node, t);
    return node;
}

static ids_status doc_new_quiet(const ids_info *info, ids_doc **out, ids_error *err)
{
    ids_status st = IDS_OK;
    ids_doc *doc = NULL;
    xmlDoc *xml = NULL;
    if (out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the result");
    *out = NULL;
    ids_library_init();
    if (info == NULL || info->fields[IDS_INFO_TITLE] == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "title is required to create a document");
    for (int f = 0; f < IDS_INFO_FIELD_COUNT; f++) {
        if (info->fields[f] == NULL)
            continue;
        st = info_value_check((ids_info_field)f, info->fields[f], err);
        if (st != IDS_OK)
            return st;
    }

    xml = xmlNewDoc((const xmlChar *)"1.0");
    if (xml == NULL)
        goto nomem;
    if (xml->version == NULL)
        goto nomem;
    xmlNode *root = new_element(xml, NULL, "ids");
    if (root == NULL)
        goto nomem;
    xmlDocSetRootElement(xml, root);
    /* Declared on the root in this order, so that restrictions written
     * later find the xs prefix in scope and output matches the standard's
     * own files. */
    xmlNs *ns = xmlNewNs(root, (const xmlChar *)IDS_NAMESPACE, NULL);
    if (!ns_ok(ns, NULL))
        goto nomem;
    xmlSetNs(root, ns);
    xmlNs *xs = xmlNewNs(root, (const xmlChar *)IDS_XS_NAMESPACE, (const xmlChar *)"xs");
    if (!ns_ok(xs, "xs"))
        goto nomem;
    xmlNs *xsi = xmlNewNs(root, (const xmlChar *)IDS_XSI_NAMESPACE,
                          (const xmlChar *)"xsi");
    if (!ns_ok(xsi, "xsi"))
        goto nomem;
    xmlAttr *loc = xmlNewNsProp(root, xsi, (const xmlChar *)"schemaLocation",
                                (const xmlChar *)IDS_SCHEMA_LOCATION);
    if (loc == NULL || loc->name == NULL || loc->children == NULL ||
        loc->children->content == NULL)
        goto nomem;

    xmlNode *info_node = new_element(xml, ns, "info");
    if (info_node == NULL)
        goto nomem;
    xmlAddChild(root, info_node);
    for (int f = 0; f < IDS_INFO_FIELD_COUNT; f++) {
        if (info->fields[f] == NULL)
            continue;
        xmlNode *child = new_text_element(xml, ns, ids_info_field_name((ids_info_field)f),
                                          info->fields[f]);
        if (child == NULL)
            goto nomem;
        xmlAddChild(info_node, child);
    }
    xmlNode *specs = new_element(xml, ns, "specifications");
    if (specs == NULL)
        goto nomem;
    xmlAddChild(root, specs);

    doc = calloc(1, sizeof(*doc));
    if (doc == NULL)
        goto nomem;
    doc->xml = xml;
    xml = NULL;
    *out = doc;
    return IDS_OK;
nomem:
    st = ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory creating a document");
    xmlFreeDoc(xml);
    return st;
}

void ids_doc_free(ids_doc *doc)
{
    if (doc == NULL)
        return;
    xmlFreeDoc(doc->xml);
    ids_pattern_cache_free(doc->patterns);
    free(doc);
}

/* ---- info ---- */

static xmlNode *ids_root(const ids_doc *doc)
{
    if (doc == NULL || doc->xml == NULL)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc->xml);
    return ids_node_is(root, "ids") ? root : NULL;
}

static xmlNode *info_node(const ids_doc *doc)
{
    return ids_child(ids_root(doc), "info");
}

/* Position of an info child in the standard's order, -1 for anything
 * else (comments are not elements; junk elements are -1). */
static int info_index(const xmlNode *node)
{
    if (!ids_node_is(node, NULL))
        return -1;
    return ids_info_field_from_name((const char *)node->name);
}

static void remove_field_elements(xmlNode *info, ids_info_field field,
                                  const xmlNode *keep)
{
    xmlNode *c = ids_first_element(info);
    while (c != NULL) {
        xmlNode *next = ids_next_element(c);
        if (c != keep && info_index(c) == (int)field) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        c = next;
    }
}

static ids_status info_set_quiet(ids_doc *doc, ids_info_field field, const char *value,
                        ids_error *err)
{
    if ((unsigned)field >= IDS_INFO_FIELD_COUNT)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "unknown info field %d; the fields are title, copyright, "
                       "version, description, author, date, purpose, milestone",
                       (int)field);
    xmlNode *root = ids_root(doc);
    if (root == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "no IDS document to change");
    if (value == NULL) {
        if (field == IDS_INFO_TITLE)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "the title is required and cannot be cleared; set a "
                           "new title instead");
        xmlNode *info = ids_child(root, "info");
        if (info != NULL)
            remove_field_elements(info, field, NULL);
        return IDS_OK;
    }
    ids_status st = info_value_check(field, value, err);
    if (st != IDS_OK)
        return st;

    /* Everything that can fail is allocated before the tree changes, so
     * out of memory leaves the document as it was. */
    xmlNode *info = ids_child(root, "info");
    xmlNode *new_info = NULL;
    xmlNs *ns = info != NULL ? info->ns : root->ns;
    if (info == NULL) {
        new_info = new_element(doc->xml, ns, "info");
        if (new_info == NULL)
            goto nomem;
    }
    xmlNode *existing = NULL;
    for (xmlNode *c = ids_first_element(info); c != NULL; c = ids_next_element(c))
        if (info_index(c) == (int)field) {
            existing = c;
            break;
        }
    if (existing != NULL) {
        xmlNode *text = NULL;
        if (value[0] != '\0') {
            text = new_text(doc->xml, value);
            if (text == NULL)
                goto nomem;
        }
        xmlNode *old = existing->children;
        existing->children = NULL;
        existing->last = NULL;
        xmlFreeNodeList(old);
        if (text != NULL)
            xmlAddChild(existing, text);
        remove_field_elements(info, field, existing);
        return IDS_OK;
    }
    xmlNode *node = new_text_element(doc->xml, ns, ids_info_field_name(field), value);
    if (node == NULL)
        goto nomem;
    if (new_info != NULL) {
        /* <info> comes first in <ids>. */
        xmlNode *first = ids_first_element(root);
        if (first != NULL)
            xmlAddPrevSibling(first, new_info);
        else
            xmlAddChild(root, new_info);
        info = new_info;
        new_info = NULL;
    }
    xmlNode *prev = NULL;
    for (xmlNode *c = ids_first_element(info); c != NULL; c = ids_next_element(c)) {
        int i = info_index(c);
        if (i >= 0 && i < (int)field)
            prev = c;
    }
    if (prev != NULL) {
        xmlAddNextSibling(prev, node);
    } else {
        xmlNode *first = ids_first_element(info);
        if (first != NULL)
            xmlAddPrevSibling(first, node);
        else
            xmlAddChild(info, node);
    }
    return IDS_OK;
nomem:
    xmlFreeNode(new_info);
    return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory setting %s",
                   ids_info_field_name(field));
}

static char *info_get_dup_quiet(const ids_doc *doc, ids_info_field field)
{
    if ((unsigned)field >= IDS_INFO_FIELD_COUNT)
        return NULL;
    for (xmlNode *c = ids_first_element(info_node(doc)); c != NULL; c = ids_next_element(c))
        if (info_index(c) == (int)field)
            return ids_text_dup(c);
    return NULL;
}

/* ---- public entry points ----
 * libxml2 2.9 reports some failures (out of memory in string copies, for
 * one) through its thread-local handlers with no context, which print to
 * stderr by default; every entry point runs quiet. */

ids_status ids_doc_new(const ids_info *info, ids_doc **out, ids_error *err)
{
    ids_status result;
    IDS_QUIETLY(result = doc_new_quiet(info, out, err));
    return result;
}

ids_status ids_info_set(ids_doc *doc, ids_info_field field, const char *value,
                        ids_error *err)
{
    ids_status result;
    IDS_QUIETLY(result = info_set_quiet(doc, field, value, err));
    return result;
}

char *ids_info_get_dup(const ids_doc *doc, ids_info_field field)
{
    char *result;
    IDS_QUIETLY(result = info_get_dup_quiet(doc, field));
    return result;
}
