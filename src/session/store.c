/* Placeholder: replaced by the store implementation. */
#include "session/session.h"

const char *session_status_name(session_status status) { return "unknown"; }
session_status session_store_new(const session_config *config, session_store **out) { *out = NULL; return SESSION_NOMEM; }
void session_store_free(session_store *store) {}
session_status session_reaper_start(session_store *store) { return SESSION_ERR_THREAD; }
size_t session_reap_now(session_store *store) { return 0; }
session_status session_create(session_store *store, session **out, char id_out[SESSION_ID_SIZE]) { *out = NULL; return SESSION_NOMEM; }
session_status session_acquire(session_store *store, const char *id, session **out) { *out = NULL; return SESSION_NOT_FOUND; }
void session_release(session *s) {}
session_status session_remove(session_store *store, const char *id) { return SESSION_NOT_FOUND; }
void session_remove_held(session *s) {}
const char *session_id(const session *s) { return ""; }
void *session_payload(const session *s) { return 0; }
void session_set_payload(session *s, void *payload) {}
void session_count_call(session *s, bool was_error) {}
void session_set_bytes(session *s, size_t payload_bytes) {}
session_status session_get_info(session_store *store, const char *id, session_info *out) { return SESSION_NOT_FOUND; }
void session_store_stats(session_store *store, session_stats *out) {}
void session_foreach(session_store *store, void (*fn)(const session_info *info, void *ctx), void *ctx) {}
