/*
 * document.c - tools on the document as a whole: create_ids, load_ids,
 * export_ids, get_ids_info, update_ids_info, validate_ids.
 *
 * A loaded document may break the standard (the engine loads any
 * well-formed IDS); load_ids therefore always validates and reports the
 * first findings, so the agent knows before it starts editing.
 */
#include "tools/tools_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOAD_FINDINGS_SHOWN 10 /* findings listed by load_ids / export_ids */

/* ---- JSON views ---- */

static json_t *finding_json(const ids_finding *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "severity",
                        json_string(f->severity == IDS_SEVERITY_ERROR ? "error" : "warning"));
    json_object_set_new(o, "rule", json_string(f->rule != NULL ? f->rule : ""));
    json_object_set_new(o, "message", json_string(f->message != NULL ? f->message : ""));
    if (f->path != NULL && f->path[0] != '\0')
        json_object_set_new(o, "path", json_string(f->path));
    if (f->line > 0)
        json_object_set_new(o, "line", json_integer(f->line));
    return o;
}

static void add_findings(json_t *errors, json_t *warnings, size_t *n_err,
                         size_t *n_warn, const ids_finding *list, size_t n,
                         size_t limit, bool *truncated)
{
    for (size_t i = 0; i < n; i++) {
        bool is_error = list[i].severity == IDS_SEVERITY_ERROR;
        json_t *target = is_error ? errors : warnings;
        size_t *count = is_error ? n_err : n_warn;
        (*count)++;
        if (limit != 0 && json_array_size(target) >= limit) {
            *truncated = true;
            continue;
        }
        json_array_append_new(target, finding_json(&list[i]));
    }
}

/* limit 0 = every finding. */
static json_t *report_json(const ids_report *r, size_t limit)
{
    json_t *o = json_object();
    json_t *errors = json_array();
    json_t *warnings = json_array();
    size_t n_err = 0, n_warn = 0;
    bool truncated = false;
    add_findings(errors, warnings, &n_err, &n_warn, r->findings, r->n_findings, limit,
                 &truncated);
    add_findings(errors, warnings, &n_err, &n_warn, r->xsd_findings, r->n_xsd_findings,
                 limit, &truncated);
    json_object_set_new(o, "valid", json_boolean(ids_report_valid(r)));
    json_object_set_new(o, "structure_valid", json_boolean(r->structure_valid));
    json_object_set_new(o, "audit_valid", json_boolean(r->audit_valid));
    json_object_set_new(o, "xsd_checked", json_boolean(r->xsd_checked));
    if (r->xsd_checked)
        json_object_set_new(o, "xsd_valid", json_boolean(r->xsd_valid));
    json_object_set_new(o, "error_count", json_integer((json_int_t)n_err));
    json_object_set_new(o, "warning_count", json_integer((json_int_t)n_warn));
    json_object_set_new(o, "errors", errors);
    json_object_set_new(o, "warnings", warnings);
    if (truncated)
        json_object_set_new(o, "truncated", json_true());
    return o;
}

static json_t *spec_summary_json(const tool_session *ts, const ids_spec_summary *s,
                                 size_t index)
{
    json_t *o = json_object();
    const char *name = s->fields[IDS_SPEC_NAME];
    const char *ident = s->fields[IDS_SPEC_IDENTIFIER];
    char h[TOOL_HANDLE_SIZE];
    json_object_set_new(o, "spec_index", json_integer((json_int_t)index + 1));
    json_object_set_new(o, "spec_id", json_string(tool_spec_handle(ts, index, h)));
    json_object_set_new(o, "name", json_string(name != NULL ? name : ""));
    if (ident != NULL)
        json_object_set_new(o, "identifier", json_string(ident));
    json_object_set_new(o, "ifc_versions", tool_ifc_versions_json(s->fields[IDS_SPEC_IFC_VERSION]));
    json_object_set_new(o, "usage", json_string(tool_usage_name(s->fields[IDS_SPEC_MIN_OCCURS],
                                                          s->fields[IDS_SPEC_MAX_OCCURS])));
    json_object_set_new(o, "applicability_facets", json_integer((json_int_t)s->n_applicability));
    json_object_set_new(o, "requirement_facets", json_integer((json_int_t)s->n_requirements));
    return o;
}

