/* Placeholder: replaced by the validation implementation. */
#include "ids/ids_internal.h"

#include <stdlib.h>

ids_status ids_schema_load(const char *xsd_path, const char *w3c_dir, ids_schema **out, ids_error *err)
{ *out = NULL; return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
void ids_schema_free(ids_schema *schema) {}
ids_status ids_validate(const ids_doc *doc, const ids_schema *schema, ids_report **out, ids_error *err)
{ *out = NULL; return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
void ids_report_free(ids_report *report) { free(report); }
bool ids_report_valid(const ids_report *report) { return false; }
