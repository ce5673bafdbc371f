/*
 * persist.c - sessions beyond memory: what src/session asks of the store
 * (src/store) and when.
 *
 * Memory stays the working copy; the store is its durable image, kept in
 * step at four moments:
 * - a change: the tool layer hands the new document's bytes to
 *   session_persist under the record lock, which returns once they are
 *   durable (the store's group commit makes one sync cover many calls);
 * - leaving memory: eviction, expiry, close and remove queue a delete of
 *   the row (session_notify_unlinked), durable with the next commit, the
 *   reaper's sweep or close_session's flush;
 * - access: a release queues a touch of the row's access time at most
 *   once per touch_ms, so a restart can tell over-idle sessions apart;
 * - a lookup that misses memory: session_restore reads the row (after the
 *   queue is committed, so a deleted session stays deleted), drops it when
 *   over-idle, and otherwise rebuilds the record with its id, its age, its
 *   payload (config.payload_restore) and the attachments whose layers can
 *   rebuild them from the row's tag. So start-up reads nothing: 100,000
 *   stored sessions cost nothing until each is used.
 * Nothing here runs under a shard lock.
 */
#include "session/session_internal.h"

#include <stdio.h>
#include <string.h>

#define NS_PER_MS 1000000ull /* ns */

bool session_persistent(const session_store *store)
{
    return store != NULL && store->persist != NULL;
}

static uint64_t ttl_ms(const session_store *store)
{
    return store->ttl_ns / NS_PER_MS;
}

static int64_t age_of(int64_t now, int64_t then)
{
    return now > then ? now - then : 0;
}

session_status session_slot_set_restore(session_store *store, session_slot slot,
                                        void *(*fn)(void *ctx, const char *id,
                                                    const char *tag),
                                        void *ctx)
{
    if (store == NULL || slot >= SESSION_SLOTS)
        return SESSION_INVALID;
    atomic_store_explicit(&store->slot_restore_ctx[slot], ctx, memory_order_relaxed);
    atomic_store_explicit(&store->slot_restore[slot], fn, memory_order_release);
    return SESSION_OK;
}

store_status session_restore(session_store *store, const char *id, uint64_t hash,
                             store_error *err)
{
    store_record rec;
    void *payload = NULL;
    void *attach[SESSION_SLOTS] = {0};
    session *s = NULL;

    store_status got = store_get(store->persist, id, &rec, err);
    if (got != STORE_OK)
        return got;
    int64_t now = store_now_ms();
    uint64_t idle = (uint64_t)age_of(now, rec.access_ms);
    /* A shared store's rows expire by the store's own clock (its key
     * expiry follows the same rule with the touch slack); a row it still
     * has is live, whatever this process's view of its access time. */
    if (idle > ttl_ms(store) && !store_shared(store->persist)) {
        /* Over-idle while the server was down: as gone as in memory. */
        store_delete(store->persist, id);
        goto out;
    }
    if (rec.doc != NULL) {
        if (store->payload_restore == NULL)
            goto out;
        payload = store->payload_restore(store->restore_ctx, rec.doc, rec.doc_len,
                                         rec.meta, rec.meta_len);
        if (payload == NULL)
            goto out; /* unreadable: the row stays for a person to look at */
    }
    if (rec.tag != NULL) {
        for (session_slot i = 0; i < SESSION_SLOTS; i++) {
            void *(*fn)(void *, const char *, const char *) =
                atomic_load_explicit(&store->slot_restore[i], memory_order_acquire);
            if (fn != NULL)
                attach[i] = fn(atomic_load_explicit(&store->slot_restore_ctx[i],
                                                    memory_order_relaxed),
                               id, rec.tag);
        }
    }
    if (session_create_record(store, id, hash, idle,
                              (uint64_t)age_of(now, rec.created_ms), &s, NULL) != SESSION_OK)
        goto out; /* at capacity, or another thread restored it first */
    s->persist_version = rec.version;
    session_set_payload(s, payload);
    payload = NULL;
    for (session_slot i = 0; i < SESSION_SLOTS; i++) {
        if (attach[i] != NULL) {
            session_attach(s, i, attach[i]);
            attach[i] = NULL;
        }
    }
    atomic_fetch_add_explicit(&store->restored, 1, memory_order_relaxed);
    session_release(s);
out:
    if (payload != NULL && store->payload_free != NULL)
        store->payload_free(payload);
    for (session_slot i = 0; i < SESSION_SLOTS; i++) {
        if (attach[i] != NULL) {
            const session_slot_ops *ops =
                atomic_load_explicit(&store->slot_ops[i], memory_order_acquire);
            if (ops != NULL)
                ops->free(attach[i]);
        }
    }
    store_record_clear(&rec);
    return STORE_OK;
}

