/*
 * http_internal.h - parts of the HTTP transport shared between its files
 * (http.c, http_pool.c, http_guard.c); not for other modules.
 */
#ifndef MCP_HTTP_INTERNAL_H
#define MCP_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* ---- the worker pool (http_pool.c) ---------------------------------------
 *
 * Tool work runs here, never on a transport thread. Jobs with the same
 * key (a session id) run one at a time in the order submitted, and a job
 * waiting for its key's turn occupies no worker: a session blocked by a
 * long call holds one worker however many calls queue behind it. */

#define MCP_POOL_KEY_SIZE 72   /* bytes of a key, NUL included; longer keys are cut */

typedef struct mcp_pool_job {
    struct mcp_pool_job *next;    /* the pool's */
    void *key_entry;              /* the pool's */
    int state;                    /* the pool's */
    char key[MCP_POOL_KEY_SIZE];  /* "" = none */
} mcp_pool_job;

typedef struct mcp_pool mcp_pool;
/* Runs a job on a worker. */
typedef void (*mcp_pool_run_fn)(void *ctx, mcp_pool_job *job);

/* Starts n workers (at least 1). NULL when a thread or memory cannot be
 * had. */
mcp_pool *mcp_pool_new(unsigned n, mcp_pool_run_fn run, void *ctx);
/* Queues a job (key set by the caller, "" for none). Never fails: the
 * job is the caller's memory. */
void mcp_pool_submit(mcp_pool *p, mcp_pool_job *job);
/* Takes the key as if a job of it were running, when none is queued or
 * running ("" always succeeds): for work done outside the pool that must
 * still not run beside the key's jobs. Jobs of the key submitted
 * meanwhile wait until mcp_pool_disown. false when the key is busy. */
bool mcp_pool_own(mcp_pool *p, const char *key);
void mcp_pool_disown(mcp_pool *p, const char *key);
/* Takes back a job that has not started; false when it has (or ran). */
bool mcp_pool_cancel(mcp_pool *p, mcp_pool_job *job);
/* Jobs queued or running. */
size_t mcp_pool_pending(mcp_pool *p);
/* Takes every job that has not started out of the pool and hands each to
 * drop (outside the pool's lock). */
void mcp_pool_drain(mcp_pool *p, void (*drop)(void *ctx, mcp_pool_job *job),
                    void *ctx);
/* Waits up to ms milliseconds for the running jobs to end; true when
 * none runs. */
bool mcp_pool_wait_idle(mcp_pool *p, unsigned ms);
/* Stops and joins the workers (which finish their current job) and frees
 * the pool. Jobs still queued are not run: drain them first. */
void mcp_pool_free(mcp_pool *p);

/* ---- guards (http_guard.c) ----------------------------------------------- */

/* New sessions per client address: a token bucket of per_minute tokens
 * refilled continuously, one bucket per address (IPv6 by its /64), in a
 * table of bounded size (the least recently seen address makes room). */
typedef struct mcp_rate mcp_rate;

/* NULL when per_minute is 0 (no limit) or memory runs out. */
mcp_rate *mcp_rate_new(unsigned per_minute);
/* Takes a token for the address (text); false when its bucket is empty.
 * *retry_s says in how many seconds the next one comes. A NULL limiter
 * always allows. */
bool mcp_rate_take(mcp_rate *r, const char *addr, unsigned *retry_s);
void mcp_rate_free(mcp_rate *r);

/* The process's resident bytes (0 when unknown). */
size_t mcp_mem_resident(void);
/* Bytes the allocator holds free (not returned to the kernel). */
size_t mcp_mem_allocator_free(void);
/* Returns free allocator memory to the kernel. */
void mcp_mem_trim(void);

#endif /* MCP_HTTP_INTERNAL_H */
