/*
 * reaper.c - evicting idle sessions in bounded batches.
 *
 * The LRU list (store.c) keeps records without users in order of last
 * access, so the over-idle ones are a prefix of the list from its cold end.
 * A pass takes the store lock, unlinks up to reap_batch of that prefix onto
 * a private chain, records how long it held the lock, lets go, frees the
 * chain (payload_free can be slow: it tears down a whole XML tree) and goes
 * again, until it meets a record that is not over-idle or a batch evicts
 * nothing. Requests that arrive meanwhile wait for at most one batch: 256
 * unlinks, a few tens of microseconds, never the 100,000 frees.
 *
 * A record in use is never evicted, however old its stamp. One that has
 * been held longer than the TTL (a stuck request) is moved to the hot end
 * so the next batch does not trip over it again; its release stamps it
 * afresh, which puts the list back in order. Each batch examines at most
 * reap_batch records, evicted or skipped, so a crowd of stuck users cannot
 * make one hold long either.
 */
#include "session/session_internal.h"

#include <time.h>

#define NS_PER_SEC 1000000000ull /* ns */
#define NS_PER_MS 1000000ull     /* ns */

size_t session_reap_now(session_store *store)
{
    if (store == NULL)
        return 0;
    size_t total = 0;
    bool first = true;

    for (;;) {
        session *victims = NULL;
        size_t evicted = 0, examined = 0;

        pthread_mutex_lock(&store->lock);
        uint64_t t0 = session_mono_ns();
        uint64_t now = session_store_now(store);
        if (first)
            store->reaper_passes++;
        first = false;
        session *s = store->cold;
        while (s != NULL && examined < store->batch) {
            if (now <= s->last_access_ns || now - s->last_access_ns <= store->ttl_ns)
                break; /* the first record not over-idle: all newer ones are younger */
            session *next = s->newer;
            examined++;
            if (s->users > 0) {
                /* Pull it out of the prefix; its release restamps it. */
                session_lru_touch_locked(store, s);
            } else {
                session_unlink_locked(store, s);
                store->evicted++;
                s->hnext = victims;
                victims = s;
                evicted++;
            }
            s = next;
        }
        uint64_t held = session_mono_ns() - t0;
        if (held > store->lock_hold_max_ns)
            store->lock_hold_max_ns = held;
        pthread_mutex_unlock(&store->lock);

        session_destroy_chain(store, victims);
        total += evicted;
        if (examined < store->batch || evicted == 0)
            break;
    }
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
