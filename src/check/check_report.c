/*
 * check_report.c - the report formats of `idsd check --ifc` that src/view
 * writes: junit, html, markdown and bcf.
 *
 * The IFC check's own text and JSON stay with the check; these four are
 * files for people, CI systems and BIM tools, made from the check result
 * in the view's terms (view_check_result), so the CLI, a tool and the
 * browser view render one result the same way. bcf is a zip: it goes to
 * a file (--output), never to a terminal or a pipe, which the flag
 * parsing enforces before anything is read.
 */
#include "check/check_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool check_report_format_parse(const char *name, view_report_format *out)
{
    return view_report_format_from_name(name, out);
}

const char *check_report_usage_error(view_report_format format, bool ifc, const char *output)
{
    if (!ifc)
        return "reports an IFC check: give --ifc MODEL.ifc (IDS files alone are reported "
               "as text, json or junit)";
    if (view_report_format_binary(format) && output == NULL)
        return "writes a zip: give --output FILE.bcf";
    return NULL;
}

bool check_report_write(FILE *out, view_report_format format, const view_check_result *result,
                        long long created, char *why, size_t why_size)
{
    base_buf b = {0};
    view_report_options opts = {.created = created};
    view_status st = view_report(&b, format, result, &opts);
    bool ok = st == VIEW_OK;
    if (!ok) {
        base_utf8_format(why, why_size, "the %s report could not be made: %s",
                         view_report_format_name(format), view_status_name(st));
    } else if (b.len > 0 && fwrite(b.data, 1, b.len, out) != b.len) {
        base_utf8_format(why, why_size, "writing the %s report failed: %s",
                         view_report_format_name(format), strerror(errno));
        ok = false;
    }
    base_buf_free(&b);
    return ok;
}

long long check_report_now(void)
{
    return (long long)time(NULL);
}

bool check_report_merge(const view_check_result *const *parts, size_t n, const char *title,
                        view_check_result *out, view_check_spec **owned)
{
    size_t total = 0;
    memset(out, 0, sizeof *out);
    *owned = NULL;
    for (size_t i = 0; i < n; i++) {
        if (parts[i]->n_specs > SIZE_MAX / sizeof(view_check_spec) - total)
            return false;
        total += parts[i]->n_specs;
    }
    view_check_spec *specs = calloc(total ? total : 1, sizeof *specs);
    if (!specs)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const view_check_result *p = parts[i];
        if (p->n_specs > 0)
            memcpy(specs + k, p->specs, p->n_specs * sizeof *specs);
        k += p->n_specs;
        out->truncated = out->truncated || p->truncated;
        if (!out->model)
            out->model = p->model;
        if (!out->ifc_version)
            out->ifc_version = p->ifc_version;
    }
    out->ids_title = n == 1 ? parts[0]->ids_title : title;
    out->specs = specs;
    out->n_specs = total;
    *owned = specs;
    return true;
}
