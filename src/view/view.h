/*
 * view.h - an IDS document and an IFC check result rendered for people:
 * Markdown for a chat, HTML for a browser and for an MCP App.
 *
 * One grammar turns facets into words ("Pset_WallCommon.FireRating must
 * be one of REI30, REI60"); the Markdown and HTML renderings and the
 * plain words a caller stores elsewhere all come from it, so they never
 * disagree. specs/view.md describes the sentences, the page and the
 * escaping rules.
 *
 * Safety: every string that comes from a document, a report or a check
 * result is text, never markup: escaped for Markdown or HTML, controls,
 * bidi overrides and line separators shown as visible marks, invalid
 * UTF-8 replaced. A URI becomes a link only when its scheme is http or
 * https. The page carries a strict Content-Security-Policy (no inline
 * handlers, no eval, no external assets) that its own script and style
 * are hashed into.
 *
 * Threads: every function is a pure function of its arguments (no global
 * state). The caller keeps a document from changing while it is rendered
 * (the session store's lock does).
 *
 * Ownership: *out strings are malloc'd, NUL-terminated and the caller's
 * to free(). Everything the caller passes in is only read.
 */
#ifndef VIEW_H
#define VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"
#include "ids/ids.h"
#include "verify/verify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum view_status {
    VIEW_OK = 0,
    VIEW_ERR_NOMEM,        /* out of memory */
    VIEW_ERR_INVALID_ARG,  /* a NULL where something is needed, a bad live URL */
    VIEW_ERR_TOO_BIG,      /* the rendering would pass max_bytes */
    VIEW_ERR_DOCUMENT      /* the document could not be read (ids error) */
} view_status;

/* "ok", "nomem", "invalid_argument", "too_big", "document". */
const char *view_status_name(view_status status);

/* Cap on one rendering when view_input.max_bytes is 0. */
#define VIEW_DEFAULT_MAX_BYTES (64u * 1024u * 1024u) /* bytes */

/* ---- words ------------------------------------------------------------- */

/* Usage of a specification, from applicability minOccurs/maxOccurs. */
typedef enum view_usage {
    VIEW_USAGE_REQUIRED = 0,   /* 1 / unbounded */
    VIEW_USAGE_OPTIONAL,       /* 0 / unbounded */
    VIEW_USAGE_PROHIBITED,     /* 0 / 0 */
    VIEW_USAGE_OTHER           /* anything else (IDS 1.0 defines no meaning) */
} view_usage;

/* min_occurs / max_occurs as the document writes them; NULL when absent
 * (the XSD default is 1). */
view_usage view_usage_of(const char *min_occurs, const char *max_occurs);
/* "required", "optional", "prohibited", "other". */
const char *view_usage_name(view_usage usage);

/* One facet in words, plain UTF-8 text without markup (the caller escapes
 * it for where it goes). In requirements the sentence carries the facet's
 * cardinality ("must", "must not", "may" / "where present, must") and
 * its uri ("(see ...)"); in applicability it is the clause that follows
 * the subject ("with Pset_WallCommon.IsExternal = true"); an entity in
 * applicability gives the subject ("IfcWall elements"). ifc_version is
 * the specification's ifcVersion (NULL for any): class and data type
 * names are spelled as that schema spells them (IFCWALL -> IfcWall). */
view_status view_facet_words(const ids_facet *facet, ids_location loc,
                             const char *ifc_version, char **out);

/* The applicability of one specification as a sentence: "All IfcWall
 * elements (IFC4, IFC4X3_ADD2) with Pset_WallCommon.IsExternal = true". */
view_status view_applicability_words(const ids_spec_view *spec, char **out);

/* ---- an IFC check result, for people ------------------------------------ */

/*
 * What a checker hands over to be rendered. Plain data that borrows its
 * strings (the caller keeps them alive while rendering); no type of any
 * checker appears here. Every string is text (escaped when rendered) and
 * may be NULL where it says so.
 */
typedef enum view_check_status {
    VIEW_CHECK_PASS = 0,
    VIEW_CHECK_FAIL,
    VIEW_CHECK_NOT_APPLICABLE  /* no element was applicable (and that is allowed) */
} view_check_status;

/* "pass", "fail", "not applicable". */
const char *view_check_status_name(view_check_status status);

typedef struct view_check_element {
    const char *global_id;   /* NULL when the element has none */
    const char *ifc_class;   /* "IfcWall" */
    const char *name;        /* the element's Name; NULL when unset */
    const char *reason;      /* why it fails, in words; NULL when none */
    unsigned long step_id;   /* #id in the STEP file; 0 when unknown */
} view_check_element;

typedef struct view_check_requirement {
    const char *text;        /* the requirement in words (view_facet_words) */
    size_t n_failed;         /* applicable elements failing it, in total;
                                0: it passed (the reports for people list
                                only failed ones; JUnit makes a passing
                                testcase of it) */
    const view_check_element *elements; /* the first failing ones */
    size_t n_elements;       /* how many are listed; fewer than n_failed
                                reads "first n of N" */
} view_check_requirement;

typedef struct view_check_spec {
    const char *name;
    const char *identifier;  /* NULL when none */
    const char *applicability; /* the sentence (view_applicability_words); NULL */
    view_usage usage;
    view_check_status status;
    size_t n_applicable;     /* elements the applicability selected */
    size_t n_passed;         /* of those, meeting every requirement */
    size_t n_failed;         /* of those, failing at least one */
    const char *message;     /* a reason for the whole specification
                                ("required, but no element is applicable");
                                NULL when none */
    /* The failed requirements, or every requirement in document order
     * (those with n_failed 0 passed). */
    const view_check_requirement *requirements;
    size_t n_requirements;
} view_check_spec;

