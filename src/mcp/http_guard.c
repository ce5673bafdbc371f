/*
 * http_guard.c - what keeps one client from taking what all share: the
 * per-address rate of new sessions, and the process's memory as the
 * --max-memory budget and /metrics see it.
 */
#include "mcp/http_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define RATE_SLOTS 4096u      /* addresses remembered */
#define ADDR_KEY 48           /* bytes of an address key */

typedef struct bucket {
    char addr[ADDR_KEY];      /* "" = free */
    double tokens;
    uint64_t seen_ms;
} bucket;

struct mcp_rate {
    pthread_mutex_t lock;
    double per_ms;            /* tokens per ms */
    double burst;
    bucket slots[RATE_SLOTS];
};

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

mcp_rate *mcp_rate_new(unsigned per_minute)
{
    mcp_rate *r;

    if (per_minute == 0)
        return NULL;
    r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    r->per_ms = per_minute / 60000.0;
    r->burst = per_minute;
    return r;
}

/* IPv6 addresses count by their /64: one host holds a whole /64. */
static void addr_key(const char *addr, char *key)
{
    snprintf(key, ADDR_KEY, "%s", addr);
    if (strchr(key, ':')) {
        int colons = 0;

        for (char *p = key; *p; p++) {
            if (*p == ':' && ++colons == 4) {
                *p = '\0';
                break;
            }
        }
    }
}

static unsigned slot_of(const char *key)
{
    uint32_t h = 2166136261u;

    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 16777619u;
    return h % RATE_SLOTS;
}

bool mcp_rate_take(mcp_rate *r, const char *addr, unsigned *retry_s)
{
    char key[ADDR_KEY];
    uint64_t now = now_ms();
    bucket *b, *oldest = NULL;
    bool ok;

    *retry_s = 0;
    if (!r)
        return true;
    addr_key(addr, key);
    pthread_mutex_lock(&r->lock);
    /* Open addressing over 8 slots; the stalest of them makes room. */
    b = NULL;
    for (unsigned i = 0, s = slot_of(key); i < 8; i++) {
        bucket *c = &r->slots[(s + i) % RATE_SLOTS];

        if (strcmp(c->addr, key) == 0) {
            b = c;
            break;
        }
        if (!oldest || c->seen_ms < oldest->seen_ms)
            oldest = c;
    }
    if (!b) {
        b = oldest;
        snprintf(b->addr, sizeof b->addr, "%s", key);
        b->tokens = r->burst;
    } else {
        b->tokens += (double)(now - b->seen_ms) * r->per_ms;
        if (b->tokens > r->burst)
            b->tokens = r->burst;
    }
    b->seen_ms = now;
    ok = b->tokens >= 1.0;
    if (ok)
        b->tokens -= 1.0;
    else
        *retry_s = (unsigned)((1.0 - b->tokens) / r->per_ms / 1000.0) + 1;
    pthread_mutex_unlock(&r->lock);
    return ok;
}

void mcp_rate_free(mcp_rate *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r);
}

size_t mcp_mem_resident(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    long page = sysconf(_SC_PAGESIZE);

    if (!f)
        return 0;
    if (fscanf(f, "%lu %lu", &size, &resident) != 2)
        resident = 0;
    fclose(f);
    return page > 0 ? (size_t)resident * (size_t)page : 0;
}

size_t mcp_mem_allocator_free(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();

    return mi.fordblks;
#else
    return 0;
#endif
}

void mcp_mem_trim(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
