/*
 * bench_session.c - how fast and how big the session store is.
 *
 * One run prints:
 *   1. memory per empty session: RSS and heap growth over 100,000 creates;
 *   2. acquire+release latency (median, p99) with 1,000 and 100,000 live
 *      sessions, on 1 and 2 threads, each operation timed on its own, plus
 *      the mean from timing whole loops (no clock overhead per operation);
 *   3. mass eviction: 100,000 idle sessions evicted by one reaper pass while
 *      other threads keep acquiring live sessions; the longest single hold of
 *      the store lock by the reaper, and the acquirers' latency meanwhile.
 *
 * Not a test: it asserts nothing and its figures depend on the machine.
 * Usage: bench_session [acquirer-threads-during-eviction ...]   (default 1 2)
 */
#include "session/session.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MEMORY_SESSIONS 100000u     /* sessions created for the memory figure */
#define OPS_PER_THREAD 1000000u     /* timed acquire+release per thread */
#define EVICT_IDLE 100000u          /* idle sessions the reaper evicts */
#define EVICT_HOT 1000u             /* live sessions the acquirers use meanwhile */
#define EVICT_SAMPLES (1u << 23)    /* latency samples kept per acquirer */
#define PAYLOAD_BYTES 256u          /* bytes per idle session's stand-in document */
#define TTL_MS 3600000ull           /* ms; 1 h of fake time */
#define EVICT_RUNS 3                /* mass evictions per acquirer count */

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sorts samples in place; reports median, p99 and max in ns. */
static void percentiles(uint32_t *v, size_t n, double *median, double *p99, double *max)
{
    qsort(v, n, sizeof *v, cmp_u32);
    *median = n ? v[n / 2] : 0;
    *p99 = n ? v[(size_t)((double)n * 0.99)] : 0;
    *max = n ? v[n - 1] : 0;
}

static long rss_bytes(void)
{
    long pages_total = 0, pages_rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld %ld", &pages_total, &pages_rss) != 2)
        pages_rss = -1;
    fclose(f);
    return pages_rss < 0 ? -1 : pages_rss * sysconf(_SC_PAGESIZE);
}

static void fail(const char *what, session_status st)
{
    fprintf(stderr, "bench_session: %s: %s\n", what, session_status_name(st));
    exit(1);
}

/* ---- 1. memory --------------------------------------------------------- */

static void bench_memory(void)
{
    session_store *store;
    session_status st = session_store_new(NULL, &store);
    if (st != SESSION_OK)
        fail("store", st);
    long rss0 = rss_bytes();
    struct mallinfo2 m0 = mallinfo2();
    for (unsigned i = 0; i < MEMORY_SESSIONS; i++) {
        session *s;
        st = session_create(store, &s, NULL);
        if (st != SESSION_OK)
            fail("create", st);
        session_release(s);
    }
    long rss1 = rss_bytes();
    struct mallinfo2 m1 = mallinfo2();
    printf("memory per empty session (%u sessions, default limit %u)\n",
           MEMORY_SESSIONS, SESSION_DEFAULT_MAX_SESSIONS);
    printf("  RSS growth        %7.1f bytes  (records + the bucket pages they touch)\n",
           (double)(rss1 - rss0) / MEMORY_SESSIONS);
    printf("  heap in use       %7.1f bytes  (malloc'd records, mallinfo2)\n",
           (double)(m1.uordblks - m0.uordblks) / MEMORY_SESSIONS);
    session_store_free(store);
}

/* ---- 2. lookup latency --------------------------------------------------- */

typedef struct lookup_worker {
    session_store *store;
    char (*ids)[SESSION_ID_SIZE];
    size_t nids;
    unsigned seed;
    uint32_t *samples;
    uint64_t loop_ns;         /* an untimed-per-op loop of the same length */
    pthread_barrier_t *start;
} lookup_worker;

static void *lookup_main(void *arg)
{
    lookup_worker *w = arg;
    uint32_t *pick = malloc(OPS_PER_THREAD * sizeof *pick);
    if (pick == NULL)
        return NULL;
    for (size_t i = 0; i < OPS_PER_THREAD; i++)
        pick[i] = (uint32_t)((size_t)rand_r(&w->seed) % w->nids);
    pthread_barrier_wait(w->start);

    for (size_t i = 0; i < OPS_PER_THREAD; i++) {
        session *s;
        uint64_t t0 = mono_ns();
        session_status st = session_acquire(w->store, w->ids[pick[i]], &s);
        if (st == SESSION_OK)
            session_release(s);
        w->samples[i] = (uint32_t)(mono_ns() - t0);
        if (st != SESSION_OK)
            fail("acquire", st);
    }
    pthread_barrier_wait(w->start);
    uint64_t t0 = mono_ns();
    for (size_t i = 0; i < OPS_PER_THREAD; i++) {
        session *s;
        if (session_acquire(w->store, w->ids[pick[i]], &s) == SESSION_OK)
            session_release(s);
    }
    w->loop_ns = mono_ns() - t0;
    free(pick);
    return NULL;
}

