/*
 * test_ids_validate_testcases.c - the built-in structural verdict against
 * libxml2's XSD verdict (the official ids.xsd) on every buildingSMART
 * test-case file and on mutants of them, plus the audit verdict on the
 * test cases.
 *
 * The shared folder is found through IDSD_SHARED_IDS (default ../shared/ids
 * beside the source tree); without it, or without the W3C schemas the XSD
 * needs offline, every case here is reported as skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ids/validate_internal.h"
#include "testutil.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ids_schema *schema;
static char **files;
static size_t n_files;
static char skip_reason[1024];

/* ---- loading ---- */

static ids_doc *load(const char *path)
{
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_doc_load_file(path, NULL, &doc, &err) != IDS_OK) {
        print_message("cannot load %s: %s\n", path, err.message);
        return NULL;
    }
    return doc;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int setup(void **state)
{
    (void)state;
    ids_library_init();
    const char *dir = testutil_shared_ids_dir();
    if (dir == NULL) {
        snprintf(skip_reason, sizeof(skip_reason), "shared IDS folder absent");
        return 0;
    }
    ids_error err;
    ids_error_clear(&err);
    if (ids_schema_load(testutil_shared_path("ids.xsd"), NULL, &schema, &err) != IDS_OK) {
        snprintf(skip_reason, sizeof(skip_reason), "official XSD unavailable: %s",
                 err.message);
        schema = NULL;
        return 0;
    }
    char tc[4096];
    snprintf(tc, sizeof(tc), "%s/testcases", dir);
    files = testutil_list_ids_files(tc, &n_files);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ids_schema_free(schema);
    testutil_free_list(files, n_files);
    ids_library_cleanup();
    return 0;
}

#define REQUIRE_SHARED()                               \
    do {                                               \
        if (schema == NULL) {                          \
            print_message("skipped: %s\n", skip_reason); \
            skip();                                    \
        }                                              \
    } while (0)

static void dump_report(const char *what, const ids_report *r)
{
    print_message("%s: built-in %s, XSD %s\n", what, r->structure_valid ? "valid" : "invalid",
                  r->xsd_valid ? "valid" : "invalid");
    for (size_t i = 0; i < r->n_findings; i++)
        print_message("  built-in [%s] %s (%s:%d)\n", r->findings[i].rule,
                      r->findings[i].message, r->findings[i].path, r->findings[i].line);
    for (size_t i = 0; i < r->n_xsd_findings; i++)
        print_message("  xsd %s (%s:%d)\n", r->xsd_findings[i].message,
                      r->xsd_findings[i].path, r->xsd_findings[i].line);
}

static size_t audit_errors(const ids_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        if (strcmp(r->findings[i].rule, "XSD") != 0 &&
            r->findings[i].severity == IDS_SEVERITY_ERROR)
            n++;
    return n;
}

/* ---- the 314 files ---- */

/* Each invalid-* file (folder/name) and the audit rule that must report it
 * as an error. The rules marked [IFC] in the IDS reference name the IFC
 * versions their message is about, so their messages must begin with one;
 * E1's check of the name's form (upper case) needs no IFC data and names
 * no version. */
static const struct {
    const char *file;
    const char *rule;
} expected[] = {
    {"attribute/invalid-booleans_must_be_specified_as_lowercase_strings_2_3.ids", "A3"},
    {"attribute/invalid-derived_attributes_cannot_be_checked_and_always_fail.ids", "A1"},
    {"attribute/invalid-integers_cannot_be_expressed_as_floating_point_numbers_2_2.ids", "A3"},
    {"attribute/invalid-invalid_attribute_names_always_fail.ids", "A4"},
    {"attribute/invalid-inverse_attributes_cannot_be_checked_and_always_fail.ids", "A1"},
    {"attribute/invalid-only_specifically_formatted_numbers_are_allowed_1_4.ids", "A3"},
    {"attribute/invalid-only_specifically_formatted_numbers_are_allowed_2_4.ids", "A3"},
    {"attribute/invalid-specifying_a_float_when_the_value_is_an_integer_is_invalid.ids", "A3"},
    {"attribute/invalid-value_checks_always_fail_for_lists.ids", "A2"},
    {"attribute/invalid-value_checks_always_fail_for_objects.ids", "A2"},
    {"attribute/invalid-value_checks_always_fail_for_selects.ids", "A2"},
    {"entity/invalid-an_entity_not_matching_the_specified_class_should_fail.ids", "S6"},
    {"entity/invalid-entities_can_be_specified_as_a_xsd_regex_pattern_1_2.ids", "S6"},
    {"entity/invalid-entities_can_be_specified_as_an_enumeration_3_3.ids", "S6"},
    {"entity/invalid-entities_must_be_specified_as_uppercase_strings.ids", "E1"},
    {"entity/invalid-invalid_entities_always_fail.ids", "E1"},
    {"entity/invalid-subclasses_are_not_considered_as_matching.ids", "S6"},
    {"ids/invalid-prohibited_specifications_invalid_if_requirements_are_specified.ids", "S4"},
    {"partof/invalid-a_group_predefined_type_must_match_exactly_2_2.ids", "E2"},
    {"property/invalid-booleans_must_be_specified_as_lowercase_strings_3_3.ids", "P5"},
    {"property/invalid-integer_values_are_checked_using_type_casting_4_4.ids", "P5"},
    {"property/invalid-integer_values_cannot_be_stored_with_decimal_2_4.ids", "P5"},
    {"property/invalid-integer_values_cannot_be_stored_with_decimal_3_4.ids", "P5"},
    {"property/invalid-only_specifically_formatted_numbers_are_allowed_1_4.ids", "P5"},
    {"property/invalid-only_specifically_formatted_numbers_are_allowed_2_4.ids", "P5"},
    {"restriction/invalid-patterns_always_fail_on_any_number.ids", "A3"},
    {"restriction/invalid-patterns_only_work_on_strings_and_nothing_else.ids", "A3"},
};

