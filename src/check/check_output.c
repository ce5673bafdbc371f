/*
 * check_output.c - the three report formats of `idsd check`.
 *
 * Each file's part is rendered on the worker thread that checked it and
 * written later, in input order, by the calling thread; this file only
 * turns one result (or the summary) into bytes.
 *
 * Everything that reaches the output may come from a hostile file: paths
 * are arbitrary bytes and parser messages quote the input. JSON and XML
 * need valid UTF-8, so text for them goes through base_utf8_dup first
 * (bad bytes become U+FFFD); XML also cannot carry most control
 * characters at all, so those become U+FFFD as well. Text output replaces
 * control characters with '?', so a file name cannot drive the terminal.
 */
#include "check/check_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* ---- text ---- */

/* Parse and not-IDS messages name their line already; others (the depth
 * cap) get it appended. */
static bool needs_position(const ids_error *e)
{
    return e->line > 0 && !strstr(e->message, "line");
}

/* A result without a report always has an error; this only keeps a broken
 * invariant from becoming a crash. */
static const ids_error *error_of(const check_result *r)
{
    static const ids_error unknown = {IDS_ERR_INTERNAL, 0, 0, "", "no report and no error"};

    return r->error ? r->error : &unknown;
}

static void text_safe(base_buf *b, const char *s)
{
    const char *run = s;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x20 && c != 0x7F)
            continue;
        base_buf_append(b, run, (size_t)(s - run));
        base_buf_append(b, "?", 1);
        run = s + 1;
    }
    base_buf_append(b, run, (size_t)(s - run));
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static const char *severity_name(ids_severity s)
{
    return s == IDS_SEVERITY_ERROR ? "error" : "warning";
}

static void text_finding(base_buf *b, const ids_finding *f, bool quiet)
{
    if (quiet && f->severity != IDS_SEVERITY_ERROR)
        return;
    base_buf_append_str(b, "  ");
    if (f->line > 0)
        base_buf_printf(b, "line %d: ", f->line);
    base_buf_printf(b, "%s %s: ", severity_name(f->severity), f->rule ? f->rule : "?");
    text_safe(b, f->message ? f->message : "");
    if (f->path && f->path[0]) {
        base_buf_append_str(b, " (at ");
        text_safe(b, f->path);
        base_buf_append_str(b, ")");
    }
    base_buf_append_str(b, "\n");
}

/* With --load-into, the end of a file's line: where it went. */
static void text_load(const check_result *r, base_buf *b)
{
    if (r->session_id) {
        base_buf_append_str(b, " -> session ");
        text_safe(b, r->session_id);
    } else if (r->load_error) {
        base_buf_append_str(b, " -> not loaded: ");
        text_safe(b, r->load_error);
    }
}

static void text_file(const check_config *cfg, const check_result *r, base_buf *b)
{
    if (cfg->quiet && r->outcome == CHECK_VALID && !r->load_error)
        return;
    text_safe(b, r->path);
    if (!r->report) {
        base_buf_printf(b, ": %s: ", r->outcome == CHECK_FAILED ? "error" : "invalid");
        const ids_error *e = error_of(r);

        text_safe(b, e->message[0] ? e->message : ids_status_name(e->code));
        if (needs_position(e))
            base_buf_printf(b, " (line %d, column %d)", e->line, e->column);
        if (!cfg->no_timings)
            base_buf_printf(b, " (%.2f ms)", r->millis);
        text_load(r, b);
        base_buf_append_str(b, "\n");
        return;
    }
    /* The verdict of the check; a file failed only by --load-into says so
     * at the end of the line. */
    base_buf_printf(b, ": %s (", ids_report_valid(r->report) ? "valid" : "invalid");
    if (r->n_errors || r->n_warnings)
        base_buf_printf(b, "%zu error%s, %zu warning%s; ", r->n_errors, plural(r->n_errors),
                         r->n_warnings, plural(r->n_warnings));
    base_buf_printf(b, "%zu specification%s", r->n_specs, plural(r->n_specs));
    if (r->report->xsd_checked)
        base_buf_printf(b, ", XSD %s", r->report->xsd_valid ? "valid" : "invalid");
    if (!cfg->no_timings)
        base_buf_printf(b, ", %.2f ms", r->millis);
    base_buf_append_str(b, ")");
    text_load(r, b);
    base_buf_append_str(b, "\n");
    for (size_t i = 0; i < r->report->n_findings; i++)
        text_finding(b, &r->report->findings[i], cfg->quiet);
    for (size_t i = 0; i < r->report->n_xsd_findings; i++)
        text_finding(b, &r->report->xsd_findings[i], cfg->quiet);
}

