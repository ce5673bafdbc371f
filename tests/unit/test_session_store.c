/*
 * test_session_store.c - the session store on one thread (plus one helper
 * thread for the waiting-user rule), with a fake clock moved by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/session.h"
#include "testutil.h"

#define SEC_NS 1000000000ull   /* ns */
#define TTL_MS 10000ull        /* ms; the fake TTL of these tests */
#define TTL_NS (TTL_MS * 1000000ull)

static int payloads_live;      /* allocated and not yet freed */
static int payloads_freed;

static void *payload_new(int value)
{
    int *p = malloc(sizeof *p);
    assert_non_null(p);
    *p = value;
    payloads_live++;
    return p;
}

static void payload_free(void *p)
{
    payloads_live--;
    payloads_freed++;
    free(p);
}

static uint64_t fake_clock(void *ctx)
{
    return *(uint64_t *)ctx;
}

typedef struct fixture {
    session_store *store;
    uint64_t now;              /* ns; the store's clock */
} fixture;

static fixture *fixture_new(size_t max_sessions, size_t batch)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->now = 1000 * SEC_NS;
    session_config cfg = {
        .max_sessions = max_sessions,
        .idle_ttl_ms = TTL_MS,
        .reap_interval_ms = 1,
        .reap_batch = batch,
        .clock = fake_clock,
        .clock_ctx = &f->now,
        .payload_free = payload_free,
    };
    assert_int_equal(session_store_new(&cfg, &f->store), SESSION_OK);
    return f;
}

static void fixture_free(fixture *f)
{
    session_store_free(f->store);
    free(f);
}

static int setup(void **state)
{
    payloads_live = 0;
    payloads_freed = 0;
    *state = fixture_new(1000, 4);
    return 0;
}

static int teardown(void **state)
{
    fixture_free(*state);
    assert_int_equal(payloads_live, 0);
    return 0;
}

/* Creates a record holding payload `value` and releases it. */
static void make(fixture *f, int value, char id[SESSION_ID_SIZE])
{
    session *s;
    assert_int_equal(session_create(f->store, &s, id), SESSION_OK);
    session_set_payload(s, payload_new(value));
    session_release(s);
}

static size_t live(fixture *f)
{
    session_stats st;
    session_store_stats(f->store, &st);
    return st.live;
}

/* ---- ids ---------------------------------------------------------------- */

static void test_ids_are_hex_and_distinct(void **state)
{
    fixture *f = *state;
    enum { N = 200 };
    char ids[N][SESSION_ID_SIZE];
    for (int i = 0; i < N; i++) {
        session *s;
        assert_int_equal(session_create(f->store, &s, ids[i]), SESSION_OK);
        assert_string_equal(session_id(s), ids[i]);
        session_release(s);
        assert_int_equal(strlen(ids[i]), SESSION_ID_LEN);
        for (int k = 0; k < SESSION_ID_LEN; k++)
            assert_non_null(strchr("0123456789abcdef", ids[i][k]));
        for (int j = 0; j < i; j++)
            assert_string_not_equal(ids[i], ids[j]);
    }
    assert_int_equal(live(f), N);
}

