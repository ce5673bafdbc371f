/*
 * test_store_redis.c - the Redis backend against a private redis-server:
 * addresses, round trip, compare-and-set of the version, tags, revalidate
 * (unchanged, changed, gone, expiry renewed), key expiry from the idle
 * TTL, a malformed row, the password, threads racing on one row, and an
 * outage: calls fail with a message naming the server and work again once
 * it is back, on the same handle. Skipped (77) without redis-server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis_fixture.h"
#include "store/store.h"
#include "testutil.h"

#define ID1 "0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210"
#define TTL_MS 60000ull /* ms */

static redis_fixture server;

static store_handle *open_store(const char *password, uint64_t ttl_ms)
{
    store_redis_config cfg = {0};
    store_handle *st = NULL;
    store_error err;
    cfg.host = "127.0.0.1";
    cfg.port = server.port;
    cfg.password = password;
    cfg.idle_ttl_ms = ttl_ms;
    cfg.connections = 4;
    cfg.timeout_ms = 1000;
    assert_int_equal(store_redis_open(&cfg, &st, &err), STORE_OK);
    return st;
}

static void flushall(void)
{
    redisContext *c = redis_fixture_connect(&server);
    assert_non_null(c);
    redisReply *r = redisCommand(c, "FLUSHALL");
    freeReplyObject(r);
    redisFree(c);
}

static long long pttl(const char *id)
{
    redisContext *c = redis_fixture_connect(&server);
    assert_non_null(c);
    redisReply *r = redisCommand(c, "PTTL idsd:s:%s", id);
    long long v = r->integer;
    freeReplyObject(r);
    redisFree(c);
    return v;
}

static store_status put_doc(store_handle *st, const char *id, uint64_t expected,
                            const char *doc)
{
    store_put p = {0};
    store_error err;
    p.id = id;
    p.fields = STORE_F_DOC;
    p.expected_version = expected;
    p.created_ms = p.access_ms = store_now_ms();
    p.doc = doc;
    p.doc_len = doc != NULL ? strlen(doc) : 0;
    p.meta = "m1;";
    p.meta_len = 3;
    return store_put_row(st, &p, &err);
}

static void addresses(void **state)
{
    (void)state;
    store_redis_config cfg;
    store_error err;
    char host[64];
    memset(&cfg, 0, sizeof cfg);
    assert_true(store_redis_parse_url("redis://10.0.0.5:6380/3", &cfg, host, sizeof host, &err));
    assert_string_equal(cfg.host, "10.0.0.5");
    assert_int_equal(cfg.port, 6380);
    assert_int_equal(cfg.db, 3);
    assert_true(store_redis_parse_url("redis://cache.internal", &cfg, host, sizeof host, &err));
    assert_string_equal(cfg.host, "cache.internal");
    assert_int_equal(cfg.port, 6379);
    assert_int_equal(cfg.db, 0);
    assert_true(store_redis_parse_url("redis://[::1]:7000/", &cfg, host, sizeof host, &err));
    assert_string_equal(cfg.host, "::1");
    assert_int_equal(cfg.port, 7000);
    const char *bad[] = {
        "http://h:1", "redis://", "redis://h:0", "redis://h:70000", "redis://h/x",
        "redis://user:pw@h:1", "redis://h:12/3/4", "redis://h:12x", "rediss://h:1",
        "redis://[::1", "redis://h:-1", NULL,
    };
    for (size_t i = 0; bad[i] != NULL; i++) {
        assert_false(store_redis_parse_url(bad[i], &cfg, host, sizeof host, &err));
        assert_int_equal(err.code, STORE_INVALID);
        assert_true(strlen(err.message) > 0);
    }
}

static void refused_at_open(void **state)
{
    (void)state;
    store_redis_config cfg = {0};
    store_handle *st = NULL;
    store_error err;
    char want[64];
    cfg.host = "127.0.0.1";
    cfg.port = redis_fixture_free_port();
    assert_int_equal(store_redis_open(&cfg, &st, &err), STORE_IO);
    assert_null(st);
    snprintf(want, sizeof want, "redis://127.0.0.1:%d", cfg.port);
    assert_non_null(strstr(err.message, want));
    assert_non_null(strstr(err.message, "cannot connect"));
}

