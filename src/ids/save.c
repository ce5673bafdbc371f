/*
 * save.c - reading a document back out: serialized text, atomic files,
 * canonical XML and a memory estimate.
 *
 * Determinism: the serializer writes the tree in order with libxml2's
 * formatter (2-space indent, UTF-8, XML declaration); it has no hash
 * ordering or clock in it, so the same tree always gives the same bytes.
 * Loading drops indentation (XML_PARSE_NOBLANKS), so serialize -> load ->
 * serialize is a fixed point.
 */
#include "ids/ids_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/c14n.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static ids_status check_doc(const ids_doc *doc, ids_error *err)
{
    if (doc == NULL || doc->xml == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no document given");
    return IDS_OK;
}

/* Copies libxml2-allocated bytes into malloc'd memory, since callers
 * free() what we return and libxml2's allocator may be swapped (tests do). */
static char *copy_out(const xmlChar *mem, size_t size)
{
    char *copy = malloc(size + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, mem, size);
    copy[size] = '\0';
    return copy;
}

ids_status ids_doc_to_string(const ids_doc *doc, char **out, size_t *len, ids_error *err)
{
    if (out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the result");
    *out = NULL;
    if (len != NULL)
        *len = 0;
    ids_status st = check_doc(doc, err);
    if (st != IDS_OK)
        return st;
    xmlChar *mem = NULL;
    int size = 0;
    ids_xml_quiet q;
    ids_xml_quiet_begin(&q);
    xmlDocDumpFormatMemoryEnc(doc->xml, &mem, &size, "UTF-8", 1);
    ids_xml_quiet_end(&q);
    if (mem == NULL || size < 0) {
        xmlFree(mem);
        if (q.first[0] != '\0' && q.code != XML_ERR_NO_MEMORY)
            return ids_err(err, IDS_ERR_INTERNAL, NULL, "serializing failed: %s", q.first);
        return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory serializing the document");
    }
    char *copy = copy_out(mem, (size_t)size);
    xmlFree(mem);
    if (copy == NULL)
        return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory serializing the document");
    *out = copy;
    if (len != NULL)
        *len = (size_t)size;
    return IDS_OK;
}

ids_status ids_doc_canonical(const ids_doc *doc, char **out, size_t *len, ids_error *err)
{
    if (out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the result");
    *out = NULL;
    if (len != NULL)
        *len = 0;
    ids_status st = check_doc(doc, err);
    if (st != IDS_OK)
        return st;
    xmlChar *mem = NULL;
    ids_xml_quiet q;
    ids_xml_quiet_begin(&q);
    /* C14N only reads the tree; the API is not const-qualified. */
    int size = xmlC14NDocDumpMemory(doc->xml, NULL, XML_C14N_1_0, NULL, 0, &mem);
    ids_xml_quiet_end(&q);
    if (size < 0 || mem == NULL) {
        xmlFree(mem);
        if (q.first[0] != '\0' && q.code != XML_ERR_NO_MEMORY)
            return ids_err(err, IDS_ERR_INTERNAL, NULL,
                           "canonicalization (C14N 1.0) failed: %s", q.first);
        return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory canonicalizing");
    }
    char *copy = copy_out(mem, (size_t)size);
    xmlFree(mem);
    if (copy == NULL)
        return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory canonicalizing");
    *out = copy;
    if (len != NULL)
        *len = (size_t)size;
    return IDS_OK;
}

/* ---- atomic write ---- */

static ids_status io_error(ids_error *err, const char *what, const char *path, int errnum)
{
    char reason[128];
    if (strerror_r(errnum, reason, sizeof(reason)) != 0)
        snprintf(reason, sizeof(reason), "error %d", errnum);
    return ids_err(err, IDS_ERR_IO, NULL, "cannot %s '%s': %s", what, BASE_QUOTE(path, 200),
                   reason);
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The temporary file lives in the target's own folder, so rename() is
 * atomic (same file system): readers see the old file or the new one,
 * never a part. fsync before rename makes the data durable before the name
 * points at it; fsync of the folder makes the rename itself durable. */
ids_status ids_doc_write_file(const ids_doc *doc, const char *path, ids_error *err)
{
    ids_status status = check_doc(doc, err);
    char *data = NULL, *dir = NULL, *tmp = NULL;
    int fd = -1;
    bool tmp_exists = false;
    if (status != IDS_OK)
        return status;
    if (path == NULL || path[0] == '\0')
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no file name given");
    size_t plen = strlen(path);
    if (path[plen - 1] == '/')
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "'%s' names a folder; give a file name", BASE_QUOTE(path, 200));

    size_t len = 0;
    status = ids_doc_to_string(doc, &data, &len, err);
    if (status != IDS_OK)
        goto out;

    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    size_t dlen = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
    dir = malloc(dlen + 1);
    tmp = malloc(dlen + strlen(base) + 16);
    if (dir == NULL || tmp == NULL) {
        status = ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory writing '%s'",
                         BASE_QUOTE(path, 200));
        goto out;
    }
    if (slash == NULL)
        memcpy(dir, ".", 2);
    else if (slash == path)
        memcpy(dir, "/", 2);
    else {
        memcpy(dir, path, dlen);
        dir[dlen] = '\0';
    }
    sprintf(tmp, "%s/.%s.XXXXXX", dir, base);

    fd = mkstemp(tmp);
    if (fd < 0) {
        status = io_error(err, "create a temporary file in", dir, errno);
        goto out;
    }
    tmp_exists = true;
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    /* mkstemp makes 0600; keep the mode of the file we replace, else use
     * the usual mode for a document. */
    struct stat sb;
    mode_t mode = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (sb.st_mode & 07777) : 0644;
    if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        status = io_error(err, "write", tmp, errno);
        goto out;
    }
    int rc = close(fd);
    fd = -1;
    if (rc != 0) {
        status = io_error(err, "write", tmp, errno);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        status = io_error(err, "replace", path, errno);
        goto out;
    }
    tmp_exists = false;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        /* Some file systems refuse fsync on folders (EINVAL); the file is
         * in place either way, so that is not an error for the caller. */
        if (fsync(dfd) != 0 && errno != EINVAL && errno != EROFS)
            status = io_error(err, "sync the folder of", path, errno);
        close(dfd);
    }
out:
    if (fd >= 0)
        close(fd);
    if (tmp_exists)
        unlink(tmp);
    free(tmp);
    free(dir);
    free(data);
    return status;
}

