/*
 * test_store_sqlite.c - the SQLite store on its own: rows round-trip,
 * versions compare and set, deletes and touches ride along with the next
 * commit and a get sees them, the sweep ends old rows, concurrent puts
 * share commits (group commit), a second opener refuses, a file that is
 * not a database is refused by name or moved aside with recover, and the
 * memory backend keeps nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "store/store.h"
#include "testutil.h"

static const char ID_A[] = "0123456789abcdef0123456789abcdef";
static const char ID_B[] = "fedcba9876543210fedcba9876543210";

static store_handle *open_in(const char *dir, bool recover, store_error *err)
{
    store_sqlite_config cfg = {dir, STORE_SYNC_NORMAL, recover};
    store_handle *st = NULL;
    store_sqlite_open(&cfg, &st, NULL, err);
    return st;
}

static store_put doc_put(const char *id, uint64_t expected, const char *doc,
                         const char *meta)
{
    store_put p = {0};
    p.id = id;
    p.fields = STORE_F_DOC;
    p.expected_version = expected;
    p.created_ms = 1000;
    p.access_ms = 2000;
    p.doc = doc;
    p.doc_len = doc ? strlen(doc) : 0;
    p.meta = meta;
    p.meta_len = meta ? strlen(meta) : 0;
    return p;
}

static void roundtrip_and_versions(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    store_error err;
    store_handle *st = open_in(dir, false, &err);
    assert_non_null(st);
    assert_string_equal(store_backend_name(st), "sqlite");

    store_put p = doc_put(ID_A, 0, "<ids/>", "s=1");
    assert_int_equal(store_put_row(st, &p, &err), STORE_OK);
    p = doc_put(ID_A, 1, "<ids>2</ids>", "s=2");
    assert_int_equal(store_put_row(st, &p, &err), STORE_OK);
    /* A writer that missed version 2 loses, and says so. */
    p = doc_put(ID_A, 1, "<ids>stale</ids>", NULL);
    assert_int_equal(store_put_row(st, &p, &err), STORE_CONFLICT);
    assert_int_equal(err.code, STORE_CONFLICT);
    /* A row that exists cannot be created again either. */
    p = doc_put(ID_A, 0, "<ids>again</ids>", NULL);
    assert_int_equal(store_put_row(st, &p, &err), STORE_CONFLICT);

    store_record rec;
    assert_int_equal(store_get(st, ID_A, &rec, &err), STORE_OK);
    assert_int_equal(rec.version, 2);
    assert_int_equal(rec.created_ms, 1000);
    assert_string_equal(rec.doc, "<ids>2</ids>");
    assert_int_equal(rec.doc_len, strlen("<ids>2</ids>"));
    assert_string_equal(rec.meta, "s=2");
    assert_null(rec.tag);
    store_record_clear(&rec);

    /* A tag on a new row makes it at version 0; the first document put
     * then expects 0. The tag survives document puts. */
    store_put t = {0};
    t.id = ID_B;
    t.fields = STORE_F_TAG;
    t.tag = "2025-06-18";
    t.created_ms = 5;
    t.access_ms = 6;
    assert_int_equal(store_put_row(st, &t, &err), STORE_OK);
    assert_int_equal(store_get(st, ID_B, &rec, &err), STORE_OK);
    assert_int_equal(rec.version, 0);
    assert_null(rec.doc);
    assert_string_equal(rec.tag, "2025-06-18");
    store_record_clear(&rec);
    p = doc_put(ID_B, 0, "<b/>", NULL);
    assert_int_equal(store_put_row(st, &p, &err), STORE_OK);
    assert_int_equal(store_get(st, ID_B, &rec, &err), STORE_OK);
    assert_int_equal(rec.version, 1);
    assert_string_equal(rec.tag, "2025-06-18");
    assert_string_equal(rec.doc, "<b/>");
    store_record_clear(&rec);

    /* Touches and deletes are queued; a get flushes them first. */
    store_touch(st, ID_A, 99999);
    assert_int_equal(store_get(st, ID_A, &rec, &err), STORE_OK);
    assert_int_equal(rec.access_ms, 99999);
    store_record_clear(&rec);
    store_delete(st, ID_A);
    assert_int_equal(store_get(st, ID_A, &rec, &err), STORE_NOT_FOUND);

    /* Bad ids never reach the backend. */
    assert_int_equal(store_get(st, "nope", &rec, &err), STORE_INVALID);
    p = doc_put("0123456789ABCDEF0123456789abcdef", 0, "<x/>", NULL);
    assert_int_equal(store_put_row(st, &p, &err), STORE_INVALID);

    store_stats stats;
    store_get_stats(st, &stats);
    assert_true(stats.commits >= 4);
    assert_int_equal(stats.puts, 6);
    assert_int_equal(stats.failures, 2);
    assert_int_equal(stats.deletes, 1);
    assert_int_equal(stats.latency_count, 6);
    store_close(st);

    /* Reopened: the rows are there. */
    st = open_in(dir, false, &err);
    assert_non_null(st);
    assert_int_equal(store_get(st, ID_B, &rec, &err), STORE_OK);
    assert_string_equal(rec.doc, "<b/>");
    store_record_clear(&rec);
    assert_int_equal(store_get(st, ID_A, &rec, &err), STORE_NOT_FOUND);
    store_close(st);
    testutil_rmtree(dir);
    free(dir);
}