static void round_trip_and_versions(void **state)
{
    (void)state;
    flushall();
    store_handle *st = open_store(NULL, TTL_MS);
    store_record rec;
    assert_string_equal(store_backend_name(st), "redis");
    assert_true(store_shared(st));
    assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_NOT_FOUND);

    assert_int_equal(put_doc(st, ID1, 0, "<ids>one</ids>"), STORE_OK);
    assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_OK);
    assert_int_equal(rec.version, 1);
    assert_int_equal(rec.doc_len, strlen("<ids>one</ids>"));
    assert_memory_equal(rec.doc, "<ids>one</ids>", rec.doc_len);
    assert_memory_equal(rec.meta, "m1;", 3);
    assert_null(rec.tag);
    assert_true(rec.created_ms > 0 && rec.access_ms >= rec.created_ms);
    store_record_clear(&rec);

    /* A second writer that read version 0 loses; so does one from the
     * future and one that expects a row that is gone. */
    assert_int_equal(put_doc(st, ID1, 0, "<ids>lost</ids>"), STORE_CONFLICT);
    assert_int_equal(put_doc(st, ID1, 7, "<ids>lost</ids>"), STORE_CONFLICT);
    assert_int_equal(put_doc(st, ID2, 3, "<ids>lost</ids>"), STORE_CONFLICT);
    assert_int_equal(put_doc(st, ID1, 1, "<ids>two</ids>"), STORE_OK);
    /* No document: the field goes, the version still counts. */
    assert_int_equal(put_doc(st, ID1, 2, NULL), STORE_OK);
    assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_OK);
    assert_int_equal(rec.version, 3);
    assert_null(rec.doc);
    store_record_clear(&rec);
    assert_int_equal(store_get(st, ID2, &rec, NULL), STORE_NOT_FOUND);

    /* Binary-safe: bytes with NUL and CR LF come back as they went. */
    store_put p = {0};
    static const char bytes[] = "a\0b\r\nc";
    p.id = ID2;
    p.fields = STORE_F_DOC;
    p.doc = bytes;
    p.doc_len = sizeof bytes - 1;
    assert_int_equal(store_put_row(st, &p, NULL), STORE_OK);
    assert_int_equal(store_get(st, ID2, &rec, NULL), STORE_OK);
    assert_int_equal(rec.doc_len, sizeof bytes - 1);
    assert_memory_equal(rec.doc, bytes, sizeof bytes - 1);
    assert_null(rec.meta);
    store_record_clear(&rec);
    /* Nor need they end with a NUL (a sanitizer build would see a read
     * past the buffer). */
    char *raw = malloc(4), *raw_meta = malloc(2);
    memcpy(raw, "abcd", 4);
    memcpy(raw_meta, "m1", 2);
    p.doc = raw;
    p.doc_len = 4;
    p.meta = raw_meta;
    p.meta_len = 2;
    p.expected_version = 1;
    assert_int_equal(store_put_row(st, &p, NULL), STORE_OK);
    assert_int_equal(store_get(st, ID2, &rec, NULL), STORE_OK);
    assert_int_equal(rec.doc_len, 4);
    assert_memory_equal(rec.doc, "abcd", 4);
    assert_int_equal(rec.meta_len, 2);
    store_record_clear(&rec);
    free(raw);
    free(raw_meta);

    /* The server forgot the scripts (a restart, SCRIPT FLUSH): their text
     * is sent again, and the call works. */
    redisContext *c = redis_fixture_connect(&server);
    freeReplyObject(redisCommand(c, "SCRIPT FLUSH"));
    assert_int_equal(put_doc(st, ID1, 3, "<ids>four</ids>"), STORE_OK);
    bool changed = false;
    assert_int_equal(store_revalidate(st, ID1, 1, &rec, &changed, NULL), STORE_OK);
    assert_true(changed);
    assert_int_equal(rec.version, 4);
    store_record_clear(&rec);
    redisFree(c);

    store_delete(st, ID1);
    assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_NOT_FOUND);
    size_t swept = 99;
    assert_int_equal(store_sweep(st, store_now_ms(), &swept, NULL), STORE_OK);
    assert_int_equal(swept, 0); /* Redis expires keys itself */
    assert_int_equal(store_get(st, ID2, &rec, NULL), STORE_OK);
    store_record_clear(&rec);
    store_stats stats;
    store_get_stats(st, &stats);
    assert_int_equal(stats.puts, 6);
    assert_int_equal(stats.conflicts, 3);
    store_close(st);
}