/* ---- JSON ---- */

/* Written straight into the buffer with the base writer (its escaping and
 * its real numbers), in the member order a reader of the report sees. */

/* A JSON string from arbitrary bytes (bad UTF-8 becomes U+FFFD). */
static void json_text(base_buf *b, const char *s)
{
    char *clean = base_utf8_dup(s ? s : "", s ? strlen(s) : 0);

    if (!clean) {
        base_buf_fail(b, BASE_NOMEM);
        return;
    }
    base_json_put_string(b, clean, strlen(clean));
    free(clean);
}

static void json_name(base_buf *b, const char *ascii)
{
    base_json_put_string(b, ascii, strlen(ascii));
}

static void json_line(base_buf *b, int line)
{
    if (line > 0)
        base_buf_printf(b, "%d", line);
    else
        BASE_BUF_LITERAL(b, "null");
}

static const char *json_bool_or_null(bool known, bool value)
{
    return !known ? "null" : value ? "true" : "false";
}

static void json_finding(base_buf *b, const ids_finding *f, const char *source)
{
    BASE_BUF_LITERAL(b, "{\"rule\":");
    json_text(b, f->rule);
    BASE_BUF_LITERAL(b, ",\"severity\":");
    json_name(b, severity_name(f->severity));
    BASE_BUF_LITERAL(b, ",\"message\":");
    json_text(b, f->message);
    BASE_BUF_LITERAL(b, ",\"path\":");
    json_text(b, f->path);
    BASE_BUF_LITERAL(b, ",\"line\":");
    json_line(b, f->line);
    BASE_BUF_LITERAL(b, ",\"source\":");
    json_name(b, source);
    base_buf_append_char(b, '}');
}

static const char *outcome_name(check_outcome o)
{
    switch (o) {
    case CHECK_VALID: return "valid";
    case CHECK_INVALID: return "invalid";
    case CHECK_FAILED: break;
    }
    return "failed";
}

static void json_file(const check_config *cfg, const check_result *r, base_buf *b)
{
    const ids_report *rep = r->report;
    bool first = true;

    BASE_BUF_LITERAL(b, "{\"path\":");
    json_text(b, r->path);
    BASE_BUF_LITERAL(b, ",\"status\":");
    json_name(b, outcome_name(r->outcome));
    base_buf_printf(b, ",\"valid\":%s,\"structure_valid\":%s,\"audit_valid\":%s,"
                    "\"xsd_checked\":%s,\"xsd_valid\":%s,\"specifications\":%zu",
                    r->outcome == CHECK_VALID ? "true" : "false",
                    json_bool_or_null(rep, rep && rep->structure_valid),
                    json_bool_or_null(rep, rep && rep->audit_valid),
                    rep && rep->xsd_checked ? "true" : "false",
                    json_bool_or_null(rep && rep->xsd_checked, rep && rep->xsd_valid),
                    r->n_specs);
    if (!cfg->no_timings) {
        BASE_BUF_LITERAL(b, ",\"millis\":");
        base_json_put_real(b, r->millis, 6);
    }
    base_buf_printf(b, ",\"error_count\":%zu,\"warning_count\":%zu,\"errors\":[",
                    r->n_errors, r->n_warnings);
    for (size_t i = 0; rep && i < rep->n_findings; i++, first = false) {
        if (!first)
            base_buf_append_char(b, ',');
        json_finding(b, &rep->findings[i], "rules");
    }
    for (size_t i = 0; rep && i < rep->n_xsd_findings; i++, first = false) {
        if (!first)
            base_buf_append_char(b, ',');
        json_finding(b, &rep->xsd_findings[i], "xsd");
    }
    BASE_BUF_LITERAL(b, "],\"error\":");
    if (r->error) {
        BASE_BUF_LITERAL(b, "{\"code\":");
        json_name(b, ids_status_name(r->error->code));
        BASE_BUF_LITERAL(b, ",\"message\":");
        json_text(b, r->error->message);
        BASE_BUF_LITERAL(b, ",\"line\":");
        json_line(b, r->error->line);
        BASE_BUF_LITERAL(b, ",\"column\":");
        json_line(b, r->error->column);
        base_buf_append_char(b, '}');
    } else {
        BASE_BUF_LITERAL(b, "null");
    }
    if (cfg->load_into) {
        BASE_BUF_LITERAL(b, ",\"session_id\":");
        if (r->session_id)
            json_text(b, r->session_id);
        else
            BASE_BUF_LITERAL(b, "null");
        BASE_BUF_LITERAL(b, ",\"load_error\":");
        if (r->load_error)
            json_text(b, r->load_error);
        else
            BASE_BUF_LITERAL(b, "null");
    }
    base_buf_append_char(b, '}');
}

