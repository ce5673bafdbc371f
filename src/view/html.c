/*
 * html.c - the document and a check result as HTML: the body a page shows
 * and a live page is sent, and the page around it.
 *
 * The body is built so that it can be sent again and again: one line
 * (no CR or LF byte: view_put_text writes line breaks as &#10;), no
 * script, no style attribute, no id taken from the document (anchors
 * are spec-1, check-1, ...). Every string from the document or the check
 * result goes through view_put_text.
 */
#include "view/view_internal.h"

#include <string.h>

static void text(base_buf *b, const char *s)
{
    view_put_cstr(b, VIEW_MODE_HTML, s);
}

/* ---- findings ------------------------------------------------------------ */

static void finding(base_buf *b, const view_finding_ref *r, const char *facet_kind)
{
    const ids_finding *f = r->finding;
    const char *sev = f->severity == IDS_SEVERITY_ERROR ? "error" : "warning";
    base_buf_printf(b, "<li class=\"f %s\"><span class=\"sev\">%s</span> <span class=\"rule\">", sev,
              sev);
    text(b, f->rule);
    BASE_BUF_LITERAL(b, "</span>");
    if (r->from_xsd)
        BASE_BUF_LITERAL(b, " <span class=\"src\">official schema</span>");
    if (f->line > 0)
        base_buf_printf(b, " <span class=\"ln\">line %d</span>", f->line);
    if (facet_kind != NULL)
        base_buf_printf(b, " <span class=\"fk\">%s facet</span>", facet_kind);
    BASE_BUF_LITERAL(b, " <span class=\"msg\">");
    text(b, f->message);
    BASE_BUF_LITERAL(b, "</span></li>");
}

static void finding_list(base_buf *b, const view_finding_list *l, const char *facet_kind)
{
    if (l->n == 0)
        return;
    BASE_BUF_LITERAL(b, "<ul class=\"fl\">");
    for (size_t i = 0; i < l->n; i++)
        finding(b, &l->items[i], facet_kind);
    BASE_BUF_LITERAL(b, "</ul>");
}

static size_t spec_finding_count(const view_spec *s)
{
    size_t n = s->spec_findings.n;
    for (int loc = 0; loc < 2; loc++) {
        n += s->loc_findings[loc].n;
        for (size_t i = 0; i < s->view->n_facets[loc]; i++)
            n += s->facet_findings[loc][i].n;
    }
    return n;
}

/* ---- document ----------------------------------------------------------------- */

static const char *spec_name(const ids_spec_view *v)
{
    return v->fields[IDS_SPEC_NAME] != NULL ? v->fields[IDS_SPEC_NAME] : "(no name)";
}

static void requirements(base_buf *b, const view_spec *s)
{
    const ids_spec_view *v = s->view;
    size_t n = v->n_facets[IDS_REQUIREMENTS];
    BASE_BUF_LITERAL(b, "<h3>Requirements</h3>");
    if (v->fields[IDS_SPEC_REQUIREMENTS_DESCRIPTION] != NULL) {
        BASE_BUF_LITERAL(b, "<p class=\"desc\" dir=\"auto\">");
        text(b, v->fields[IDS_SPEC_REQUIREMENTS_DESCRIPTION]);
        BASE_BUF_LITERAL(b, "</p>");
    }
    if (n == 0) {
        BASE_BUF_LITERAL(b, "<p class=\"noreq\">No requirements.</p>");
    } else {
        BASE_BUF_LITERAL(b, "<table class=\"reqs\"><thead><tr><th>#</th><th>Requirement</th>"
                  "<th>Cardinality</th><th>Instructions</th></tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            const ids_facet *f = &v->facets[IDS_REQUIREMENTS][i];
            const char *card = view_facet_cardinality(f, IDS_REQUIREMENTS);
            base_buf_printf(b, "<tr class=\"c-%s\"><td class=\"num\">%zu</td><td class=\"words\">", card,
                      i + 1);
            view_words_facet(b, VIEW_MODE_HTML, f, IDS_REQUIREMENTS,
                             v->fields[IDS_SPEC_IFC_VERSION], false);
            finding_list(b, &s->facet_findings[IDS_REQUIREMENTS][i], NULL);
            base_buf_printf(b, "</td><td><span class=\"card %s\">%s</span></td><td dir=\"auto\">", card,
                      card);
            text(b, f->fattrs[IDS_FATTR_INSTRUCTIONS]);
            BASE_BUF_LITERAL(b, "</td></tr>");
        }
        BASE_BUF_LITERAL(b, "</tbody></table>");
    }
    finding_list(b, &s->loc_findings[IDS_REQUIREMENTS], NULL);
}

