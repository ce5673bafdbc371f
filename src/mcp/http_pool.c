/*
 * http_pool.c - the HTTP transport's worker pool with one queue per key.
 *
 * A key (a session id) that has a job ready or running owns an entry in
 * a small hash table; later jobs of that key wait in the entry's own
 * queue, not in the pool's, so no worker ever picks up a job only to
 * wait for its session's lock. When a job ends, the next one of its key
 * joins the tail of the pool's queue (so one busy session cannot starve
 * the others).
 */
#include "mcp/http_internal.h"
#include "base/base.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_KEY_BUCKETS 1024u
#define SPARE_MAX 64u             /* key entries kept for reuse */

enum { JOB_READY = 1, JOB_WAITING, JOB_RUNNING, JOB_DONE };

typedef struct key_entry {
    struct key_entry *next;
    mcp_pool_job *head, *tail;    /* waiting for the running/ready one */
    char key[MCP_POOL_KEY_SIZE];
} key_entry;

struct mcp_pool {
    pthread_mutex_t lock;
    pthread_cond_t work;          /* a job is ready, or stop */
    pthread_cond_t idle;          /* a job ended */
    mcp_pool_job *head, *tail;    /* ready */
    key_entry *keys[N_KEY_BUCKETS];
    key_entry *spare;             /* freed entries, reused (at most SPARE_MAX) */
    size_t n_spare;
    size_t pending;               /* ready + waiting + running */
    size_t running;
    bool stop;
    mcp_pool_run_fn run;
    void *ctx;
    pthread_t *threads;
    unsigned n_threads;
};

static unsigned key_hash(const char *k)
{
    uint32_t h = 2166136261u;

    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 16777619u;
    return h % N_KEY_BUCKETS;
}

static void ready_push(mcp_pool *p, mcp_pool_job *j)
{
    j->state = JOB_READY;
    j->next = NULL;
    if (p->tail)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    pthread_cond_signal(&p->work);
}

/* A zeroed key entry for key, from the spares or the heap; NULL when
 * memory runs out. Caller holds the lock. */
static key_entry *entry_new(mcp_pool *p, const char *key)
{
    key_entry *e = p->spare;
    size_t n = strlen(key);

    if (e) {
        p->spare = e->next;
        p->n_spare--;
        memset(e, 0, sizeof *e);
    } else {
        e = calloc(1, sizeof *e);
        if (!e)
            return NULL;
    }
    if (n >= sizeof e->key)
        n = sizeof e->key - 1;
    memcpy(e->key, key, n);
    e->key[n] = '\0';
    return e;
}

static void entry_drop(mcp_pool *p, key_entry *e)
{
    if (p->n_spare < SPARE_MAX) {
        e->next = p->spare;
        p->spare = e;
        p->n_spare++;
    } else {
        free(e);
    }
}

/* The job owning its key entry ended or left: the entry's next job
 * becomes ready, or the entry goes. Caller holds the lock. */
static void key_next(mcp_pool *p, mcp_pool_job *j)
{
    key_entry *e = j->key_entry, **pp;
    mcp_pool_job *n;

    j->key_entry = NULL;
    if (!e)
        return;
    if (e->head) {
        n = e->head;
        e->head = n->next;
        if (!e->head)
            e->tail = NULL;
        n->key_entry = e;
        ready_push(p, n);
        return;
    }
    for (pp = &p->keys[key_hash(e->key)]; *pp; pp = &(*pp)->next) {
        if (*pp == e) {
            *pp = e->next;
            break;
        }
    }
    entry_drop(p, e);
}

static void *worker_main(void *arg)
{
    mcp_pool *p = arg;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        mcp_pool_job *j, owner = {0};

        while (!p->stop && !p->head)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->stop)
            break;
        j = p->head;
        p->head = j->next;
        if (!p->head)
            p->tail = NULL;
        j->state = JOB_RUNNING;
        /* run may hand the job's memory back: what the pool needs of it
         * afterwards, the key entry it owns, is kept aside. */
        owner.key_entry = j->key_entry;
        p->running++;
        pthread_mutex_unlock(&p->lock);
        p->run(p->ctx, j);
        pthread_mutex_lock(&p->lock);
        key_next(p, &owner);
        p->running--;
        p->pending--;
        pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

mcp_pool *mcp_pool_new(unsigned n, mcp_pool_run_fn run, void *ctx)
{
    mcp_pool *p = calloc(1, sizeof *p);
    pthread_condattr_t ca;

    if (!p)
        return NULL;
    if (n == 0)
        n = 1;
    p->threads = calloc(n, sizeof *p->threads);
    if (!p->threads) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->idle, &ca);
    pthread_condattr_destroy(&ca);
    p->run = run;
    p->ctx = ctx;
    for (unsigned i = 0; i < n; i++) {
        if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0)
            break;
        p->n_threads++;
    }
    if (p->n_threads == 0) {
        mcp_pool_free(p);
        return NULL;
    }
    return p;
}

