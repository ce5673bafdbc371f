/* Placeholder: replaced by the tool catalogue. */
#include "tools/tools.h"

#include <stdlib.h>

bool tool_catalogue_init(const char **why) { return true; }
void tool_catalogue_cleanup(void) {}
const tool_def *tool_catalogue(size_t *count) { *count = 0; return NULL; }
const tool_def *tool_find(const char *name) { return NULL; }
json_t *tool_list_json(void) { return json_array(); }
void tool_call(const tool_def *tool, json_t *args, tool_env *env, tool_result *out)
{ out->structured = json_object(); out->text = NULL; out->is_error = true; }
void tool_result_clear(tool_result *result) { json_decref(result->structured); free(result->text); }
void tool_session_free(void *payload) {}
session_status tool_session_document_xml(session_store *store, const char *id, char **xml, size_t *len) { *xml = NULL; return SESSION_NOT_FOUND; }
