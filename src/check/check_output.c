/*
 * check_output.c - the three report formats of `idsd check`.
 *
 * Each file's part is rendered on the worker thread that checked it and
 * written later, in input order, by the calling thread; this file only
 * turns one result (or the summary) into bytes.
 *
 * Everything that reaches the output may come from a hostile file: paths
 * are arbitrary bytes and parser messages quote the input. JSON and XML
 * need valid UTF-8, so text for them goes through check_utf8_clean first
 * (bad bytes become U+FFFD); XML also cannot carry most control
 * characters at all, so those become U+FFFD as well. Text output replaces
 * control characters with '?', so a file name cannot drive the terminal.
 */
#include "check/check_internal.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffer ---- */

static bool buf_reserve(check_buf *b, size_t extra)
{
    size_t need, cap;
    char *grown;

    if (b->nomem)
        return false;
    if (extra > SIZE_MAX - b->len - 1)
        goto nomem;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    grown = realloc(b->data, cap);
    if (!grown)
        goto nomem;
    b->data = grown;
    b->cap = cap;
    return true;
nomem:
    b->nomem = true;
    return false;
}

void check_buf_add(check_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void check_buf_puts(check_buf *b, const char *s)
{
    check_buf_add(b, s, strlen(s));
}

void check_buf_printf(check_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->nomem = true;
        return;
    }
    if (!buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void check_buf_free(check_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* ---- UTF-8 ---- */

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0;
    if (len > n)
        return 0;
    /* The second byte's range rules out overlong forms, surrogates and
     * code points above U+10FFFF. */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

char *check_utf8_clean(const char *s, size_t n)
{
    check_buf b = {0};
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    check_buf_add(&b, "", 0);
    while (i < n) {
        size_t len = p[i] ? utf8_seq(p + i, n - i) : 0;

        if (len == 0) {
            check_buf_add(&b, replacement, 3);
            i++;
        } else {
            check_buf_add(&b, s + i, len);
            i += len;
        }
    }
    if (b.nomem) {
        check_buf_free(&b);
        return NULL;
    }
    return b.data;
}

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

static void text_safe(check_buf *b, const char *s)
{
    const char *run = s;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x20 && c != 0x7F)
            continue;
        check_buf_add(b, run, (size_t)(s - run));
        check_buf_add(b, "?", 1);
        run = s + 1;
    }
    check_buf_add(b, run, (size_t)(s - run));
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static const char *severity_name(ids_severity s)
{
    return s == IDS_SEVERITY_ERROR ? "error" : "warning";
}

static void text_finding(check_buf *b, const ids_finding *f, bool quiet)
{
    if (quiet && f->severity != IDS_SEVERITY_ERROR)
        return;
    check_buf_puts(b, "  ");
    if (f->line > 0)
        check_buf_printf(b, "line %d: ", f->line);
    check_buf_printf(b, "%s %s: ", severity_name(f->severity), f->rule ? f->rule : "?");
    text_safe(b, f->message ? f->message : "");
    if (f->path && f->path[0]) {
        check_buf_puts(b, " (at ");
        text_safe(b, f->path);
        check_buf_puts(b, ")");
    }
    check_buf_puts(b, "\n");
}

/* With --load-into, the end of a file's line: where it went. */
static void text_load(const check_result *r, check_buf *b)
{
    if (r->session_id) {
        check_buf_puts(b, " -> session ");
        text_safe(b, r->session_id);
    } else if (r->load_error) {
        check_buf_puts(b, " -> not loaded: ");
        text_safe(b, r->load_error);
    }
}

static void text_file(const check_config *cfg, const check_result *r, check_buf *b)
{
    if (cfg->quiet && r->outcome == CHECK_VALID && !r->load_error)
        return;
    text_safe(b, r->path);
    if (!r->report) {
        check_buf_printf(b, ": %s: ", r->outcome == CHECK_FAILED ? "error" : "invalid");
        const ids_error *e = error_of(r);

        text_safe(b, e->message[0] ? e->message : ids_status_name(e->code));
        if (needs_position(e))
            check_buf_printf(b, " (line %d, column %d)", e->line, e->column);
        if (!cfg->no_timings)
            check_buf_printf(b, " (%.2f ms)", r->millis);
        text_load(r, b);
        check_buf_puts(b, "\n");
        return;
    }
    /* The verdict of the check; a file failed only by --load-into says so
     * at the end of the line. */
    check_buf_printf(b, ": %s (", ids_report_valid(r->report) ? "valid" : "invalid");
    if (r->n_errors || r->n_warnings)
        check_buf_printf(b, "%zu error%s, %zu warning%s; ", r->n_errors, plural(r->n_errors),
                         r->n_warnings, plural(r->n_warnings));
    check_buf_printf(b, "%zu specification%s", r->n_specs, plural(r->n_specs));
    if (r->report->xsd_checked)
        check_buf_printf(b, ", XSD %s", r->report->xsd_valid ? "valid" : "invalid");
    if (!cfg->no_timings)
        check_buf_printf(b, ", %.2f ms", r->millis);
    check_buf_puts(b, ")");
    text_load(r, b);
    check_buf_puts(b, "\n");
    for (size_t i = 0; i < r->report->n_findings; i++)
        text_finding(b, &r->report->findings[i], cfg->quiet);
    for (size_t i = 0; i < r->report->n_xsd_findings; i++)
        text_finding(b, &r->report->xsd_findings[i], cfg->quiet);
}

/* ---- JSON ---- */

/* A JSON string from arbitrary bytes; NULL when out of memory. */
static json_t *jstr(const char *s)
{
    char *clean = check_utf8_clean(s ? s : "", s ? strlen(s) : 0);
    json_t *j;

    if (!clean)
        return NULL;
    j = json_string(clean);
    free(clean);
    return j;
}

static json_t *jline(int line)
{
    return line > 0 ? json_integer(line) : json_null();
}

static json_t *json_finding(const ids_finding *f, const char *source)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
    json_object_set_new(o, "rule", jstr(f->rule));
    json_object_set_new(o, "severity", json_string(severity_name(f->severity)));
    json_object_set_new(o, "message", jstr(f->message));
    json_object_set_new(o, "path", jstr(f->path));
    json_object_set_new(o, "line", jline(f->line));
    json_object_set_new(o, "source", json_string(source));
    return o;
}

static json_t *json_bool_or_null(bool known, bool value)
{
    return known ? json_boolean(value) : json_null();
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

static void json_file(const check_config *cfg, const check_result *r, check_buf *b)
{
    const ids_report *rep = r->report;
    json_t *o = json_object(), *errors = json_array(), *error = json_null();
    char *text = NULL;

    if (!o || !errors)
        goto nomem;
    json_object_set_new(o, "path", jstr(r->path));
    json_object_set_new(o, "status", json_string(outcome_name(r->outcome)));
    json_object_set_new(o, "valid", json_boolean(r->outcome == CHECK_VALID));
    json_object_set_new(o, "structure_valid", json_bool_or_null(rep, rep && rep->structure_valid));
    json_object_set_new(o, "audit_valid", json_bool_or_null(rep, rep && rep->audit_valid));
    json_object_set_new(o, "xsd_checked", json_boolean(rep && rep->xsd_checked));
    json_object_set_new(o, "xsd_valid",
                        json_bool_or_null(rep && rep->xsd_checked, rep && rep->xsd_valid));
    json_object_set_new(o, "specifications", json_integer((json_int_t)r->n_specs));
    if (!cfg->no_timings)
        json_object_set_new(o, "millis", json_real(r->millis));
    json_object_set_new(o, "error_count", json_integer((json_int_t)r->n_errors));
    json_object_set_new(o, "warning_count", json_integer((json_int_t)r->n_warnings));
    for (size_t i = 0; rep && i < rep->n_findings; i++)
        json_array_append_new(errors, json_finding(&rep->findings[i], "rules"));
    for (size_t i = 0; rep && i < rep->n_xsd_findings; i++)
        json_array_append_new(errors, json_finding(&rep->xsd_findings[i], "xsd"));
    if (r->error) {
        json_decref(error);
        error = json_object();
        if (!error)
            goto nomem;
        json_object_set_new(error, "code", json_string(ids_status_name(r->error->code)));
        json_object_set_new(error, "message", jstr(r->error->message));
        json_object_set_new(error, "line", jline(r->error->line));
        json_object_set_new(error, "column", jline(r->error->column));
    }
    json_object_set_new(o, "errors", errors);
    errors = NULL;
    json_object_set_new(o, "error", error);
    error = NULL;
    if (cfg->load_into) {
        json_object_set_new(o, "session_id", r->session_id ? jstr(r->session_id) : json_null());
        json_object_set_new(o, "load_error", r->load_error ? jstr(r->load_error) : json_null());
    }
    text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
    if (!text)
        goto nomem;
    check_buf_puts(b, text);
    free(text);
    json_decref(o);
    return;
nomem:
    json_decref(o);
    json_decref(errors);
    json_decref(error);
    b->nomem = true;
}

/* ---- JUnit XML ---- */

static void xml_escaped(check_buf *b, const char *s, bool attribute)
{
    char *clean = check_utf8_clean(s ? s : "", s ? strlen(s) : 0);
    const unsigned char *p;

    if (!clean) {
        b->nomem = true;
        return;
    }
    for (p = (const unsigned char *)clean; *p; p++) {
        switch (*p) {
        case '&': check_buf_puts(b, "&amp;"); continue;
        case '<': check_buf_puts(b, "&lt;"); continue;
        case '>': check_buf_puts(b, "&gt;"); continue;
        case '"': check_buf_puts(b, attribute ? "&quot;" : "\""); continue;
        case '\t': check_buf_puts(b, attribute ? "&#9;" : "\t"); continue;
        case '\n': check_buf_puts(b, attribute ? "&#10;" : "\n"); continue;
        case '\r': check_buf_puts(b, "&#13;"); continue;
        default: break;
        }
        /* XML 1.0 has no place for other C0 controls, nor for the
         * noncharacters U+FFFE and U+FFFF. */
        if (*p < 0x20) {
            check_buf_add(b, replacement, 3);
            continue;
        }
        if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
            check_buf_add(b, replacement, 3);
            p += 2;
            continue;
        }
        check_buf_add(b, (const char *)p, 1);
    }
    free(clean);
}

static void junit_finding(check_buf *b, const ids_finding *f)
{
    check_buf_printf(b, "%s %s", severity_name(f->severity), f->rule ? f->rule : "?");
    if (f->line > 0)
        check_buf_printf(b, " line %d", f->line);
    check_buf_puts(b, ": ");
    xml_escaped(b, f->message, false);
    if (f->path && f->path[0]) {
        check_buf_puts(b, " (at ");
        xml_escaped(b, f->path, false);
        check_buf_puts(b, ")");
    }
    check_buf_puts(b, "\n");
}

static void junit_file(const check_config *cfg, const check_result *r, check_buf *b)
{
    const ids_report *rep = r->report;

    check_buf_puts(b, "    <testcase classname=\"idsd.check\" name=\"");
    xml_escaped(b, r->path, true);
    check_buf_puts(b, "\"");
    if (!cfg->no_timings)
        check_buf_printf(b, " time=\"%.6f\"", r->millis / 1000.0);
    if (r->outcome == CHECK_VALID && !r->load_attempted) {
        check_buf_puts(b, "/>\n");
        return;
    }
    check_buf_puts(b, ">\n");
    if (r->outcome == CHECK_VALID) {
        /* only the session below */
    } else if (r->outcome == CHECK_FAILED && rep) {
        /* Checked fine here, refused by the server. */
        check_buf_puts(b, "      <error type=\"load\" message=\"");
        xml_escaped(b, r->load_error ? r->load_error : "not loaded", true);
        check_buf_puts(b, "\"/>\n");
    } else if (!rep) {
        const char *tag = r->outcome == CHECK_FAILED ? "error" : "failure";
        const ids_error *e = error_of(r);

        check_buf_printf(b, "      <%s type=\"%s\" message=\"", tag, ids_status_name(e->code));
        xml_escaped(b, e->message, true);
        check_buf_puts(b, "\">");
        xml_escaped(b, e->message, false);
        if (needs_position(e))
            check_buf_printf(b, " (line %d, column %d)", e->line, e->column);
        check_buf_printf(b, "</%s>\n", tag);
    } else {
        check_buf_printf(b, "      <failure type=\"invalid\" message=\"%zu error%s, "
                         "%zu warning%s\">", r->n_errors, plural(r->n_errors),
                         r->n_warnings, plural(r->n_warnings));
        for (size_t i = 0; i < rep->n_findings; i++)
            junit_finding(b, &rep->findings[i]);
        for (size_t i = 0; i < rep->n_xsd_findings; i++)
            junit_finding(b, &rep->xsd_findings[i]);
        check_buf_puts(b, "</failure>\n");
    }
    if (r->session_id) {
        check_buf_puts(b, "      <system-out>session ");
        xml_escaped(b, r->session_id, false);
        check_buf_puts(b, "</system-out>\n");
    } else if (r->load_error && !(r->outcome == CHECK_FAILED && rep)) {
        check_buf_puts(b, "      <system-err>not loaded: ");
        xml_escaped(b, r->load_error, false);
        check_buf_puts(b, "</system-err>\n");
    }
    check_buf_puts(b, "    </testcase>\n");
}

/* ---- entry points ---- */

void check_render_file(const check_config *cfg, const check_result *r, check_buf *out)
{
    switch (cfg->format) {
    case CHECK_FORMAT_JSON: json_file(cfg, r, out); break;
    case CHECK_FORMAT_JUNIT: junit_file(cfg, r, out); break;
    case CHECK_FORMAT_TEXT: text_file(cfg, r, out); break;
    }
}

static void junit_counts(const check_config *cfg, const check_summary *s, check_buf *b)
{
    check_buf_printf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"", s->files,
                     s->invalid, s->failed);
    if (!cfg->no_timings)
        check_buf_printf(b, " time=\"%.6f\"", s->millis / 1000.0);
}