static void spec_section(base_buf *b, const view_spec *s)
{
    const ids_spec_view *v = s->view;
    view_usage u = view_usage_of(v->fields[IDS_SPEC_MIN_OCCURS], v->fields[IDS_SPEC_MAX_OCCURS]);
    base_buf_printf(b, "<section class=\"spec\" id=\"spec-%zu\"><h2><span class=\"num\">%zu.</span> ",
              v->index + 1, v->index + 1);
    text(b, spec_name(v));
    base_buf_printf(b, "</h2><p class=\"meta\"><span class=\"u %s\">%s</span>", view_usage_name(u),
              view_usage_name(u));
    if (v->fields[IDS_SPEC_IFC_VERSION] != NULL) {
        BASE_BUF_LITERAL(b, " <span class=\"ver\">");
        size_t before = b->len;
        view_words_versions(b, VIEW_MODE_HTML, v->fields[IDS_SPEC_IFC_VERSION]);
        if (b->len == before)
            BASE_BUF_LITERAL(b, "no IFC version");
        BASE_BUF_LITERAL(b, "</span>");
    }
    if (v->fields[IDS_SPEC_IDENTIFIER] != NULL) {
        BASE_BUF_LITERAL(b, " <span class=\"ident\">Identifier ");
        if (view_uri_linkable(v->fields[IDS_SPEC_IDENTIFIER]))
            view_put_uri(b, VIEW_MODE_HTML, v->fields[IDS_SPEC_IDENTIFIER]);
        else
            text(b, v->fields[IDS_SPEC_IDENTIFIER]);
        BASE_BUF_LITERAL(b, "</span>");
    }
    base_buf_printf(b, "</p><p class=\"usage\">%s", view_usage_words(u));
    if (u == VIEW_USAGE_OTHER) {
        BASE_BUF_LITERAL(b, " (minOccurs ");
        text(b, v->fields[IDS_SPEC_MIN_OCCURS] != NULL ? v->fields[IDS_SPEC_MIN_OCCURS] : "1");
        BASE_BUF_LITERAL(b, ", maxOccurs ");
        text(b, v->fields[IDS_SPEC_MAX_OCCURS] != NULL ? v->fields[IDS_SPEC_MAX_OCCURS] : "1");
        base_buf_append_char(b, ')');
    }
    BASE_BUF_LITERAL(b, "</p>");
    if (v->fields[IDS_SPEC_DESCRIPTION] != NULL) {
        BASE_BUF_LITERAL(b, "<p class=\"desc\" dir=\"auto\">");
        text(b, v->fields[IDS_SPEC_DESCRIPTION]);
        BASE_BUF_LITERAL(b, "</p>");
    }
    if (v->fields[IDS_SPEC_INSTRUCTIONS] != NULL) {
        BASE_BUF_LITERAL(b, "<p class=\"instr\" dir=\"auto\"><b>Instructions:</b> ");
        text(b, v->fields[IDS_SPEC_INSTRUCTIONS]);
        BASE_BUF_LITERAL(b, "</p>");
    }
    finding_list(b, &s->spec_findings, NULL);
    BASE_BUF_LITERAL(b, "<h3>Applies to</h3><p class=\"applies\">");
    view_words_applicability(b, VIEW_MODE_HTML, v);
    BASE_BUF_LITERAL(b, ".</p>");
    finding_list(b, &s->loc_findings[IDS_APPLICABILITY], NULL);
    for (size_t i = 0; i < v->n_facets[IDS_APPLICABILITY]; i++)
        finding_list(b, &s->facet_findings[IDS_APPLICABILITY][i],
                     ids_facet_kind_name(v->facets[IDS_APPLICABILITY][i].kind));
    requirements(b, s);
    BASE_BUF_LITERAL(b, "</section>");
}

