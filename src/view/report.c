/*
 * report.c - a check result as a file: Markdown, the standalone HTML page
 * and JUnit XML (BCF, a zip, is bcf.c).
 *
 * Markdown and HTML are the renderings people already read in chat and in
 * the browser view (markdown.c, html.c), so the report and the view never
 * disagree. JUnit is for CI systems, which show one test suite per
 * specification and one test case per requirement: the case fails with
 * the failing elements in its body, a specification whose applicability
 * count is wrong (required but nothing applies, prohibited but something
 * does) fails its "applicability" case, and the requirements of a
 * specification nothing applied to are skipped (never tested).
 *
 * XML text and attribute values go through view_put_text's HTML mode,
 * whose output is also well-formed XML 1.0: & < > " ' as references,
 * line breaks as &#10;, invalid UTF-8 as U+FFFD and every character XML
 * forbids (C0 controls, U+FFFE, U+FFFF) shown as a visible mark.
 */
#include "view/view_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *view_report_format_name(view_report_format format)
{
    switch (format) {
    case VIEW_REPORT_MARKDOWN: return "markdown";
    case VIEW_REPORT_HTML: return "html";
    case VIEW_REPORT_JUNIT: return "junit";
    case VIEW_REPORT_BCF: return "bcf";
    default: return "unknown";
    }
}

bool view_report_format_from_name(const char *name, view_report_format *out)
{
    static const struct {
        const char *name;
        view_report_format format;
    } names[] = {
        {"markdown", VIEW_REPORT_MARKDOWN}, {"md", VIEW_REPORT_MARKDOWN},
        {"html", VIEW_REPORT_HTML},         {"junit", VIEW_REPORT_JUNIT},
        {"bcf", VIEW_REPORT_BCF},
    };
    if (name == NULL || out == NULL)
        return false;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].format;
            return true;
        }
    }
    return false;
}

bool view_report_format_binary(view_report_format format)
{
    return format == VIEW_REPORT_BCF;
}

/* ---- JUnit ---------------------------------------------------------------- */

static void xml(base_buf *b, const char *s)
{
    view_put_cstr(b, VIEW_MODE_HTML, s);
}

static void xml_attr(base_buf *b, const char *name, const char *value)
{
    base_buf_printf(b, " %s=\"", name);
    xml(b, value);
    base_buf_append_char(b, '"');
}

static void property(base_buf *b, const char *name, const char *value)
{
    if (value == NULL)
        return;
    BASE_BUF_LITERAL(b, "<property");
    xml_attr(b, "name", name);
    xml_attr(b, "value", value);
    BASE_BUF_LITERAL(b, "/>\n");
}

static void property_count(base_buf *b, const char *name, size_t n)
{
    base_buf_printf(b, "<property name=\"%s\" value=\"%zu\"/>\n", name, n);
}

static bool requirement_failed(const view_check_requirement *q)
{
    return q->n_failed > 0;
}

/* The specification failed for its applicability count, not for a
 * requirement (none of those it lists failed). */
static bool cardinality_failed(const view_check_spec *s)
{
    if (s->status != VIEW_CHECK_FAIL)
        return false;
    for (size_t r = 0; r < s->n_requirements; r++)
        if (requirement_failed(&s->requirements[r]))
            return false;
    return true;
}

/* No element was applicable (whether that is allowed or not): the
 * requirements were not tested. */
static bool nothing_tested(const view_check_spec *s)
{
    return s->status == VIEW_CHECK_NOT_APPLICABLE || s->n_applicable == 0;
}

/* Why the applicability count fails, when the checker gave no message. */
void view_report_cardinality_words(base_buf *b, const view_check_spec *s)
{
    if (s->message != NULL)
        base_buf_append_str(b, s->message);
    else if (s->usage == VIEW_USAGE_REQUIRED && s->n_applicable == 0)
        BASE_BUF_LITERAL(b, "required, but no element is applicable");
    else if (s->usage == VIEW_USAGE_PROHIBITED)
        base_buf_printf(b, "prohibited, but %zu element%s applicable", s->n_applicable,
                        s->n_applicable == 1 ? " is" : "s are");
    else
        base_buf_printf(b, "%zu of %zu applicable elements fail", s->n_failed, s->n_applicable);
}