/* ---- serialized size ---- */

/* The size ids_doc_to_string's text will have, computed by walking the
 * tree the way libxml2's formatting serializer (xmlsave.c, 2.9) writes it,
 * without writing anything: 2-space indentation capped at 60 columns, a
 * newline after each node, no indentation inside an element that has text
 * among its children, "/>" for empty elements, and its escapes (element
 * text: & < > CR; attribute values also " LF TAB). This is the measure a
 * document's size limit uses (specs/tools.md), since export and load both
 * see exactly these bytes; test_ids_doc holds it equal to the real output. */

#define INDENT_MAX 60u /* bytes: libxml2's MAX_INDENT */

static size_t text_escaped_len(const xmlChar *s)
{
    size_t n = 0;
    for (; s != NULL && *s != '\0'; s++) {
        switch (*s) {
        case '<': case '>': n += 4; break;
        case '&': case '\r': n += 5; break;
        default: n++; break;
        }
    }
    return n;
}

static size_t attr_escaped_len(const xmlChar *s)
{
    size_t n = 0;
    for (; s != NULL && *s != '\0'; s++) {
        switch (*s) {
        case '<': case '>': case '\t': n += 4; break;
        case '&': case '\n': case '\r': n += 5; break;
        case '"': n += 6; break;
        default: n++; break;
        }
    }
    return n;
}

/* xmlBufWriteQuotedString: quotes chosen by content, &quot; only when
 * both kinds of quote occur. */
static size_t quoted_len(const xmlChar *s)
{
    const char *t = (const char *)s;
    size_t n = strlen(t) + 2;
    if (strchr(t, '"') != NULL && strchr(t, '\'') != NULL)
        for (; *t != '\0'; t++)
            if (*t == '"')
                n += 5;
    return n;
}

static size_t qname_len(const xmlNs *ns, const xmlChar *name)
{
    size_t n = strlen((const char *)name);
    if (ns != NULL && ns->prefix != NULL)
        n += strlen((const char *)ns->prefix) + 1;
    return n;
}

static size_t indent_len(unsigned level)
{
    size_t n = 2u * (size_t)level;
    return n > INDENT_MAX ? INDENT_MAX : n;
}

static size_t start_tag_len(const xmlNode *n)
{
    size_t len = 1 + qname_len(n->ns, n->name);
    for (const xmlNs *ns = n->nsDef; ns != NULL; ns = ns->next) {
        if (ns->type != XML_LOCAL_NAMESPACE || ns->href == NULL ||
            (ns->prefix != NULL && strcmp((const char *)ns->prefix, "xml") == 0))
            continue;
        len += 7 + (ns->prefix != NULL ? 1 + strlen((const char *)ns->prefix) : 0) +
               quoted_len(ns->href);
    }
    for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
        len += 1 + qname_len(a->ns, a->name) + 3;
        for (const xmlNode *t = a->children; t != NULL; t = t->next) {
            if (t->type == XML_TEXT_NODE)
                len += attr_escaped_len(t->content);
            else if (t->type == XML_ENTITY_REF_NODE)
                len += 2 + strlen((const char *)t->name);
        }
    }
    return len;
}

static size_t cdata_len(const xmlChar *content)
{
    if (content == NULL || content[0] == '\0')
        return 12;
    /* Split before each "]]>", as the serializer does. */
    size_t n = 0;
    const xmlChar *start = content, *end = content;
    while (*end != '\0') {
        if (end[0] == ']' && end[1] == ']' && end[2] == '>') {
            end += 2;
            n += 12 + (size_t)(end - start);
            start = end;
        }
        end++;
    }
    if (start != end)
        n += 12 + strlen((const char *)start);
    return n;
}