static const char *expected_rule(const char *path)
{
    const char *at = strstr(path, "/testcases/");
    if (at == NULL)
        return NULL;
    at += strlen("/testcases/");
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        if (strcmp(at, expected[i].file) == 0)
            return expected[i].rule;
    return NULL;
}

/* True when an error of rule exists, and for a rule that needs IFC data,
 * its message begins with the IFC versions it is about. */
static bool has_error_naming_version(const ids_report *r, const char *rule, const char *path)
{
    static const char *const ifc_rules[] = {"E1", "E2", "A1", "A2", "A3", "A4", "S6", NULL};
    bool ifc_rule = false;
    for (size_t i = 0; ifc_rules[i] != NULL; i++)
        if (strcmp(rule, ifc_rules[i]) == 0)
            ifc_rule = true;
    if (strstr(path, "invalid-entities_must_be_specified_as_uppercase_strings") != NULL)
        ifc_rule = false;
    for (size_t i = 0; i < r->n_findings; i++) {
        const ids_finding *f = &r->findings[i];
        if (strcmp(f->rule, rule) != 0 || f->severity != IDS_SEVERITY_ERROR)
            continue;
        if (!ifc_rule || starts_with(f->message, "IFC2X3") || starts_with(f->message, "IFC4"))
            return true;
    }
    return false;
}

static void test_testcases_agree(void **state)
{
    (void)state;
    REQUIRE_SHARED();
    assert_true(n_files >= 300);
    size_t disagree = 0, xsd_invalid = 0, false_positive = 0, missed = 0, n_invalid = 0;
    size_t n_caught = 0;
    for (size_t i = 0; i < n_files; i++) {
        ids_doc *doc = load(files[i]);
        assert_non_null(doc);
        ids_report *r = NULL;
        ids_error err;
        ids_error_clear(&err);
        assert_int_equal(ids_validate(doc, schema, &r, &err), IDS_OK);
        assert_true(r->xsd_checked);
        if (r->structure_valid != r->xsd_valid) {
            disagree++;
            dump_report(files[i], r);
        }
        if (!r->xsd_valid)
            xsd_invalid++;
        const char *name = base_name(files[i]);
        if (starts_with(name, "invalid-")) {
            n_invalid++;
            const char *rule = expected_rule(files[i]);
            if (rule != NULL)
                n_caught++;
            if (rule == NULL || !has_error_naming_version(r, rule, files[i])) {
                missed++;
                print_message("%s: expected rule %s\n", files[i], rule != NULL ? rule : "?");
                dump_report(files[i], r);
            }
        } else if (audit_errors(r) > 0) {
            false_positive++;
            dump_report(files[i], r);
        }
        ids_report_free(r);
        ids_doc_free(doc);
    }
    print_message("%zu files, %zu invalid-* caught with their rule\n", n_files, n_caught);
    assert_int_equal(disagree, 0);
    assert_int_equal(xsd_invalid, 0);
    assert_int_equal(false_positive, 0);
    assert_int_equal(missed, 0);
    assert_int_equal(n_invalid, 27);
    assert_int_equal(n_caught, sizeof(expected) / sizeof(expected[0]));
}

/* ---- mutants ---- */

static xmlNode *find_nth(xmlNode *node, const char *ns, const char *name, int *nth)
{
    for (xmlNode *c = node; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        bool ns_ok = ns == NULL ? c->ns == NULL
                                : c->ns != NULL && strcmp((const char *)c->ns->href, ns) == 0;
        if (ns_ok && strcmp((const char *)c->name, name) == 0 && (*nth)-- == 0)
            return c;
        xmlNode *found = find_nth(c->children, ns, name, nth);
        if (found != NULL)
            return found;
    }
    return NULL;
}

/* The nth (0-based, document order) IDS element with that name. */
static xmlNode *find(xmlDocPtr d, const char *name, int nth)
{
    return find_nth(xmlDocGetRootElement(d), IDS_NAMESPACE, name, &nth);
}

static xmlNode *find_xs(xmlDocPtr d, const char *name, int nth)
{
    return find_nth(xmlDocGetRootElement(d), IDS_XS_NAMESPACE, name, &nth);
}

/* First IDS element `name` that is a child of an element `parent`. */
static xmlNode *find_in(xmlDocPtr d, const char *parent, const char *name)
{
    for (int i = 0;; i++) {
        xmlNode *p = find(d, parent, i);
        if (p == NULL)
            return NULL;
        xmlNode *c = ids_child(p, name);
        if (c != NULL)
            return c;
    }
}

static xmlNs *ids_ns(xmlDocPtr d)
{
    return xmlDocGetRootElement(d)->ns;
}

static xmlNs *xs_ns(xmlDocPtr d)
{
    xmlNode *root = xmlDocGetRootElement(d);
    xmlNs *ns = xmlSearchNsByHref(d, root, (const xmlChar *)IDS_XS_NAMESPACE);
    return ns != NULL ? ns : xmlNewNs(root, (const xmlChar *)IDS_XS_NAMESPACE,
                                      (const xmlChar *)"xs");
}

static bool drop(xmlNode *n)
{
    if (n == NULL)
        return false;
    xmlUnlinkNode(n);
    xmlFreeNode(n);
    return true;
}

static bool set_attr(xmlNode *n, const char *name, const char *value)
{
    if (n == NULL)
        return false;
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
    return true;
}

static bool drop_attr(xmlNode *n, const char *name)
{
    if (n == NULL || !xmlHasProp(n, (const xmlChar *)name))
        return false;
    xmlUnsetProp(n, (const xmlChar *)name);
    return true;
}