static void test_malformed_ids_are_invalid(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    make(f, 1, id);

    char upper[SESSION_ID_SIZE];
    memcpy(upper, id, sizeof upper);
    for (int k = 0; k < SESSION_ID_LEN; k++)
        if (upper[k] >= 'a' && upper[k] <= 'f')
            upper[k] = (char)(upper[k] - 'a' + 'A');
    char longer[SESSION_ID_SIZE + 8];
    snprintf(longer, sizeof longer, "%s0", id);
    char shorter[SESSION_ID_SIZE];
    memcpy(shorter, id, sizeof shorter);
    shorter[SESSION_ID_LEN - 1] = '\0';
    char nonhex[SESSION_ID_SIZE];
    memcpy(nonhex, id, sizeof nonhex);
    nonhex[5] = 'g';
    char huge[4096];
    memset(huge, 'a', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';

    const char *bad[] = {NULL, "", "0", shorter, longer, nonhex, huge,
                         "../../etc/passwd", "0123456789abcdef0123456789abcde\n",
                         "0123456789abcdef 123456789abcdef"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        session *s = (session *)1;
        session_info info;
        assert_int_equal(session_acquire(f->store, bad[i], &s), SESSION_INVALID);
        assert_null(s);
        assert_int_equal(session_get_info(f->store, bad[i], &info), SESSION_INVALID);
        assert_int_equal(session_remove(f->store, bad[i]), SESSION_INVALID);
    }
    /* Only an id whose letters were there to raise differs from the real one. */
    if (strcmp(upper, id) != 0) {
        session *s;
        assert_int_equal(session_acquire(f->store, upper, &s), SESSION_INVALID);
    }
    /* Well-formed but never minted. */
    session *s;
    assert_int_equal(session_acquire(f->store, "00000000000000000000000000000000", &s),
                     SESSION_NOT_FOUND);
    assert_null(s);
    assert_int_equal(live(f), 1);
}

static void test_null_arguments(void **state)
{
    fixture *f = *state;
    session *s;
    char id[SESSION_ID_SIZE];
    assert_int_equal(session_store_new(NULL, NULL), SESSION_INVALID);
    assert_int_equal(session_create(NULL, &s, id), SESSION_INVALID);
    assert_int_equal(session_create(f->store, NULL, id), SESSION_INVALID);
    assert_int_equal(session_acquire(NULL, id, &s), SESSION_INVALID);
    assert_int_equal(session_reaper_start(NULL), SESSION_INVALID);
    assert_int_equal(session_reap_now(NULL), 0);
    session_release(NULL);
    session_remove_held(NULL);
    session_store_free(NULL);
    session_store_stats(f->store, NULL);
    session_foreach(f->store, NULL, NULL);
    /* A create without id_out still works; the id is on the record. */
    assert_int_equal(session_create(f->store, &s, NULL), SESSION_OK);
    assert_int_equal(strlen(session_id(s)), SESSION_ID_LEN);
    session_release(s);
}

static void test_default_config(void **state)
{
    (void)state;
    session_store *store;
    assert_int_equal(session_store_new(NULL, &store), SESSION_OK);
    session *s;
    char id[SESSION_ID_SIZE];
    assert_int_equal(session_create(store, &s, id), SESSION_OK);
    session_release(s);
    assert_int_equal(session_acquire(store, id, &s), SESSION_OK);
    session_release(s);
    session_store_free(store);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(session_status_name(SESSION_OK), "ok");
    assert_string_equal(session_status_name(SESSION_NOT_FOUND), "not_found");
    assert_string_equal(session_status_name(SESSION_CAPACITY), "capacity");
    assert_string_equal(session_status_name(SESSION_INVALID), "invalid");
    assert_string_equal(session_status_name((session_status)99), "unknown");
}

/* ---- lifecycle and users ---------------------------------------------- */

static void test_lifecycle(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    session *s;

    assert_int_equal(session_create(f->store, &s, id), SESSION_OK);
    assert_null(session_payload(s));
    session_set_payload(s, payload_new(7));
    session_info info;
    assert_int_equal(session_get_info(f->store, id, &info), SESSION_OK);
    assert_int_equal(info.users, 1);
    session_release(s);

    assert_int_equal(session_acquire(f->store, id, &s), SESSION_OK);
    assert_int_equal(*(int *)session_payload(s), 7);
    /* Replacing the payload frees the old one at once. */
    session_set_payload(s, payload_new(8));
    assert_int_equal(payloads_freed, 1);
    session_set_payload(s, session_payload(s)); /* same pointer: no free */
    assert_int_equal(payloads_freed, 1);
    session_release(s);

    assert_int_equal(session_get_info(f->store, id, &info), SESSION_OK);
    assert_int_equal(info.users, 0);
    assert_string_equal(info.id, id);

    assert_int_equal(session_remove(f->store, id), SESSION_OK);
    assert_int_equal(payloads_freed, 2);
    assert_int_equal(payloads_live, 0);
    assert_int_equal(session_acquire(f->store, id, &s), SESSION_NOT_FOUND);
    assert_int_equal(session_get_info(f->store, id, &info), SESSION_NOT_FOUND);
    assert_int_equal(session_remove(f->store, id), SESSION_NOT_FOUND);

    session_stats st;
    session_store_stats(f->store, &st);
    assert_int_equal(st.live, 0);
    assert_int_equal(st.created, 1);
    assert_int_equal(st.removed, 1);
}

static void test_remove_while_held_defers_free(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    make(f, 3, id);

    session *s;
    assert_int_equal(session_acquire(f->store, id, &s), SESSION_OK);
    assert_int_equal(session_remove(f->store, id), SESSION_OK);
    /* Gone for everyone else, intact for the holder. */
    session *other;
    assert_int_equal(session_acquire(f->store, id, &other), SESSION_NOT_FOUND);
    assert_int_equal(live(f), 0);
    assert_int_equal(payloads_freed, 0);
    assert_int_equal(*(int *)session_payload(s), 3);
    session_count_call(s, false);
    session_set_bytes(s, 100);
    session_release(s);
    assert_int_equal(payloads_freed, 1);

    session_stats st;
    session_store_stats(f->store, &st);
    assert_int_equal(st.bytes, 0);   /* an unlinked record is not counted */
    assert_int_equal(st.calls, 1);   /* its calls are */
}

static void test_remove_held(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    session *s;
    assert_int_equal(session_create(f->store, &s, id), SESSION_OK);
    session_set_payload(s, payload_new(1));
    session_remove_held(s);
    session_remove_held(s); /* twice is harmless */
    assert_int_equal(payloads_freed, 0);
    assert_int_equal(session_remove(f->store, id), SESSION_NOT_FOUND);
    session_release(s);
    assert_int_equal(payloads_freed, 1);

    session_stats st;
    session_store_stats(f->store, &st);
    assert_int_equal(st.removed, 1);
    assert_int_equal(st.live, 0);
}

typedef struct waiter {
    session_store *store;
    const char *id;
    session_status result;
} waiter;

static void *waiter_main(void *arg)
{
    waiter *w = arg;
    session *s;
    w->result = session_acquire(w->store, w->id, &s);
    if (w->result == SESSION_OK)
        session_release(s);
    return NULL;
}

static unsigned users_of(fixture *f, const char *id)
{
    session_info info;
    if (session_get_info(f->store, id, &info) != SESSION_OK)
        return 0;
    return info.users;
}

/* A second user waits on the record lock; the first removes the record and
 * releases. The waiter must get "not found" and the payload be freed once,
 * by the waiter's undo. */
static void test_waiting_user_sees_removal(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    make(f, 5, id);

    session *s;
    assert_int_equal(session_acquire(f->store, id, &s), SESSION_OK);
    waiter w = {f->store, id, SESSION_OK};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, waiter_main, &w), 0);
    while (users_of(f, id) < 2)
        sched_yield();
    session_remove_held(s);
    session_release(s);
    pthread_join(t, NULL);
    assert_int_equal(w.result, SESSION_NOT_FOUND);
    assert_int_equal(payloads_freed, 1);
    assert_int_equal(live(f), 0);
}