/* One top-level node and everything below it, as xmlNodeDumpOutputInternal
 * writes it (without the newline that follows a top-level node). */
static size_t node_tree_len(const xmlNode *root)
{
    size_t len = 0;
    unsigned level = 0;
    bool format = true;
    const xmlNode *unformatted = NULL;
    const xmlNode *cur = root;
    for (;;) {
        bool descended = false;
        switch (cur->type) {
        case XML_ELEMENT_NODE:
            if (cur != root && format)
                len += indent_len(level);
            len += start_tag_len(cur);
            if (cur->children == NULL) {
                len += 2;
                break;
            }
            if (format) {
                for (const xmlNode *c = cur->children; c != NULL; c = c->next) {
                    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE ||
                        c->type == XML_ENTITY_REF_NODE) {
                        format = false;
                        unformatted = cur;
                        break;
                    }
                }
            }
            len += format ? 2 : 1;
            level++;
            cur = cur->children;
            descended = true;
            break;
        case XML_TEXT_NODE:
            if (cur->content != NULL)
                len += cur->name == xmlStringTextNoenc ? strlen((const char *)cur->content)
                                                       : text_escaped_len(cur->content);
            break;
        case XML_COMMENT_NODE:
            if (cur != root && format)
                len += indent_len(level);
            if (cur->content != NULL)
                len += 7 + strlen((const char *)cur->content);
            break;
        case XML_PI_NODE:
            if (cur != root && format)
                len += indent_len(level);
            len += 4 + strlen((const char *)cur->name);
            if (cur->content != NULL)
                len += 1 + strlen((const char *)cur->content);
            break;
        case XML_CDATA_SECTION_NODE:
            len += cdata_len(cur->content);
            break;
        case XML_ENTITY_REF_NODE:
            len += 2 + strlen((const char *)cur->name);
            break;
        default:
            break;
        }
        if (descended)
            continue;
        for (;;) {
            if (cur == root)
                return len;
            if (format)
                len += 1;
            if (cur->next != NULL) {
                cur = cur->next;
                break;
            }
            cur = cur->parent;
            if (level > 0)
                level--;
            if (format)
                len += indent_len(level);
            len += 3 + qname_len(cur->ns, cur->name);
            if (cur == unformatted) {
                format = true;
                unformatted = NULL;
            }
        }
    }
}

size_t ids_doc_serialized_size(const ids_doc *doc)
{
    if (doc == NULL || doc->xml == NULL)
        return 0;
    const xmlDoc *x = doc->xml;
    /* <?xml version="1.0" encoding="UTF-8"?> and a newline */
    size_t len = 14 + (x->version != NULL ? quoted_len(x->version) : 5) + 10 + 7 + 3;
    if (x->standalone == 0)
        len += 16;
    else if (x->standalone == 1)
        len += 17;
    for (const xmlNode *c = x->children; c != NULL; c = c->next) {
        if (c->type == XML_DTD_NODE)
            continue; /* refused on load, never created */
        len += node_tree_len(c) + 1;
    }
    return len;
}

/* ---- memory estimate ---- */

/* Per-allocation overhead of malloc, roughly, in bytes. */
#define ALLOC_OVERHEAD 16u

static size_t str_cost(const xmlChar *s)
{
    return s != NULL ? strlen((const char *)s) + 1 + ALLOC_OVERHEAD : 0;
}

static size_t node_cost(const xmlNode *n)
{
    size_t cost = sizeof(xmlNode) + ALLOC_OVERHEAD + str_cost(n->content);
    if (n->type != XML_ELEMENT_NODE)
        return cost;
    cost += str_cost(n->name);
    for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
        cost += sizeof(xmlAttr) + ALLOC_OVERHEAD + str_cost(a->name);
        for (const xmlNode *t = a->children; t != NULL; t = t->next)
            cost += sizeof(xmlNode) + ALLOC_OVERHEAD + str_cost(t->content);
    }
    for (const xmlNs *ns = n->nsDef; ns != NULL; ns = ns->next)
        cost += sizeof(xmlNs) + ALLOC_OVERHEAD + str_cost(ns->href) + str_cost(ns->prefix);
    return cost;
}

/* One pass over the nodes, no allocation, no recursion: linear in the
 * node count (a typical IDS has a few hundred to a few thousand nodes).
 * Names held in a parser dictionary are counted per use, which
 * overestimates a little; that is the safe side for accounting. */
size_t ids_doc_memory_estimate(const ids_doc *doc)
{
    if (doc == NULL || doc->xml == NULL)
        return 0;
    size_t total = sizeof(*doc) + sizeof(xmlDoc) + 2 * ALLOC_OVERHEAD;
    const xmlNode *top = (const xmlNode *)doc->xml;
    const xmlNode *n = top->children;
    while (n != NULL) {
        total += node_cost(n);
        if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != NULL && n->next == NULL) {
            n = n->parent;
            if (n == top)
                n = NULL;
        }
        if (n != NULL)
            n = n->next;
    }
    return total;
}