static void tags_do_not_bump_the_version(void **state)
{
    (void)state;
    flushall();
    store_handle *st = open_store(NULL, TTL_MS);
    store_put p = {0};
    store_record rec;
    p.id = ID1;
    p.fields = STORE_F_TAG;
    p.tag = "2025-11-25";
    p.created_ms = p.access_ms = store_now_ms();
    assert_int_equal(store_put_row(st, &p, NULL), STORE_OK);
    assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_OK);
    assert_int_equal(rec.version, 0);
    assert_null(rec.doc);
    assert_string_equal(rec.tag, "2025-11-25");
    store_record_clear(&rec);
    assert_int_equal(put_doc(st, ID1, 0, "<ids/>"), STORE_OK);
    assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_OK);
    assert_int_equal(rec.version, 1);
    assert_string_equal(rec.tag, "2025-11-25");
    store_record_clear(&rec);
    store_close(st);
}

static void revalidate_and_expiry(void **state)
{
    (void)state;
    flushall();
    /* TTL 10 s: keys expire 2 s (two touch intervals, at least) later. */
    store_handle *st = open_store(NULL, 10000);
    store_record rec;
    bool changed = true;
    assert_int_equal(store_revalidate(st, ID1, 0, &rec, &changed, NULL), STORE_NOT_FOUND);
    assert_int_equal(put_doc(st, ID1, 0, "<ids>one</ids>"), STORE_OK);
    long long t = pttl(ID1);
    assert_true(t > 10000 && t <= 12000);

    assert_int_equal(store_revalidate(st, ID1, 1, &rec, &changed, NULL), STORE_OK);
    assert_false(changed);
    assert_int_equal(rec.version, 1);
    assert_null(rec.doc);
    store_record_clear(&rec);
    assert_int_equal(store_revalidate(st, ID1, 0, &rec, &changed, NULL), STORE_OK);
    assert_true(changed);
    assert_int_equal(rec.version, 1);
    assert_memory_equal(rec.doc, "<ids>one</ids>", rec.doc_len);
    store_record_clear(&rec);

    /* A use soon after a write writes nothing (the access time stays);
     * one after a touch interval renews the expiry and the access time. */
    redisContext *c = redis_fixture_connect(&server);
    freeReplyObject(redisCommand(c, "HSET idsd:s:%s a 5", ID1));
    assert_int_equal(store_revalidate(st, ID1, 1, &rec, &changed, NULL), STORE_OK);
    store_record_clear(&rec);
    assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_OK);
    assert_int_equal(rec.access_ms, 5);
    store_record_clear(&rec);
    freeReplyObject(redisCommand(c, "PEXPIRE idsd:s:%s 500", ID1));
    freeReplyObject(redisCommand(c, "HSET idsd:s:%s a 1", ID1));
    assert_true(pttl(ID1) <= 500);
    assert_int_equal(store_revalidate(st, ID1, 1, &rec, &changed, NULL), STORE_OK);
    store_record_clear(&rec);
    assert_true(pttl(ID1) > 10000);
    assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_OK);
    assert_true(rec.access_ms > 1);
    store_record_clear(&rec);
    /* So does a touch; a touch never makes a row. */
    freeReplyObject(redisCommand(c, "PEXPIRE idsd:s:%s 500", ID1));
    store_touch(st, ID1, store_now_ms());
    assert_true(pttl(ID1) > 10000);
    store_touch(st, ID2, store_now_ms());
    assert_int_equal(store_get(st, ID2, &rec, NULL), STORE_NOT_FOUND);
    /* Expired in Redis: gone for every instance. */
    freeReplyObject(redisCommand(c, "PEXPIRE idsd:s:%s 1", ID1));
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_int_equal(store_revalidate(st, ID1, 1, &rec, &changed, NULL), STORE_NOT_FOUND);
    redisFree(c);
    store_close(st);

    /* Revalidate is for shared stores only. */
    store_handle *mem = store_memory_new();
    assert_false(store_shared(mem));
    assert_int_equal(store_revalidate(mem, ID1, 0, &rec, &changed, NULL), STORE_INVALID);
    store_close(mem);
}