/* The same, but the holder just releases: the waiter gets the record. */
static void test_waiting_user_is_served(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    make(f, 5, id);

    session *s;
    assert_int_equal(session_acquire(f->store, id, &s), SESSION_OK);
    waiter w = {f->store, id, SESSION_NOT_FOUND};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, waiter_main, &w), 0);
    while (users_of(f, id) < 2)
        sched_yield();
    session_release(s);
    pthread_join(t, NULL);
    assert_int_equal(w.result, SESSION_OK);
    assert_int_equal(users_of(f, id), 0);
    assert_int_equal(payloads_freed, 0);
}

/* ---- limits and counters ------------------------------------------------ */

static void test_capacity(void **state)
{
    (void)state;
    fixture *f = fixture_new(3, 4);
    char ids[4][SESSION_ID_SIZE];
    for (int i = 0; i < 3; i++)
        make(f, i, ids[i]);

    session *s = (session *)1;
    char id[SESSION_ID_SIZE];
    assert_int_equal(session_create(f->store, &s, id), SESSION_CAPACITY);
    assert_null(s);
    /* Nothing live was evicted to make room. */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(session_acquire(f->store, ids[i], &s), SESSION_OK);
        session_release(s);
    }
    session_stats st;
    session_store_stats(f->store, &st);
    assert_int_equal(st.rejected, 1);
    assert_int_equal(st.live, 3);

    /* Removing one makes room for one. */
    assert_int_equal(session_remove(f->store, ids[0]), SESSION_OK);
    make(f, 9, ids[3]);
    assert_int_equal(session_create(f->store, &s, id), SESSION_CAPACITY);

    /* Over-idle records are gone already and do not hold a place. */
    f->now += TTL_NS + SEC_NS;
    assert_int_equal(session_create(f->store, &s, id), SESSION_OK);
    session_release(s);
    session_store_stats(f->store, &st);
    assert_int_equal(st.rejected, 2);
    assert_int_equal(st.expired, 1); /* one reclaimed is enough */
    assert_int_equal(st.live, 3);
    fixture_free(f);
    assert_int_equal(payloads_live, 0);
}