static void bench_lookup(size_t live, int threads)
{
    session_store *store;
    session_status st = session_store_new(NULL, &store);
    if (st != SESSION_OK)
        fail("store", st);
    char (*ids)[SESSION_ID_SIZE] = malloc(live * sizeof *ids);
    uint32_t *samples = malloc((size_t)threads * OPS_PER_THREAD * sizeof *samples);
    if (ids == NULL || samples == NULL) {
        fprintf(stderr, "bench_session: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < live; i++) {
        session *s;
        st = session_create(store, &s, ids[i]);
        if (st != SESSION_OK)
            fail("create", st);
        session_release(s);
    }

    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)threads);
    lookup_worker w[2];
    pthread_t t[2];
    for (int i = 0; i < threads; i++) {
        w[i] = (lookup_worker){.store = store, .ids = ids, .nids = live,
                               .seed = 42u + (unsigned)i,
                               .samples = samples + (size_t)i * OPS_PER_THREAD,
                               .start = &start};
        pthread_create(&t[i], NULL, lookup_main, &w[i]);
    }
    double loop_ns = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        loop_ns += (double)w[i].loop_ns;
    }
    double median, p99, max;
    percentiles(samples, (size_t)threads * OPS_PER_THREAD, &median, &p99, &max);
    printf("  %7zu live, %d thread%s   median %5.0f ns   p99 %6.0f ns   "
           "mean (loop) %5.0f ns\n",
           live, threads, threads == 1 ? " " : "s", median, p99,
           loop_ns / threads / OPS_PER_THREAD);
    pthread_barrier_destroy(&start);
    session_store_free(store);
    free(ids);
    free(samples);
}

static void clock_overhead(void)
{
    enum { N = 1000000 };
    uint64_t t0 = mono_ns();
    for (int i = 0; i < N; i++)
        (void)mono_ns();
    printf("  (one clock_gettime pair costs about %.0f ns of each timed sample)\n",
           2.0 * (double)(mono_ns() - t0) / N);
}

/* ---- 3. mass eviction ---------------------------------------------------- */

static atomic_ullong fake_now;
static atomic_int evicting;       /* 1 while the reaper pass runs */
static atomic_int stop_acquirers;

static uint64_t fake_clock(void *ctx)
{
    (void)ctx;
    return atomic_load_explicit(&fake_now, memory_order_relaxed);
}

typedef struct evict_worker {
    session_store *store;
    char (*ids)[SESSION_ID_SIZE];
    unsigned seed;
    uint32_t *samples;
    size_t nsamples;
    atomic_int *ready;
} evict_worker;

static void *evict_acquirer(void *arg)
{
    evict_worker *w = arg;
    atomic_fetch_add(w->ready, 1);
    while (!atomic_load_explicit(&stop_acquirers, memory_order_relaxed)) {
        session *s;
        const char *id = w->ids[(size_t)rand_r(&w->seed) % EVICT_HOT];
        int during = atomic_load_explicit(&evicting, memory_order_relaxed);
        uint64_t t0 = mono_ns();
        session_status st = session_acquire(w->store, id, &s);
        if (st == SESSION_OK)
            session_release(s);
        uint64_t dt = mono_ns() - t0;
        if (st != SESSION_OK)
            fail("acquire during eviction", st);
        if (during && atomic_load_explicit(&evicting, memory_order_relaxed) &&
            w->nsamples < EVICT_SAMPLES)
            w->samples[w->nsamples++] = (uint32_t)(dt > UINT32_MAX ? UINT32_MAX : dt);
    }
    return NULL;
}