static bool swap_with_next(xmlNode *a)
{
    xmlNode *b = a != NULL ? ids_next_element(a) : NULL;
    if (b == NULL)
        return false;
    xmlUnlinkNode(b);
    xmlAddPrevSibling(a, b);
    return true;
}

static xmlNode *new_ids(xmlDocPtr d, const char *name, const char *text)
{
    return xmlNewDocNode(d, ids_ns(d), (const xmlChar *)name, (const xmlChar *)text);
}

static xmlNode *new_simple(xmlDocPtr d, const char *name, const char *value)
{
    xmlNode *n = new_ids(d, name, NULL);
    xmlAddChild(n, new_ids(d, "simpleValue", value));
    return n;
}

/* Puts an info field at its place in the XSD order (replacing one there). */
static bool set_info(xmlDocPtr d, const char *field, const char *text)
{
    xmlNode *info = find(d, "info", 0);
    if (info == NULL)
        return false;
    drop(ids_child(info, field));
    int rank = ids_info_field_from_name(field);
    xmlNode *after = NULL;
    for (xmlNode *c = ids_first_element(info); c != NULL; c = ids_next_element(c))
        if (ids_info_field_from_name((const char *)c->name) < rank)
            after = c;
    xmlNode *n = new_ids(d, field, NULL);
    xmlNodeAddContent(n, (const xmlChar *)text);
    if (after != NULL)
        xmlAddNextSibling(after, n);
    else if (ids_first_element(info) != NULL)
        xmlAddPrevSibling(ids_first_element(info), n);
    else
        xmlAddChild(info, n);
    return true;
}

static xmlNode *first_facet(xmlDocPtr d, const char *location)
{
    xmlNode *loc = find(d, location, 0);
    return loc != NULL ? ids_facet_node(loc, 0) : NULL;
}

static xmlNode *first_restriction(xmlDocPtr d)
{
    return find_xs(d, "restriction", 0);
}

static xmlNode *add_xs(xmlDocPtr d, xmlNode *parent, const char *name, const char *value)
{
    if (parent == NULL)
        return NULL;
    xmlNode *n = xmlNewDocNode(d, xs_ns(d), (const xmlChar *)name, NULL);
    if (value != NULL)
        xmlSetProp(n, (const xmlChar *)"value", (const xmlChar *)value);
    xmlAddChild(parent, n);
    return n;
}

/* Each mutant kind edits a copy; false when the file has nothing to edit. */
typedef bool (*mutant_fn)(xmlDocPtr d);

