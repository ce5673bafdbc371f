/*
 * test_session_redis.c - two session stores (two idsd instances) over one
 * Redis: a session made in one is served by the other; each acquire
 * revalidates the copy in memory, so the other's changes show at once; a
 * write on a stale copy loses the compare-and-set and reloads the winner;
 * a close in one ends the session in both; eviction and expiry of a copy
 * leave the row to Redis's expiry; with Redis away, acquire and persist
 * fail with a message and work again once it is back. Skipped (77)
 * without redis-server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis_fixture.h"
#include "session/session.h"
#include "store/store.h"
#include "testutil.h"

#define TTL_MS 60000ull /* ms */
#define NS_PER_MS 1000000ull

static redis_fixture server;
static uint64_t fake_ns; /* the store clock of instance A */

static uint64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_ns;
}

static void *restore_payload(void *ctx, const char *doc, size_t doc_len,
                             const char *meta, size_t meta_len)
{
    (void)ctx;
    (void)meta;
    (void)meta_len;
    char *p = malloc(doc_len + 1);
    memcpy(p, doc, doc_len);
    p[doc_len] = '\0';
    return p;
}

typedef struct instance {
    store_handle *db;
    session_store *sessions;
} instance;

static void start(instance *in, bool fake_time)
{
    store_redis_config cfg = {0};
    store_error err;
    cfg.host = "127.0.0.1";
    cfg.port = server.port;
    cfg.idle_ttl_ms = TTL_MS;
    cfg.timeout_ms = 1000;
    assert_int_equal(store_redis_open(&cfg, &in->db, &err), STORE_OK);
    session_config sc = {0};
    sc.idle_ttl_ms = TTL_MS;
    sc.payload_free = free;
    sc.persist = in->db;
    sc.payload_restore = restore_payload;
    if (fake_time) {
        sc.clock = fake_clock;
        fake_ns = 1000 * NS_PER_MS;
    }
    assert_int_equal(session_store_new(&sc, &in->sessions), SESSION_OK);
}

static void stop(instance *in)
{
    session_store_free(in->sessions);
    store_close(in->db);
}

static session_status persist_text(session *s, const char *text)
{
    char why[400];
    session_status st = session_persist(s, text, strlen(text), NULL, 0, why, sizeof why);
    if (st == SESSION_OK)
        session_set_payload(s, strdup(text));
    return st;
}

static void flushall(void)
{
    redisContext *c = redis_fixture_connect(&server);
    assert_non_null(c);
    freeReplyObject(redisCommand(c, "FLUSHALL"));
    redisFree(c);
}

static bool row_exists(const char *id)
{
    redisContext *c = redis_fixture_connect(&server);
    redisReply *r = redisCommand(c, "EXISTS idsd:s:%s", id);
    bool yes = r->integer == 1;
    freeReplyObject(r);
    redisFree(c);
    return yes;
}

static void two_instances_share_a_session(void **state)
{
    (void)state;
    flushall();
    instance a, b;
    char id[SESSION_ID_SIZE];
    session *s, *t;
    start(&a, false);
    start(&b, false);

    assert_int_equal(session_create(a.sessions, &s, id), SESSION_OK);
    assert_int_equal(persist_text(s, "<ids>one</ids>"), SESSION_OK);
    session_release(s);
    /* B has never seen it: restored from Redis. */
    assert_int_equal(session_acquire(b.sessions, id, &t), SESSION_OK);
    assert_string_equal(session_payload(t), "<ids>one</ids>");
    assert_int_equal(persist_text(t, "<ids>two</ids>"), SESSION_OK);
    session_release(t);
    /* A's copy is stale; its next acquire sees B's change. */
    assert_int_equal(session_acquire(a.sessions, id, &s), SESSION_OK);
    assert_string_equal(session_payload(s), "<ids>two</ids>");
    session_release(s);

    /* Both hold the current version; A writes first, B's write on the
     * copy it already holds loses and reloads A's. */
    assert_int_equal(session_acquire(b.sessions, id, &t), SESSION_OK);
    assert_int_equal(session_acquire(a.sessions, id, &s), SESSION_OK);
    assert_int_equal(persist_text(s, "<ids>three-a</ids>"), SESSION_OK);
    session_release(s);
    assert_int_equal(persist_text(t, "<ids>three-b</ids>"), SESSION_CONFLICT);
    assert_true(session_persist_reload(t));
    assert_string_equal(session_payload(t), "<ids>three-a</ids>");
    assert_int_equal(persist_text(t, "<ids>four</ids>"), SESSION_OK);
    session_release(t);
    store_stats stats;
    session_persist_stats(b.sessions, &stats);
    assert_int_equal(stats.conflicts, 1);

    /* A close in A ends it in B, whose copy is in memory. */
    assert_int_equal(session_remove(a.sessions, id), SESSION_OK);
    assert_false(row_exists(id));
    assert_int_equal(session_acquire(b.sessions, id, &t), SESSION_NOT_FOUND);
    assert_int_equal(session_acquire(a.sessions, id, &s), SESSION_NOT_FOUND);
    stop(&a);
    stop(&b);
}