static void test_capacity_counts_held_records(void **state)
{
    (void)state;
    fixture *f = fixture_new(2, 4);
    session *a, *b, *c;
    char id[SESSION_ID_SIZE];
    assert_int_equal(session_create(f->store, &a, id), SESSION_OK);
    assert_int_equal(session_create(f->store, &b, id), SESSION_OK);
    /* Held past the TTL: still live work, still holding its place. */
    f->now += TTL_NS + SEC_NS;
    assert_int_equal(session_create(f->store, &c, id), SESSION_CAPACITY);
    session_release(a);
    session_release(b);
    fixture_free(f);
}

/* The store is sharded; capacity is one limit over all shards, and at it a
 * create reclaims over-idle records from whichever shard holds them. */
static void test_capacity_reclaims_across_shards(void **state)
{
    (void)state;
    enum { MAX = 200 };
    fixture *f = fixture_new(MAX, 4);
    char id[SESSION_ID_SIZE];
    for (int i = 0; i < MAX; i++)
        make(f, i, id);
    session *s;
    assert_int_equal(session_create(f->store, &s, id), SESSION_CAPACITY);
    f->now += TTL_NS + SEC_NS;
    for (int i = 0; i < MAX; i++)
        make(f, i, id);
    assert_int_equal(session_create(f->store, &s, id), SESSION_CAPACITY);
    session_stats st;
    session_store_stats(f->store, &st);
    assert_int_equal(st.live, MAX);
    assert_int_equal(st.expired, MAX); /* one reclaimed per create, no more */
    assert_int_equal(st.rejected, 2);
    assert_int_equal(st.created, 2 * MAX);
    fixture_free(f);
    assert_int_equal(payloads_live, 0);
}