static void contents(base_buf *b, const view_model *m)
{
    /* Open for a short document; a long one starts folded. */
    base_buf_printf(b, "<nav class=\"toc\"><details%s><summary>Specifications (%zu)</summary><ol>",
              m->end - m->first <= 20 ? " open" : "", m->n_specs);
    for (size_t i = m->first; i < m->end; i++) {
        const ids_spec_view *v = m->specs[i].view;
        view_usage u =
            view_usage_of(v->fields[IDS_SPEC_MIN_OCCURS], v->fields[IDS_SPEC_MAX_OCCURS]);
        base_buf_printf(b, "<li><a href=\"#spec-%zu\">", i + 1);
        text(b, spec_name(v));
        base_buf_printf(b, "</a> <span class=\"u %s\">%s</span>", view_usage_name(u),
                  view_usage_name(u));
        size_t nf = spec_finding_count(&m->specs[i]);
        if (nf > 0)
            base_buf_printf(b, " <span class=\"cnt\">%zu finding%s</span>", nf, nf == 1 ? "" : "s");
        BASE_BUF_LITERAL(b, "</li>");
    }
    BASE_BUF_LITERAL(b, "</ol></details></nav>");
}

void view_html_document(base_buf *b, const view_model *m)
{
    static const struct {
        ids_info_field field;
        const char *label;
    } info[] = {
        {IDS_INFO_VERSION, "Version"}, {IDS_INFO_AUTHOR, "Author"},
        {IDS_INFO_DATE, "Date"}, {IDS_INFO_PURPOSE, "Purpose"},
        {IDS_INFO_MILESTONE, "Milestone"}, {IDS_INFO_COPYRIGHT, "Copyright"},
    };
    const ids_summary *sum = m->summary;
    BASE_BUF_LITERAL(b, "<article class=\"ids\"><header><p class=\"kicker\">Information Delivery "
              "Specification</p><h1 dir=\"auto\">");
    text(b, sum->info[IDS_INFO_TITLE] != NULL ? sum->info[IDS_INFO_TITLE] : "(untitled)");
    BASE_BUF_LITERAL(b, "</h1>");
    if (sum->info[IDS_INFO_DESCRIPTION] != NULL) {
        BASE_BUF_LITERAL(b, "<p class=\"desc\" dir=\"auto\">");
        text(b, sum->info[IDS_INFO_DESCRIPTION]);
        BASE_BUF_LITERAL(b, "</p>");
    }
    bool any = false;
    for (size_t i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
        const char *value = sum->info[info[i].field];
        if (value == NULL)
            continue;
        if (!any)
            BASE_BUF_LITERAL(b, "<dl class=\"info\">");
        any = true;
        base_buf_printf(b, "<div><dt>%s</dt><dd dir=\"auto\">", info[i].label);
        text(b, value);
        BASE_BUF_LITERAL(b, "</dd></div>");
    }
    if (any)
        BASE_BUF_LITERAL(b, "</dl>");
    base_buf_printf(b, "<p class=\"stats\"><span>%zu specification%s</span> ", m->n_specs,
              m->n_specs == 1 ? "" : "s");
    if (!m->validated)
        BASE_BUF_LITERAL(b, "<span class=\"badge none\">not validated</span>");
    else if (m->n_errors == 0 && m->n_warnings == 0)
        BASE_BUF_LITERAL(b, "<span class=\"badge ok\">valid</span>");
    else
        base_buf_printf(b, "<span class=\"badge %s\">%s: %zu error%s, %zu warning%s</span>",
                  m->n_errors > 0 ? "bad" : "warn", m->n_errors > 0 ? "invalid" : "valid",
                  m->n_errors, m->n_errors == 1 ? "" : "s", m->n_warnings,
                  m->n_warnings == 1 ? "" : "s");
    if (m->first > 0 || m->end < m->n_specs)
        base_buf_printf(b, " <span class=\"range\">showing %zu to %zu</span>", m->first + 1,
                        m->end);
    BASE_BUF_LITERAL(b, "</p></header>");
    if (m->doc_findings.n > 0) {
        BASE_BUF_LITERAL(b, "<section class=\"docf\"><h2>Findings on the document</h2>");
        finding_list(b, &m->doc_findings, NULL);
        BASE_BUF_LITERAL(b, "</section>");
    }
    if (m->end - m->first > 1)
        contents(b, m);
    for (size_t i = m->first; i < m->end; i++)
        spec_section(b, &m->specs[i]);
    BASE_BUF_LITERAL(b, "</article>");
}