/* "2ZtYHJz9X1Ev2V0TxNxQHE IfcWall #12 'Wall 01': reason" */
void view_report_element_line(base_buf *b, const view_check_element *e)
{
    base_buf_append_str(b, e->global_id != NULL ? e->global_id : "(no GlobalId)");
    base_buf_append_char(b, ' ');
    base_buf_append_str(b, e->ifc_class != NULL ? e->ifc_class : "(class unknown)");
    if (e->step_id != 0)
        base_buf_printf(b, " #%lu", e->step_id);
    if (e->name != NULL) {
        BASE_BUF_LITERAL(b, " '");
        base_buf_append_str(b, e->name);
        base_buf_append_char(b, '\'');
    }
    if (e->reason != NULL) {
        BASE_BUF_LITERAL(b, ": ");
        base_buf_append_str(b, e->reason);
    }
}

/* Plain text first (tmp), escaped once into b, so the words and the
 * escaping stay apart. */
static void xml_from(base_buf *b, base_buf *tmp)
{
    if (tmp->error != BASE_OK) {
        base_buf_fail(b, tmp->error);
        return;
    }
    view_put_text(b, VIEW_MODE_HTML, VIEW_MD_INLINE, tmp->data, tmp->len);
    base_buf_reset(tmp);
}

static void failure_elements(base_buf *b, base_buf *tmp, const view_check_requirement *q)
{
    for (size_t e = 0; e < q->n_elements; e++) {
        view_report_element_line(tmp, &q->elements[e]);
        base_buf_append_char(tmp, '\n');
    }
    if (q->n_elements < q->n_failed)
        base_buf_printf(tmp, "... and %zu more\n", q->n_failed - q->n_elements);
    xml_from(b, tmp);
}

static void junit_testcase_open(base_buf *b, const char *spec_name, const char *name)
{
    BASE_BUF_LITERAL(b, "<testcase");
    xml_attr(b, "name", name);
    xml_attr(b, "classname", spec_name);
    base_buf_append_char(b, '>');
}

static void junit_suite(base_buf *b, base_buf *tmp, const view_check_result *c, size_t index,
                        const char *timestamp)
{
    const view_check_spec *s = &c->specs[index];
    const char *name = s->name != NULL ? s->name : "(no name)";
    bool skip = nothing_tested(s);
    size_t failures = cardinality_failed(s) ? 1 : 0;
    for (size_t r = 0; r < s->n_requirements; r++)
        failures += requirement_failed(&s->requirements[r]) && !skip;

    BASE_BUF_LITERAL(b, "<testsuite");
    xml_attr(b, "name", name);
    base_buf_printf(b, " id=\"%zu\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"",
                    index, 1 + s->n_requirements, failures, skip ? s->n_requirements : 0);
    if (timestamp != NULL)
        base_buf_printf(b, " timestamp=\"%s\"", timestamp);
    BASE_BUF_LITERAL(b, ">\n<properties>\n");
    property(b, "identifier", s->identifier);
    property(b, "usage", view_usage_name(s->usage));
    property(b, "status", view_check_status_name(s->status));
    property_count(b, "applicable", s->n_applicable);
    property_count(b, "passed", s->n_passed);
    property_count(b, "failed", s->n_failed);
    property(b, "applicability", s->applicability);
    property(b, "model", c->model);
    property(b, "ifc_schema", c->ifc_version);
    property(b, "ids", c->ids_title);
    if (c->truncated)
        property(b, "truncated", "true");
    BASE_BUF_LITERAL(b, "</properties>\n");

    /* The applicability count as a case of its own. */
    BASE_BUF_LITERAL(tmp, "applicability: ");
    base_buf_append_str(tmp, s->applicability != NULL ? s->applicability : "(not given)");
    base_buf_printf(tmp, " (%s)", view_usage_name(s->usage));
    BASE_BUF_LITERAL(b, "<testcase name=\"");
    xml_from(b, tmp);
    BASE_BUF_LITERAL(b, "\"");
    xml_attr(b, "classname", name);
    if (cardinality_failed(s)) {
        BASE_BUF_LITERAL(b, "><failure type=\"applicability\" message=\"");
        view_report_cardinality_words(tmp, s);
        xml_from(b, tmp);
        BASE_BUF_LITERAL(b, "\"/></testcase>\n");
    } else {
        BASE_BUF_LITERAL(b, "/>\n");
    }

    for (size_t r = 0; r < s->n_requirements; r++) {
        const view_check_requirement *q = &s->requirements[r];
        if (q->text != NULL) {
            junit_testcase_open(b, name, q->text);
        } else {
            char fallback[40];
            snprintf(fallback, sizeof fallback, "requirement %zu", r + 1);
            junit_testcase_open(b, name, fallback);
        }
        if (skip) {
            BASE_BUF_LITERAL(b, "<skipped message=\"no element is applicable\"/>");
        } else if (requirement_failed(q)) {
            base_buf_printf(b, "<failure type=\"requirement\" message=\"%zu of %zu applicable "
                               "element%s fail%s\">",
                            q->n_failed, s->n_applicable, s->n_applicable == 1 ? "" : "s",
                            q->n_failed == 1 ? "s" : "");
            failure_elements(b, tmp, q);
            BASE_BUF_LITERAL(b, "</failure>");
        }
        BASE_BUF_LITERAL(b, "</testcase>\n");
    }
    BASE_BUF_LITERAL(b, "</testsuite>\n");
}