static void test_counters(void **state)
{
    fixture *f = *state;
    char a[SESSION_ID_SIZE], b[SESSION_ID_SIZE];
    make(f, 1, a);
    make(f, 2, b);

    session *s;
    assert_int_equal(session_acquire(f->store, a, &s), SESSION_OK);
    session_count_call(s, false);
    session_count_call(s, true);
    session_set_bytes(s, 1000);
    session_set_bytes(s, 400);
    session_release(s);
    assert_int_equal(session_acquire(f->store, b, &s), SESSION_OK);
    session_count_call(s, false);
    session_set_bytes(s, 50);
    session_release(s);

    session_info info;
    assert_int_equal(session_get_info(f->store, a, &info), SESSION_OK);
    assert_int_equal(info.calls, 2);
    assert_int_equal(info.errors, 1);
    assert_int_equal(info.bytes, 400);
    assert_int_equal(info.created_ms, 1000 * 1000);

    session_stats st;
    session_store_stats(f->store, &st);
    assert_int_equal(st.calls, 3);
    assert_int_equal(st.errors, 1);
    assert_int_equal(st.bytes, 450);

    assert_int_equal(session_remove(f->store, a), SESSION_OK);
    session_store_stats(f->store, &st);
    assert_int_equal(st.bytes, 50);
    assert_int_equal(st.calls, 3);
}

static void test_last_access_is_stamped(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    make(f, 1, id);
    f->now += 5 * SEC_NS;
    session *s;
    assert_int_equal(session_acquire(f->store, id, &s), SESSION_OK);
    f->now += 2 * SEC_NS;
    session_release(s);
    session_info info;
    assert_int_equal(session_get_info(f->store, id, &info), SESSION_OK);
    assert_int_equal(info.created_ms, 1000 * 1000);
    assert_int_equal(info.last_access_ms, 1007 * 1000);
}

/* ---- TTL, lookup expiry and the reaper, on the fake clock --------------- */

static void test_ttl_boundaries(void **state)
{
    fixture *f = *state;
    char a[SESSION_ID_SIZE], b[SESSION_ID_SIZE];
    make(f, 1, a);
    make(f, 2, b);

    f->now += TTL_NS - SEC_NS;
    assert_int_equal(session_reap_now(f->store), 0);
    assert_int_equal(live(f), 2);
    f->now += SEC_NS; /* exactly the TTL: not yet over it */
    assert_int_equal(session_reap_now(f->store), 0);
    f->now += SEC_NS;
    assert_int_equal(session_reap_now(f->store), 2);
    assert_int_equal(live(f), 0);
    assert_int_equal(payloads_freed, 2);

    session *s;
    assert_int_equal(session_acquire(f->store, a, &s), SESSION_NOT_FOUND);
    assert_int_equal(session_remove(f->store, b), SESSION_NOT_FOUND);
    session_stats st;
    session_store_stats(f->store, &st);
    assert_int_equal(st.evicted, 2);
    assert_int_equal(st.expired, 0);
    assert_int_equal(st.reaper_passes, 3);
}

static void test_expired_at_lookup(void **state)
{
    fixture *f = *state;
    char a[SESSION_ID_SIZE], b[SESSION_ID_SIZE], c[SESSION_ID_SIZE];
    make(f, 1, a);
    make(f, 2, b);
    make(f, 3, c);
    f->now += TTL_NS + SEC_NS;

    /* No reaper pass: each lookup still sees the record as gone. */
    session *s;
    session_info info;
    assert_int_equal(session_acquire(f->store, a, &s), SESSION_NOT_FOUND);
    assert_int_equal(session_get_info(f->store, b, &info), SESSION_NOT_FOUND);
    assert_int_equal(session_remove(f->store, c), SESSION_NOT_FOUND);
    assert_int_equal(payloads_freed, 3);
    session_stats st;
    session_store_stats(f->store, &st);
    assert_int_equal(st.expired, 3);
    assert_int_equal(st.removed, 0);
    assert_int_equal(st.live, 0);
}

