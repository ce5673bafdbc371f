/*
 * load.c - parsing IDS documents from memory or a file, safely.
 *
 * Threat model: the input comes from a client we do not trust. So
 * - size is capped before a byte is parsed (files: fstat, then a bounded
 *   read that also catches a file growing under us);
 * - depth is capped while parsing: our SAX startElementNs wrapper counts
 *   levels and stops the parser at the first element too deep, so a
 *   million-deep document costs max_depth nodes, not a million;
 * - attributes per element are capped before parsing (scan.c), since
 *   libxml2's duplicate check is quadratic in them and runs before any
 *   callback of ours;
 * - there are no DTDs at all: the SAX internalSubset callback fires on any
 *   <!DOCTYPE, before its internal subset is read, and stops the parser.
 *   That one rule disposes of XXE, billion laughs and external DTDs, since
 *   entities can only be declared in a DTD. XML_PARSE_NOENT and
 *   XML_PARSE_DTDLOAD are never set, XML_PARSE_NONET is, XInclude is never
 *   run, and the process-wide entity loader refuses everything anyway;
 * - every parse has its own parser context; errors go to a structured
 *   handler on that context (never to stderr, never through libxml2's
 *   global last-error), plus a thread-local handler for the few messages
 *   libxml2 raises without a context (encoding conversion).
 *
 * Blanks: documents are parsed with XML_PARSE_NOBLANKS, so indentation
 * whitespace is dropped and the serializer can re-indent; libxml2 keeps a
 * text node that is not all blanks, or that is the only content of an
 * element (<simpleValue>  </simpleValue>), so values survive intact.
 * Blanks beside elements are dropped whatever libxml2 decided (see
 * drop_blanks_beside_elements), which makes the round trip exact.
 * CDATA sections become plain text (same infoset, simpler tree).
 */
#include "ids/ids_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA | \
                       XML_PARSE_BIG_LINES)

struct parse_state {
    xmlParserCtxtPtr ctxt;
    unsigned depth;
    unsigned max_depth;
    /* Our own reason to stop the parser (DTD, depth), IDS_OK if none. */
    ids_status stop;
    char stop_message[IDS_ERROR_TEXT_LEN];
    int stop_line, stop_column;
    /* Where the root's start tag begins, for IDS_ERR_NOT_IDS. */
    int root_line, root_column;
    /* First error libxml2 reported, through the context or not. */
    ids_xml_quiet quiet;
    startElementNsSAX2Func start;
    endElementNsSAX2Func end;
};

static struct parse_state *state_of(void *ctx)
{
    xmlParserCtxtPtr ctxt = ctx;
    return ctxt != NULL ? ctxt->_private : NULL;
}