static bool m_drop_info(xmlDocPtr d) { return drop(find(d, "info", 0)); }
static bool m_drop_specifications(xmlDocPtr d) { return drop(find(d, "specifications", 0)); }
static bool m_drop_title(xmlDocPtr d) { return drop(find(d, "title", 0)); }
static bool m_drop_all_specs(xmlDocPtr d)
{
    bool any = false;
    while (drop(find(d, "specification", 0)))
        any = true;
    return any;
}
static bool m_drop_applicability(xmlDocPtr d) { return drop(find(d, "applicability", 0)); }
static bool m_drop_spec_name(xmlDocPtr d) { return drop_attr(find(d, "specification", 0), "name"); }
static bool m_drop_ifc_version(xmlDocPtr d)
{
    return drop_attr(find(d, "specification", 0), "ifcVersion");
}
static bool m_ifc_empty(xmlDocPtr d) { return set_attr(find(d, "specification", 0), "ifcVersion", ""); }
static bool m_ifc_ifc4x3(xmlDocPtr d)
{
    return set_attr(find(d, "specification", 0), "ifcVersion", "IFC4X3");
}
static bool m_ifc_spaces(xmlDocPtr d)
{
    return set_attr(find(d, "specification", 0), "ifcVersion", " IFC4\t IFC2X3  ");
}
static bool m_ifc_lower(xmlDocPtr d) { return set_attr(find(d, "specification", 0), "ifcVersion", "ifc4"); }
static bool m_swap_info_specs(xmlDocPtr d) { return swap_with_next(find(d, "info", 0)); }
static bool m_swap_title_next(xmlDocPtr d) { return swap_with_next(find(d, "title", 0)); }
static bool m_author_bad(xmlDocPtr d) { return set_info(d, "author", "nobody"); }
static bool m_author_good(xmlDocPtr d) { return set_info(d, "author", "someone@example.org"); }
static bool m_author_no_dot(xmlDocPtr d) { return set_info(d, "author", "a@b"); }
static bool m_author_newline(xmlDocPtr d) { return set_info(d, "author", "a@b.c\n"); }
static bool m_date_feb30(xmlDocPtr d) { return set_info(d, "date", "2024-02-30"); }
static bool m_date_feb29_common(xmlDocPtr d) { return set_info(d, "date", "2023-02-29"); }
static bool m_date_feb29_leap(xmlDocPtr d) { return set_info(d, "date", "2024-02-29"); }
static bool m_date_spaces(xmlDocPtr d) { return set_info(d, "date", " 2024-01-01 "); }
static bool m_date_short(xmlDocPtr d) { return set_info(d, "date", "2024-1-1"); }
static bool m_date_time(xmlDocPtr d) { return set_info(d, "date", "2024-01-01T10:00:00"); }
static bool m_date_zone(xmlDocPtr d) { return set_info(d, "date", "2024-01-01+02:00"); }
static bool m_date_before_author(xmlDocPtr d)
{
    set_info(d, "author", "a@b.org");
    set_info(d, "date", "2024-01-01");
    return swap_with_next(find(d, "author", 0));
}
static bool m_min_abc(xmlDocPtr d) { return set_attr(find(d, "applicability", 0), "minOccurs", "abc"); }
static bool m_min_negative(xmlDocPtr d) { return set_attr(find(d, "applicability", 0), "minOccurs", "-1"); }
static bool m_min_spaced(xmlDocPtr d) { return set_attr(find(d, "applicability", 0), "minOccurs", " 0 "); }
static bool m_max_spaced(xmlDocPtr d)
{
    return set_attr(find(d, "applicability", 0), "maxOccurs", "unbounded ");
}
static bool m_max_many(xmlDocPtr d) { return set_attr(find(d, "applicability", 0), "maxOccurs", "many"); }
static bool m_max_plus(xmlDocPtr d) { return set_attr(find(d, "applicability", 0), "maxOccurs", "+5"); }
static bool m_max_empty(xmlDocPtr d) { return set_attr(find(d, "applicability", 0), "maxOccurs", ""); }
static bool m_card_in_applicability(xmlDocPtr d)
{
    return set_attr(first_facet(d, "applicability"), "cardinality", "required");
}
static bool m_card_optional_partof(xmlDocPtr d)
{
    return set_attr(find_in(d, "requirements", "partOf"), "cardinality", "optional");
}
static bool m_card_capital(xmlDocPtr d)
{
    xmlNode *f = first_facet(d, "requirements");
    if (f == NULL || ids_node_is(f, "entity"))
        return false;
    return set_attr(f, "cardinality", "Required");
}
static bool m_card_optional(xmlDocPtr d)
{
    xmlNode *f = find_in(d, "requirements", "property");
    return set_attr(f != NULL ? f : find_in(d, "requirements", "attribute"), "cardinality",
                    "optional");
}
static bool m_card_on_entity(xmlDocPtr d)
{
    return set_attr(find_in(d, "requirements", "entity"), "cardinality", "required");
}
static bool m_relation_half(xmlDocPtr d)
{
    return set_attr(find(d, "partOf", 0), "relation", "IFCRELVOIDSELEMENT");
}
static bool m_relation_nests(xmlDocPtr d) { return set_attr(find(d, "partOf", 0), "relation", "IFCRELNESTS"); }
static bool m_relation_pair(xmlDocPtr d)
{
    return set_attr(find(d, "partOf", 0), "relation", "IFCRELVOIDSELEMENT IFCRELFILLSELEMENT");
}
static bool m_datatype_camel(xmlDocPtr d) { return set_attr(find(d, "property", 0), "dataType", "IfcLabel"); }
static bool m_datatype_space(xmlDocPtr d) { return set_attr(find(d, "property", 0), "dataType", "IFC LABEL"); }
static bool m_datatype_good(xmlDocPtr d) { return set_attr(find(d, "property", 0), "dataType", "IFCLABEL"); }
static bool m_datatype_on_attribute(xmlDocPtr d)
{
    return set_attr(find(d, "attribute", 0), "dataType", "IFCLABEL");
}
static bool m_uri_in_applicability(xmlDocPtr d)
{
    return set_attr(first_facet(d, "applicability"), "uri", "http://example.org/x");
}
static bool m_uri_on_attribute(xmlDocPtr d)
{
    return set_attr(find_in(d, "requirements", "attribute"), "uri", "http://example.org/x");
}
static bool m_uri_good(xmlDocPtr d)
{
    xmlNode *f = find_in(d, "requirements", "property");
    return set_attr(f != NULL ? f : find_in(d, "requirements", "classification"), "uri",
                    "https://identifier.buildingsmart.org/uri/x");
}
static bool m_instructions_nested_entity(xmlDocPtr d)
{
    xmlNode *p = find(d, "partOf", 0);
    return set_attr(p != NULL ? ids_child(p, "entity") : NULL, "instructions", "x");
}
static bool m_instructions_applicability(xmlDocPtr d)
{
    return set_attr(first_facet(d, "applicability"), "instructions", "x");
}
static bool m_second_entity_applicability(xmlDocPtr d)
{
    xmlNode *e = find_in(d, "applicability", "entity");
    if (e == NULL)
        return false;
    xmlAddNextSibling(e, xmlCopyNode(e, 1));
    return true;
}
static bool m_second_entity_requirements(xmlDocPtr d)
{
    xmlNode *e = find_in(d, "applicability", "entity");
    xmlNode *req = find(d, "requirements", 0);
    if (e == NULL || req == NULL)
        return false;
    xmlAddChild(req, xmlCopyNode(e, 1));
    xmlAddChild(req, xmlCopyNode(e, 1));
    return true;
}
/* A material (all of whose parts are optional) before the entity breaks
 * the applicability's strict order. */
