/*
 * markdown.c - the document and a check result as Markdown, for a model
 * to show in chat. CommonMark with GFM tables; every string from the
 * document goes through view_put_text, so none becomes markup or a link.
 */
#include "view/view_internal.h"

#include <string.h>

static void text(base_buf *b, const char *s)
{
    view_put_cstr(b, VIEW_MODE_MD, s);
}

static void text_lines(base_buf *b, const char *s)
{
    if (s != NULL)
        view_put_text(b, VIEW_MODE_MD, VIEW_MD_BREAKS, s, strlen(s));
}

static const char *severity_name(const ids_finding *f)
{
    return f->severity == IDS_SEVERITY_ERROR ? "error" : "warning";
}

/* "**error** S2, line 5: message" */
static void finding(base_buf *b, const view_finding_ref *r, const char *facet_kind)
{
    const ids_finding *f = r->finding;
    base_buf_printf(b, "**%s** ", severity_name(f));
    text(b, f->rule);
    if (r->from_xsd)
        BASE_BUF_LITERAL(b, " (official schema)");
    if (f->line > 0)
        base_buf_printf(b, ", line %d", f->line);
    if (facet_kind != NULL)
        base_buf_printf(b, ", %s facet", facet_kind);
    BASE_BUF_LITERAL(b, ": ");
    text(b, f->message);
}

static void finding_items(base_buf *b, const view_finding_list *l, const char *facet_kind)
{
    for (size_t i = 0; i < l->n; i++) {
        BASE_BUF_LITERAL(b, "- ");
        finding(b, &l->items[i], facet_kind);
        base_buf_append_char(b, '\n');
    }
}

static void field(base_buf *b, const char *label, const char *value)
{
    if (value == NULL)
        return;
    base_buf_printf(b, "- **%s:** ", label);
    text_lines(b, value);
    base_buf_append_char(b, '\n');
}

static void requirements_table(base_buf *b, const view_spec *s)
{
    const ids_spec_view *v = s->view;
    size_t n = v->n_facets[IDS_REQUIREMENTS];
    bool with_findings = false;
    for (size_t i = 0; i < n; i++)
        with_findings |= s->facet_findings[IDS_REQUIREMENTS][i].n > 0;
    BASE_BUF_LITERAL(b, "| # | Requirement | Cardinality | Instructions |");
    if (with_findings)
        BASE_BUF_LITERAL(b, " Findings |");
    BASE_BUF_LITERAL(b, "\n|---|---|---|---|");
    if (with_findings)
        BASE_BUF_LITERAL(b, "---|");
    base_buf_append_char(b, '\n');
    for (size_t i = 0; i < n; i++) {
        const ids_facet *f = &v->facets[IDS_REQUIREMENTS][i];
        base_buf_printf(b, "| %zu | ", i + 1);
        view_words_facet(b, VIEW_MODE_MD, f, IDS_REQUIREMENTS, v->fields[IDS_SPEC_IFC_VERSION],
                         true);
        base_buf_printf(b, " | %s | ", view_facet_cardinality(f, IDS_REQUIREMENTS));
        text(b, f->fattrs[IDS_FATTR_INSTRUCTIONS]);
        BASE_BUF_LITERAL(b, " |");
        if (with_findings) {
            const view_finding_list *l = &s->facet_findings[IDS_REQUIREMENTS][i];
            base_buf_append_char(b, ' ');
            for (size_t k = 0; k < l->n; k++) {
                if (k > 0)
                    BASE_BUF_LITERAL(b, "; ");
                finding(b, &l->items[k], NULL);
            }
            BASE_BUF_LITERAL(b, " |");
        }
        base_buf_append_char(b, '\n');
    }
}