static void malformed_row_is_reported(void **state)
{
    (void)state;
    flushall();
    store_handle *st = open_store(NULL, TTL_MS);
    store_record rec;
    store_error err;
    bool changed;
    redisContext *c = redis_fixture_connect(&server);
    freeReplyObject(redisCommand(c, "HSET idsd:s:%s v 12abc d x", ID1));
    assert_int_equal(store_get(st, ID1, &rec, &err), STORE_CORRUPT);
    assert_non_null(strstr(err.message, "malformed version"));
    assert_int_equal(store_revalidate(st, ID1, 1, &rec, &changed, &err), STORE_CORRUPT);
    assert_int_equal(put_doc(st, ID1, 1, "<ids/>"), STORE_CONFLICT);
    /* Not a hash at all: Redis refuses, the call fails cleanly. */
    freeReplyObject(redisCommand(c, "SET idsd:s:%s plain", ID2));
    assert_int_equal(store_get(st, ID2, &rec, &err), STORE_IO);
    assert_non_null(strstr(err.message, "WRONGTYPE"));
    assert_int_equal(put_doc(st, ID2, 0, "<ids/>"), STORE_IO);
    redisFree(c);
    store_close(st);
}

typedef struct racer {
    store_handle *st;
    int wins;
    int conflicts;
    int errors;
} racer;

#define RACE_THREADS 8
#define RACE_WINS 40 /* per thread */

static int race_target = RACE_WINS;

static void *race(void *arg)
{
    racer *r = arg;
    while (r->wins < race_target) {
        store_record rec;
        uint64_t v = 0;
        store_status s = store_get(r->st, ID1, &rec, NULL);
        if (s == STORE_OK)
            v = rec.version;
        store_record_clear(&rec);
        s = put_doc(r->st, ID1, v, "<ids/>");
        if (s == STORE_OK)
            r->wins++;
        else if (s == STORE_CONFLICT)
            r->conflicts++;
        else if (++r->errors > 10)
            break;
    }
    return NULL;
}

static void threads_race_on_one_row(void **state)
{
    (void)state;
    flushall();
    store_handle *st = open_store(NULL, TTL_MS);
    pthread_t t[RACE_THREADS];
    racer r[RACE_THREADS];
    race_target = testutil_slow_runtime() ? 5 : RACE_WINS;
    for (int i = 0; i < RACE_THREADS; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].st = st;
        pthread_create(&t[i], NULL, race, &r[i]);
    }
    int total = 0;
    for (int i = 0; i < RACE_THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(r[i].errors, 0);
        total += r[i].wins;
    }
    /* Every win is one version: no two writers ever both won a version. */
    store_record rec;
    assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_OK);
    assert_int_equal(rec.version, (uint64_t)total);
    assert_int_equal(total, RACE_THREADS * race_target);
    store_record_clear(&rec);
    store_close(st);
}