static json_t *info_json(char *const info[IDS_INFO_FIELD_COUNT])
{
    json_t *o = json_object();
    for (int f = 0; f < IDS_INFO_FIELD_COUNT; f++)
        if (info[f] != NULL)
            json_object_set_new(o, ids_info_field_name((ids_info_field)f), json_string(info[f]));
    return o;
}

#define INFO_PROPS(nullable)                                                    \
    "\"title\":{\"type\":\"string\",\"minLength\":1},"                          \
    "\"copyright\":{\"type\":" nullable "},\"version\":{\"type\":" nullable "}," \
    "\"description\":{\"type\":" nullable "},"                                 \
    "\"author\":{\"type\":" nullable ",\"description\":\"An e-mail "           \
    "address.\"},\"date\":{\"type\":" nullable ",\"description\":"             \
    "\"YYYY-MM-DD.\"},\"purpose\":{\"type\":" nullable "},"                     \
    "\"milestone\":{\"type\":" nullable "}"
#define REPLACE_PROP                                                            \
    "\"replace\":{\"type\":\"boolean\",\"description\":\"Discard a document "  \
    "with edits not yet exported (else refused).\"}"
#define VALIDATION_OUT                                                          \
    "{\"type\":\"object\",\"properties\":{\"valid\":" TOOL_B ",\"errors\":"   \
    TOOL_A ",\"warnings\":" TOOL_A "},\"required\":[\"valid\",\"errors\","     \
    "\"warnings\"]}"

/* create_ids / load_ids in a session whose document was edited since it
 * was created, loaded or exported would lose those edits: refused unless
 * the call says replace: true. */
static bool may_replace(tool_ctx *c)
{
    if (c->ts == NULL || c->ts->doc == NULL || !c->ts->unexported ||
        json_is_true(tool_arg(c, "replace")))
        return true;
    tool_fail(c, "This session's document has edits that were not exported, and %s would "
                 "replace it. Export it first (export_ids), pass replace: true to discard "
                 "it, or leave this session: on a connection with a session of its own, "
                 "close_session frees it first.",
              c->tool->name);
    return false;
}

/* ---- create_ids ---- */

static void create_impl(tool_ctx *c)
{
    ids_info info;
    ids_error err;
    ids_doc *doc = NULL;
    bool replaced = false;
    memset(&info, 0, sizeof(info));
    ids_error_clear(&err);
    if (!may_replace(c))
        return;
    for (int f = 0; f < IDS_INFO_FIELD_COUNT; f++)
        info.fields[f] = tool_arg_str(c, ids_info_field_name((ids_info_field)f));
    if (ids_doc_new(&info, &doc, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not create the IDS document");
        return;
    }
    size_t bytes = ids_doc_serialized_size(doc);
    if (!tool_doc_fits(c, bytes)) {
        ids_doc_free(doc);
        return;
    }
    if (!tool_install_doc(c, doc, bytes, &replaced))
        return;
    json_t *r = json_pack("{s:s, s:s, s:s, s:b}", "status", "created", "session_id",
                          c->env->used_session_id, "title", info.fields[IDS_INFO_TITLE],
                          "replaced_document", replaced);
    tool_ok(c, r, "Created IDS document '%s'%s. Next: add_specification.",
            info.fields[IDS_INFO_TITLE],
            replaced ? " (it replaces this session's previous document)" : "");
}

/* ---- load_ids ---- */

static bool blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Narrows [*text, *text + *len) to the XML: past a UTF-8 BOM and blanks,
 * inside a ```xml ... ``` fence when there is one. */
static void unfence(const char **text, size_t *len, bool *fenced)
{
    const char *p = *text, *end = *text + *len;
    if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;
    while (p < end && blank(*p))
        p++;
    if (end - p >= 3 && memcmp(p, "```", 3) == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl != NULL) {
            p = nl + 1;
            *fenced = true;
            while (end > p && blank(end[-1]))
                end--;
            if (end - p >= 3 && memcmp(end - 3, "```", 3) == 0)
                end -= 3;
        }
    }
    while (p < end && blank(*p))
        p++;
    while (end > p && blank(end[-1]))
        end--;
    *text = p;
    *len = (size_t)(end - p);
}

