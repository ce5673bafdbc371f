/*
 * test_session_locks.c - the store's lock rules check themselves in builds
 * with assertions: each violation below runs in a child process and must
 * end it with SIGABRT and the assertion's text, while the same steps done
 * right end it normally. In builds without assertions (NDEBUG) there is
 * nothing to check and the tests report themselves skipped.
 *
 * The violations: a *_locked helper called without the shard lock, or
 * while another thread holds it (the check is who holds it, not only
 * whether someone does); a second shard lock on one thread; a record lock
 * taken under a shard lock (the order is record -> shard); the payload
 * changed through a record the thread only holds, not acquires.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session/session_internal.h"

/* Runs fn in a child with its stderr captured into text. Returns the
 * signal that ended it, or 0 when it exited normally (status in *code). */
static int in_child(void (*fn)(void), char *text, size_t size, int *code)
{
    int fds[2];
    pid_t pid;
    size_t got = 0;
    ssize_t n;
    int status = 0;

    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        fn();
        _exit(0);
    }
    close(fds[1]);
    while (got + 1 < size && (n = read(fds[0], text + got, size - 1 - got)) > 0)
        got += (size_t)n;
    text[got] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void expect_abort(void (*fn)(void), const char *assertion)
{
    char text[4096];
    int code;
    int sig = in_child(fn, text, sizeof text, &code);

    if (sig != SIGABRT || strstr(text, assertion) == NULL)
        fail_msg("expected SIGABRT naming \"%s\"; got signal %d, exit %d, stderr: %s",
                 assertion, sig, code, text);
}

static void expect_clean(void (*fn)(void))
{
    char text[4096];
    int code;
    int sig = in_child(fn, text, sizeof text, &code);

    if (sig != 0 || code != 0)
        fail_msg("expected a clean exit; got signal %d, exit %d, stderr: %s", sig, code,
                 text);
}

#ifdef NDEBUG
#define NEEDS_ASSERTIONS() skip()
#else
#define NEEDS_ASSERTIONS() ((void)0)
#endif

/* A store with one record, released. Exits 3 on an unexpected failure. */
static session_store *store_with_one(char id[SESSION_ID_SIZE], session **rec)
{
    session_store *store;
    session *s;

    if (session_store_new(NULL, &store) != SESSION_OK ||
        session_create(store, &s, id) != SESSION_OK)
        _exit(3);
    session_release(s);
    *rec = s;
    return store;
}

/* ---- a helper called without its lock ---------------------------------- */

static void touch_with_lock(void)
{
    char id[SESSION_ID_SIZE];
    session *s;
    session_store *store = store_with_one(id, &s);
    session_shard *sh = session_shard_of(store, s->hash);

    session_shard_lock(sh);
    session_lru_touch_locked(sh, s);
    session_shard_unlock(sh);
    session_store_free(store);
}

static void touch_without_lock(void)
{
    char id[SESSION_ID_SIZE];
    session *s;
    session_store *store = store_with_one(id, &s);

    session_lru_touch_locked(session_shard_of(store, s->hash), s);
}

static void test_locked_helper_needs_the_lock(void **state)
{
    (void)state;
    NEEDS_ASSERTIONS();
    expect_clean(touch_with_lock);
    expect_abort(touch_without_lock, "session_shard_held");
}

/* ---- ... while another thread holds it ---------------------------------- */

typedef struct holder {
    session_shard *sh;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool locked;
} holder;

static void *holder_main(void *arg)
{
    holder *h = arg;

    session_shard_lock(h->sh);
    pthread_mutex_lock(&h->lock);
    h->locked = true;
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->lock);
    pause(); /* holds the shard until the process ends */
    return NULL;
}

static void touch_while_another_holds(void)
{
    char id[SESSION_ID_SIZE];
    session *s;
    session_store *store = store_with_one(id, &s);
    holder h = {.sh = session_shard_of(store, s->hash)};
    pthread_t t;

    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.cond, NULL);
    if (pthread_create(&t, NULL, holder_main, &h) != 0)
        _exit(3);
    pthread_mutex_lock(&h.lock);
    while (!h.locked)
        pthread_cond_wait(&h.cond, &h.lock);
    pthread_mutex_unlock(&h.lock);
    /* The shard is locked, but not by this thread. */
    session_lru_touch_locked(h.sh, s);
}

static void test_locked_helper_needs_its_caller_to_hold(void **state)
{
    (void)state;
    NEEDS_ASSERTIONS();
    expect_abort(touch_while_another_holds, "session_shard_held");
}

/* ---- lock order ------------------------------------------------------------ */

static void acquire_under_a_shard_lock(void)
{
    char id[SESSION_ID_SIZE];
    session *s;
    session_store *store = store_with_one(id, &s);

    session_shard_lock(&store->shards[0]);
    (void)session_acquire(store, id, &s);
}

static void record_lock_under_a_shard_lock(void)
{
    char id[SESSION_ID_SIZE];
    session *s;
    session_store *store = store_with_one(id, &s);

    session_shard_lock(session_shard_of(store, s->hash));
    session_record_lock(s);
}

/* record -> shard is the allowed order. */
static void shard_lock_under_a_record_lock(void)
{
    char id[SESSION_ID_SIZE];
    session *s;
    session_store *store = store_with_one(id, &s);

    if (session_acquire(store, id, &s) != SESSION_OK)
        _exit(3);
    session_set_bytes(s, 10);
    session_remove_held(s);
    session_release(s);
    session_store_free(store);
}

static void test_lock_order(void **state)
{
    (void)state;
    NEEDS_ASSERTIONS();
    expect_clean(shard_lock_under_a_record_lock);
    expect_abort(acquire_under_a_shard_lock, "a second shard lock");
    expect_abort(record_lock_under_a_shard_lock, "a record lock under a shard lock");
}

/* ---- the record's own lock ------------------------------------------------- */

static void payload_through_a_hold(void)
{
    char id[SESSION_ID_SIZE];
    session *s, *h;
    session_store *store = store_with_one(id, &s);

    if (session_hold(store, id, &h) != SESSION_OK)
        _exit(3);
    session_set_payload(h, NULL);
}

static void release_twice(void)
{
    char id[SESSION_ID_SIZE];
    session *s;
    session_store *store = store_with_one(id, &s);

    if (session_acquire(store, id, &s) != SESSION_OK)
        _exit(3);
    session_release(s);
    session_release(s);
}

static void test_record_lock_is_the_callers(void **state)
{
    (void)state;
    NEEDS_ASSERTIONS();
    expect_abort(payload_through_a_hold, "lock_held");
    expect_abort(release_twice, "lock_held");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locked_helper_needs_the_lock),
        cmocka_unit_test(test_locked_helper_needs_its_caller_to_hold),
        cmocka_unit_test(test_lock_order),
        cmocka_unit_test(test_record_lock_is_the_callers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