static void test_in_use_past_ttl_stays(void **state)
{
    fixture *f = *state;
    char held[SESSION_ID_SIZE], idle[SESSION_ID_SIZE];
    make(f, 1, idle);
    session *s;
    assert_int_equal(session_create(f->store, &s, held), SESSION_OK);
    session_set_payload(s, payload_new(2));

    f->now += TTL_NS + SEC_NS;
    assert_int_equal(session_reap_now(f->store), 1); /* only the idle one */
    session_info info;
    assert_int_equal(session_get_info(f->store, held, &info), SESSION_OK);
    assert_int_equal(info.users, 1);
    assert_int_equal(*(int *)session_payload(s), 2);

    session_release(s); /* stamps it: idle from now */
    assert_int_equal(session_reap_now(f->store), 0);
    f->now += TTL_NS - SEC_NS;
    assert_int_equal(session_reap_now(f->store), 0);
    f->now += 2 * SEC_NS;
    assert_int_equal(session_reap_now(f->store), 1);
    assert_int_equal(payloads_freed, 2);
}

static void test_reaper_batches_and_stops_at_young(void **state)
{
    fixture *f = *state; /* reap_batch 4 */
    enum { OLD = 11, YOUNG = 5 };
    char ids[OLD + YOUNG][SESSION_ID_SIZE];
    for (int i = 0; i < OLD; i++)
        make(f, i, ids[i]);
    f->now += 5 * SEC_NS;
    for (int i = OLD; i < OLD + YOUNG; i++)
        make(f, i, ids[i]);

    /* One old record is used again: it moves to the hot end and stays. */
    session *s;
    assert_int_equal(session_acquire(f->store, ids[0], &s), SESSION_OK);
    f->now += TTL_NS - 4 * SEC_NS; /* old ones 1 s over, young 4 s under */
    session_release(s);
    assert_int_equal(session_reap_now(f->store), OLD - 1);
    assert_int_equal(live(f), YOUNG + 1);
    assert_int_equal(session_acquire(f->store, ids[0], &s), SESSION_OK);
    session_release(s);
    for (int i = OLD; i < OLD + YOUNG; i++) {
        assert_int_equal(session_acquire(f->store, ids[i], &s), SESSION_OK);
        session_release(s);
    }
    session_stats st;
    session_store_stats(f->store, &st);
    assert_int_equal(st.evicted, OLD - 1);
}

static void test_reaper_skips_many_held(void **state)
{
    fixture *f = *state; /* reap_batch 4 */
    enum { HELD = 6, IDLE = 9 };
    session *held[HELD];
    char id[SESSION_ID_SIZE];
    for (int i = 0; i < HELD; i++)
        assert_int_equal(session_create(f->store, &held[i], id), SESSION_OK);
    for (int i = 0; i < IDLE; i++)
        make(f, i, id);
    f->now += TTL_NS + SEC_NS;
    /* The held ones fill the first batch; they move out of the way and
     * later passes reach the idle ones. */
    size_t evicted = 0;
    for (int pass = 0; pass < 4 && evicted < IDLE; pass++)
        evicted += session_reap_now(f->store);
    assert_int_equal(evicted, IDLE);
    assert_int_equal(live(f), HELD);
    for (int i = 0; i < HELD; i++)
        session_release(held[i]);
    f->now += TTL_NS + SEC_NS;
    assert_int_equal(session_reap_now(f->store), HELD);
    assert_int_equal(live(f), 0);
}

/* Shutdown stops a running reaper and frees live records, held or not. */
static void test_shutdown_with_reaper_and_live_sessions(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    for (int i = 0; i < 10; i++)
        make(f, i, id);
    assert_int_equal(session_reaper_start(f->store), SESSION_OK);
    assert_int_equal(session_reaper_start(f->store), SESSION_OK); /* idempotent */
    session_store_free(f->store);
    assert_int_equal(payloads_live, 0);
    assert_int_equal(payloads_freed, 10);
    /* teardown frees whatever store the fixture holds */
    assert_int_equal(session_store_new(NULL, &f->store), SESSION_OK);
}

/* The fake clock for a store whose reaper thread reads it: atomic. */
static uint64_t atomic_clock(void *ctx)
{
    return __atomic_load_n((uint64_t *)ctx, __ATOMIC_RELAXED);
}