static void stop_parser(struct parse_state *st, ids_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void stop_parser(struct parse_state *st, ids_status code, const char *fmt, ...)
{
    if (st->stop == IDS_OK) {
        st->stop = code;
        va_list ap;
        va_start(ap, fmt);
        base_utf8_vformat(st->stop_message, sizeof(st->stop_message), fmt, ap);
        va_end(ap);
        st->stop_line = xmlSAX2GetLineNumber(st->ctxt);
        st->stop_column = xmlSAX2GetColumnNumber(st->ctxt);
    }
    xmlStopParser(st->ctxt);
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    struct parse_state *st = state_of(ctx);
    if (st != NULL)
        ids_xml_quiet_record(&st->quiet, e);
}

/* The root's start tag ends where libxml2 is now; walk back to its '<' so
 * the position we report is where the tag begins. Falls back to the
 * parser's position when the tag start is no longer in the buffer. */
static void note_root_position(struct parse_state *st)
{
    xmlParserInputPtr in = st->ctxt->input;
    st->root_line = xmlSAX2GetLineNumber(st->ctxt);
    st->root_column = xmlSAX2GetColumnNumber(st->ctxt);
    if (in == NULL || in->base == NULL || in->cur == NULL || in->cur < in->base)
        return;
    const xmlChar *p = in->cur;
    int newlines = 0;
    while (p > in->base && *p != '<') {
        if (*p == '\n')
            newlines++;
        p--;
    }
    if (*p != '<')
        return;
    const xmlChar *q = p;
    int column = 1;
    while (q > in->base && q[-1] != '\n') {
        q--;
        if ((*q & 0xC0) != 0x80) /* count characters, not UTF-8 bytes */
            column++;
    }
    if (q == in->base && in->consumed > 0)
        return; /* the line's start was shrunk away; column unknown */
    st->root_line -= newlines;
    st->root_column = column;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    struct parse_state *st = state_of(ctx);
    st->depth++;
    if (st->depth == 1)
        note_root_position(st);
    if (st->depth > st->max_depth) {
        stop_parser(st, IDS_ERR_LIMIT,
                    "elements nest deeper than the limit of %u levels (at <%s>); "
                    "IDS documents need about 10",
                    st->max_depth, (const char *)localname);
        return;
    }
    st->start(ctx, localname, prefix, uri, nb_namespaces, namespaces,
              nb_attributes, nb_defaulted, attributes);
}

static bool is_blank_text(const xmlNode *n)
{
    if (n->type != XML_TEXT_NODE || n->content == NULL)
        return false;
    for (const xmlChar *c = n->content; *c != '\0'; c++)
        if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r')
            return false;
    return true;
}

/*
 * libxml2's NOBLANKS keeps or drops a blank text node by what precedes
 * it, so in mixed content (text beside elements, never valid IDS but
 * loadable) a blank kept on one load can be dropped on the next, and
 * serialize -> load -> serialize would not be a fixed point. Among element
 * children, indentation carries no meaning: drop every blank there, so the
 * tree no longer depends on the heuristic.
 */
static void drop_blanks_beside_elements(xmlNode *parent)
{
    bool has_element = false;
    for (xmlNode *c = parent->children; c != NULL && !has_element; c = c->next)
        has_element = c->type == XML_ELEMENT_NODE;
    if (!has_element)
        return;
    xmlNode *next;
    for (xmlNode *c = parent->children; c != NULL; c = next) {
        next = c->next;
        if (is_blank_text(c)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    struct parse_state *st = state_of(ctx);
    if (st->depth > 0)
        st->depth--;
    xmlParserCtxtPtr ctxt = st->ctxt;
    if (ctxt->node != NULL && ctxt->node->type == XML_ELEMENT_NODE)
        drop_blanks_beside_elements(ctxt->node);
    st->end(ctx, localname, prefix, uri);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
    struct parse_state *st = state_of(ctx);
    stop_parser(st, IDS_ERR_PARSE,
                "DTDs are not allowed: the document declares <!DOCTYPE %s%s>; IDS "
                "documents have no DOCTYPE, and DTDs, entity declarations and "
                "external references are refused",
                name != NULL ? (const char *)name : "",
                system_id != NULL || external_id != NULL ? " ..." : "");
}

static void describe_root(const xmlNode *root, char *buf, size_t size)
{
    if (root->ns != NULL && root->ns->href != NULL)
        base_utf8_format(buf, size, "<%s> in namespace '%s'",
                        BASE_QUOTE((const char *)root->name, 80),
                        BASE_QUOTE((const char *)root->ns->href, 120));
    else
        base_utf8_format(buf, size, "<%s> in no namespace",
                        BASE_QUOTE((const char *)root->name, 80));
}

static ids_status parse_memory(const char *data, size_t len, const ids_limits *limits,
                               ids_doc **out, ids_error *err)
{
    ids_status status = IDS_OK;
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr xml = NULL;
    ids_doc *doc = NULL;
    struct parse_state st;
    memset(&st, 0, sizeof(st));
    bool quiet = false;

    size_t max_bytes = limits != NULL && limits->max_bytes > 0 ? limits->max_bytes
                                                                : IDS_DEFAULT_MAX_BYTES;
    if (max_bytes > INT_MAX)
        max_bytes = INT_MAX; /* libxml2 takes an int length */
    st.max_depth = limits != NULL && limits->max_depth > 0 ? limits->max_depth
                                                            : IDS_DEFAULT_MAX_DEPTH;
    if (len > max_bytes) {
        status = ids_err(err, IDS_ERR_LIMIT, NULL,
                         "input is %zu bytes; the limit is %zu bytes", len, max_bytes);
        goto out;
    }
    if (len == 0) {
        status = ids_err_at(err, IDS_ERR_PARSE, 1, 1,
                            "the input is empty; an IDS document is XML whose root "
                            "is <ids>");
        goto out;
    }
    status = ids_scan_input(data, len,
                            limits != NULL && limits->max_attributes > 0
                                ? limits->max_attributes
                                : IDS_DEFAULT_MAX_ATTRIBUTES,
                            err);
    if (status != IDS_OK)
        goto out;

    /* Quiet from here: libxml2 reports a failure to build the context
     * itself through its global handlers. */
    ids_xml_quiet_begin(&st.quiet);
    quiet = true;
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL || ctxt->sax == NULL) {
        status = ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory creating a parser");
        goto out;
    }
    /* ctxt->sax belongs to this context alone, so these hooks affect only
     * this parse; userData stays ctxt, which the SAX2 builders expect. */
    st.ctxt = ctxt;
    ctxt->_private = &st;
    st.start = ctxt->sax->startElementNs;
    st.end = ctxt->sax->endElementNs;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->serror = on_error;
    if (st.start == NULL || st.end == NULL) {
        status = ids_err(err, IDS_ERR_INTERNAL, NULL, "libxml2 parser has no SAX2 handlers");
        goto out;
    }

    xml = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, PARSE_OPTIONS);
    ids_xml_quiet_end(&st.quiet);
    quiet = false;

    if (st.stop != IDS_OK) {
        status = ids_err_at(err, st.stop, st.stop_line, st.stop_column, "%s",
                            st.stop_message);
        goto out;
    }
    /* libxml2 2.9 stops on out of memory without clearing wellFormed, and
     * hands back the tree built so far: errNo is the only reliable sign. */
    bool nomem = st.quiet.code == XML_ERR_NO_MEMORY || ctxt->errNo == XML_ERR_NO_MEMORY;
    if (xml == NULL || nomem || !ctxt->wellFormed || !ctxt->nsWellFormed) {
        if (nomem) {
            status = ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory parsing");
        } else if (st.quiet.first[0] != '\0' && strstr(st.quiet.first, "Excessive depth")) {
            status = ids_err_at(err, IDS_ERR_LIMIT, st.quiet.line, st.quiet.column,
                                "elements nest deeper than libxml2's limit: %s",
                                st.quiet.first);
        } else if (st.quiet.first[0] != '\0') {
            status = ids_err_at(err, IDS_ERR_PARSE, st.quiet.line, st.quiet.column,
                                "not well-formed XML at line %d, column %d: %s",
                                st.quiet.line, st.quiet.column, st.quiet.first);
        } else {
            int line = xmlSAX2GetLineNumber(ctxt), column = xmlSAX2GetColumnNumber(ctxt);
            status = ids_err_at(err, IDS_ERR_PARSE, line, column,
                                "not well-formed XML at line %d, column %d", line, column);
        }
        goto out;
    }
    xmlNode *root = xmlDocGetRootElement(xml);
    if (root == NULL) {
        status = ids_err_at(err, IDS_ERR_PARSE, 1, 1, "the document has no root element");
        goto out;
    }
    if (!ids_node_is(root, "ids")) {
        char what[IDS_ERROR_TEXT_LEN / 2];
        describe_root(root, what, sizeof(what));
        status = ids_err_at(err, IDS_ERR_NOT_IDS, st.root_line, st.root_column,
                            "not an IDS document: the root element at line %d, column "
                            "%d is %s; an IDS document's root is <ids> in namespace "
                            "'" IDS_NAMESPACE "'",
                            st.root_line, st.root_column, what);
        if (err != NULL && err->code == IDS_ERR_NOT_IDS)
            ids_node_path(root, err->path, sizeof(err->path));
        goto out;
    }
    doc = calloc(1, sizeof(*doc));
    if (doc == NULL) {
        status = ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory loading a document");
        goto out;
    }
    doc->xml = xml;
    xml = NULL;
    *out = doc;
out:
    if (quiet)
        ids_xml_quiet_end(&st.quiet);
    xmlFreeDoc(xml);
    if (ctxt != NULL) {
        ctxt->_private = NULL;
        xmlFreeParserCtxt(ctxt);
    }
    return status;
}

ids_status ids_doc_load_string(const char *data, size_t len, const ids_limits *limits,
                               ids_doc **out, ids_error *err)
{
    if (out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the result");
    *out = NULL;
    if (data == NULL && len > 0)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no input given");
    ids_library_init();
    return parse_memory(data != NULL ? data : "", len, limits, out, err);
}

static ids_status io_error(ids_error *err, const char *what, const char *path, int errnum)
{
    char reason[128];
    if (strerror_r(errnum, reason, sizeof(reason)) != 0)
        snprintf(reason, sizeof(reason), "error %d", errnum);
    return ids_err(err, IDS_ERR_IO, NULL, "cannot %s '%s': %s", what, BASE_QUOTE(path, 200),
                   reason);
}

ids_status ids_doc_load_file(const char *path, const ids_limits *limits, ids_doc **out,
                             ids_error *err)
{
    ids_status status = IDS_OK;
    base_buf buf = {0};
    int fd = -1;
    if (out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the result");
    *out = NULL;
    if (path == NULL || path[0] == '\0')
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no file name given");
    ids_library_init();

    size_t max_bytes = limits != NULL && limits->max_bytes > 0 ? limits->max_bytes
                                                                : IDS_DEFAULT_MAX_BYTES;
    if (max_bytes > INT_MAX)
        max_bytes = INT_MAX;
    /* O_NONBLOCK: opening a FIFO must not hang the caller; fstat below
     * refuses it. It has no effect on regular files. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        status = io_error(err, "open", path, errno);
        goto out;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        status = io_error(err, "examine", path, errno);
        goto out;
    }
    if (S_ISDIR(sb.st_mode)) {
        status = ids_err(err, IDS_ERR_IO, NULL,
                         "'%s' is a directory; give the path of an .ids file",
                         BASE_QUOTE(path, 200));
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        status = ids_err(err, IDS_ERR_IO, NULL,
                         "'%s' is not a regular file; give the path of an .ids file",
                         BASE_QUOTE(path, 200));
        goto out;
    }
    if (sb.st_size < 0 || (unsigned long long)sb.st_size > max_bytes) {
        status = ids_err(err, IDS_ERR_LIMIT, NULL,
                         "'%s' is %lld bytes; the limit is %zu bytes",
                         BASE_QUOTE(path, 200),
                         (long long)sb.st_size, max_bytes);
        goto out;
    }
    /* Room for the size fstat gave, read to the end under the cap: a file
     * that grew since is still caught by it. */
    buf.max = max_bytes;
    base_status got = base_buf_reserve(&buf, (size_t)sb.st_size) ? base_buf_read_fd(&buf, fd)
                                                                  : buf.error;
    if (got == BASE_IO) {
        status = io_error(err, "read", path, errno);
        goto out;
    }
    if (got == BASE_TOO_BIG) {
        status = ids_err(err, IDS_ERR_LIMIT, NULL,
                         "'%s' is over the limit of %zu bytes", BASE_QUOTE(path, 200),
                         max_bytes);
        goto out;
    }
    if (got != BASE_OK) {
        status = ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory reading '%s'",
                         BASE_QUOTE(path, 200));
        goto out;
    }
    close(fd);
    fd = -1;
    status = parse_memory(buf.data, buf.len, limits, out, err);
out:
    if (fd >= 0)
        close(fd);
    base_buf_free(&buf);
    return status;
}