static void eviction_leaves_the_row(void **state)
{
    (void)state;
    flushall();
    instance a, b;
    char id[SESSION_ID_SIZE];
    session *s;
    start(&a, true);
    start(&b, false);
    assert_int_equal(session_create(a.sessions, &s, id), SESSION_OK);
    assert_int_equal(persist_text(s, "<ids>kept</ids>"), SESSION_OK);
    session_release(s);
    /* A's copy idles past the TTL by A's clock and is evicted; the
     * session may be busy elsewhere, so the row stays for Redis's own
     * expiry, and B (and A again) still serve it. */
    fake_ns += (TTL_MS + 1000) * NS_PER_MS;
    assert_int_equal(session_reap_now(a.sessions), 1);
    assert_true(row_exists(id));
    assert_int_equal(session_acquire(b.sessions, id, &s), SESSION_OK);
    assert_string_equal(session_payload(s), "<ids>kept</ids>");
    session_release(s);
    assert_int_equal(session_acquire(a.sessions, id, &s), SESSION_OK);
    session_release(s);
    stop(&a);
    stop(&b);
}

static void redis_away_and_back(void **state)
{
    (void)state;
    flushall();
    instance a, b;
    char id[SESSION_ID_SIZE], why[400];
    session *s;
    start(&a, false);
    start(&b, false);
    assert_int_equal(session_create(a.sessions, &s, id), SESSION_OK);
    assert_int_equal(persist_text(s, "<ids>one</ids>"), SESSION_OK);
    session_release(s);

    redis_fixture_stop(&server);
    /* In A's memory: the revalidation fails, so does the call. */
    assert_int_equal(session_acquire_why(a.sessions, id, &s, why, sizeof why),
                     SESSION_ERR_STORE);
    assert_null(s);
    assert_non_null(strstr(why, "redis://127.0.0.1"));
    /* Not in B's: not "unknown", but "the store did not answer". */
    assert_int_equal(session_acquire_why(b.sessions, id, &s, why, sizeof why),
                     SESSION_ERR_STORE);
    assert_int_equal(session_hold(b.sessions, id, &s), SESSION_ERR_STORE);
    /* A change cannot be made durable: it fails, nothing is half-kept. */
    char fresh[SESSION_ID_SIZE];
    assert_int_equal(session_create(a.sessions, &s, fresh), SESSION_OK);
    assert_int_equal(persist_text(s, "<ids>new</ids>"), SESSION_ERR_STORE);
    session_remove_held(s);
    session_release(s);

    assert_true(redis_fixture_start(&server)); /* empty: it keeps nothing */
    assert_int_equal(session_acquire(a.sessions, id, &s), SESSION_NOT_FOUND);
    assert_int_equal(session_create(b.sessions, &s, id), SESSION_OK);
    assert_int_equal(persist_text(s, "<ids>again</ids>"), SESSION_OK);
    session_release(s);
    assert_int_equal(session_acquire(a.sessions, id, &s), SESSION_OK);
    assert_string_equal(session_payload(s), "<ids>again</ids>");
    session_release(s);
    stop(&a);
    stop(&b);
}

int main(void)
{
    if (!redis_fixture_start(&server)) {
        printf("SKIPPED: redis-server is needed\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_instances_share_a_session),
        cmocka_unit_test(eviction_leaves_the_row),
        cmocka_unit_test(redis_away_and_back),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    redis_fixture_stop(&server);
    return rc;
}
