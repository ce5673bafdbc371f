/*
 * view_internal.h - what the files of src/view share. Not for other
 * modules.
 */
#ifndef VIEW_INTERNAL_H
#define VIEW_INTERNAL_H

#include "view/view.h"

#include "base/base.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- output ------------------------------------------------------------- */

/* Renderers append to a base_buf (src/base), which keeps its first
 * failure, and look once at the end: the content as a malloc'd string
 * (the buffer emptied), or NULL with *why saying what failed (nomem,
 * too_big past max). */
char *view_buf_take(base_buf *b, size_t *len, view_status *why);

/* ---- escaping (escape.c) ------------------------------------------------- */

/* Where text goes. */
typedef enum view_mode {
    VIEW_MODE_TEXT = 0,  /* plain words: strings as they are */
    VIEW_MODE_MD,        /* Markdown: every markup character escaped */
    VIEW_MODE_HTML       /* HTML text and attribute values */
} view_mode;

/* How Markdown text treats a line break in a string. */
typedef enum view_md_lines {
    VIEW_MD_INLINE = 0,  /* a line break becomes a space (headings, cells) */
    VIEW_MD_BREAKS,      /* a hard break, continued inside a list item */
    VIEW_MD_LINK_TEXT    /* inline, inside [link text] (where GFM makes no
                            autolinks, so "://" needs no breaking) */
} view_md_lines;

/* Appends n bytes of s as text in that mode. In MD and HTML: invalid
 * UTF-8 becomes U+FFFD; C0/C1 controls other than tab and line feed, DEL,
 * bidi controls, U+2028/U+2029 and U+FEFF become a visible mark
 * "⟨U+202E⟩"; CR LF and a lone CR are a line break. HTML escapes & < > "
 * ' and writes a line break as &#10; (the output holds no raw CR or LF).
 * Markdown escapes what could start markup, a link or an autolink. */
void view_put_text(base_buf *b, view_mode mode, view_md_lines lines,
                   const char *s, size_t n);
void view_put_cstr(base_buf *b, view_mode mode, const char *s);

/* A pattern as a Markdown code span "`/p/`": its content is literal, so
 * no backslashes; the fence is one backtick longer than any run inside.
 * Line breaks become spaces, hidden characters marks; in a table cell a
 * | is escaped (GFM splits cells before it parses code spans). */
void view_put_md_pattern(base_buf *b, const char *pattern, bool in_table);

/* True when s is an absolute http or https URI with a host, printable
 * ASCII only: the only ones that become links. */
bool view_uri_linkable(const char *s);
/* Appends a URI: a link when linkable (HTML <a>, Markdown [..](..)),
 * else text. */
void view_put_uri(base_buf *b, view_mode mode, const char *uri);

/* ---- words (words.c) ------------------------------------------------------ */

/* A facet's sentence (see view_facet_words) into b, escaped for mode.
 * In HTML, names and values are wrapped in <code> / <q> elements. */
void view_words_facet(base_buf *b, view_mode mode, const ids_facet *facet,
                      ids_location loc, const char *ifc_version, bool in_table);
/* The applicability sentence of spec into b. */
void view_words_applicability(base_buf *b, view_mode mode, const ids_spec_view *spec);
/* "IFC4, IFC4X3_ADD2" from a space-separated ifcVersion. */
void view_words_versions(base_buf *b, view_mode mode, const char *ifc_version);
/* The usage explained ("at least one applicable element must exist ..."). */
const char *view_usage_words(view_usage usage);
/* A facet's cardinality in requirements: "required", "optional",
 * "prohibited" (entity: always required; partOf: required by default). */
const char *view_facet_cardinality(const ids_facet *facet, ids_location loc);

/* ---- the document read once (model.c) ----------------------------------- */

/* A finding with where it belongs. */
typedef struct view_finding_ref {
    const ids_finding *finding;
    bool from_xsd;          /* from libxml2's XSD validation */
} view_finding_ref;

/* Findings grouped by what they concern. */
typedef struct view_finding_list {
    view_finding_ref *items;
    size_t n;
    size_t cap;
} view_finding_list;

typedef struct view_spec {
    ids_spec_view *view;
    view_finding_list spec_findings;        /* the specification itself */
    view_finding_list loc_findings[2];      /* applicability / requirements */
    view_finding_list *facet_findings[2];   /* [loc][facet index] */
} view_spec;

typedef struct view_model {
    ids_summary *summary;
    view_spec *specs;
    size_t n_specs;
    view_finding_list doc_findings;         /* info, root, anything unplaced */
    size_t n_errors;
    size_t n_warnings;
    bool validated;
    size_t first, end;                      /* the specifications shown: [first, end) */
} view_model;

/* Reads the document and places each finding of in->report (may be
 * NULL) on the specification, location or facet its path names; sets the
 * range shown from in->spec_first / spec_count. */
view_status view_model_build(const view_input *in, view_model *out);
void view_model_free(view_model *model);

/* Where a finding's element path points: spec is -1 for the document,
 * loc -1 for the specification itself, facet -1 for the location. The
 * facet is the position among facets of its location, given the kinds of
 * those facets in document order. Exposed for tests. */
typedef struct view_place {
    long spec;
    int loc;
    long facet;
} view_place;
view_place view_place_of(const char *path, const ids_spec_view *const *specs, size_t n_specs);

/* ---- renderers (markdown.c, html.c) --------------------------------------- */

void view_md_document(base_buf *b, const view_model *m);
/* top: the check is the whole rendering (its own # heading). */
void view_md_check(base_buf *b, const view_check_result *check, bool top);
void view_html_document(base_buf *b, const view_model *m);
void view_html_check(base_buf *b, const view_check_result *check, bool top);

/* ---- reports (report.c, bcf.c) ---------------------------------------------- */

/* The BCF 2.1 zip of a check result into b. */
view_status view_bcf(base_buf *b, const view_check_result *check,
                     const view_report_options *opts);
/* Plain text (no escaping): why a specification fails on its
 * applicability count ("required, but no element is applicable"). */
void view_report_cardinality_words(base_buf *b, const view_check_spec *s);
/* Plain text: "GlobalId IfcWall #12 'Name': reason". */
void view_report_element_line(base_buf *b, const view_check_element *e);
/* created as "YYYY-MM-DDThh:mm:ss" (UTC, no zone); false when it is 0
 * or past 9999. */
bool view_report_utc(long long created, char out[32]);

/* ---- the page's assets (page.c) ------------------------------------------ */

extern const char view_page_style[];
extern const char view_page_script[];

/* ---- SHA-256 (sha256.c), for the CSP hashes ------------------------------- */

void view_sha256(const void *data, size_t len, uint8_t digest[32]);
/* "sha256-<base64>" of data, as CSP writes a hash source. */
void view_csp_hash(const char *data, char out[60]);

#endif /* VIEW_INTERNAL_H */