void check_render_begin(const check_config *cfg, const check_summary *s, check_buf *out)
{
    switch (cfg->format) {
    case CHECK_FORMAT_JSON:
        check_buf_puts(out, "{\"files\":[");
        break;
    case CHECK_FORMAT_JUNIT:
        check_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            "<testsuites name=\"idsd check\"");
        junit_counts(cfg, s, out);
        check_buf_puts(out, ">\n  <testsuite name=\"idsd check\"");
        junit_counts(cfg, s, out);
        check_buf_puts(out, " skipped=\"0\">\n");
        break;
    case CHECK_FORMAT_TEXT:
        break;
    }
}

void check_render_end(const check_config *cfg, const check_summary *s, check_buf *out)
{
    switch (cfg->format) {
    case CHECK_FORMAT_JSON:
        check_buf_printf(out, "%s],\n\"summary\":{\"files\":%zu,\"valid\":%zu,"
                         "\"invalid\":%zu,\"failed\":%zu,\"errors\":%zu,\"warnings\":%zu",
                         s->files ? "\n" : "", s->files, s->valid, s->invalid, s->failed,
                         s->errors, s->warnings);
        if (cfg->load_into)
            check_buf_printf(out, ",\"loaded\":%zu", s->loaded);
        if (!cfg->no_timings)
            check_buf_printf(out, ",\"millis\":%.3f", s->millis);
        check_buf_puts(out, "}}\n");
        break;
    case CHECK_FORMAT_JUNIT:
        check_buf_puts(out, "  </testsuite>\n</testsuites>\n");
        break;
    case CHECK_FORMAT_TEXT:
        check_buf_printf(out, "%zu file%s: %zu valid, %zu invalid, %zu failed; "
                         "%zu error%s, %zu warning%s", s->files, plural(s->files), s->valid,
                         s->invalid, s->failed, s->errors, plural(s->errors), s->warnings,
                         plural(s->warnings));
        if (cfg->load_into)
            check_buf_printf(out, "; %zu loaded", s->loaded);
        if (!cfg->no_timings) {
            check_buf_printf(out, "; %.1f ms", s->millis);
            if (s->millis > 0 && s->files > 0)
                check_buf_printf(out, " (%.0f files/s)", s->files * 1000.0 / s->millis);
        }
        check_buf_puts(out, "\n");
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