static void sweep_ends_old_rows(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    store_error err;
    store_handle *st = open_in(dir, false, &err);
    assert_non_null(st);
    char id[STORE_ID_SIZE];
    for (int i = 0; i < 1100; i++) {
        snprintf(id, sizeof id, "%032x", i);
        store_put p = doc_put(id, 0, "<d/>", NULL);
        p.access_ms = i < 1050 ? 10 : 5000; /* more than one sweep statement */
        assert_int_equal(store_put_row(st, &p, &err), STORE_OK);
    }
    size_t deleted = 0;
    assert_int_equal(store_sweep(st, 1000, &deleted, &err), STORE_OK);
    assert_int_equal(deleted, 1050);
    store_record rec;
    snprintf(id, sizeof id, "%032x", 5);
    assert_int_equal(store_get(st, id, &rec, &err), STORE_NOT_FOUND);
    snprintf(id, sizeof id, "%032x", 1080);
    assert_int_equal(store_get(st, id, &rec, &err), STORE_OK);
    store_record_clear(&rec);
    store_close(st);
    testutil_rmtree(dir);
    free(dir);
}

#define THREADS 16
#define PUTS_MAX 60

/* Fewer under valgrind and TSan, where each put costs far more. */
static int puts_per_thread(void)
{
    return testutil_slow_runtime() ? 8 : PUTS_MAX;
}

typedef struct worker {
    store_handle *st;
    int n;
    int failures;
} worker;

static void *put_many(void *arg)
{
    worker *w = arg;
    char id[STORE_ID_SIZE];
    char doc[64];
    snprintf(id, sizeof id, "%032x", 0x100000 + w->n);
    for (int i = 0; i < puts_per_thread(); i++) {
        snprintf(doc, sizeof doc, "<ids n='%d'/>", i);
        store_put p = doc_put(id, (uint64_t)i, doc, NULL);
        store_error err;
        if (store_put_row(w->st, &p, &err) != STORE_OK)
            w->failures++;
    }
    return NULL;
}

static void group_commit_shares_commits(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    store_sqlite_config cfg = {dir, STORE_SYNC_FULL, false};
    store_handle *st = NULL;
    store_error err;
    assert_int_equal(store_sqlite_open(&cfg, &st, NULL, &err), STORE_OK);
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){st, i, 0};
        assert_int_equal(pthread_create(&t[i], NULL, put_many, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    store_stats stats;
    store_get_stats(st, &stats);
    assert_int_equal(stats.puts, THREADS * puts_per_thread());
    /* Every put is in some commit, and waiting writers share them. */
    assert_true(stats.commits < stats.puts);
    assert_true(stats.fsyncs >= stats.commits);
    for (int i = 0; i < THREADS; i++) {
        char id[STORE_ID_SIZE];
        store_record rec;
        snprintf(id, sizeof id, "%032x", 0x100000 + i);
        assert_int_equal(store_get(st, id, &rec, &err), STORE_OK);
        assert_int_equal(rec.version, puts_per_thread());
        store_record_clear(&rec);
    }
    store_close(st);
    testutil_rmtree(dir);
    free(dir);
}

static void second_opener_refuses(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    store_error err;
    store_handle *st = open_in(dir, false, &err);
    assert_non_null(st);
    store_handle *again = open_in(dir, false, &err);
    assert_null(again);
    assert_int_equal(err.code, STORE_LOCKED);
    assert_non_null(strstr(err.message, "idsd.lock"));
    store_close(st);
    again = open_in(dir, false, &err);
    assert_non_null(again);
    store_close(again);
    testutil_rmtree(dir);
    free(dir);
}

static void damaged_file_refused_or_moved(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    char path[1024];
    snprintf(path, sizeof path, "%s/idsd.db", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 4096; i++)
        fputc("garbage!"[i % 8], f);
    fclose(f);

    store_error err;
    assert_null(open_in(dir, false, &err));
    assert_int_equal(err.code, STORE_CORRUPT);
    assert_non_null(strstr(err.message, path));
    assert_non_null(strstr(err.message, "--state-recover"));

    store_sqlite_config cfg = {dir, STORE_SYNC_NORMAL, true};
    store_handle *st = NULL;
    char *moved = NULL;
    assert_int_equal(store_sqlite_open(&cfg, &st, &moved, &err), STORE_OK);
    assert_non_null(moved);
    assert_non_null(strstr(moved, "idsd.db.corrupt-"));
    char *kept = testutil_read_file(moved, NULL);
    assert_non_null(kept);
    assert_memory_equal(kept, "garbage!", 8);
    free(kept);
    free(moved);
    store_record rec;
    assert_int_equal(store_get(st, ID_A, &rec, &err), STORE_NOT_FOUND);
    store_close(st);
    testutil_rmtree(dir);
    free(dir);
}

/* A long WAL is copied back by the checkpointer thread, outside the
 * writers' commits: the database file grows, and the store counts the
 * checkpoint's two syncs. */
static void checkpointer_copies_the_wal(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    store_error err;
    store_handle *st = open_in(dir, false, &err);
    assert_non_null(st);
    char *doc = malloc(16384);
    memset(doc, 'd', 16383);
    doc[16383] = '\0';
    char id[STORE_ID_SIZE];
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof id, "%032x", 0x200000 + i);
        store_put p = doc_put(id, 0, doc, NULL);
        assert_int_equal(store_put_row(st, &p, &err), STORE_OK);
    }
    free(doc);
    store_stats stats;
    char path[1024];
    struct stat sb = {0};
    snprintf(path, sizeof path, "%s/idsd.db", dir);
    /* The checkpointer runs on its own time: wait for it (at most 5 s). */
    for (int tries = 0; tries < 500; tries++) {
        store_get_stats(st, &stats);
        assert_int_equal(stat(path, &sb), 0);
        if (stats.fsyncs >= 2 && sb.st_size > 64 * 1024)
            break;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    assert_true(stats.fsyncs >= 2);
    assert_true(sb.st_size > 64 * 1024); /* a few pages before any copy */
    store_close(st);
    testutil_rmtree(dir);
    free(dir);
}

