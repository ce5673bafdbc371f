/*
 * test_session_persist.c - the session store with an SQLite store behind
 * it: a persisted payload comes back in a second store over the same
 * folder under the same id (lazily, at its first lookup), with its age and
 * its tag's attachment; remove and eviction delete the row; a row idle past
 * the TTL is not restored; a failed reload leaves memory without touching
 * the row; a version conflict fails the persist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/session.h"
#include "store/store.h"
#include "testutil.h"

#define TTL_MS 3600000ull /* ms */

/* A payload is a malloc'd string; "unreadable" cannot be restored. */
static void *restore_payload(void *ctx, const char *doc, size_t doc_len,
                             const char *meta, size_t meta_len)
{
    (void)ctx;
    (void)meta;
    (void)meta_len;
    if (doc_len == strlen("unreadable") && memcmp(doc, "unreadable", doc_len) == 0)
        return NULL;
    char *p = malloc(doc_len + 1);
    memcpy(p, doc, doc_len);
    p[doc_len] = '\0';
    return p;
}

static int attachments_freed;

static void tag_free(void *data)
{
    attachments_freed++;
    free(data);
}

static const session_slot_ops tag_ops = {"tag", tag_free, NULL};

static void *tag_restore(void *ctx, const char *id, const char *tag)
{
    (void)ctx;
    (void)id;
    return strdup(tag);
}

typedef struct world {
    char *dir;
    store_handle *db;
    session_store *sessions;
    session_slot slot;
} world;

static void open_world(world *w, const char *dir)
{
    store_sqlite_config cfg = {dir, STORE_SYNC_NORMAL, false};
    store_error err;
    assert_int_equal(store_sqlite_open(&cfg, &w->db, NULL, &err), STORE_OK);
    session_config sc = {0};
    sc.idle_ttl_ms = TTL_MS;
    sc.payload_free = free;
    sc.persist = w->db;
    sc.payload_restore = restore_payload;
    assert_int_equal(session_store_new(&sc, &w->sessions), SESSION_OK);
    assert_int_equal(session_slot_register(w->sessions, &tag_ops, &w->slot), SESSION_OK);
    assert_int_equal(session_slot_set_restore(w->sessions, w->slot, tag_restore, NULL),
                     SESSION_OK);
}

static void close_world(world *w)
{
    session_store_free(w->sessions);
    store_close(w->db);
}

static void persist_text(session *s, const char *text)
{
    char why[400];
    char *copy = strdup(text);
    assert_int_equal(session_persist(s, copy, strlen(copy), NULL, 0, why, sizeof why),
                     SESSION_OK);
    session_set_payload(s, copy);
}

static void restored_lazily_with_id_and_tag(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    world w;
    char id[SESSION_ID_SIZE], bare[SESSION_ID_SIZE], gone[SESSION_ID_SIZE];
    session *s;

    open_world(&w, dir);
    assert_true(session_persistent(w.sessions));
    assert_int_equal(session_create(w.sessions, &s, id), SESSION_OK);
    persist_text(s, "<ids>one</ids>");
    persist_text(s, "<ids>two</ids>");
    session_release(s);
    assert_int_equal(session_persist_tag(w.sessions, id, "2025-06-18", NULL, 0), SESSION_OK);
    /* A session never persisted is not stored; a removed one is deleted. */
    assert_int_equal(session_create(w.sessions, &s, bare), SESSION_OK);
    session_release(s);
    assert_int_equal(session_create(w.sessions, &s, gone), SESSION_OK);
    persist_text(s, "<ids>gone</ids>");
    session_release(s);
    assert_int_equal(session_remove(w.sessions, gone), SESSION_OK);
    close_world(&w);

    open_world(&w, dir);
    session_stats st;
    session_store_stats(w.sessions, &st);
    assert_int_equal(st.live, 0); /* nothing read at start */
    assert_int_equal(session_acquire(w.sessions, id, &s), SESSION_OK);
    assert_string_equal(session_payload(s), "<ids>two</ids>");
    assert_string_equal(session_attachment(s, w.slot), "2025-06-18");
    /* The restored version is the one the next write expects. */
    persist_text(s, "<ids>three</ids>");
    session_release(s);
    assert_int_equal(session_persist_restored(w.sessions), 1);
    assert_int_equal(session_acquire(w.sessions, bare, &s), SESSION_NOT_FOUND);
    assert_int_equal(session_acquire(w.sessions, gone, &s), SESSION_NOT_FOUND);
    close_world(&w);

    open_world(&w, dir);
    assert_int_equal(session_acquire(w.sessions, id, &s), SESSION_OK);
    assert_string_equal(session_payload(s), "<ids>three</ids>");
    session_release(s);
    close_world(&w);
    testutil_rmtree(dir);
    free(dir);
}

