/*
 * test_session_concurrency.c - many threads creating, acquiring, editing,
 * releasing and removing sessions while the reaper thread evicts with a
 * tiny TTL. Run under ThreadSanitizer (the build names it "concurrency"),
 * ASan and valgrind: the assertions below check the bookkeeping, the
 * sanitizers check the locking and the frees.
 *
 * Each record also carries an attachment in a registered slot, as the
 * HTTP transport's legacy state does: every one must be told of the
 * unlink exactly once and then freed exactly once, whichever way its
 * record ended, while other threads hold the record to read it.
 *
 * Time is a fake clock that every operation moves forward, so sessions
 * expire at a rate set by the amount of work, not by the machine's speed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "session/session.h"
#include "testutil.h"

#define THREADS 8
#define ITERATIONS 20000        /* per thread */
#define ITERATIONS_VALGRIND 1500
#define TICK_NS 20000ull        /* ns of fake time per operation: 20 us */
#define TTL_MS 10ull            /* ms of fake time: about 500 operations */
#define PAYLOAD_MAGIC 0x1d5d5e55u
#define PAYLOAD_DEAD 0xdeadbeefu

typedef struct payload {
    unsigned magic;
    int in_use;                 /* plain int on purpose: TSan sees overlap */
    uint64_t edits;
} payload;

#define TAG_MAGIC 0x7a6u

typedef struct tag {
    unsigned magic;
    atomic_int unlinked;        /* times told the record left the table */
} tag;

static atomic_long tags_made;
static atomic_long tags_freed;
static atomic_long payloads_made;
static atomic_long payloads_freed;
static atomic_long failures;    /* checked on the main thread */
static atomic_ullong fake_now;

static uint64_t fake_clock(void *ctx)
{
    (void)ctx;
    return atomic_load_explicit(&fake_now, memory_order_relaxed);
}

static void tick(void)
{
    atomic_fetch_add_explicit(&fake_now, TICK_NS, memory_order_relaxed);
}

static payload *payload_new(void)
{
    payload *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->magic = PAYLOAD_MAGIC;
    atomic_fetch_add(&payloads_made, 1);
    return p;
}

static void payload_free(void *ptr)
{
    payload *p = ptr;
    if (p->magic != PAYLOAD_MAGIC || p->in_use != 0)
        atomic_fetch_add(&failures, 1);
    p->magic = PAYLOAD_DEAD;
    atomic_fetch_add(&payloads_freed, 1);
    free(p);
}

static tag *tag_new(void)
{
    tag *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->magic = TAG_MAGIC;
    atomic_init(&t->unlinked, 0);
    atomic_fetch_add(&tags_made, 1);
    return t;
}

static void tag_unlinked(void *data)
{
    tag *t = data;
    if (t->magic != TAG_MAGIC || atomic_fetch_add(&t->unlinked, 1) != 0)
        atomic_fetch_add(&failures, 1);
}

/* Every record of run() ends by removal, eviction or expiry before the
 * store is freed, so each tag was told exactly once. */
static void tag_free(void *data)
{
    tag *t = data;
    if (t->magic != TAG_MAGIC || atomic_load(&t->unlinked) != 1)
        atomic_fetch_add(&failures, 1);
    t->magic = 0;
    atomic_fetch_add(&tags_freed, 1);
    free(t);
}

static const session_slot_ops tag_ops = {"test tag", tag_free, tag_unlinked};

/* Ids the threads share, so they collide on the same sessions. */
typedef struct pool {
    pthread_mutex_t lock;
    size_t size;
    char ids[64][SESSION_ID_SIZE];
} pool;

typedef struct worker {
    session_store *store;
    session_slot slot;
    pool *pool;
    unsigned seed;
    int iterations;
    long created, capacity, acquired, not_found, removed, held;
} worker;

static void pool_get(pool *p, unsigned *seed, char id[SESSION_ID_SIZE])
{
    pthread_mutex_lock(&p->lock);
    memcpy(id, p->ids[(size_t)rand_r(seed) % p->size], SESSION_ID_SIZE);
    pthread_mutex_unlock(&p->lock);
}

