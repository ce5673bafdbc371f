/*
 * store.c - the interface's wrappers and the memory backend.
 *
 * The wrappers check arguments once, so backends may assume a valid id
 * and a non-NULL error struct. The memory backend is what idsd does
 * without --state-dir: nothing is kept, nothing is waited for, and the
 * session layer does not even call it (a NULL store there costs one
 * pointer test per call).
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const uint64_t store_latency_bounds_us[STORE_LATENCY_BUCKETS - 1] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 1000000,
};

const char *store_status_name(store_status status)
{
    switch (status) {
    case STORE_OK:        return "ok";
    case STORE_NOT_FOUND: return "not_found";
    case STORE_CONFLICT:  return "conflict";
    case STORE_FULL:      return "disk_full";
    case STORE_READONLY:  return "read_only";
    case STORE_CORRUPT:   return "corrupt";
    case STORE_LOCKED:    return "locked";
    case STORE_IO:        return "io_error";
    case STORE_NOMEM:     return "nomem";
    case STORE_INVALID:   return "invalid";
    }
    return "unknown";
}

void store_record_clear(store_record *rec)
{
    if (rec == NULL)
        return;
    free(rec->doc);
    free(rec->meta);
    free(rec->tag);
    memset(rec, 0, sizeof *rec);
}

int64_t store_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool id_ok(const char *id)
{
    if (id == NULL || strnlen(id, STORE_ID_SIZE) != STORE_ID_SIZE - 1)
        return false;
    for (size_t i = 0; i < STORE_ID_SIZE - 1; i++) {
        char c = id[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

static store_status invalid(store_error *err, const char *what)
{
    if (err != NULL) {
        err->code = STORE_INVALID;
        snprintf(err->message, sizeof err->message, "%s", what);
    }
    return STORE_INVALID;
}

store_status store_put_row(store_handle *st, const store_put *put, store_error *err)
{
    store_error scratch;
    if (err == NULL)
        err = &scratch;
    err->code = STORE_OK;
    err->message[0] = '\0';
    if (st == NULL || put == NULL || !id_ok(put->id) || put->fields == 0 ||
        ((put->fields & STORE_F_TAG) && put->tag == NULL))
        return invalid(err, "invalid store put");
    return st->ops->put(st, put, err);
}

store_status store_get(store_handle *st, const char *id, store_record *out, store_error *err)
{
    store_error scratch;
    if (err == NULL)
        err = &scratch;
    err->code = STORE_OK;
    err->message[0] = '\0';
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (st == NULL || out == NULL || !id_ok(id))
        return invalid(err, "invalid store get");
    return st->ops->get(st, id, out, err);
}

void store_delete(store_handle *st, const char *id)
{
    if (st != NULL && id_ok(id))
        st->ops->delete_async(st, id);
}

void store_touch(store_handle *st, const char *id, int64_t access_ms)
{
    if (st != NULL && id_ok(id))
        st->ops->touch_async(st, id, access_ms);
}

store_status store_flush(store_handle *st, store_error *err)
{
    store_error scratch;
    if (err == NULL)
        err = &scratch;
    err->code = STORE_OK;
    err->message[0] = '\0';
    if (st == NULL)
        return invalid(err, "no store");
    return st->ops->flush(st, err);
}

store_status store_sweep(store_handle *st, int64_t cutoff_ms, size_t *deleted, store_error *err)
{
    store_error scratch;
    size_t n = 0;
    if (err == NULL)
        err = &scratch;
    if (deleted == NULL)
        deleted = &n;
    *deleted = 0;
    err->code = STORE_OK;
    err->message[0] = '\0';
    if (st == NULL)
        return invalid(err, "no store");
    return st->ops->sweep(st, cutoff_ms, deleted, err);
}

void store_get_stats(store_handle *st, store_stats *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (st != NULL)
        st->ops->stats(st, out);
}

void store_close(store_handle *st)
{
    if (st != NULL)
        st->ops->close(st);
}

const char *store_backend_name(const store_handle *st)
{
    return st != NULL ? st->ops->name : "none";
}

bool store_shared(const store_handle *st)
{
    return st != NULL && st->ops->revalidate != NULL;
}

store_status store_revalidate(store_handle *st, const char *id, uint64_t have_version,
                              store_record *out, bool *changed, store_error *err)
{
    store_error scratch;
    if (err == NULL)
        err = &scratch;
    err->code = STORE_OK;
    err->message[0] = '\0';
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (changed != NULL)
        *changed = false;
    if (!store_shared(st) || out == NULL || changed == NULL || !id_ok(id))
        return invalid(err, "invalid store revalidate");
    return st->ops->revalidate(st, id, have_version, out, changed, err);
}

/* ---- memory ---- */

static store_status mem_put(store_handle *st, const store_put *put, store_error *err)
{
    (void)st; (void)put; (void)err;
    return STORE_OK;
}

static store_status mem_get(store_handle *st, const char *id, store_record *out,
                            store_error *err)
{
    (void)st; (void)id; (void)out; (void)err;
    return STORE_NOT_FOUND;
}

static void mem_delete(store_handle *st, const char *id)
{
    (void)st; (void)id;
}

static void mem_touch(store_handle *st, const char *id, int64_t access_ms)
{
    (void)st; (void)id; (void)access_ms;
}

static store_status mem_flush(store_handle *st, store_error *err)
{
    (void)st; (void)err;
    return STORE_OK;
}

static store_status mem_sweep(store_handle *st, int64_t cutoff_ms, size_t *deleted,
                              store_error *err)
{
    (void)st; (void)cutoff_ms; (void)err;
    *deleted = 0;
    return STORE_OK;
}

static void mem_stats(store_handle *st, store_stats *out)
{
    (void)st; (void)out;
}

static void mem_close(store_handle *st)
{
    free(st);
}

static const store_ops memory_ops = {
    "memory", mem_put, mem_get, mem_delete, mem_touch, mem_flush, mem_sweep,
    mem_stats, mem_close, NULL,
};

store_handle *store_memory_new(void)
{
    store_handle *st = malloc(sizeof *st);
    if (st != NULL)
        st->ops = &memory_ops;
    return st;
}