/* ---- check result -------------------------------------------------------------- */

static const char *status_class(view_check_status s)
{
    return s == VIEW_CHECK_PASS ? "ok" : s == VIEW_CHECK_FAIL ? "bad" : "none";
}

static void element_row(base_buf *b, const view_check_element *e)
{
    BASE_BUF_LITERAL(b, "<tr><td class=\"gid\">");
    text(b, e->global_id != NULL ? e->global_id : "-");
    BASE_BUF_LITERAL(b, "</td><td>");
    text(b, e->ifc_class != NULL ? e->ifc_class : "-");
    if (e->step_id != 0)
        base_buf_printf(b, " <span class=\"step\">#%lu</span>", e->step_id);
    BASE_BUF_LITERAL(b, "</td><td dir=\"auto\">");
    text(b, e->name != NULL ? e->name : "-");
    BASE_BUF_LITERAL(b, "</td><td dir=\"auto\">");
    text(b, e->reason);
    BASE_BUF_LITERAL(b, "</td></tr>");
}

static void check_spec(base_buf *b, size_t i, const view_check_spec *s, bool top)
{
    const char *h = top ? "h2" : "h3";
    base_buf_printf(b, "<section class=\"cspec\" id=\"check-%zu\"><%s><span class=\"num\">%zu.</span> ",
              i + 1, h, i + 1);
    text(b, s->name != NULL ? s->name : "(no name)");
    base_buf_printf(b, " <span class=\"badge %s\">%s</span></%s><p class=\"meta\">",
              status_class(s->status), view_check_status_name(s->status), h);
    base_buf_printf(b, "<span class=\"u %s\">%s</span>", view_usage_name(s->usage),
              view_usage_name(s->usage));
    if (s->identifier != NULL) {
        BASE_BUF_LITERAL(b, " <span class=\"ident\">Identifier ");
        text(b, s->identifier);
        BASE_BUF_LITERAL(b, "</span>");
    }
    base_buf_printf(b, " <span class=\"counts\">%zu applicable, %zu passed, %zu failed</span></p>",
              s->n_applicable, s->n_passed, s->n_failed);
    if (s->applicability != NULL) {
        BASE_BUF_LITERAL(b, "<p class=\"applies\"><b>Applies to:</b> ");
        text(b, s->applicability);
        BASE_BUF_LITERAL(b, "</p>");
    }
    if (s->message != NULL) {
        BASE_BUF_LITERAL(b, "<p class=\"note\">");
        text(b, s->message);
        BASE_BUF_LITERAL(b, "</p>");
    }
    for (size_t r = 0; r < s->n_requirements; r++) {
        const view_check_requirement *q = &s->requirements[r];
        if (q->n_failed == 0 && q->n_elements == 0)
            continue; /* a passing one: people read what fails */
        BASE_BUF_LITERAL(b, "<div class=\"creq\"><p class=\"words\">");
        text(b, q->text != NULL ? q->text : "(requirement)");
        base_buf_printf(b, "</p><p class=\"fails\">%zu element%s fail%s", q->n_failed,
                  q->n_failed == 1 ? "" : "s", q->n_failed == 1 ? "s" : "");
        if (q->n_elements < q->n_failed)
            base_buf_printf(b, " (the first %zu listed)", q->n_elements);
        BASE_BUF_LITERAL(b, ".</p>");
        if (q->n_elements > 0) {
            BASE_BUF_LITERAL(b, "<table class=\"els\"><thead><tr><th>GlobalId</th><th>Class</th>"
                      "<th>Name</th><th>Reason</th></tr></thead><tbody>");
            for (size_t e = 0; e < q->n_elements; e++)
                element_row(b, &q->elements[e]);
            BASE_BUF_LITERAL(b, "</tbody></table>");
        }
        BASE_BUF_LITERAL(b, "</div>");
    }
    BASE_BUF_LITERAL(b, "</section>");
}