static bool m_material_before_entity(xmlDocPtr d)
{
    xmlNode *e = find_in(d, "applicability", "entity");
    if (e == NULL)
        return false;
    xmlAddPrevSibling(e, new_ids(d, "material", NULL));
    return true;
}
static bool m_material_after_entity(xmlDocPtr d)
{
    xmlNode *e = find_in(d, "applicability", "entity");
    if (e == NULL)
        return false;
    xmlAddNextSibling(e, new_ids(d, "material", NULL));
    return true;
}
static bool m_swap_requirements_facets(xmlDocPtr d) { return swap_with_next(first_facet(d, "requirements")); }
static bool m_simple_beside_restriction(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL)
        return false;
    xmlAddNextSibling(r, new_ids(d, "simpleValue", "x"));
    return true;
}
static bool m_restriction_beside_simple(xmlDocPtr d)
{
    xmlNode *s = find(d, "simpleValue", 0);
    if (s == NULL)
        return false;
    xmlNode *r = xmlNewDocNode(d, xs_ns(d), (const xmlChar *)"restriction", NULL);
    xmlSetProp(r, (const xmlChar *)"base", (const xmlChar *)"xs:string");
    add_xs(d, r, "enumeration", "x");
    xmlAddNextSibling(s, r);
    return true;
}
static bool m_empty_value(xmlDocPtr d)
{
    xmlNode *s = find(d, "simpleValue", 0);
    return s != NULL && drop(s);
}
static bool m_two_simple(xmlDocPtr d)
{
    xmlNode *s = find(d, "simpleValue", 0);
    if (s == NULL)
        return false;
    xmlAddNextSibling(s, xmlCopyNode(s, 1));
    return true;
}
static bool m_element_in_simple(xmlDocPtr d)
{
    xmlNode *s = find(d, "simpleValue", 0);
    if (s == NULL)
        return false;
    xmlAddChild(s, new_ids(d, "b", "x"));
    return true;
}
static bool m_element_in_title(xmlDocPtr d)
{
    xmlNode *t = find(d, "title", 0);
    if (t == NULL)
        return false;
    xmlAddChild(t, new_ids(d, "title", "x"));
    return true;
}
static bool m_text_in_applicability(xmlDocPtr d)
{
    xmlNode *a = find(d, "applicability", 0);
    if (a == NULL)
        return false;
    xmlAddChild(a, xmlNewDocText(d, (const xmlChar *)"stray"));
    return true;
}
static bool m_comment_pi(xmlDocPtr d)
{
    xmlNode *s = find(d, "specification", 0);
    if (s == NULL)
        return false;
    xmlAddChild(s, xmlNewDocComment(d, (const xmlChar *)"note"));
    xmlAddPrevSibling(ids_first_element(s), xmlNewDocPI(d, (const xmlChar *)"pi", NULL));
    xmlNode *t = find(d, "title", 0);
    if (t != NULL)
        xmlAddChild(t, xmlNewDocComment(d, (const xmlChar *)"in title"));
    return true;
}
static bool m_unknown_attr(xmlDocPtr d) { return set_attr(find(d, "specification", 0), "foo", "bar"); }
static bool m_foreign_attr_ids(xmlDocPtr d)
{
    xmlNode *s = find(d, "specification", 0);
    if (s == NULL)
        return false;
    xmlNs *ns = xmlNewNs(s, (const xmlChar *)"urn:example", (const xmlChar *)"ex");
    xmlSetNsProp(s, ns, (const xmlChar *)"note", (const xmlChar *)"x");
    return true;
}
static bool m_foreign_attr_xs(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL)
        return false;
    xmlNs *ns = xmlNewNs(r, (const xmlChar *)"urn:example", (const xmlChar *)"ex");
    xmlSetNsProp(r, ns, (const xmlChar *)"note", (const xmlChar *)"x");
    return true;
}
static bool m_xs_attr_on_xs(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL)
        return false;
    xmlSetNsProp(r, xs_ns(d), (const xmlChar *)"note", (const xmlChar *)"x");
    return true;
}
static bool m_schema_location_nested(xmlDocPtr d)
{
    xmlNode *s = find(d, "specification", 0);
    xmlNs *xsi = xmlSearchNsByHref(d, xmlDocGetRootElement(d),
                                   (const xmlChar *)IDS_XSI_NAMESPACE);
    if (s == NULL || xsi == NULL)
        return false;
    xmlSetNsProp(s, xsi, (const xmlChar *)"schemaLocation", (const xmlChar *)"urn:a b.xsd");
    return true;
}
static bool m_unknown_element_info(xmlDocPtr d)
{
    xmlNode *info = find(d, "info", 0);
    if (info == NULL)
        return false;
    xmlAddChild(info, new_ids(d, "publisher", "x"));
    return true;
}
static bool m_title_no_namespace(xmlDocPtr d)
{
    xmlNode *t = find(d, "title", 0);
    if (t == NULL)
        return false;
    xmlSetNs(t, NULL);
    return true;
}
static bool m_swap_classification_params(xmlDocPtr d)
{
    xmlNode *c = find(d, "classification", 0);
    return c != NULL && ids_child(c, "value") != NULL && swap_with_next(ids_child(c, "value"));
}
static bool m_drop_system(xmlDocPtr d)
{
    xmlNode *c = find(d, "classification", 0);
    return c != NULL && drop(ids_child(c, "system"));
}
static bool m_drop_base_name(xmlDocPtr d)
{
    xmlNode *p = find(d, "property", 0);
    return p != NULL && drop(ids_child(p, "baseName"));
}
static bool m_drop_entity_name(xmlDocPtr d)
{
    xmlNode *e = find(d, "entity", 0);
    return e != NULL && drop(ids_child(e, "name"));
}
static bool m_predefined_first(xmlDocPtr d)
{
    for (int i = 0;; i++) {
        xmlNode *e = find(d, "entity", i);
        if (e == NULL)
            return false;
        if (ids_child(e, "predefinedType") != NULL)
            return swap_with_next(ids_child(e, "name"));
    }
}
static bool m_add_predefined(xmlDocPtr d)
{
    xmlNode *e = find(d, "entity", 0);
    if (e == NULL || ids_child(e, "predefinedType") != NULL)
        return false;
    xmlAddChild(e, new_simple(d, "predefinedType", "USERDEFINED"));
    return true;
}
static bool m_restriction_no_base(xmlDocPtr d) { return drop_attr(first_restriction(d), "base"); }
static bool m_restriction_undeclared_prefix(xmlDocPtr d)
{
    return set_attr(first_restriction(d), "base", "foo:string");
}
static bool m_restriction_unprefixed(xmlDocPtr d) { return set_attr(first_restriction(d), "base", "string"); }
static bool m_restriction_bad_qname(xmlDocPtr d) { return set_attr(first_restriction(d), "base", "1xs:string"); }
static bool m_total_digits(xmlDocPtr d) { return add_xs(d, first_restriction(d), "totalDigits", "2") != NULL; }
static bool m_total_digits_zero(xmlDocPtr d)
{
    return add_xs(d, first_restriction(d), "totalDigits", "0") != NULL;
}
static bool m_fraction_negative(xmlDocPtr d)
{
    return add_xs(d, first_restriction(d), "fractionDigits", "-1") != NULL;
}
static bool m_length_abc(xmlDocPtr d) { return add_xs(d, first_restriction(d), "length", "abc") != NULL; }
static bool m_length_spaced(xmlDocPtr d) { return add_xs(d, first_restriction(d), "maxLength", " 3 ") != NULL; }
static bool m_facet_no_value(xmlDocPtr d)
{
    return add_xs(d, first_restriction(d), "enumeration", NULL) != NULL;
}
static bool m_enumeration_fixed(xmlDocPtr d)
{
    return set_attr(add_xs(d, first_restriction(d), "enumeration", "x"), "fixed", "true");
}
static bool m_bound_fixed(xmlDocPtr d)
{
    return set_attr(add_xs(d, first_restriction(d), "minInclusive", "1"), "fixed", "true");
}
static bool m_bound_fixed_yes(xmlDocPtr d)
{
    return set_attr(add_xs(d, first_restriction(d), "minInclusive", "1"), "fixed", "yes");
}
static bool m_annotation_first(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL)
        return false;
    xmlNode *a = xmlNewDocNode(d, xs_ns(d), (const xmlChar *)"annotation", NULL);
    xmlNode *doc = xmlNewDocNode(d, xs_ns(d), (const xmlChar *)"documentation",
                                 (const xmlChar *)"why");
    xmlAddChild(a, doc);
    if (ids_first_element(r) != NULL)
        xmlAddPrevSibling(ids_first_element(r), a);
    else
        xmlAddChild(r, a);
    return true;
}
static bool m_annotation_last(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL || ids_first_element(r) == NULL)
        return false;
    add_xs(d, r, "annotation", NULL);
    return true;
}
static bool m_nested_simple_type(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL)
        return false;
    xmlNode *st = xmlNewDocNode(d, xs_ns(d), (const xmlChar *)"simpleType", NULL);
    xmlNode *inner = xmlNewDocNode(d, xs_ns(d), (const xmlChar *)"restriction", NULL);
    xmlSetProp(inner, (const xmlChar *)"base", (const xmlChar *)"xs:string");
    xmlAddChild(st, inner);
    if (ids_first_element(r) != NULL)
        xmlAddPrevSibling(ids_first_element(r), st);
    else
        xmlAddChild(r, st);
    return true;
}
static bool m_simple_type_named(xmlDocPtr d)
{
    if (!m_nested_simple_type(d))
        return false;
    return set_attr(find_xs(d, "simpleType", 0), "name", "t");
}
static bool m_whitespace_collapse(xmlDocPtr d)
{
    return add_xs(d, first_restriction(d), "whiteSpace", "collapse") != NULL;
}
static bool m_whitespace_bad(xmlDocPtr d) { return add_xs(d, first_restriction(d), "whiteSpace", "squash") != NULL; }
static bool m_unknown_xs(xmlDocPtr d) { return add_xs(d, first_restriction(d), "assertion", "x") != NULL; }
static bool m_duplicate_ids(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL)
        return false;
    set_attr(add_xs(d, r, "enumeration", "a"), "id", "dup");
    set_attr(add_xs(d, r, "enumeration", "b"), "id", "dup");
    return true;
}
static bool m_distinct_ids(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL)
        return false;
    set_attr(r, "id", "r1");
    set_attr(add_xs(d, r, "enumeration", "b"), "id", "e1");
    return true;
}
static bool m_bad_id(xmlDocPtr d) { return set_attr(first_restriction(d), "id", "1 x"); }
static bool m_empty_restriction(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL)
        return false;
    while (r->children != NULL)
        drop(r->children);
    return true;
}
static bool m_text_in_restriction(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL)
        return false;
    xmlAddChild(r, xmlNewDocText(d, (const xmlChar *)"text"));
    return true;
}
static bool m_requirements_description(xmlDocPtr d)
{
    return set_attr(find(d, "requirements", 0), "description", "why");
}
static bool m_applicability_description(xmlDocPtr d)
{
    return set_attr(find(d, "applicability", 0), "description", "why");
}
static bool m_second_requirements(xmlDocPtr d)
{
    xmlNode *r = find(d, "requirements", 0);
    if (r == NULL)
        return false;
    xmlAddNextSibling(r, xmlCopyNode(r, 1));
    return true;
}
static bool m_requirements_first(xmlDocPtr d) { return swap_with_next(find(d, "applicability", 0)); }
static bool m_empty_requirements(xmlDocPtr d)
{
    xmlNode *r = find(d, "requirements", 0);
    if (r == NULL)
        return false;
    while (r->children != NULL)
        drop(r->children);
    return true;
}
static bool m_empty_applicability(xmlDocPtr d)
{
    xmlNode *a = find(d, "applicability", 0);
    if (a == NULL)
        return false;
    while (a->children != NULL)
        drop(a->children);
    return true;
}
static bool m_spec_optional_attrs(xmlDocPtr d)
{
    xmlNode *s = find(d, "specification", 0);
    return set_attr(s, "identifier", "ID-1") && set_attr(s, "description", "d") &&
           set_attr(s, "instructions", "i");
}
static bool m_xml_lang_title(xmlDocPtr d)
{
    xmlNode *t = find(d, "title", 0);
    if (t == NULL)
        return false;
    xmlNodeSetLang(t, (const xmlChar *)"en");
    return true;
}
static bool m_restriction_in_ids_ns(xmlDocPtr d)
{
    xmlNode *r = first_restriction(d);
    if (r == NULL)
        return false;
    xmlSetNs(r, ids_ns(d));
    return true;
}
static bool m_partof_no_entity(xmlDocPtr d)
{
    xmlNode *p = find(d, "partOf", 0);
    return p != NULL && drop(ids_child(p, "entity"));
}
static bool m_partof_two_entities(xmlDocPtr d)
{
    xmlNode *p = find(d, "partOf", 0);
    xmlNode *e = p != NULL ? ids_child(p, "entity") : NULL;
    if (e == NULL)
        return false;
    xmlAddNextSibling(e, xmlCopyNode(e, 1));
    return true;
}
static bool m_material_two_values(xmlDocPtr d)
{
    xmlNode *m = find(d, "material", 0);
    if (m == NULL)
        return false;
    xmlAddChild(m, new_simple(d, "value", "a"));
    xmlAddChild(m, new_simple(d, "value", "b"));
    return true;
}
static bool m_attribute_value_first(xmlDocPtr d)
{
    xmlNode *a = find(d, "attribute", 0);
    return a != NULL && ids_child(a, "value") != NULL && swap_with_next(ids_child(a, "name"));
}
static bool m_root_attr(xmlDocPtr d) { return set_attr(xmlDocGetRootElement(d), "version", "1.0"); }
static bool m_xsi_nil(xmlDocPtr d)
{
    xmlNode *t = find(d, "title", 0);
    xmlNs *xsi = xmlSearchNsByHref(d, xmlDocGetRootElement(d),
                                   (const xmlChar *)IDS_XSI_NAMESPACE);
    if (t == NULL || xsi == NULL)
        return false;
    xmlSetNsProp(t, xsi, (const xmlChar *)"nil", (const xmlChar *)"false");
    return true;
}
static bool m_cdata_whitespace(xmlDocPtr d)
{
    xmlNode *s = find(d, "specification", 0);
    if (s == NULL)
        return false;
    xmlAddChild(s, xmlNewCDataBlock(d, (const xmlChar *)"  \n", 3));
    return true;
}
static bool m_append_spec_copy(xmlDocPtr d)
{
    xmlNode *s = find(d, "specification", 0);
    if (s == NULL)
        return false;
    xmlAddNextSibling(s, xmlCopyNode(s, 1));
    return true;
}