static void outage_and_recovery(void **state)
{
    (void)state;
    flushall();
    store_handle *st = open_store(NULL, TTL_MS);
    store_record rec;
    store_error err;
    bool changed;
    char want[64];
    assert_int_equal(put_doc(st, ID1, 0, "<ids/>"), STORE_OK);

    redis_fixture_stop(&server);
    snprintf(want, sizeof want, "redis://127.0.0.1:%d", server.port);
    assert_int_equal(store_get(st, ID1, &rec, &err), STORE_IO);
    assert_non_null(strstr(err.message, want));
    assert_int_equal(store_revalidate(st, ID1, 1, &rec, &changed, &err), STORE_IO);
    assert_int_equal(put_doc(st, ID1, 1, "<ids/>"), STORE_IO);
    store_delete(st, ID1); /* best effort: no crash, no hang */
    store_touch(st, ID1, store_now_ms());
    store_stats stats;
    store_get_stats(st, &stats);
    assert_true(stats.failures >= 3);

    /* Back (empty: this server keeps nothing on disk): the same handle
     * works again, every pooled connection reconnecting on its own. */
    assert_true(redis_fixture_start(&server));
    for (int i = 0; i < 8; i++)
        assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_NOT_FOUND);
    assert_int_equal(put_doc(st, ID1, 0, "<ids/>"), STORE_OK);
    store_close(st);
}

static void password_and_database(void **state)
{
    (void)state;
    redis_fixture secured = {0};
    secured.password = "s3cret-pw";
    assert_true(redis_fixture_start(&secured));
    store_redis_config cfg = {0};
    store_handle *st = NULL;
    store_error err;
    cfg.host = "127.0.0.1";
    cfg.port = secured.port;
    assert_int_equal(store_redis_open(&cfg, &st, &err), STORE_IO);
    assert_non_null(strstr(err.message, "NOAUTH"));
    cfg.password = "wrong";
    assert_int_equal(store_redis_open(&cfg, &st, &err), STORE_IO);
    assert_non_null(strstr(err.message, "password was refused"));
    assert_null(strstr(err.message, "wrong")); /* never echoed */
    cfg.password = "s3cret-pw";
    cfg.db = 5;
    assert_int_equal(store_redis_open(&cfg, &st, &err), STORE_OK);
    assert_int_equal(put_doc(st, ID1, 0, "<ids/>"), STORE_OK);
    redisContext *c = redis_fixture_connect(&secured);
    redisReply *r = redisCommand(c, "SELECT 5");
    freeReplyObject(r);
    r = redisCommand(c, "EXISTS idsd:s:%s", ID1);
    assert_int_equal(r->integer, 1);
    freeReplyObject(r);
    r = redisCommand(c, "SELECT 0");
    freeReplyObject(r);
    r = redisCommand(c, "EXISTS idsd:s:%s", ID1);
    assert_int_equal(r->integer, 0);
    freeReplyObject(r);
    redisFree(c);
    store_close(st);
    redis_fixture_stop(&secured);
}

/* ---- a lost reply: a proxy between the store and Redis that, once, lets
 * a request through and drops the connection instead of the answer ---- */

#define LOST_MARK "<ids>lost-reply</ids>"

typedef struct proxy {
    int listen_fd;
    int port;
    atomic_bool armed;         /* drop the reply to the next marked request */
    atomic_int dropped;
} proxy;

typedef struct relay {
    proxy *px;
    int client;
} relay;

static bool contains(const char *buf, size_t n, const char *mark)
{
    size_t m = strlen(mark);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(buf + i, mark, m) == 0)
            return true;
    return false;
}