static void bench_eviction(int acquirers)
{
    atomic_store(&fake_now, 1000000000000ull);
    atomic_store(&evicting, 0);
    atomic_store(&stop_acquirers, 0);
    session_config cfg = {.idle_ttl_ms = TTL_MS, .clock = fake_clock,
                          .payload_free = free};
    session_store *store;
    session_status st = session_store_new(&cfg, &store);
    if (st != SESSION_OK)
        fail("store", st);

    for (unsigned i = 0; i < EVICT_IDLE; i++) {
        session *s;
        st = session_create(store, &s, NULL);
        if (st != SESSION_OK)
            fail("create", st);
        void *doc = malloc(PAYLOAD_BYTES);
        if (doc != NULL)
            memset(doc, 1, PAYLOAD_BYTES);
        session_set_payload(s, doc);
        session_release(s);
    }
    /* All of them are now over-idle; the hot ones are created afterwards. */
    atomic_fetch_add(&fake_now, TTL_MS * 1000000ull + 1000000000ull);
    char (*hot)[SESSION_ID_SIZE] = malloc(EVICT_HOT * sizeof *hot);
    evict_worker w[8];
    pthread_t t[8];
    if (hot == NULL) {
        fprintf(stderr, "bench_session: out of memory\n");
        exit(1);
    }
    for (unsigned i = 0; i < EVICT_HOT; i++) {
        session *s;
        st = session_create(store, &s, hot[i]);
        if (st != SESSION_OK)
            fail("create", st);
        session_release(s);
    }

    atomic_int ready = 0;
    for (int i = 0; i < acquirers; i++) {
        w[i] = (evict_worker){.store = store, .ids = hot, .seed = 7u + (unsigned)i,
                              .samples = malloc(EVICT_SAMPLES * sizeof(uint32_t)),
                              .ready = &ready};
        if (w[i].samples == NULL) {
            fprintf(stderr, "bench_session: out of memory\n");
            exit(1);
        }
        pthread_create(&t[i], NULL, evict_acquirer, &w[i]);
    }
    while (atomic_load(&ready) < acquirers)
        ;
    atomic_store(&evicting, 1);
    uint64_t t0 = mono_ns();
    size_t evicted = session_reap_now(store);
    uint64_t elapsed = mono_ns() - t0;
    atomic_store(&evicting, 0);
    atomic_store(&stop_acquirers, 1);

    size_t total = 0;
    for (int i = 0; i < acquirers; i++) {
        pthread_join(t[i], NULL);
        total += w[i].nsamples;
    }
    uint32_t *all = malloc((total ? total : 1) * sizeof *all);
    if (all == NULL) {
        fprintf(stderr, "bench_session: out of memory\n");
        exit(1);
    }
    size_t k = 0;
    for (int i = 0; i < acquirers; i++) {
        memcpy(all + k, w[i].samples, w[i].nsamples * sizeof *all);
        k += w[i].nsamples;
        free(w[i].samples);
    }
    double median, p99, max;
    percentiles(all, total, &median, &p99, &max);
    session_stats stats;
    session_store_stats(store, &stats);

    printf("  %d acquirer%s: evicted %zu in %5.1f ms, longest lock hold %7.1f us | "
           "acquire meanwhile: %6zu ops, median %4.0f ns, p99 %6.0f ns, max %7.1f us\n",
           acquirers, acquirers == 1 ? " " : "s", evicted, (double)elapsed / 1e6,
           (double)stats.lock_hold_max_ns / 1e3, total, median, p99, max / 1e3);
    free(all);
    free(hot);
    session_store_free(store);
}

int main(int argc, char **argv)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    printf("bench_session: %ld CPU%s\n\n", cpus, cpus == 1 ? "" : "s");

    bench_memory();

    printf("\nacquire + release of a random live session (%u per thread)\n",
           OPS_PER_THREAD);
    clock_overhead();
    const size_t sizes[] = {1000, 100000};
    for (size_t i = 0; i < 2; i++)
        for (int threads = 1; threads <= 2; threads++)
            bench_lookup(sizes[i], threads);

    printf("\nmass eviction: %u idle sessions (%u-byte payloads), one reaper pass, "
           "batch %u; %u live sessions in use\n",
           EVICT_IDLE, PAYLOAD_BYTES, SESSION_DEFAULT_REAP_BATCH, EVICT_HOT);
    int counts[8] = {1, 2};
    int ncounts = 2;
    if (argc > 1) {
        ncounts = 0;
        for (int i = 1; i < argc && ncounts < 8; i++) {
            int n = atoi(argv[i]);
            if (n >= 1 && n <= 8)
                counts[ncounts++] = n;
        }
    }
    /* Several runs each: one preemption of the reaper while it holds the
     * lock decides a run's maximum, so a single run says little. */
    for (int i = 0; i < ncounts; i++)
        for (int r = 0; r < EVICT_RUNS; r++)
            bench_eviction(counts[i]);
    return 0;
}