static void spec_section(base_buf *b, const view_spec *s)
{
    const ids_spec_view *v = s->view;
    base_buf_printf(b, "\n## %zu. ", v->index + 1);
    text(b, v->fields[IDS_SPEC_NAME] != NULL ? v->fields[IDS_SPEC_NAME] : "(no name)");
    BASE_BUF_LITERAL(b, "\n\n");
    field(b, "Identifier", v->fields[IDS_SPEC_IDENTIFIER]);
    if (v->fields[IDS_SPEC_IFC_VERSION] != NULL) {
        BASE_BUF_LITERAL(b, "- **IFC versions:** ");
        size_t before = b->len;
        view_words_versions(b, VIEW_MODE_MD, v->fields[IDS_SPEC_IFC_VERSION]);
        if (b->len == before)
            BASE_BUF_LITERAL(b, "(none)");
        base_buf_append_char(b, '\n');
    }
    view_usage u = view_usage_of(v->fields[IDS_SPEC_MIN_OCCURS], v->fields[IDS_SPEC_MAX_OCCURS]);
    base_buf_printf(b, "- **Usage:** %s: %s", view_usage_name(u), view_usage_words(u));
    if (u == VIEW_USAGE_OTHER) {
        BASE_BUF_LITERAL(b, " (minOccurs ");
        text(b, v->fields[IDS_SPEC_MIN_OCCURS] != NULL ? v->fields[IDS_SPEC_MIN_OCCURS] : "1");
        BASE_BUF_LITERAL(b, ", maxOccurs ");
        text(b, v->fields[IDS_SPEC_MAX_OCCURS] != NULL ? v->fields[IDS_SPEC_MAX_OCCURS] : "1");
        base_buf_append_char(b, ')');
    }
    base_buf_append_char(b, '\n');
    field(b, "Description", v->fields[IDS_SPEC_DESCRIPTION]);
    field(b, "Instructions", v->fields[IDS_SPEC_INSTRUCTIONS]);
    finding_items(b, &s->spec_findings, NULL);

    BASE_BUF_LITERAL(b, "\n**Applies to:** ");
    view_words_applicability(b, VIEW_MODE_MD, v);
    BASE_BUF_LITERAL(b, ".\n");
    if (s->loc_findings[IDS_APPLICABILITY].n > 0 || v->n_facets[IDS_APPLICABILITY] > 0) {
        bool any = s->loc_findings[IDS_APPLICABILITY].n > 0;
        for (size_t i = 0; i < v->n_facets[IDS_APPLICABILITY]; i++)
            any |= s->facet_findings[IDS_APPLICABILITY][i].n > 0;
        if (any) {
            base_buf_append_char(b, '\n');
            finding_items(b, &s->loc_findings[IDS_APPLICABILITY], NULL);
            for (size_t i = 0; i < v->n_facets[IDS_APPLICABILITY]; i++)
                finding_items(b, &s->facet_findings[IDS_APPLICABILITY][i],
                              ids_facet_kind_name(v->facets[IDS_APPLICABILITY][i].kind));
        }
    }

    BASE_BUF_LITERAL(b, "\n**Requirements:**");
    if (v->fields[IDS_SPEC_REQUIREMENTS_DESCRIPTION] != NULL) {
        base_buf_append_char(b, ' ');
        text(b, v->fields[IDS_SPEC_REQUIREMENTS_DESCRIPTION]);
    }
    if (v->n_facets[IDS_REQUIREMENTS] == 0) {
        BASE_BUF_LITERAL(b, " none.\n");
    } else {
        BASE_BUF_LITERAL(b, "\n\n");
        requirements_table(b, s);
    }
    if (s->loc_findings[IDS_REQUIREMENTS].n > 0) {
        base_buf_append_char(b, '\n');
        finding_items(b, &s->loc_findings[IDS_REQUIREMENTS], NULL);
    }
}

void view_md_document(base_buf *b, const view_model *m)
{
    static const struct {
        ids_info_field field;
        const char *label;
    } info[] = {
        {IDS_INFO_COPYRIGHT, "Copyright"}, {IDS_INFO_VERSION, "Version"},
        {IDS_INFO_DESCRIPTION, "Description"}, {IDS_INFO_AUTHOR, "Author"},
        {IDS_INFO_DATE, "Date"}, {IDS_INFO_PURPOSE, "Purpose"},
        {IDS_INFO_MILESTONE, "Milestone"},
    };
    const ids_summary *sum = m->summary;
    BASE_BUF_LITERAL(b, "# ");
    text(b, sum->info[IDS_INFO_TITLE] != NULL ? sum->info[IDS_INFO_TITLE] : "(untitled)");
    BASE_BUF_LITERAL(b, "\n\n");
    bool any_info = false;
    for (size_t i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
        field(b, info[i].label, sum->info[info[i].field]);
        any_info |= sum->info[info[i].field] != NULL;
    }
    if (any_info)
        base_buf_append_char(b, '\n');
    base_buf_printf(b, "%zu specification%s. ", m->n_specs, m->n_specs == 1 ? "" : "s");
    if (!m->validated)
        BASE_BUF_LITERAL(b, "Not validated.\n");
    else if (m->n_errors == 0 && m->n_warnings == 0)
        BASE_BUF_LITERAL(b, "Valid: no findings.\n");
    else
        base_buf_printf(b, "%s: %zu error%s, %zu warning%s.\n", m->n_errors > 0 ? "Invalid" : "Valid",
                  m->n_errors, m->n_errors == 1 ? "" : "s", m->n_warnings,
                  m->n_warnings == 1 ? "" : "s");
    if (m->first > 0 || m->end < m->n_specs) {
        if (m->end > m->first)
            base_buf_printf(b, "Showing specifications %zu to %zu of %zu.\n", m->first + 1,
                            m->end, m->n_specs);
    }
    if (m->doc_findings.n > 0) {
        BASE_BUF_LITERAL(b, "\n**Findings on the document:**\n\n");
        finding_items(b, &m->doc_findings, NULL);
    }
    for (size_t i = m->first; i < m->end; i++)
        spec_section(b, &m->specs[i]);
}