static void *relay_run(void *arg)
{
    relay *rl = arg;
    proxy *px = rl->px;
    int up = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)server.port);
    if (connect(up, (struct sockaddr *)&a, sizeof a) != 0)
        goto out;
    for (;;) {
        struct pollfd fds[2] = {{rl->client, POLLIN, 0}, {up, POLLIN, 0}};
        char buf[65536];
        if (poll(fds, 2, 5000) <= 0)
            break;
        if (fds[0].revents) {
            ssize_t n = read(rl->client, buf, sizeof buf);
            if (n <= 0 || write(up, buf, (size_t)n) != n)
                break;
            bool expected = true;
            if (contains(buf, (size_t)n, LOST_MARK) &&
                atomic_compare_exchange_strong(&px->armed, &expected, false)) {
                /* Redis runs it; its answer never reaches the store. */
                struct pollfd w = {up, POLLIN, 0};
                if (poll(&w, 1, 2000) > 0 && read(up, buf, sizeof buf) > 0)
                    atomic_fetch_add(&px->dropped, 1);
                break;
            }
        }
        if (fds[1].revents) {
            ssize_t n = read(up, buf, sizeof buf);
            if (n <= 0 || write(rl->client, buf, (size_t)n) != n)
                break;
        }
    }
out:
    close(up);
    close(rl->client);
    free(rl);
    return NULL;
}

static void *proxy_accept(void *arg)
{
    proxy *px = arg;
    for (;;) {
        int c = accept(px->listen_fd, NULL, NULL);
        if (c < 0)
            return NULL; /* closed: the test is over */
        relay *rl = malloc(sizeof *rl);
        rl->px = px;
        rl->client = c;
        pthread_t t;
        pthread_create(&t, NULL, relay_run, rl);
        pthread_detach(t);
    }
}

static void put_whose_reply_is_lost(void **state)
{
    (void)state;
    flushall();
    proxy px;
    memset(&px, 0, sizeof px);
    atomic_init(&px.armed, false);
    atomic_init(&px.dropped, 0);
    px.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(px.listen_fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(px.listen_fd, 16), 0);
    assert_int_equal(getsockname(px.listen_fd, (struct sockaddr *)&a, &len), 0);
    px.port = ntohs(a.sin_port);
    pthread_t acceptor;
    pthread_create(&acceptor, NULL, proxy_accept, &px);

    store_redis_config cfg = {0};
    store_handle *st = NULL;
    store_error err;
    store_record rec;
    cfg.host = "127.0.0.1";
    cfg.port = px.port;
    cfg.connections = 1;
    cfg.timeout_ms = 1000;
    assert_int_equal(store_redis_open(&cfg, &st, &err), STORE_OK);
    assert_int_equal(put_doc(st, ID1, 0, "<ids>one</ids>"), STORE_OK);
    /* Redis makes version 2, the answer is lost with the connection; the
     * store sends the put again on a new one, and the second run finds
     * its own write, not a conflict. */
    atomic_store(&px.armed, true);
    assert_int_equal(put_doc(st, ID1, 1, LOST_MARK), STORE_OK);
    assert_int_equal(atomic_load(&px.dropped), 1);
    assert_int_equal(store_get(st, ID1, &rec, NULL), STORE_OK);
    assert_int_equal(rec.version, 2);
    assert_memory_equal(rec.doc, LOST_MARK, rec.doc_len);
    store_record_clear(&rec);
    /* Another writer that read version 1 still loses. */
    assert_int_equal(put_doc(st, ID1, 1, "<ids>late</ids>"), STORE_CONFLICT);
    store_close(st);
    shutdown(px.listen_fd, SHUT_RDWR);
    close(px.listen_fd);
    pthread_join(acceptor, NULL);
}

int main(void)
{
    if (!redis_fixture_start(&server)) {
        printf("SKIPPED: redis-server is needed\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses),
        cmocka_unit_test(refused_at_open),
        cmocka_unit_test(round_trip_and_versions),
        cmocka_unit_test(tags_do_not_bump_the_version),
        cmocka_unit_test(revalidate_and_expiry),
        cmocka_unit_test(malformed_row_is_reported),
        cmocka_unit_test(threads_race_on_one_row),
        cmocka_unit_test(outage_and_recovery),
        cmocka_unit_test(password_and_database),
        cmocka_unit_test(put_whose_reply_is_lost),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    redis_fixture_stop(&server);
    return rc;
}