/* "2026-12-02T21:37:26" (JUnit's timestamp has no zone; it is UTC), or
 * false when created is 0 or out of range. */
bool view_report_utc(long long created, char out[32])
{
    if (created <= 0 || created > 253402300799LL) /* 9999-12-31T23:59:59Z */
        return false;
    time_t t = (time_t)created;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL)
        return false;
    return strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm) > 0;
}

static void junit(base_buf *b, const view_check_result *c, const view_report_options *opts)
{
    char stamp[32];
    const char *timestamp = view_report_utc(opts->created, stamp) ? stamp : NULL;
    size_t tests = 0, failures = 0, skipped = 0;
    for (size_t i = 0; i < c->n_specs; i++) {
        const view_check_spec *s = &c->specs[i];
        bool skip = nothing_tested(s);
        tests += 1 + s->n_requirements;
        failures += cardinality_failed(s);
        for (size_t r = 0; r < s->n_requirements; r++)
            failures += requirement_failed(&s->requirements[r]) && !skip;
        skipped += skip ? s->n_requirements : 0;
    }
    base_buf tmp = {.max = b->max};
    BASE_BUF_LITERAL(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
    BASE_BUF_LITERAL(&tmp, "IFC check");
    if (c->model != NULL) {
        BASE_BUF_LITERAL(&tmp, " of ");
        base_buf_append_str(&tmp, c->model);
    }
    xml_from(b, &tmp);
    base_buf_printf(b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"", tests,
                    failures, skipped);
    if (timestamp != NULL)
        base_buf_printf(b, " timestamp=\"%s\"", timestamp);
    BASE_BUF_LITERAL(b, ">\n");
    for (size_t i = 0; i < c->n_specs && b->error == BASE_OK; i++)
        junit_suite(b, &tmp, c, i, timestamp);
    BASE_BUF_LITERAL(b, "</testsuites>\n");
    base_buf_free(&tmp);
}

/* ---- the entry ------------------------------------------------------------ */

static view_status status_of(base_status s)
{
    switch (s) {
    case BASE_OK: return VIEW_OK;
    case BASE_TOO_BIG: return VIEW_ERR_TOO_BIG;
    case BASE_NOMEM: return VIEW_ERR_NOMEM;
    default: return VIEW_ERR_INVALID_ARG;
    }
}

view_status view_report(base_buf *out, view_report_format format,
                        const view_check_result *check, const view_report_options *opts)
{
    static const view_report_options defaults = {0};
    if (out == NULL || check == NULL || (check->n_specs > 0 && check->specs == NULL))
        return VIEW_ERR_INVALID_ARG;
    if (out->error != BASE_OK)
        return status_of(out->error);
    if (opts == NULL)
        opts = &defaults;
    size_t max = opts->max_bytes != 0 ? opts->max_bytes : VIEW_DEFAULT_MAX_BYTES;
    base_buf b = {.max = max};
    view_status st = VIEW_OK;

    switch (format) {
    case VIEW_REPORT_MARKDOWN:
        view_md_check(&b, check, true);
        break;
    case VIEW_REPORT_HTML: {
        view_input in = {.check = check, .max_bytes = max};
        char *page = NULL;
        size_t len = 0;
        st = view_html_page(&in, NULL, &page, &len);
        if (st == VIEW_OK)
            base_buf_append(&b, page, len);
        free(page);
        break;
    }
    case VIEW_REPORT_JUNIT:
        junit(&b, check, opts);
        break;
    case VIEW_REPORT_BCF:
        st = view_bcf(&b, check, opts);
        break;
    default:
        st = VIEW_ERR_INVALID_ARG;
        break;
    }
    if (st == VIEW_OK)
        st = status_of(b.error);
    if (st == VIEW_OK && !base_buf_append(out, b.data != NULL ? b.data : "", b.len))
        st = status_of(out->error);
    base_buf_free(&b);
    return st;
}