typedef struct view_check_result {
    const char *ids_title;   /* NULL when unknown */
    const char *model;       /* the model's name or file name; NULL */
    const char *ifc_version; /* the model's schema ("IFC4"); NULL */
    const view_check_spec *specs;
    size_t n_specs;
    bool truncated;          /* the check stopped early (a limit); the
                                counts are lower bounds */
    const char *note;        /* one sentence shown under the heading (that
                                the document changed since the check); NULL */
} view_check_result;

/* A verify result as a view_check_result: every requirement in words
 * (view_facet_words), each with its first failing elements. It borrows
 * the strings of res and plan (keep both alive while it is used); title
 * and model name may be NULL and are borrowed too. NULL when out of
 * memory. */
typedef struct view_verify_check view_verify_check;
view_verify_check *view_verify_check_new(const verify_plan *plan, const verify_result *res,
                                         const char *ids_title, const char *model_name);
const view_check_result *view_verify_check_result(const view_verify_check *check);
void view_verify_check_free(view_verify_check *check);

/* ---- documents and pages ------------------------------------------------ */

/* What one rendering shows; each part may be NULL (nothing of it is
 * shown; with all NULL the page says it waits for a document). */
typedef struct view_input {
    const ids_doc *doc;               /* the IDS document */
    const ids_report *report;         /* its validation findings; NULL: not validated */
    const view_check_result *check;   /* an IFC check result */
    size_t max_bytes;                 /* cap on the output; 0 = VIEW_DEFAULT_MAX_BYTES */
    /* Which specifications of doc are shown (a page of them, for a model
     * whose context a whole large document would fill): spec_count from
     * spec_first (0-based); spec_count 0 = all from spec_first. The title,
     * counts and document findings are always shown. A spec_first past
     * the last specification is VIEW_ERR_INVALID_ARG. */
    size_t spec_first;
    size_t spec_count;
} view_input;

/* The whole rendering as Markdown (CommonMark with GFM tables). */
view_status view_markdown(const view_input *in, char **out, size_t *len);

/* The body of the page: the HTML that goes inside <main id="view">, and
 * what a live page is sent to replace it. It holds no CR or LF byte, so
 * it travels as one Server-Sent Events `data:` line or one JSON string
 * as it is. */
view_status view_html_body(const view_input *in, char **out, size_t *len);

typedef struct view_page_options {
    /* A same-origin path ("/view/abc/events", no scheme, no host) of a
     * Server-Sent Events stream; each event named `view` carries a new
     * body (view_html_body) in its data. NULL: no live updates. */
    const char *live_url;
    /* Program text (never a document's) run after the page's own script;
     * it may call window.idsdView.show(bodyHtml). Hashed into the CSP.
     * NULL: none. */
    const char *extra_script;
} view_page_options;

/* One self-contained HTML page: inline style and script, the CSP in a
 * <meta> element, the body already rendered (it reads with scripts off).
 * opts may be NULL. With only a check result it is the standalone report. */
view_status view_html_page(const view_input *in, const view_page_options *opts,
                           char **out, size_t *len);

/* The page's Content-Security-Policy, as a server sends it in the
 * header: the <meta> one plus frame-ancestors (which <meta> cannot
 * carry). The same opts as for the page. */
view_status view_csp_header(const view_page_options *opts, char **out);

/* ---- reports of a check result (report.c, bcf.c) ----------------------- */

/*
 * A check result as a file for a person or a tool: Markdown, the
 * standalone HTML page, JUnit XML for CI systems, and BCF 2.1 (a zip a BIM
 * tool imports: one topic per failed requirement, the failing elements'
 * GlobalIds as the components of its viewpoint). specs/ifc-check.md,
 * section "Reports", describes each.
 */
typedef enum view_report_format {
    VIEW_REPORT_MARKDOWN = 0,
    VIEW_REPORT_HTML,
    VIEW_REPORT_JUNIT,
    VIEW_REPORT_BCF
} view_report_format;

/* "markdown", "html", "junit", "bcf". */
const char *view_report_format_name(view_report_format format);
/* The format of that name (also "md"); false for anything else. */
bool view_report_format_from_name(const char *name, view_report_format *out);
/* True for formats whose output is binary (bcf: a zip). */
bool view_report_format_binary(view_report_format format);

typedef struct view_report_options {
    size_t max_bytes;        /* cap on the report; 0 = VIEW_DEFAULT_MAX_BYTES */
    /* When the check ran, seconds since 1970 (UTC): JUnit's timestamp,
     * BCF's CreationDate and the zip's entry times. 0 leaves JUnit's out
     * and dates BCF 1980-01-01 (the zip format's first day). Nothing else
     * reads the clock, so equal inputs give equal bytes. */
    long long created;
    const char *author;      /* BCF CreationAuthor; NULL = "idsd" */
} view_report_options;

/* Appends the report of check in that format to out (bytes; binary for
 * bcf). opts may be NULL (all defaults). On failure nothing is appended:
 * VIEW_ERR_INVALID_ARG (a NULL, an unknown format), VIEW_ERR_TOO_BIG
 * (over max_bytes, or over out's own cap), VIEW_ERR_NOMEM. The report is
 * made aside first, so out is touched only by the final append (which
 * fails out, as any append does, when out's cap or memory refuse it). */
view_status view_report(base_buf *out, view_report_format format,
                        const view_check_result *check,
                        const view_report_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* VIEW_H */
