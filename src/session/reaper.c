/*
 * reaper.c - evicting idle sessions in bounded batches.
 *
 * Each shard's LRU list (store.c) keeps its records without users in
 * order of last access, so the over-idle ones are a prefix of that list
 * from its cold end. A pass visits the shards in turn; in each it takes the
 * shard lock, unlinks up to reap_batch of that prefix onto a private chain,
 * records how long it held the lock, lets go, frees the chain (payload_free
 * can be slow: it tears down a whole XML tree) and goes again, until it
 * meets a record that is not over-idle or a batch evicts nothing, and then
 * moves to the next shard. Requests that arrive meanwhile wait for at most
 * one batch, and only if their session is in the shard being reaped: 256
 * unlinks, tens of microseconds, never the 100,000 frees.
 *
 * A record in use is never evicted, however old its stamp. One that has
 * been held longer than the TTL (a stuck request) is moved to the hot end
 * of its shard's list so the next batch does not trip over it again; its
 * release stamps it afresh, which puts the list back in order. Each batch
 * examines at most reap_batch records, evicted or skipped, so a crowd of
 * stuck users cannot make one hold long either.
 */
#include "session/session_internal.h"

#include <time.h>

#define NS_PER_SEC 1000000000ull /* ns */
#define NS_PER_MS 1000000ull     /* ns */

/* Raises the store-wide maximum hold to held unless it is already higher;
 * several threads may run passes at once (the thread and direct calls). */
static void note_hold(session_store *store, uint64_t held)
{
    uint64_t max = atomic_load_explicit(&store->lock_hold_max_ns, memory_order_relaxed);
    while (held > max &&
           !atomic_compare_exchange_weak_explicit(&store->lock_hold_max_ns, &max, held,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
}

/* Evicts one shard's over-idle prefix in batches; returns how many. */
static size_t reap_shard(session_store *store, session_shard *sh)
{
    size_t total = 0;

    for (;;) {
        session *victims = NULL;
        size_t evicted = 0, examined = 0;

        session_shard_lock(sh);
        uint64_t t0 = session_mono_ns();
        uint64_t now = session_store_now(store);
        session *s = sh->cold;
        while (s != NULL && examined < store->batch) {
            if (now <= s->last_access_ns || now - s->last_access_ns <= store->ttl_ns)
                break; /* the first record not over-idle: all newer ones are younger */
            session *next = s->newer;
            examined++;
            if (s->users > 0) {
                /* Pull it out of the prefix; its release restamps it. */
                session_lru_touch_locked(sh, s);
            } else {
                session_unlink_locked(store, sh, s);
                sh->evicted++;
                s->hnext = victims;
                victims = s;
                evicted++;
            }
            s = next;
        }
        uint64_t held = session_mono_ns() - t0;
        session_shard_unlock(sh);
        note_hold(store, held);

        session_end_chain(store, victims);
        total += evicted;
        if (examined < store->batch || evicted == 0)
            break;
    }
    return total;
}

size_t session_reap_now(session_store *store)
{
    if (store == NULL)
        return 0;
    size_t total = 0;
    atomic_fetch_add_explicit(&store->reaper_passes, 1, memory_order_relaxed);
    for (size_t i = 0; i < SESSION_SHARDS; i++)
        total += reap_shard(store, &store->shards[i]);
    session_persist_sweep(store);
    return total;
}

static void *reaper_main(void *arg)
{
    session_store *store = arg;

    pthread_mutex_lock(&store->reaper_lock);
    while (!store->reaper_stop) {
        uint64_t now = session_mono_ns();
        uint64_t interval_ns = store->interval_ms > UINT64_MAX / NS_PER_MS
                                   ? UINT64_MAX
                                   : store->interval_ms * NS_PER_MS;
        uint64_t deadline = interval_ns > UINT64_MAX - now ? UINT64_MAX : now + interval_ns;
        struct timespec ts = {.tv_sec = (time_t)(deadline / NS_PER_SEC),
                              .tv_nsec = (long)(deadline % NS_PER_SEC)};
        /* Loop for spurious wake-ups; a stop request ends the wait at once. */
        while (!store->reaper_stop && session_mono_ns() < deadline)
            pthread_cond_timedwait(&store->reaper_cond, &store->reaper_lock, &ts);
        if (store->reaper_stop)
            break;
        pthread_mutex_unlock(&store->reaper_lock);
        session_reap_now(store);
        pthread_mutex_lock(&store->reaper_lock);
    }
    pthread_mutex_unlock(&store->reaper_lock);
    return NULL;
}

session_status session_reaper_start(session_store *store)
{
    if (store == NULL)
        return SESSION_INVALID;
    if (store->reaper_running)
        return SESSION_OK;
    store->reaper_stop = false;
    if (pthread_create(&store->reaper, NULL, reaper_main, store) != 0)
        return SESSION_ERR_THREAD;
    store->reaper_running = true;
    return SESSION_OK;
}

void session_reaper_stop(session_store *store)
{
    if (!store->reaper_running)
        return;
    pthread_mutex_lock(&store->reaper_lock);
    store->reaper_stop = true;
    pthread_cond_signal(&store->reaper_cond);
    pthread_mutex_unlock(&store->reaper_lock);
    pthread_join(store->reaper, NULL);
    store->reaper_running = false;
}