static long file_size(const char *dir)
{
    char path[1024];
    struct stat sb;
    snprintf(path, sizeof path, "%s/idsd.db", dir);
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* Ended sessions' pages go to SQLite's free list and new sessions reuse
 * them: a store that keeps a steady number of sessions does not grow. */
static void ended_sessions_pages_are_reused(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    store_error err;
    char *doc = malloc(4096);
    memset(doc, 'r', 4095);
    doc[4095] = '\0';
    char id[STORE_ID_SIZE];
    long sizes[4];
    for (int round = 0; round < 4; round++) {
        store_handle *st = open_in(dir, false, &err);
        assert_non_null(st);
        for (int i = 0; i < 400; i++) {
            if (round > 0) {
                snprintf(id, sizeof id, "%032x", (round - 1) * 1000 + i);
                store_delete(st, id);
            }
            snprintf(id, sizeof id, "%032x", round * 1000 + i);
            store_put p = doc_put(id, 0, doc, NULL);
            assert_int_equal(store_put_row(st, &p, &err), STORE_OK);
        }
        store_close(st); /* the last connection checkpoints the whole WAL */
        sizes[round] = file_size(dir);
    }
    free(doc);
    assert_true(sizes[0] > 400 * 4096);
    /* One round of slack for pages freed in the round that reuses them. */
    assert_true(sizes[3] <= sizes[1] + sizes[1] / 10);
    testutil_rmtree(dir);
    free(dir);
}

/* Another program (an sqlite3 shell) holding the write lock: a put waits
 * for the busy timeout, fails with STORE_LOCKED naming the file, and
 * works again once the lock is gone. */
static void locked_by_another_program(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    store_error err;
    store_handle *st = open_in(dir, false, &err);
    assert_non_null(st);
    char path[1024];
    snprintf(path, sizeof path, "%s/idsd.db", dir);
    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    store_put p = doc_put(ID_A, 0, "<ids/>", NULL);
    assert_int_equal(store_put_row(st, &p, &err), STORE_LOCKED);
    assert_non_null(strstr(err.message, path));
    assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    assert_int_equal(store_put_row(st, &p, &err), STORE_OK);
    store_close(st);
    testutil_rmtree(dir);
    free(dir);
}

static void memory_backend_keeps_nothing(void **state)
{
    (void)state;
    store_handle *st = store_memory_new();
    assert_non_null(st);
    store_put p = doc_put(ID_A, 0, "<ids/>", NULL);
    store_error err;
    assert_int_equal(store_put_row(st, &p, &err), STORE_OK);
    store_record rec;
    assert_int_equal(store_get(st, ID_A, &rec, &err), STORE_NOT_FOUND);
    assert_string_equal(store_backend_name(st), "memory");
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip_and_versions),
        cmocka_unit_test(sweep_ends_old_rows),
        cmocka_unit_test(group_commit_shares_commits),
        cmocka_unit_test(second_opener_refuses),
        cmocka_unit_test(damaged_file_refused_or_moved),
        cmocka_unit_test(checkpointer_copies_the_wal),
        cmocka_unit_test(ended_sessions_pages_are_reused),
        cmocka_unit_test(locked_by_another_program),
        cmocka_unit_test(memory_backend_keeps_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