void view_html_check(base_buf *b, const view_check_result *c, bool top)
{
    size_t pass = 0, fail = 0, na = 0;
    for (size_t i = 0; i < c->n_specs; i++) {
        pass += c->specs[i].status == VIEW_CHECK_PASS;
        fail += c->specs[i].status == VIEW_CHECK_FAIL;
        na += c->specs[i].status == VIEW_CHECK_NOT_APPLICABLE;
    }
    const char *h = top ? "h1" : "h2";
    base_buf_printf(b, "<section class=\"check\" id=\"check\"><header><p class=\"kicker\">IFC check"
                 "</p><%s dir=\"auto\">", h);
    text(b, c->model != NULL ? c->model : "IFC model");
    base_buf_printf(b, "</%s><dl class=\"info\">", h);
    if (c->ids_title != NULL) {
        BASE_BUF_LITERAL(b, "<div><dt>IDS</dt><dd dir=\"auto\">");
        text(b, c->ids_title);
        BASE_BUF_LITERAL(b, "</dd></div>");
    }
    if (c->ifc_version != NULL) {
        BASE_BUF_LITERAL(b, "<div><dt>Schema</dt><dd>");
        text(b, c->ifc_version);
        BASE_BUF_LITERAL(b, "</dd></div>");
    }
    base_buf_printf(b, "</dl><p class=\"stats\"><span class=\"badge %s\">%s</span> <span>%zu "
                 "specification%s: %zu passed, %zu failed, %zu not applicable</span></p>",
              fail > 0 ? "bad" : "ok", fail > 0 ? "fail" : "pass", c->n_specs,
              c->n_specs == 1 ? "" : "s", pass, fail, na);
    if (c->truncated)
        BASE_BUF_LITERAL(b, "<p class=\"warn\">The check stopped early: the counts are lower bounds.</p>");
    if (c->note != NULL) {
        BASE_BUF_LITERAL(b, "<p class=\"warn\" dir=\"auto\">");
        text(b, c->note);
        BASE_BUF_LITERAL(b, "</p>");
    }
    BASE_BUF_LITERAL(b, "</header>");
    if (c->n_specs > 0) {
        BASE_BUF_LITERAL(b, "<table class=\"summary\"><thead><tr><th>#</th><th>Specification</th>"
                  "<th>Status</th><th>Applicable</th><th>Passed</th><th>Failed</th></tr>"
                  "</thead><tbody>");
        for (size_t i = 0; i < c->n_specs; i++) {
            const view_check_spec *s = &c->specs[i];
            base_buf_printf(b, "<tr><td class=\"num\">%zu</td><td><a href=\"#check-%zu\">", i + 1,
                      i + 1);
            text(b, s->name != NULL ? s->name : "(no name)");
            base_buf_printf(b, "</a></td><td><span class=\"badge %s\">%s</span></td><td class=\"num\">"
                         "%zu</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td></tr>",
                      status_class(s->status), view_check_status_name(s->status),
                      s->n_applicable, s->n_passed, s->n_failed);
        }
        BASE_BUF_LITERAL(b, "</tbody></table>");
    }
    for (size_t i = 0; i < c->n_specs; i++)
        check_spec(b, i, &c->specs[i], top);
    BASE_BUF_LITERAL(b, "</section>");
}