static void say(char *why, size_t why_size, const store_error *err)
{
    if (why != NULL && why_size > 0)
        snprintf(why, why_size, "%s", err->message[0] != '\0'
                                          ? err->message
                                          : store_status_name(err->code));
}

session_status session_revalidate(session *s, char *why, size_t why_size)
{
    session_store *store = s->store;
    SESSION_ASSERT_HELD(s);
    store_record rec;
    store_error err = {0};
    bool changed = false;

    store_status st = store_revalidate(store->persist, s->id, s->persist_version, &rec,
                                       &changed, &err);
    if (st == STORE_NOT_FOUND) {
        /* Closed through another instance, or expired in the store: as
         * gone here as there. */
        s->keep_stored = true;
        session_remove_held(s);
        return SESSION_NOT_FOUND;
    }
    if (st != STORE_OK) {
        say(why, why_size, &err);
        return SESSION_ERR_STORE;
    }
    session_status out = SESSION_OK;
    if (changed) {
        /* Another instance wrote it: this copy is stale. */
        void *payload = NULL;
        if (rec.doc != NULL && store->payload_restore != NULL)
            payload = store->payload_restore(store->restore_ctx, rec.doc, rec.doc_len,
                                             rec.meta, rec.meta_len);
        if (rec.doc != NULL && payload == NULL) {
            if (why != NULL && why_size > 0)
                snprintf(why, why_size, "the stored document of session %.8s... cannot "
                                        "be read back", s->id);
            out = SESSION_ERR_STORE;
        } else {
            session_set_payload(s, payload);
            s->persist_version = rec.version;
        }
    }
    store_record_clear(&rec);
    return out;
}

session_status session_persist(session *s, const char *doc, size_t doc_len,
                               const char *meta, size_t meta_len,
                               char *why, size_t why_size)
{
    if (s == NULL)
        return SESSION_INVALID;
    session_store *store = s->store;
    if (store->persist == NULL)
        return SESSION_OK;
    SESSION_ASSERT_HELD(s);

    store_put put = {0};
    store_error err = {0};
    int64_t now = store_now_ms();
    session_shard *sh = session_shard_of(store, s->hash);
    uint64_t created_ns;

    session_shard_lock(sh);
    created_ns = s->created_ns;
    uint64_t mono = session_store_now(store);
    session_shard_unlock(sh);

    put.id = s->id;
    put.fields = STORE_F_DOC;
    put.expected_version = s->persist_version;
    put.access_ms = now;
    put.created_ms = now - (int64_t)((mono > created_ns ? mono - created_ns : 0) / NS_PER_MS);
    put.doc = doc;
    put.doc_len = doc_len;
    put.meta = meta;
    put.meta_len = meta_len;
    store_status st = store_put_row(store->persist, &put, &err);
    if (st == STORE_CONFLICT && store_shared(store->persist)) {
        /* Another instance won the compare-and-set (or ended the
         * session); the caller reloads and decides. */
        say(why, why_size, &err);
        return SESSION_CONFLICT;
    }
    if (st == STORE_CONFLICT && put.expected_version > 0) {
        /* The row is gone while the record is in memory: the sweep ended
         * it (a record held for longer than the TTL is touched only when
         * released). This process alone writes the folder, so the record
         * is the truth: write it as a new row. */
        store_record rec;
        if (store_get(store->persist, s->id, &rec, NULL) == STORE_NOT_FOUND) {
            put.expected_version = 0;
            s->persist_version = 0;
            err.code = STORE_OK;
            err.message[0] = '\0';
            st = store_put_row(store->persist, &put, &err);
        }
        store_record_clear(&rec);
    }
    if (st != STORE_OK) {
        say(why, why_size, &err);
        return SESSION_ERR_STORE;
    }
    s->persist_version++;
    return SESSION_OK;
}