/* ---- JUnit XML ---- */

static void xml_escaped(base_buf *b, const char *s, bool attribute)
{
    char *clean = base_utf8_dup(s ? s : "", s ? strlen(s) : 0);
    const unsigned char *p;

    if (!clean) {
        base_buf_fail(b, BASE_NOMEM);
        return;
    }
    for (p = (const unsigned char *)clean; *p; p++) {
        switch (*p) {
        case '&': base_buf_append_str(b, "&amp;"); continue;
        case '<': base_buf_append_str(b, "&lt;"); continue;
        case '>': base_buf_append_str(b, "&gt;"); continue;
        case '"': base_buf_append_str(b, attribute ? "&quot;" : "\""); continue;
        case '\t': base_buf_append_str(b, attribute ? "&#9;" : "\t"); continue;
        case '\n': base_buf_append_str(b, attribute ? "&#10;" : "\n"); continue;
        case '\r': base_buf_append_str(b, "&#13;"); continue;
        default: break;
        }
        /* XML 1.0 has no place for other C0 controls, nor for the
         * noncharacters U+FFFE and U+FFFF. */
        if (*p < 0x20) {
            base_buf_append(b, replacement, 3);
            continue;
        }
        if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
            base_buf_append(b, replacement, 3);
            p += 2;
            continue;
        }
        base_buf_append(b, (const char *)p, 1);
    }
    free(clean);
}

static void junit_finding(base_buf *b, const ids_finding *f)
{
    base_buf_printf(b, "%s %s", severity_name(f->severity), f->rule ? f->rule : "?");
    if (f->line > 0)
        base_buf_printf(b, " line %d", f->line);
    base_buf_append_str(b, ": ");
    xml_escaped(b, f->message, false);
    if (f->path && f->path[0]) {
        base_buf_append_str(b, " (at ");
        xml_escaped(b, f->path, false);
        base_buf_append_str(b, ")");
    }
    base_buf_append_str(b, "\n");
}

static void junit_file(const check_config *cfg, const check_result *r, base_buf *b)
{
    const ids_report *rep = r->report;

    base_buf_append_str(b, "    <testcase classname=\"idsd.check\" name=\"");
    xml_escaped(b, r->path, true);
    base_buf_append_str(b, "\"");
    if (!cfg->no_timings)
        base_buf_printf(b, " time=\"%.6f\"", r->millis / 1000.0);
    if (r->outcome == CHECK_VALID && !r->load_attempted) {
        base_buf_append_str(b, "/>\n");
        return;
    }
    base_buf_append_str(b, ">\n");
    if (r->outcome == CHECK_VALID) {
        /* only the session below */
    } else if (r->outcome == CHECK_FAILED && rep) {
        /* Checked fine here, refused by the server. */
        base_buf_append_str(b, "      <error type=\"load\" message=\"");
        xml_escaped(b, r->load_error ? r->load_error : "not loaded", true);
        base_buf_append_str(b, "\"/>\n");
    } else if (!rep) {
        const char *tag = r->outcome == CHECK_FAILED ? "error" : "failure";
        const ids_error *e = error_of(r);

        base_buf_printf(b, "      <%s type=\"%s\" message=\"", tag, ids_status_name(e->code));
        xml_escaped(b, e->message, true);
        base_buf_append_str(b, "\">");
        xml_escaped(b, e->message, false);
        if (needs_position(e))
            base_buf_printf(b, " (line %d, column %d)", e->line, e->column);
        base_buf_printf(b, "</%s>\n", tag);
    } else {
        base_buf_printf(b, "      <failure type=\"invalid\" message=\"%zu error%s, "
                         "%zu warning%s\">", r->n_errors, plural(r->n_errors),
                         r->n_warnings, plural(r->n_warnings));
        for (size_t i = 0; i < rep->n_findings; i++)
            junit_finding(b, &rep->findings[i]);
        for (size_t i = 0; i < rep->n_xsd_findings; i++)
            junit_finding(b, &rep->xsd_findings[i]);
        base_buf_append_str(b, "</failure>\n");
    }
    if (r->session_id) {
        base_buf_append_str(b, "      <system-out>session ");
        xml_escaped(b, r->session_id, false);
        base_buf_append_str(b, "</system-out>\n");
    } else if (r->load_error && !(r->outcome == CHECK_FAILED && rep)) {
        base_buf_append_str(b, "      <system-err>not loaded: ");
        xml_escaped(b, r->load_error, false);
        base_buf_append_str(b, "</system-err>\n");
    }
    base_buf_append_str(b, "    </testcase>\n");
}