static void load_impl(tool_ctx *c)
{
    const char *source = tool_arg_str(c, "source");
    const char *type = tool_arg_str(c, "source_type");
    ids_limits limits = {0, 0, 0};
    ids_error err;
    ids_doc *doc = NULL;
    ids_report *report = NULL;
    ids_summary *sum = NULL;
    char *path = NULL;
    bool replaced = false;
    ids_error_clear(&err);
    if (c->env->config != NULL)
        limits.max_bytes = c->env->config->max_doc_bytes;
    if (!may_replace(c))
        return;

    /* Models paste XML with a BOM, blank lines, or inside a Markdown code
     * fence: the document is what lies within. */
    size_t src_len = strlen(source);
    const char *body = source;
    size_t body_len = src_len;
    bool fenced = false;
    unfence(&body, &body_len, &fenced);
    if (type == NULL) {
        /* A document starts with '<'; a path never does. */
        if (body_len > 0 && body[0] == '<') {
            type = "string";
        } else if (fenced || memchr(source, '\n', src_len) != NULL ||
                   memchr(source, '<', src_len) != NULL) {
            tool_fail(c, "argument 'source' is neither a path nor an IDS document: XML must "
                         "start with '<' (a BOM, blanks or a ``` fence before it are fine); "
                         "it begins '%s'. Pass the XML itself, or a file path with "
                         "source_type file.",
                      BASE_QUOTE(source, 40));
            goto out;
        } else {
            type = "file";
        }
    }
    if (fenced)
        tool_note(c, "source: the Markdown code fence around the XML was dropped");
    ids_status st;
    if (strcmp(type, "file") == 0) {
        if (!tool_path_for_read(c, source, &path))
            goto out;
        st = ids_doc_load_file(path, &limits, &doc, &err);
    } else {
        st = ids_doc_load_string(body, body_len, &limits, &doc, &err);
    }
    if (st != IDS_OK) {
        if (st == IDS_ERR_LIMIT)
            tool_fail_ids(c, &err, "The document is over a limit of this server (size, "
                                   "nesting or attributes per element)");
        else if (st == IDS_ERR_IO)
            tool_fail_ids(c, &err, "Could not read the file");
        else
            tool_fail_ids(c, &err, "Could not load the IDS document");
        goto out;
    }
    /* The input limit bounds the parse; the held document is measured as
     * export writes it (a document without indentation grows when
     * written), so what loads can also be exported and loaded back. */
    size_t bytes = ids_doc_serialized_size(doc);
    if (!tool_doc_fits(c, bytes)) {
        ids_doc_free(doc);
        goto out;
    }
    const ids_schema *schema = c->env->config != NULL ? c->env->config->schema : NULL;
    ids_error_clear(&err);
    if (ids_validate(doc, schema, &report, &err) != IDS_OK) {
        ids_doc_free(doc);
        tool_fail_ids(c, &err, "The document loaded but could not be validated");
        goto out;
    }
    ids_error_clear(&err);
    if (ids_doc_summary(doc, &sum, &err) != IDS_OK) {
        ids_doc_free(doc);
        tool_fail_ids(c, &err, "The document loaded but could not be read");
        goto out;
    }
    if (!tool_install_doc(c, doc, bytes, &replaced))
        goto out;
    json_t *specs = json_array();
    for (size_t i = 0; i < sum->n_specs; i++)
        json_array_append_new(specs, spec_summary_json(c->ts, &sum->specs[i], i));
    json_t *r = json_object();
    json_object_set_new(r, "status", json_string("loaded"));
    json_object_set_new(r, "session_id", json_string(c->env->used_session_id));
    json_object_set_new(r, "source_type", json_string(type));
    if (path != NULL)
        json_object_set_new(r, "file_path", json_string(path));
    json_object_set_new(r, "title", json_string(sum->info[IDS_INFO_TITLE] != NULL
                                                    ? sum->info[IDS_INFO_TITLE] : ""));
    if (sum->info[IDS_INFO_AUTHOR] != NULL)
        json_object_set_new(r, "author", json_string(sum->info[IDS_INFO_AUTHOR]));
    json_object_set_new(r, "info", info_json(sum->info));
    json_object_set_new(r, "specification_count", json_integer((json_int_t)sum->n_specs));
    json_object_set_new(r, "specifications", specs);
    json_object_set_new(r, "validation", report_json(report, LOAD_FINDINGS_SHOWN));
    json_object_set_new(r, "replaced_document", json_boolean(replaced));
    bool valid = ids_report_valid(report);
    tool_ok(c, r, "Loaded '%s' with %zu specification%s; %s%s.",
            sum->info[IDS_INFO_TITLE] != NULL ? sum->info[IDS_INFO_TITLE] : "",
            sum->n_specs, sum->n_specs == 1 ? "" : "s",
            valid ? "it is valid" : "it is NOT valid (see validation.errors; "
                                    "validate_ids lists every finding)",
            replaced ? "; it replaces this session's previous document" : "");
out:
    ids_report_free(report);
    ids_summary_free(sum);
    free(path);
}