bool session_persist_reload(session *s)
{
    if (s == NULL)
        return false;
    session_store *store = s->store;
    if (store->persist == NULL)
        return atomic_load_explicit(&s->linked, memory_order_relaxed);
    SESSION_ASSERT_HELD(s);

    store_record rec;
    store_status st = store_get(store->persist, s->id, &rec, NULL);
    if (st == STORE_NOT_FOUND && store_shared(store->persist)) {
        /* Ended by another instance or expired (or, for a session this
         * call was starting, never written): gone here too. */
        s->keep_stored = true;
        session_remove_held(s);
        return false;
    }
    if (st == STORE_NOT_FOUND || (st == STORE_OK && rec.doc == NULL)) {
        /* Never durable with a document: it had none. */
        session_set_payload(s, NULL);
        if (st == STORE_OK)
            s->persist_version = rec.version;
        store_record_clear(&rec);
        return atomic_load_explicit(&s->linked, memory_order_relaxed);
    }
    void *payload = NULL;
    if (st == STORE_OK && store->payload_restore != NULL)
        payload = store->payload_restore(store->restore_ctx, rec.doc, rec.doc_len,
                                         rec.meta, rec.meta_len);
    if (payload != NULL) {
        session_set_payload(s, payload);
        s->persist_version = rec.version;
        store_record_clear(&rec);
        return atomic_load_explicit(&s->linked, memory_order_relaxed);
    }
    store_record_clear(&rec);
    /* The store does not answer either: memory must not keep a change
     * that is not durable, so the record leaves it, its row untouched;
     * the next lookup restores the durable state. */
    s->keep_stored = true;
    session_remove_held(s);
    return false;
}

session_status session_persist_tag(session_store *store, const char *id,
                                   const char *tag, char *why, size_t why_size)
{
    if (store == NULL || id == NULL || tag == NULL)
        return SESSION_INVALID;
    if (store->persist == NULL)
        return SESSION_OK;
    store_put put = {0};
    store_error err = {0};
    put.id = id;
    put.fields = STORE_F_TAG;
    put.tag = tag;
    put.created_ms = put.access_ms = store_now_ms();
    if (store_put_row(store->persist, &put, &err) != STORE_OK) {
        say(why, why_size, &err);
        return SESSION_ERR_STORE;
    }
    return SESSION_OK;
}

session_status session_persist_flush(session_store *store, char *why, size_t why_size)
{
    if (store == NULL)
        return SESSION_INVALID;
    if (store->persist == NULL)
        return SESSION_OK;
    store_error err = {0};
    if (store_flush(store->persist, &err) != STORE_OK) {
        say(why, why_size, &err);
        return SESSION_ERR_STORE;
    }
    return SESSION_OK;
}

void session_persist_stats(session_store *store, store_stats *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (store != NULL && store->persist != NULL)
        store_get_stats(store->persist, out);
}

uint64_t session_persist_restored(session_store *store)
{
    return store != NULL ? atomic_load_explicit(&store->restored, memory_order_relaxed) : 0;
}

void session_persist_sweep(session_store *store)
{
    if (store->persist == NULL || ttl_ms(store) > (uint64_t)INT64_MAX / 4)
        return;
    /* Rows of sessions not in memory age only here. The slack of one
     * touch interval keeps a live session whose touch is still queued. */
    int64_t cutoff = store_now_ms() - (int64_t)ttl_ms(store) - 2 * store->touch_ms;
    store_sweep(store->persist, cutoff, NULL, NULL);
}
