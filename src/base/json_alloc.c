/*
 * json_alloc.c - a per-thread cache of small blocks for jansson.
 *
 * The problem: every request builds and frees two jansson trees (the
 * parsed message and the reply), about 120 small blocks per tool call:
 * a json_t per value, a bucket array and a pair per object member, a copy
 * of every string. Measured with callgrind on get_ids_info over HTTP,
 * glibc's malloc and free were about 40,000 instructions of a call's
 * 160,000, much of it in malloc_consolidate: more than seven blocks of one
 * size are freed per call, which overflows glibc's per-thread cache (7 per
 * size) into the fastbins, and the next request of a kilobyte or more
 * consolidates them again. Raising glibc's cache (GLIBC_TUNABLES) cut the
 * server's CPU per call by a sixth, but a process cannot set that for
 * itself.
 *
 * So jansson gets its own cache, installed with json_set_alloc_funcs:
 * sizes 24, 40, 56, ... 264 bytes (the usable sizes of glibc's chunks, so
 * a cached block is exactly what malloc would hand out), one free list per
 * size per thread, at most CACHE_DEPTH blocks each. A block freed on one
 * thread and allocated on another is fine: blocks are ordinary malloc
 * chunks, the size comes from malloc_usable_size, and a block that does
 * not fit a list goes back to free(). That also means memory jansson hands
 * out (json_dumps) may still be released with plain free().
 *
 * Memory bound: CACHE_DEPTH * (24 + 40 + ... + 264) = 256 * 2,304 bytes,
 * about 576 KiB per thread at most, released when the thread ends (a
 * pthread key destructor) or on base_json_alloc_thread_flush.
 *
 * Under AddressSanitizer a cached block is poisoned, so a use after
 * json_decref is still reported.
 */
#include "base/base.h"

#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

/* gcc says __SANITIZE_ADDRESS__, clang __has_feature(address_sanitizer). */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#if defined(UNDER_ASAN)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define SMALLEST 24u      /* bytes; glibc's smallest usable chunk */
#define STEP 16u          /* bytes between glibc's chunk sizes */
#define N_CLASSES 16u     /* 24 .. 264 bytes */
#define LARGEST (SMALLEST + STEP * (N_CLASSES - 1))
#define CACHE_DEPTH 256u  /* blocks per size per thread */

typedef struct free_block {
    struct free_block *next;
} free_block;

typedef struct thread_cache {
    free_block *head[N_CLASSES];
    unsigned count[N_CLASSES];
    bool registered;
} thread_cache;

static _Thread_local thread_cache cache;
static pthread_key_t flush_key;
static pthread_once_t flush_key_once = PTHREAD_ONCE_INIT;
static bool flush_key_ok;

static void flush(thread_cache *tc)
{
    for (unsigned k = 0; k < N_CLASSES; k++) {
        while (tc->head[k]) {
            free_block *b = tc->head[k];

            UNPOISON(b, SMALLEST + STEP * k);
            tc->head[k] = b->next;
            free(b);
        }
        tc->count[k] = 0;
    }
}

static void flush_at_thread_exit(void *arg)
{
    thread_cache *tc = arg;

    flush(tc);
    /* A later destructor that frees jansson values registers again, and
     * the thread's exit calls this once more. */
    tc->registered = false;
}

static void make_flush_key(void)
{
    flush_key_ok = pthread_key_create(&flush_key, flush_at_thread_exit) == 0;
}

static void *cache_malloc(size_t n)
{
    unsigned k;
    free_block *b;

    if (n > LARGEST)
        return malloc(n);
    k = n <= SMALLEST ? 0 : (unsigned)((n - SMALLEST + STEP - 1) / STEP);
    b = cache.head[k];
    if (b) {
        UNPOISON(b, SMALLEST + STEP * k);
        cache.head[k] = b->next;
        cache.count[k]--;
        return b;
    }
    return malloc(SMALLEST + STEP * k);
}

static void cache_free(void *p)
{
    size_t usable;
    unsigned k;
    free_block *b = p;

    if (!p)
        return;
    usable = malloc_usable_size(p);
    if (usable < SMALLEST || usable > LARGEST || (usable - SMALLEST) % STEP != 0) {
        free(p);
        return;
    }
    k = (unsigned)((usable - SMALLEST) / STEP);
    if (cache.count[k] >= CACHE_DEPTH) {
        free(p);
        return;
    }
    if (!cache.registered) {
        /* The destructor runs only for threads that set a value, so each
         * thread that caches anything registers once. */
        pthread_once(&flush_key_once, make_flush_key);
        if (!flush_key_ok || pthread_setspecific(flush_key, &cache) != 0) {
            free(p);
            return;
        }
        cache.registered = true;
    }
    b->next = cache.head[k];
    cache.head[k] = b;
    cache.count[k]++;
    POISON(b, usable);
}

void base_json_alloc_install(void)
{
    json_set_alloc_funcs(cache_malloc, cache_free);
}

void base_json_alloc_thread_flush(void)
{
    flush(&cache);
}

size_t base_json_alloc_cached_blocks(void)
{
    size_t n = 0;

    for (unsigned k = 0; k < N_CLASSES; k++)
        n += cache.count[k];
    return n;
}
