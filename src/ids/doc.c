/* Placeholder: replaced by the document implementation. */
#include "ids/ids_internal.h"

#include <stdlib.h>

void ids_library_init(void) {}
void ids_library_cleanup(void) {}
ids_status ids_doc_new(const ids_info *info, ids_doc **out, ids_error *err)
{ *out = NULL; return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_doc_load_file(const char *path, const ids_limits *limits, ids_doc **out, ids_error *err)
{ *out = NULL; return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_doc_load_string(const char *data, size_t len, const ids_limits *limits, ids_doc **out, ids_error *err)
{ *out = NULL; return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
void ids_doc_free(ids_doc *doc) { free(doc); }
ids_status ids_doc_to_string(const ids_doc *doc, char **out, size_t *len, ids_error *err)
{ *out = NULL; return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_doc_write_file(const ids_doc *doc, const char *path, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_doc_canonical(const ids_doc *doc, char **out, size_t *len, ids_error *err)
{ *out = NULL; return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
size_t ids_doc_memory_estimate(const ids_doc *doc) { return 0; }
ids_status ids_info_set(ids_doc *doc, ids_info_field field, const char *value, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
char *ids_info_get_dup(const ids_doc *doc, ids_info_field field) { return NULL; }
ids_status ids_doc_summary(const ids_doc *doc, ids_summary **out, ids_error *err)
{ *out = NULL; return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
void ids_summary_free(ids_summary *summary) { free(summary); }
ids_status ids_spec_get(const ids_doc *doc, size_t index, ids_spec_view **out, ids_error *err)
{ *out = NULL; return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
void ids_spec_view_free(ids_spec_view *view) { free(view); }