static void over_idle_rows_are_not_restored(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    world w;
    open_world(&w, dir);
    /* A row last used two TTLs ago, written straight to the store. */
    const char *old_id = "00112233445566778899aabbccddeeff";
    store_put p = {0};
    p.id = old_id;
    p.fields = STORE_F_DOC;
    p.created_ms = p.access_ms = store_now_ms() - 2 * (int64_t)TTL_MS;
    p.doc = "<old/>";
    p.doc_len = 6;
    assert_int_equal(store_put_row(w.db, &p, NULL), STORE_OK);
    session *s;
    assert_int_equal(session_acquire(w.sessions, old_id, &s), SESSION_NOT_FOUND);
    store_record rec;
    assert_int_equal(store_get(w.db, old_id, &rec, NULL), STORE_NOT_FOUND);

    /* An unreadable row is not restored, and stays for a person to see. */
    const char *bad_id = "ffeeddccbbaa99887766554433221100";
    p.id = bad_id;
    p.created_ms = p.access_ms = store_now_ms();
    p.doc = "unreadable";
    p.doc_len = strlen(p.doc);
    assert_int_equal(store_put_row(w.db, &p, NULL), STORE_OK);
    assert_int_equal(session_acquire(w.sessions, bad_id, &s), SESSION_NOT_FOUND);
    assert_int_equal(store_get(w.db, bad_id, &rec, NULL), STORE_OK);
    store_record_clear(&rec);
    close_world(&w);
    testutil_rmtree(dir);
    free(dir);
}

static void reload_and_conflict(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    world w;
    char id[SESSION_ID_SIZE];
    session *s;
    open_world(&w, dir);
    assert_int_equal(session_create(w.sessions, &s, id), SESSION_OK);
    persist_text(s, "<ids>durable</ids>");
    /* An edit in memory that was never made durable goes back. */
    session_set_payload(s, strdup("<ids>not durable</ids>"));
    assert_true(session_persist_reload(s));
    assert_string_equal(session_payload(s), "<ids>durable</ids>");

    /* Someone else wrote the row: this writer's version is stale. */
    store_put p = {0};
    p.id = id;
    p.fields = STORE_F_DOC;
    p.expected_version = 1;
    p.access_ms = p.created_ms = store_now_ms();
    p.doc = "<ids>other</ids>";
    p.doc_len = strlen(p.doc);
    assert_int_equal(store_put_row(w.db, &p, NULL), STORE_OK);
    char why[400] = "";
    assert_int_equal(session_persist(s, "<x/>", 4, NULL, 0, why, sizeof why),
                     SESSION_ERR_STORE);
    assert_non_null(strstr(why, "changed in the store"));
    assert_true(session_persist_reload(s));
    assert_string_equal(session_payload(s), "<ids>other</ids>");
    persist_text(s, "<ids>after</ids>");

    /* The row swept away while the record is in memory: the next change
     * writes it again. */
    store_delete(w.db, id);
    assert_int_equal(store_flush(w.db, NULL), STORE_OK);
    persist_text(s, "<ids>rewritten</ids>");
    session_release(s);
    store_record again;
    assert_int_equal(store_get(w.db, id, &again, NULL), STORE_OK);
    assert_string_equal(again.doc, "<ids>rewritten</ids>");
    assert_int_equal(again.version, 1);
    store_record_clear(&again);
    assert_int_equal(session_acquire(w.sessions, id, &s), SESSION_OK);
    persist_text(s, "<ids>after that</ids>");
    session_release(s);

    /* Removed: the row goes with the next commit. */
    assert_int_equal(session_remove(w.sessions, id), SESSION_OK);
    assert_int_equal(session_persist_flush(w.sessions, NULL, 0), SESSION_OK);
    store_record rec;
    assert_int_equal(store_get(w.db, id, &rec, NULL), STORE_NOT_FOUND);
    store_stats ps;
    session_persist_stats(w.sessions, &ps);
    assert_true(ps.deletes >= 1);
    assert_int_equal(ps.failures, 2); /* the stale version, the swept row */
    close_world(&w);
    testutil_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restored_lazily_with_id_and_tag),
        cmocka_unit_test(over_idle_rows_are_not_restored),
        cmocka_unit_test(reload_and_conflict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