void mcp_pool_submit(mcp_pool *p, mcp_pool_job *job)
{
    key_entry *e = NULL;
    unsigned b;

    job->key_entry = NULL;
    job->next = NULL;
    pthread_mutex_lock(&p->lock);
    p->pending++;
    if (job->key[0]) {
        b = key_hash(job->key);
        for (e = p->keys[b]; e && strcmp(e->key, job->key) != 0; e = e->next)
            ;
        if (e) {
            job->state = JOB_WAITING;
            job->key_entry = e;
            if (e->tail)
                e->tail->next = job;
            else
                e->head = job;
            e->tail = job;
            pthread_mutex_unlock(&p->lock);
            return;
        }
        /* Without memory for an entry the job runs unordered: its tool
         * call still takes the session's lock, so it stays correct. */
        e = entry_new(p, job->key);
        if (e) {
            e->next = p->keys[b];
            p->keys[b] = e;
            job->key_entry = e;
        }
    }
    ready_push(p, job);
    pthread_mutex_unlock(&p->lock);
}

static key_entry *key_find(mcp_pool *p, const char *key)
{
    key_entry *e;

    for (e = p->keys[key_hash(key)]; e && strcmp(e->key, key) != 0; e = e->next)
        ;
    return e;
}

bool mcp_pool_own(mcp_pool *p, const char *key)
{
    key_entry *e;
    bool ok;

    if (!key[0])
        return true;
    pthread_mutex_lock(&p->lock);
    ok = !key_find(p, key);
    if (ok) {
        e = entry_new(p, key);
        ok = e != NULL;
        if (ok) {
            unsigned b = key_hash(key);

            e->next = p->keys[b];
            p->keys[b] = e;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return ok;
}

void mcp_pool_disown(mcp_pool *p, const char *key)
{
    mcp_pool_job owner = {0};

    if (!key[0])
        return;
    pthread_mutex_lock(&p->lock);
    owner.key_entry = key_find(p, key);
    key_next(p, &owner);
    pthread_mutex_unlock(&p->lock);
}

/* Unlinks j from a singly linked FIFO; true when it was there. */
static bool fifo_remove(mcp_pool_job **head, mcp_pool_job **tail, mcp_pool_job *j)
{
    mcp_pool_job *prev = NULL;

    for (mcp_pool_job *q = *head; q; prev = q, q = q->next) {
        if (q != j)
            continue;
        if (prev)
            prev->next = q->next;
        else
            *head = q->next;
        if (*tail == q)
            *tail = prev;
        return true;
    }
    return false;
}

static bool cancel_locked(mcp_pool *p, mcp_pool_job *job)
{
    if (job->state == JOB_READY) {
        fifo_remove(&p->head, &p->tail, job);
        key_next(p, job);
    } else if (job->state == JOB_WAITING) {
        key_entry *e = job->key_entry;

        fifo_remove(&e->head, &e->tail, job);
        job->key_entry = NULL;
    } else {
        return false;
    }
    job->state = JOB_DONE;
    p->pending--;
    return true;
}

bool mcp_pool_cancel(mcp_pool *p, mcp_pool_job *job)
{
    bool ok;

    pthread_mutex_lock(&p->lock);
    ok = cancel_locked(p, job);
    pthread_mutex_unlock(&p->lock);
    return ok;
}

size_t mcp_pool_pending(mcp_pool *p)
{
    size_t n;

    pthread_mutex_lock(&p->lock);
    n = p->pending;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void mcp_pool_drain(mcp_pool *p, void (*drop)(void *ctx, mcp_pool_job *job), void *ctx)
{
    for (;;) {
        mcp_pool_job *j = NULL;

        pthread_mutex_lock(&p->lock);
        if (p->head) {
            j = p->head;
        } else {
            for (unsigned b = 0; !j && b < N_KEY_BUCKETS; b++) {
                for (key_entry *e = p->keys[b]; !j && e; e = e->next)
                    j = e->head;
            }
        }
        if (j)
            cancel_locked(p, j);
        pthread_mutex_unlock(&p->lock);
        if (!j)
            return;
        drop(ctx, j);
    }
}

bool mcp_pool_wait_idle(mcp_pool *p, unsigned ms)
{
    struct timespec dl = base_deadline_ms(CLOCK_MONOTONIC, (long)ms);
    bool idle;

    pthread_mutex_lock(&p->lock);
    while (p->running > 0) {
        if (pthread_cond_timedwait(&p->idle, &p->lock, &dl) == ETIMEDOUT)
            break;
    }
    idle = p->running == 0;
    pthread_mutex_unlock(&p->lock);
    return idle;
}

void mcp_pool_free(mcp_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    while (p->spare) {
        key_entry *e = p->spare;

        p->spare = e->next;
        free(e);
    }
    for (unsigned b = 0; b < N_KEY_BUCKETS; b++) {
        while (p->keys[b]) {
            key_entry *e = p->keys[b];

            p->keys[b] = e->next;
            free(e);
        }
    }
    pthread_cond_destroy(&p->idle);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p);
}