static void pool_put(pool *p, unsigned *seed, const char id[SESSION_ID_SIZE])
{
    pthread_mutex_lock(&p->lock);
    memcpy(p->ids[(size_t)rand_r(seed) % p->size], id, SESSION_ID_SIZE);
    pthread_mutex_unlock(&p->lock);
}

static void edit(worker *w, session *s)
{
    payload *p = session_payload(s);
    if (p == NULL || p->magic != PAYLOAD_MAGIC || p->in_use != 0) {
        atomic_fetch_add(&failures, 1);
        return;
    }
    p->in_use = 1;
    p->edits++;
    if (rand_r(&w->seed) % 8 == 0) {
        /* Swap the document for a fresh one, as load_ids would. */
        payload *fresh = payload_new();
        if (fresh != NULL) {
            fresh->edits = p->edits;
            p->in_use = 0;
            session_set_payload(s, fresh);
            p = fresh;
            p->in_use = 1;
        }
    }
    session_set_bytes(s, (size_t)p->edits * 16);
    session_count_call(s, rand_r(&w->seed) % 10 == 0);
    p->in_use = 0;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    char id[SESSION_ID_SIZE];
    session *s;

    for (int i = 0; i < w->iterations; i++) {
        tick();
        unsigned r = (unsigned)rand_r(&w->seed) % 100;
        if (r < 15) {
            session_status st = session_create(w->store, &s, id);
            if (st == SESSION_CAPACITY) {
                w->capacity++;
                continue;
            }
            if (st != SESSION_OK) {
                atomic_fetch_add(&failures, 1);
                continue;
            }
            w->created++;
            session_set_payload(s, payload_new());
            session_attach(s, w->slot, tag_new());
            session_release(s);
            pool_put(w->pool, &w->seed, id);
        } else if (r < 82) {
            pool_get(w->pool, &w->seed, id);
            session_status st = session_acquire(w->store, id, &s);
            if (st == SESSION_NOT_FOUND || st == SESSION_INVALID) {
                w->not_found++; /* INVALID: a slot not filled yet */
                continue;
            }
            if (st != SESSION_OK) {
                atomic_fetch_add(&failures, 1);
                continue;
            }
            w->acquired++;
            edit(w, s);
            if (rand_r(&w->seed) % 50 == 0) {
                session_remove_held(s);
                w->removed++;
            }
            session_release(s);
        } else if (r < 90) {
            /* A holder reads the attachment without the record lock. */
            pool_get(w->pool, &w->seed, id);
            if (session_hold(w->store, id, &s) != SESSION_OK)
                continue;
            w->held++;
            tag *t = session_attachment(s, w->slot);
            if (t == NULL || t->magic != TAG_MAGIC || atomic_load(&t->unlinked) > 1)
                atomic_fetch_add(&failures, 1);
            tick();
            session_unhold(s);
        } else if (r < 97) {
            pool_get(w->pool, &w->seed, id);
            if (session_remove(w->store, id) == SESSION_OK)
                w->removed++;
        } else {
            session_stats st;
            session_store_stats(w->store, &st);
            session_info info;
            pool_get(w->pool, &w->seed, id);
            (void)session_get_info(w->store, id, &info);
        }
    }
    return NULL;
}

static void count_info(const session_info *info, void *ctx)
{
    (void)info;
    (*(size_t *)ctx)++;
}