/* ---- export_ids ---- */

static void export_impl(tool_ctx *c)
{
    const char *output = tool_arg_str(c, "output_path");
    json_t *vflag = tool_arg(c, "validate");
    bool validate = vflag == NULL || json_is_true(vflag);
    ids_doc *doc = c->ts->doc;
    ids_report *report = NULL;
    ids_error err;
    char *path = NULL;
    char *xml = NULL;
    size_t len = 0;
    ids_error_clear(&err);

    json_t *r = json_object();
    json_object_set_new(r, "status", json_string("exported"));
    if (validate) {
        const ids_schema *schema = c->env->config != NULL ? c->env->config->schema : NULL;
        if (ids_validate(doc, schema, &report, &err) != IDS_OK) {
            tool_fail_ids(c, &err, "Could not validate the document before export");
            goto out;
        }
        json_object_set_new(r, "validation", report_json(report, LOAD_FINDINGS_SHOWN));
    }
    const char *verdict = !validate ? "not validated"
                          : ids_report_valid(report)
                              ? "valid"
                              : "NOT valid (see validation.errors; validate_ids lists every "
                                "finding)";
    if (output != NULL) {
        if (!tool_path_for_write(c, output, &path))
            goto out;
        ids_error_clear(&err);
        if (ids_doc_write_file(doc, path, &err) != IDS_OK) {
            tool_fail_ids(c, &err, "Could not write the file");
            goto out;
        }
        json_object_set_new(r, "file_path", json_string(path));
        c->ts->unexported = false;
        tool_ok(c, r, "Wrote the IDS document to %s; it is %s.", path, verdict);
        r = NULL;
        goto out;
    }
    ids_error_clear(&err);
    if (ids_doc_to_string(doc, &xml, &len, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not serialize the document");
        goto out;
    }
    c->ts->unexported = false;
    json_object_set_new(r, "xml", json_stringn(xml, len));
    json_object_set_new(r, "bytes", json_integer((json_int_t)len));
    char head[512];
    snprintf(head, sizeof(head), "IDS document, %zu bytes; it is %s.\n\n", len, verdict);
    size_t head_len = strlen(head);
    char *text = malloc(head_len + len + 1);
    if (text != NULL) {
        memcpy(text, head, head_len);
        memcpy(text + head_len, xml, len + 1);
    }
    tool_ok_text(c, r, text);
    r = NULL;
out:
    json_decref(r);
    ids_report_free(report);
    free(path);
    free(xml);
}

/* ---- get_ids_info ---- */

static void info_impl(tool_ctx *c)
{
    ids_summary *sum = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_doc_summary(c->ts->doc, &sum, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not read the document");
        return;
    }
    json_t *specs = json_array();
    for (size_t i = 0; i < sum->n_specs; i++)
        json_array_append_new(specs, spec_summary_json(c->ts, &sum->specs[i], i));
    json_t *r = json_object();
    json_object_set_new(r, "info", info_json(sum->info));
    json_object_set_new(r, "specification_count", json_integer((json_int_t)sum->n_specs));
    json_object_set_new(r, "specifications", specs);
    size_t current;
    if (tool_memory_spec(c->ts, &current) && current < sum->n_specs) {
        char h[TOOL_HANDLE_SIZE];
        json_object_set_new(r, "current_spec_id",
                            json_string(tool_spec_handle(c->ts, current, h)));
    }
    tool_ok(c, r, "IDS document '%s' with %zu specification%s.",
            sum->info[IDS_INFO_TITLE] != NULL ? sum->info[IDS_INFO_TITLE] : "",
            sum->n_specs, sum->n_specs == 1 ? "" : "s");
    ids_summary_free(sum);
}

/* ---- update_ids_info ---- */

static void update_info_impl(tool_ctx *c)
{
    ids_doc *doc = c->ts->doc;
    char *old[IDS_INFO_FIELD_COUNT] = {0};
    bool applied[IDS_INFO_FIELD_COUNT] = {0};
    json_t *updated = json_array();
    json_t *cleared = json_array();
    ids_error err;
    ids_error_clear(&err);
    if (!tool_check_room(c))
        goto rollback;

    for (int f = 0; f < IDS_INFO_FIELD_COUNT; f++) {
        const char *name = ids_info_field_name((ids_info_field)f);
        json_t *v = tool_arg(c, name);
        if (v == NULL)
            continue;
        if (f == IDS_INFO_TITLE && json_is_null(v)) {
            tool_fail(c, "The title cannot be cleared: IDS requires one. Give a new title "
                         "instead.");
            goto rollback;
        }
        old[f] = ids_info_get_dup(doc, (ids_info_field)f);
        const char *value = json_string_value(v);
        if (ids_info_set(doc, (ids_info_field)f, value, &err) != IDS_OK) {
            char prefix[64];
            snprintf(prefix, sizeof(prefix), "Could not set %s (nothing was changed)", name);
            tool_fail_ids(c, &err, prefix);
            goto rollback;
        }
        applied[f] = true;
        json_array_append_new(value != NULL ? updated : cleared, json_string(name));
    }
    if (json_array_size(updated) + json_array_size(cleared) == 0) {
        tool_fail(c, "Nothing to update: give at least one of title, copyright, version, "
                     "description, author, date, purpose, milestone (null clears a field).");
        goto out;
    }
    tool_mark_changed(c);
    char *info[IDS_INFO_FIELD_COUNT];
    for (int f = 0; f < IDS_INFO_FIELD_COUNT; f++)
        info[f] = ids_info_get_dup(doc, (ids_info_field)f);
    json_t *r = json_object();
    json_object_set_new(r, "status", json_string("updated"));
    json_object_set_new(r, "updated", updated);
    json_object_set_new(r, "cleared", cleared);
    json_object_set_new(r, "info", info_json(info));
    updated = cleared = NULL;
    for (int f = 0; f < IDS_INFO_FIELD_COUNT; f++)
        free(info[f]);
    tool_ok(c, r, "Updated the document's info.");
    goto out;
rollback:
    /* Put back what this call already changed, so a refused field leaves
     * the whole info block as it was. */
    for (int f = 0; f < IDS_INFO_FIELD_COUNT; f++)
        if (applied[f])
            ids_info_set(doc, (ids_info_field)f, old[f], NULL);
out:
    for (int f = 0; f < IDS_INFO_FIELD_COUNT; f++)
        free(old[f]);
    json_decref(updated);
    json_decref(cleared);
}

/* ---- validate_ids ---- */

static void validate_impl(tool_ctx *c)
{
    json_t *xflag = tool_arg(c, "use_xsd");
    bool use_xsd = xflag == NULL || json_is_true(xflag);
    const ids_schema *schema = c->env->config != NULL ? c->env->config->schema : NULL;
    ids_report *report = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_validate(c->ts->doc, use_xsd ? schema : NULL, &report, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not validate the document");
        return;
    }
    json_t *r = report_json(report, 0);
    json_object_set_new(r, "xsd_configured", json_boolean(schema != NULL));
    bool valid = ids_report_valid(report);
    size_t n = (size_t)json_integer_value(json_object_get(r, "error_count"));
    tool_ok(c, r, valid ? "The document is valid%s."
                        : "The document is NOT valid%s: %zu error(s); fix them with the "
                          "editing tools and validate again.",
            report->xsd_checked ? " (built-in rules and the official XSD)"
                                : " (built-in rules)",
            n);
    ids_report_free(report);
}

/* ---- table ---- */

const tool_def tool_group_document[] = {
    {
        .name = "create_ids",
        .title = "Create an IDS document",
        .description =
            "Starts an IDS 1.0 document and returns its session_id for the other tools. "
            "Next: add_specification.",
        .input_schema = TOOL_IN(INFO_PROPS("\"string\"") "," REPLACE_PROP, "\"title\"", ""),
        .output_schema = TOOL_OUT("\"status\":{\"const\":\"created\"},\"title\":" TOOL_S
                                  ",\"replaced_document\":" TOOL_B,
                                  ",\"replaced_document\""),
        .read_only = false,
        .destructive = true,
        .idempotent = false,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_MAY_MINT,
        .impl = create_impl,
    },
    {
        .name = "load_ids",
        .title = "Load an IDS document",
        .description =
            "Loads an IDS document from a file in the allowed folders or from XML text "
            "(a Markdown fence is fine); returns session_id, specifications, findings.",
        .input_schema = TOOL_IN("\"source\":{\"type\":\"string\",\"minLength\":1,"
                                "\"description\":\"A file path, or the XML.\"},"
                                "\"source_type\":{\"enum\":[\"file\",\"string\"],"
                                "\"description\":\"Default: guessed.\"}," REPLACE_PROP,
                                "\"source\"", ""),
        .output_schema = TOOL_OUT("\"status\":{\"const\":\"loaded\"},\"title\":" TOOL_S
                                  ",\"specifications\":" TOOL_A ",\"validation\":"
                                  VALIDATION_OUT ",\"replaced_document\":" TOOL_B,
                                  ",\"specifications\",\"validation\""),
        .read_only = false,
        .destructive = true,
        .idempotent = false,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_MAY_MINT,
        .impl = load_impl,
    },
    {
        .name = "export_ids",
        .title = "Export the IDS document",
        .description =
            "Returns the document as XML, or writes it to output_path in the allowed "
            "folders. Validates first unless validate is false.",
        .input_schema = TOOL_IN("\"output_path\":{\"type\":\"string\",\"minLength\":1,"
                                "\"description\":\"Such as walls.ids; without it the "
                                "XML is returned.\"},\"validate\":{\"type\":\"boolean\","
                                "\"default\":true}",
                                "", ""),
        .output_schema = TOOL_OUT("\"status\":{\"const\":\"exported\"},\"xml\":" TOOL_S
                                  ",\"file_path\":" TOOL_S ",\"validation\":"
                                  VALIDATION_OUT,
                                  ",\"status\""),
        .read_only = false,
        .destructive = true, /* an existing file at output_path is replaced */
        .idempotent = true,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = export_impl,
    },
    {
        .name = "get_ids_info",
        .title = "Describe the IDS document",
        .description =
            "Returns the info block and a summary of every specification; "
            "current_spec_id is the default spec_id.",
        .input_schema = TOOL_IN_SESSION_ONLY,
        .output_schema = TOOL_OUT("\"info\":" TOOL_O ",\"specifications\":" TOOL_A
                                  ",\"current_spec_id\":" TOOL_S,
                                  ",\"info\",\"specifications\""),
        .read_only = true,
        .destructive = false,
        .idempotent = true,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = info_impl,
    },
    {
        .name = "update_ids_info",
        .title = "Update the document info",
        .description =
            "Sets info fields; null clears one (not the title). When a field is refused "
            "nothing changes.",
        .input_schema = TOOL_IN(INFO_PROPS("[\"string\",\"null\"]"), "", ""),
        .output_schema = TOOL_OUT("\"status\":{\"const\":\"updated\"},\"updated\":"
                                  TOOL_A ",\"cleared\":" TOOL_A ",\"info\":" TOOL_O,
                                  ",\"info\""),
        .read_only = false,
        .destructive = false,
        .idempotent = true,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = update_info_impl,
    },
    {
        .name = "validate_ids",
        .title = "Validate the IDS document",
        .description =
            "Checks the document against IDS 1.0 (structure, audit rules, the XSD when "
            "configured); findings have rule, message, path, line.",
        .input_schema = TOOL_IN("\"use_xsd\":{\"type\":\"boolean\",\"default\":true}", "",
                                ""),
        .output_schema = TOOL_OUT("\"valid\":" TOOL_B ",\"error_count\":" TOOL_I
                                  ",\"errors\":" TOOL_A ",\"warnings\":" TOOL_A,
                                  ",\"valid\",\"errors\""),
        .read_only = true,
        .destructive = false,
        .idempotent = true,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = validate_impl,
    },
};
const size_t tool_group_document_count =
    sizeof(tool_group_document) / sizeof(tool_group_document[0]);