static void test_reaper_thread_evicts(void **state)
{
    (void)state;
    uint64_t now = 1000 * SEC_NS;
    session_config cfg = {.idle_ttl_ms = TTL_MS, .reap_interval_ms = 1,
                          .reap_batch = 3, .clock = atomic_clock,
                          .clock_ctx = &now, .payload_free = payload_free};
    session_store *store;
    assert_int_equal(session_store_new(&cfg, &store), SESSION_OK);
    char id[SESSION_ID_SIZE];
    for (int i = 0; i < 10; i++) {
        session *s;
        assert_int_equal(session_create(store, &s, id), SESSION_OK);
        session_set_payload(s, payload_new(i));
        session_release(s);
    }
    assert_int_equal(session_reaper_start(store), SESSION_OK);
    __atomic_store_n(&now, now + TTL_NS + SEC_NS, __ATOMIC_RELAXED);
    /* The thread wakes every millisecond; wait for its work, not a time. */
    session_stats st;
    for (;;) {
        session_store_stats(store, &st);
        if (st.live == 0)
            break;
        sched_yield();
    }
    assert_int_equal(st.evicted, 10);
    assert_true(st.reaper_passes >= 1);
    session_store_free(store);
    assert_int_equal(payloads_freed, 10);
}

/* ---- shutdown and iteration -------------------------------------------- */

static void test_shutdown_frees_everything(void **state)
{
    (void)state;
    session_config cfg = {.payload_free = payload_free}; /* defaults otherwise */
    session_store *store;
    assert_int_equal(session_store_new(&cfg, &store), SESSION_OK);
    char id[SESSION_ID_SIZE];
    session *s;
    for (int i = 0; i < 50; i++) {
        assert_int_equal(session_create(store, &s, id), SESSION_OK);
        session_set_payload(s, payload_new(i));
        session_release(s);
    }
    assert_int_equal(session_create(store, &s, id), SESSION_OK); /* no payload */
    session_release(s);
    /* A reaper on the default 60 s interval must still stop at once. */
    assert_int_equal(session_reaper_start(store), SESSION_OK);
    session_store_free(store);
    assert_int_equal(payloads_freed, 50);
    assert_int_equal(payloads_live, 0);
}

typedef struct seen {
    int count;
    uint64_t calls;
    char first[SESSION_ID_SIZE];
} seen;

static void count_info(const session_info *info, void *ctx)
{
    seen *sn = ctx;
    if (sn->count == 0)
        memcpy(sn->first, info->id, SESSION_ID_SIZE);
    sn->count++;
    sn->calls += info->calls;
}

static void test_foreach(void **state)
{
    fixture *f = *state;
    enum { N = 300 }; /* more than one snapshot buffer */
    char id[SESSION_ID_SIZE];
    for (int i = 0; i < N; i++) {
        session *s;
        assert_int_equal(session_create(f->store, &s, id), SESSION_OK);
        session_count_call(s, false);
        session_release(s);
    }
    seen sn = {0};
    session_foreach(f->store, count_info, &sn);
    assert_int_equal(sn.count, N);
    assert_int_equal(sn.calls, N);

    /* Over-idle records are not reported; one touched since is. */
    f->now += TTL_NS / 2;
    session *s;
    assert_int_equal(session_acquire(f->store, sn.first, &s), SESSION_OK);
    session_release(s);
    f->now += TTL_NS / 2 + SEC_NS;
    memset(&sn, 0, sizeof sn);
    session_foreach(f->store, count_info, &sn);
    assert_int_equal(sn.count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ids_are_hex_and_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_ids_are_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_arguments, setup, teardown),
        cmocka_unit_test(test_default_config),
        cmocka_unit_test(test_status_names),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_while_held_defers_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_held, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waiting_user_sees_removal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waiting_user_is_served, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capacity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capacity_counts_held_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capacity_reclaims_across_shards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_access_is_stamped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ttl_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_at_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_use_past_ttl_stays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reaper_batches_and_stops_at_young, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reaper_skips_many_held, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_with_reaper_and_live_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reaper_thread_evicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_frees_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreach, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