static void run(size_t pool_size, size_t max_sessions)
{
    atomic_store(&payloads_made, 0);
    atomic_store(&payloads_freed, 0);
    atomic_store(&tags_made, 0);
    atomic_store(&tags_freed, 0);
    atomic_store(&failures, 0);
    atomic_store(&fake_now, 1000000000ull);

    session_config cfg = {
        .max_sessions = max_sessions,
        .idle_ttl_ms = TTL_MS,
        .reap_interval_ms = 1,  /* real time */
        .reap_batch = 8,
        .clock = fake_clock,
        .payload_free = payload_free,
    };
    session_store *store;
    assert_int_equal(session_store_new(&cfg, &store), SESSION_OK);
    session_slot slot;
    assert_int_equal(session_slot_register(store, &tag_ops, &slot), SESSION_OK);
    assert_int_equal(session_reaper_start(store), SESSION_OK);

    pool ids = {.size = pool_size};
    assert_int_equal(pthread_mutex_init(&ids.lock, NULL), 0);

    int iterations = testutil_under_valgrind() ? ITERATIONS_VALGRIND : ITERATIONS;
    worker workers[THREADS];
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (worker){.store = store, .slot = slot, .pool = &ids,
                              .seed = 12345u + (unsigned)i * 7919u,
                              .iterations = iterations};
        assert_int_equal(pthread_create(&threads[i], NULL, worker_main, &workers[i]), 0);
    }
    /* The main thread iterates for stats while the others work. */
    size_t seen = 0;
    for (int i = 0; i < 20; i++)
        session_foreach(store, count_info, &seen);

    long created = 0, removed = 0, acquired = 0, held = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        created += workers[i].created;
        removed += workers[i].removed;
        acquired += workers[i].acquired;
        held += workers[i].held;
    }
    assert_int_equal(atomic_load(&failures), 0);
    assert_true(created > 0);
    assert_true(acquired > 0);
    assert_true(held > 0);

    session_stats st;
    session_store_stats(store, &st);
    print_message("created %llu, removed %llu, evicted %llu, expired %llu, "
                  "rejected %llu, live %zu, acquired %ld, passes %llu\n",
                  (unsigned long long)st.created, (unsigned long long)st.removed,
                  (unsigned long long)st.evicted, (unsigned long long)st.expired,
                  (unsigned long long)st.rejected, st.live, acquired,
                  (unsigned long long)st.reaper_passes);
    assert_int_equal(st.created, (uint64_t)created);
    /* Every record ever linked is live or was unlinked exactly one way. */
    assert_int_equal(st.created, st.live + st.removed + st.evicted + st.expired);
    assert_true(st.live <= max_sessions);
    /* A remove_held on a record that another remover beat counts once. */
    assert_true(st.removed <= (uint64_t)removed);

    /* What remains: let time pass and reap it all from this thread. */
    atomic_fetch_add(&fake_now, TTL_MS * 1000000ull * 2);
    session_reap_now(store);
    session_store_stats(store, &st);
    assert_int_equal(st.live, 0);
    assert_int_equal(st.created, st.removed + st.evicted + st.expired);

    session_store_free(store);
    pthread_mutex_destroy(&ids.lock);
    assert_int_equal(atomic_load(&failures), 0);
    assert_int_equal(atomic_load(&payloads_made), atomic_load(&payloads_freed));
    /* Only now: the reaper thread may still have been freeing a batch it
     * had unlinked (live counts it gone at the unlink), until the store's
     * free joined it. */
    assert_true(atomic_load(&tags_made) > 0);
    assert_int_equal(atomic_load(&tags_made), atomic_load(&tags_freed));
}

/* Many sessions, moderate sharing, capacity rarely reached. */
static void test_many_sessions(void **state)
{
    (void)state;
    run(64, 100000);
}

/* Two hot ids fought over by every thread, and a store at capacity. */
static void test_hot_sessions_at_capacity(void **state)
{
    (void)state;
    run(2, 16);
}

/* Shutdown while the threads' sessions are still live and the reaper runs. */
static void test_shutdown_with_live_sessions(void **state)
{
    (void)state;
    atomic_store(&payloads_made, 0);
    atomic_store(&payloads_freed, 0);
    session_config cfg = {.reap_interval_ms = 1, .payload_free = payload_free};
    session_store *store;
    assert_int_equal(session_store_new(&cfg, &store), SESSION_OK);
    assert_int_equal(session_reaper_start(store), SESSION_OK);
    for (int i = 0; i < 1000; i++) {
        session *s;
        char id[SESSION_ID_SIZE];
        assert_int_equal(session_create(store, &s, id), SESSION_OK);
        session_set_payload(s, payload_new());
        session_release(s);
    }
    session_store_free(store);
    assert_int_equal(atomic_load(&payloads_made), 1000);
    assert_int_equal(atomic_load(&payloads_freed), 1000);
}