/* ---- entry points ---- */

void check_render_file(const check_config *cfg, const check_result *r, base_buf *out)
{
    switch (cfg->format) {
    case CHECK_FORMAT_JSON: json_file(cfg, r, out); break;
    case CHECK_FORMAT_JUNIT: junit_file(cfg, r, out); break;
    case CHECK_FORMAT_TEXT: text_file(cfg, r, out); break;
    }
}

static void junit_counts(const check_config *cfg, const check_summary *s, base_buf *b)
{
    base_buf_printf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"", s->files,
                     s->invalid, s->failed);
    if (!cfg->no_timings)
        base_buf_printf(b, " time=\"%.6f\"", s->millis / 1000.0);
}

void check_render_begin(const check_config *cfg, const check_summary *s, base_buf *out)
{
    switch (cfg->format) {
    case CHECK_FORMAT_JSON:
        base_buf_append_str(out, "{\"files\":[");
        break;
    case CHECK_FORMAT_JUNIT:
        base_buf_append_str(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            "<testsuites name=\"idsd check\"");
        junit_counts(cfg, s, out);
        base_buf_append_str(out, ">\n  <testsuite name=\"idsd check\"");
        junit_counts(cfg, s, out);
        base_buf_append_str(out, " skipped=\"0\">\n");
        break;
    case CHECK_FORMAT_TEXT:
        break;
    }
}

void check_render_end(const check_config *cfg, const check_summary *s, base_buf *out)
{
    switch (cfg->format) {
    case CHECK_FORMAT_JSON:
        base_buf_printf(out, "%s],\n\"summary\":{\"files\":%zu,\"valid\":%zu,"
                         "\"invalid\":%zu,\"failed\":%zu,\"errors\":%zu,\"warnings\":%zu",
                         s->files ? "\n" : "", s->files, s->valid, s->invalid, s->failed,
                         s->errors, s->warnings);
        if (cfg->load_into)
            base_buf_printf(out, ",\"loaded\":%zu", s->loaded);
        if (!cfg->no_timings)
            base_buf_printf(out, ",\"millis\":%.3f", s->millis);
        base_buf_append_str(out, "}}\n");
        break;
    case CHECK_FORMAT_JUNIT:
        base_buf_append_str(out, "  </testsuite>\n</testsuites>\n");
        break;
    case CHECK_FORMAT_TEXT:
        base_buf_printf(out, "%zu file%s: %zu valid, %zu invalid, %zu failed; "
                         "%zu error%s, %zu warning%s", s->files, plural(s->files), s->valid,
                         s->invalid, s->failed, s->errors, plural(s->errors), s->warnings,
                         plural(s->warnings));
        if (cfg->load_into)
            base_buf_printf(out, "; %zu loaded", s->loaded);
        if (!cfg->no_timings) {
            base_buf_printf(out, "; %.1f ms", s->millis);
            if (s->millis > 0 && s->files > 0)
                base_buf_printf(out, " (%.0f files/s)", s->files * 1000.0 / s->millis);
        }
        base_buf_append_str(out, "\n");
        break;
    }
}

int check_format_from_name(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "text") == 0)
        return CHECK_FORMAT_TEXT;
    if (strcmp(name, "json") == 0)
        return CHECK_FORMAT_JSON;
    if (strcmp(name, "junit") == 0)
        return CHECK_FORMAT_JUNIT;
    return -1;
}
