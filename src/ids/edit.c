/* Placeholder: replaced by the editing implementation. */
#include "ids/ids_internal.h"

size_t ids_spec_count(const ids_doc *doc) { return 0; }
ids_status ids_spec_find(const ids_doc *doc, const ids_spec_ref *ref, size_t *index_out, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_spec_add(ids_doc *doc, const ids_spec_fields *fields, size_t *index_out, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_spec_update(ids_doc *doc, size_t index, const ids_spec_fields *fields, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_spec_remove(ids_doc *doc, size_t index, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
size_t ids_facet_count(const ids_doc *doc, size_t spec_index, ids_location loc) { return 0; }
ids_status ids_facet_add(ids_doc *doc, size_t spec_index, ids_location loc, const ids_facet *facet, size_t *facet_index_out, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_facet_update(ids_doc *doc, size_t spec_index, ids_location loc, size_t facet_index, const ids_facet_change *change, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_facet_remove(ids_doc *doc, size_t spec_index, ids_location loc, size_t facet_index, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_facet_set_param(ids_doc *doc, size_t spec_index, ids_location loc, size_t facet_index, ids_param param, const ids_value *value, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
ids_status ids_value_check(const ids_value *value, ids_error *err)
{ return ids_err(err, IDS_ERR_INTERNAL, NULL, "not implemented"); }
bool ids_xsd_regex_valid(const char *pattern) { return false; }