/* Capacity is one limit over all shards: threads racing to create in
 * different shards never get more than max_sessions places between them,
 * and every place freed is a place that can be taken again. */
#define CAP_THREADS 4
#define CAP_MAX 64
#define CAP_ROUNDS 2000 /* remove-then-create per thread */

typedef struct cap_worker {
    session_store *store;
    pthread_barrier_t *start;
    char ids[CAP_MAX + 1][SESSION_ID_SIZE]; /* one spare for a refused create */
    size_t held;               /* ids this thread created and still owns */
    long ok, refused, removed;
} cap_worker;

static void *cap_main(void *arg)
{
    cap_worker *w = arg;
    pthread_barrier_wait(w->start);
    /* Fill: everyone creates until refused. */
    for (;;) {
        session *s;
        session_status st = session_create(w->store, &s, w->ids[w->held]);
        if (st == SESSION_CAPACITY) {
            w->refused++;
            break;
        }
        if (st != SESSION_OK || w->held >= CAP_MAX) {
            atomic_fetch_add(&failures, 1);
            return NULL;
        }
        session_release(s);
        w->held++;
        w->ok++;
    }
    pthread_barrier_wait(w->start);
    /* Churn: give a place back, try to take one. */
    for (int r = 0; r < CAP_ROUNDS; r++) {
        if (w->held > 0) {
            w->held--;
            if (session_remove(w->store, w->ids[w->held]) != SESSION_OK)
                atomic_fetch_add(&failures, 1);
            w->removed++;
        }
        session *s;
        session_status st = session_create(w->store, &s, w->ids[w->held]);
        if (st == SESSION_OK) {
            session_release(s);
            w->held++;
            w->ok++;
        } else if (st == SESSION_CAPACITY) {
            w->refused++;
        } else {
            atomic_fetch_add(&failures, 1);
        }
    }
    return NULL;
}

static void test_capacity_across_shards(void **state)
{
    (void)state;
    atomic_store(&failures, 0);
    session_config cfg = {.max_sessions = CAP_MAX};
    session_store *store;
    assert_int_equal(session_store_new(&cfg, &store), SESSION_OK);
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, CAP_THREADS), 0);
    cap_worker *w = calloc(CAP_THREADS, sizeof *w);
    assert_non_null(w);
    pthread_t t[CAP_THREADS];
    for (int i = 0; i < CAP_THREADS; i++) {
        w[i].store = store;
        w[i].start = &start;
        assert_int_equal(pthread_create(&t[i], NULL, cap_main, &w[i]), 0);
    }
    size_t held = 0;
    long ok = 0, refused = 0, removed = 0;
    for (int i = 0; i < CAP_THREADS; i++) {
        pthread_join(t[i], NULL);
        held += w[i].held;
        ok += w[i].ok;
        refused += w[i].refused;
        removed += w[i].removed;
    }
    assert_int_equal(atomic_load(&failures), 0);
    session_stats st;
    session_store_stats(store, &st);
    assert_true(held <= CAP_MAX);
    assert_int_equal(st.live, held);
    assert_int_equal(st.created, (uint64_t)ok);
    assert_int_equal(st.rejected, (uint64_t)refused);
    assert_int_equal(st.removed, (uint64_t)removed);
    assert_int_equal(st.created, st.live + st.removed);
    /* Every place given back can be taken again, up to the limit exactly. */
    for (size_t n = held; n < CAP_MAX; n++) {
        session *s;
        char id[SESSION_ID_SIZE];
        assert_int_equal(session_create(store, &s, id), SESSION_OK);
        session_release(s);
    }
    session *s;
    char id[SESSION_ID_SIZE];
    assert_int_equal(session_create(store, &s, id), SESSION_CAPACITY);
    pthread_barrier_destroy(&start);
    free(w);
    session_store_free(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_sessions),
        cmocka_unit_test(test_hot_sessions_at_capacity),
        cmocka_unit_test(test_shutdown_with_live_sessions),
        cmocka_unit_test(test_capacity_across_shards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