/* ---- check result ------------------------------------------------------------ */

static void element_row(base_buf *b, const view_check_element *e)
{
    BASE_BUF_LITERAL(b, "| ");
    text(b, e->global_id != NULL ? e->global_id : "-");
    BASE_BUF_LITERAL(b, " | ");
    text(b, e->ifc_class != NULL ? e->ifc_class : "-");
    if (e->step_id != 0)
        base_buf_printf(b, " \\#%lu", e->step_id);
    BASE_BUF_LITERAL(b, " | ");
    text(b, e->name != NULL ? e->name : "-");
    BASE_BUF_LITERAL(b, " | ");
    text(b, e->reason != NULL ? e->reason : "");
    BASE_BUF_LITERAL(b, " |\n");
}

static void check_spec(base_buf *b, size_t index, const view_check_spec *s, bool top)
{
    base_buf_printf(b, "\n%s %zu. ", top ? "##" : "###", index + 1);
    text(b, s->name != NULL ? s->name : "(no name)");
    base_buf_printf(b, ": %s\n\n", view_check_status_name(s->status));
    field(b, "Identifier", s->identifier);
    base_buf_printf(b, "- **Usage:** %s\n", view_usage_name(s->usage));
    field(b, "Applies to", s->applicability);
    base_buf_printf(b, "- **Elements:** %zu applicable, %zu passed, %zu failed\n", s->n_applicable,
              s->n_passed, s->n_failed);
    field(b, "Note", s->message);
    for (size_t r = 0; r < s->n_requirements; r++) {
        const view_check_requirement *q = &s->requirements[r];
        if (q->n_failed == 0 && q->n_elements == 0)
            continue; /* a passing one: people read what fails */
        BASE_BUF_LITERAL(b, "\n**");
        text(b, q->text != NULL ? q->text : "(requirement)");
        base_buf_printf(b, "**: %zu element%s fail%s", q->n_failed, q->n_failed == 1 ? "" : "s",
                  q->n_failed == 1 ? "s" : "");
        if (q->n_elements < q->n_failed)
            base_buf_printf(b, " (the first %zu listed)", q->n_elements);
        BASE_BUF_LITERAL(b, ".\n");
        if (q->n_elements == 0)
            continue;
        BASE_BUF_LITERAL(b, "\n| GlobalId | Class | Name | Reason |\n|---|---|---|---|\n");
        for (size_t e = 0; e < q->n_elements; e++)
            element_row(b, &q->elements[e]);
    }
}

void view_md_check(base_buf *b, const view_check_result *c, bool top)
{
    size_t pass = 0, fail = 0, na = 0;
    for (size_t i = 0; i < c->n_specs; i++) {
        pass += c->specs[i].status == VIEW_CHECK_PASS;
        fail += c->specs[i].status == VIEW_CHECK_FAIL;
        na += c->specs[i].status == VIEW_CHECK_NOT_APPLICABLE;
    }
    base_buf_append_str(b, top ? "# IFC check" : "\n## IFC check");
    if (c->model != NULL) {
        BASE_BUF_LITERAL(b, " of ");
        text(b, c->model);
    }
    BASE_BUF_LITERAL(b, "\n\n");
    field(b, "IDS", c->ids_title);
    field(b, "IFC schema", c->ifc_version);
    base_buf_printf(b, "- **Result:** %s: %zu specification%s, %zu passed, %zu failed, %zu not applicable\n",
              fail > 0 ? "fail" : "pass", c->n_specs, c->n_specs == 1 ? "" : "s", pass, fail, na);
    if (c->truncated)
        BASE_BUF_LITERAL(b, "\nThe check stopped early: the counts are lower bounds.\n");
    if (c->note != NULL) {
        BASE_BUF_LITERAL(b, "\n_");
        text(b, c->note);
        BASE_BUF_LITERAL(b, "_\n");
    }
    for (size_t i = 0; i < c->n_specs; i++)
        check_spec(b, i, &c->specs[i], top);
}
