/*
 * validate_internal.h - what the validation files of src/ids share
 * (validate.c, audit.c, xsd.c, datatypes.c). Not for other modules.
 */
#ifndef IDS_VALIDATE_INTERNAL_H
#define IDS_VALIDATE_INTERNAL_H

#include "ids/ids_internal.h"

/* A growing list of findings. Allocation failures set nomem and drop the
 * finding; the caller turns that into IDS_ERR_NOMEM once, at the end, so
 * the rule code never has to check. */
typedef struct ids_findings {
    ids_finding *items;  /* n of them, kept in buf */
    size_t n;
    base_buf buf;
    bool nomem;
} ids_findings;

/* Appends a finding; node (may be NULL) supplies path and line. */
void ids_findings_add(ids_findings *list, ids_severity severity,
                      const char *rule, const xmlNode *node,
                      const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Appends a finding whose path and line are already known. */
void ids_findings_add_at(ids_findings *list, ids_severity severity,
                         const char *rule, const char *path, int line,
                         const char *message);
void ids_findings_clear(ids_findings *list);
/* Number of findings of rule "XSD" / of severity error among the others. */
size_t ids_findings_count_rule(const ids_findings *list, const char *rule);

/* The built-in equivalent of ids.xsd (validate.c): every finding has rule
 * "XSD". Reads the tree only. */
void ids_structure_check(const xmlDoc *doc, ids_findings *out);

/* The audit rules of the IDS reference that need no IFC schema data
 * (audit.c). Tolerates structurally broken documents: a rule whose
 * elements are missing is skipped, since the structural check already
 * reports that. */
void ids_audit_check(const ids_doc *doc, ids_findings *out);

/* The rules of the IDS reference that need IFC schema data (audit_ifc.c):
 * E1, E2, A1-A4, P3, P4, P5's version check, R1 and S6, for one
 * <specification>, once for each IFC version it declares. */
void ids_audit_ifc_spec(const xmlNode *spec, ids_findings *out);

/* Validates with the compiled official schema (xsd.c). Sets *valid and
 * appends libxml2's messages (rule "XSD") to out. Works on a private copy,
 * because libxml2's validator registers xs:ID values in the document it
 * validates. */
ids_status ids_xsd_validate(const ids_schema *schema, const xmlDoc *doc,
                            ids_findings *out, bool *valid, ids_error *err);

/* Makes libxml2's built-in type tables ready before threads use them
 * (their lazy initialization is not thread-safe in libxml2 2.9). */
void ids_xsd_types_init(void);

/* ---- IFC data types (datatypes.c) ---- */

/* The restriction base ("xs:double", ...) that DOC:DataTypes.md gives for
 * an IFC dataType, "" for one that has none (IFCBINARY), or NULL when the
 * name is not an IFC data type of any version. Case-sensitive (the XSD
 * wants upper case). The table is src/ifc's (ifc_datatype_find). */
const char *ids_datatype_base(const char *data_type);
/* True when value is a lexical form of the base type, by the regular
 * expressions of DOC:DataTypes.md (string accepts anything). Unknown bases
 * accept anything too: X2 reports them. */
bool ids_lexical_valid(const char *base, const char *value);
/* True when name has the form of an IFC class name as IDS writes it:
 * upper-case letters and digits, starting with a letter (rule E1's part
 * that needs no schema data). */
bool ids_ifc_class_name_form(const char *name);
/* Rows in the dataType table, for tests. */
size_t ids_datatype_count(void);

#endif /* IDS_VALIDATE_INTERNAL_H */