static const struct {
    const char *name;
    mutant_fn fn;
} mutants[] = {
#define M(f) {#f, f}
    M(m_drop_info), M(m_drop_specifications), M(m_drop_title), M(m_drop_all_specs),
    M(m_drop_applicability), M(m_drop_spec_name), M(m_drop_ifc_version), M(m_ifc_empty),
    M(m_ifc_ifc4x3), M(m_ifc_spaces), M(m_ifc_lower), M(m_swap_info_specs),
    M(m_swap_title_next), M(m_author_bad), M(m_author_good), M(m_author_no_dot),
    M(m_author_newline), M(m_date_feb30), M(m_date_feb29_common), M(m_date_feb29_leap),
    M(m_date_spaces), M(m_date_short), M(m_date_time), M(m_date_zone),
    M(m_date_before_author), M(m_min_abc), M(m_min_negative), M(m_min_spaced),
    M(m_max_spaced), M(m_max_many), M(m_max_plus), M(m_max_empty),
    M(m_card_in_applicability), M(m_card_optional_partof), M(m_card_capital),
    M(m_card_optional), M(m_card_on_entity), M(m_relation_half), M(m_relation_nests),
    M(m_relation_pair), M(m_datatype_camel), M(m_datatype_space), M(m_datatype_good),
    M(m_datatype_on_attribute), M(m_uri_in_applicability), M(m_uri_on_attribute),
    M(m_uri_good), M(m_instructions_nested_entity), M(m_instructions_applicability),
    M(m_second_entity_applicability), M(m_second_entity_requirements),
    M(m_material_before_entity), M(m_material_after_entity), M(m_swap_requirements_facets),
    M(m_simple_beside_restriction), M(m_restriction_beside_simple), M(m_empty_value),
    M(m_two_simple), M(m_element_in_simple), M(m_element_in_title),
    M(m_text_in_applicability), M(m_comment_pi), M(m_unknown_attr), M(m_foreign_attr_ids),
    M(m_foreign_attr_xs), M(m_xs_attr_on_xs), M(m_schema_location_nested),
    M(m_unknown_element_info), M(m_title_no_namespace), M(m_swap_classification_params),
    M(m_drop_system), M(m_drop_base_name), M(m_drop_entity_name), M(m_predefined_first),
    M(m_add_predefined), M(m_restriction_no_base), M(m_restriction_undeclared_prefix),
    M(m_restriction_unprefixed), M(m_restriction_bad_qname), M(m_total_digits),
    M(m_total_digits_zero), M(m_fraction_negative), M(m_length_abc), M(m_length_spaced),
    M(m_facet_no_value), M(m_enumeration_fixed), M(m_bound_fixed), M(m_bound_fixed_yes),
    M(m_annotation_first), M(m_annotation_last), M(m_nested_simple_type),
    M(m_simple_type_named), M(m_whitespace_collapse), M(m_whitespace_bad), M(m_unknown_xs),
    M(m_duplicate_ids), M(m_distinct_ids), M(m_bad_id), M(m_empty_restriction),
    M(m_text_in_restriction), M(m_requirements_description),
    M(m_applicability_description), M(m_second_requirements), M(m_requirements_first),
    M(m_empty_requirements), M(m_empty_applicability), M(m_spec_optional_attrs),
    M(m_xml_lang_title), M(m_restriction_in_ids_ns), M(m_partof_no_entity),
    M(m_partof_two_entities), M(m_material_two_values), M(m_attribute_value_first),
    M(m_root_attr), M(m_xsi_nil), M(m_cdata_whitespace), M(m_append_spec_copy),
#undef M
};

#define N_MUTANTS (sizeof(mutants) / sizeof(mutants[0]))

static size_t gcd(size_t a, size_t b)
{
    while (b != 0) {
        size_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static void test_mutants_agree(void **state)
{
    (void)state;
    REQUIRE_SHARED();
    assert_true(N_MUTANTS >= 50);
    /* Under valgrind each kind is applied to a few files only, spread over
     * the suite, which keeps the run short while every kind still meets
     * files that have what it edits. */
    size_t quota = testutil_under_valgrind() ? 6 : SIZE_MAX;
    /* A stride coprime to the file count visits every file once. */
    size_t stride = 1;
    if (testutil_under_valgrind())
        for (stride = 37; gcd(stride, n_files) != 1; stride++)
            ;
    ids_doc **docs = calloc(n_files, sizeof(*docs));
    assert_non_null(docs);
    for (size_t i = 0; i < n_files; i++) {
        docs[i] = load(files[i]);
        assert_non_null(docs[i]);
    }
    size_t applied[N_MUTANTS] = {0}, invalid[N_MUTANTS] = {0}, differ[N_MUTANTS] = {0};
    size_t total = 0, total_invalid = 0, disagree = 0;
    for (size_t k = 0; k < N_MUTANTS; k++) {
        for (size_t j = 0; j < n_files && applied[k] < quota; j++) {
            size_t i = (j * stride + k) % n_files;
            xmlDocPtr copy = xmlCopyDoc(docs[i]->xml, 1);
            assert_non_null(copy);
            if (!mutants[k].fn(copy)) {
                xmlFreeDoc(copy);
                continue;
            }
            struct ids_doc mutant = {copy, NULL};
            ids_report *r = NULL;
            ids_error err;
            ids_error_clear(&err);
            assert_int_equal(ids_validate(&mutant, schema, &r, &err), IDS_OK);
            applied[k]++;
            total++;
            if (!r->xsd_valid) {
                invalid[k]++;
                total_invalid++;
            }
            if (r->structure_valid != r->xsd_valid) {
                disagree++;
                if (differ[k]++ == 0) {
                    char what[600];
                    snprintf(what, sizeof(what), "%s on %s", mutants[k].name,
                             base_name(files[i]));
                    dump_report(what, r);
                }
            }
            ids_report_free(r);
            ids_pattern_cache_free(mutant.patterns);
            xmlFreeDoc(copy);
        }
    }
    for (size_t i = 0; i < n_files; i++)
        ids_doc_free(docs[i]);
    free(docs);
    size_t kinds_invalid = 0;
    for (size_t k = 0; k < N_MUTANTS; k++) {
        if (applied[k] == 0)
            print_message("mutant kind %s never applied\n", mutants[k].name);
        if (invalid[k] > 0)
            kinds_invalid++;
        if (getenv("IDSD_TEST_VERBOSE") != NULL)
            print_message("  %-36s %5zu applied, %5zu XSD-invalid\n", mutants[k].name,
                          applied[k], invalid[k]);
        if (differ[k] > 0)
            print_message("mutant kind %s: %zu of %zu disagree\n", mutants[k].name,
                          differ[k], applied[k]);
    }
    print_message("%zu mutant kinds, %zu mutants, %zu XSD-invalid (%zu kinds make invalid "
                  "documents), %zu disagreements\n",
                  N_MUTANTS, total, total_invalid, kinds_invalid, disagree);
    for (size_t k = 0; k < N_MUTANTS; k++)
        assert_true(applied[k] > 0);
    assert_int_equal(disagree, 0);
    /* Not vacuous: a large share of the mutants really break the XSD. */
    assert_true(total_invalid * 3 >= total);
    assert_true(kinds_invalid >= 50);
}

/* Validating never modifies the document, and gives the same answer twice
 * (libxml2 registers xs:ID values in the tree it validates). */
static void test_validate_leaves_document_alone(void **state)
{
    (void)state;
    REQUIRE_SHARED();
    ids_doc *doc = load(files[0]);
    assert_non_null(doc);
    xmlDocPtr copy = xmlCopyDoc(doc->xml, 1);
    assert_true(m_duplicate_ids(copy) || m_unknown_attr(copy));
    struct ids_doc mutant = {copy, NULL};
    xmlChar *before = NULL, *after = NULL;
    int n_before = 0, n_after = 0;
    xmlDocDumpMemory(copy, &before, &n_before);
    bool verdicts[2];
    for (int round = 0; round < 2; round++) {
        ids_report *r = NULL;
        assert_int_equal(ids_validate(&mutant, schema, &r, NULL), IDS_OK);
        verdicts[round] = r->xsd_valid;
        assert_false(r->structure_valid);
        assert_false(ids_report_valid(r));
        ids_report_free(r);
    }
    assert_int_equal(verdicts[0], verdicts[1]);
    assert_false(verdicts[0]);
    assert_null(copy->ids);
    xmlDocDumpMemory(copy, &after, &n_after);
    assert_int_equal(n_before, n_after);
    assert_memory_equal(before, after, (size_t)n_before);
    xmlFree(before);
    xmlFree(after);
    ids_pattern_cache_free(mutant.patterns);
    xmlFreeDoc(copy);
    ids_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_testcases_agree),
        cmocka_unit_test(test_mutants_agree),
        cmocka_unit_test(test_validate_leaves_document_alone),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    /* Every case needs the shared folder: tell ctest they were skipped
     * (SKIP_RETURN_CODE), not passed. */
    if (failed == 0 && skip_reason[0] != '\0')
        return 77;
    return failed;
}
