/*
 * check.c - the worker pool of `idsd check` and the in-order writer.
 *
 * The problem: check N files on all cores, yet write the report in the
 * order of the inputs, as it goes (a long run shows results early and
 * holds little memory), whatever order the files finish in.
 *
 * The shape: the file list is expanded first, and one slot per file is
 * allocated up front (about 100 bytes each; the 780-byte error is
 * allocated only for a file that fails to load). Checkers take the next index from an atomic counter,
 * so there is no queue and no lock on the way in; each checks its file,
 * renders its part of the report into the slot and marks the slot done
 * under the mutex.
 *
 * The calling thread is one of the checkers (--jobs N starts N - 1
 * threads): between its own files it writes every slot that is ready in
 * order, and it sleeps on the condition variable only once no file is left
 * to take. A small file takes tens of microseconds to check, about what a
 * futex wake-up and a context switch cost, so a writer that slept until
 * each next slot was signalled spent a tenth of the run being woken; now
 * wake-ups happen only in the tail of the run. The price is that a result
 * ready while the writer checks a file waits for that file to finish.
 *
 * What is shared: the compiled schema (read-only; ids.h allows any number
 * of threads to validate with it), the config (read-only) and the slots
 * (each written by one worker before it is marked done under the mutex,
 * read by the writer only after it saw the mark under the same mutex).
 *
 * Per file the cost is the engine's: one read, one parse, the built-in
 * rules and, with a schema, one XSD validation. Nothing is compiled per
 * file; the schema is compiled once by the caller.
 */
#include "check/check_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_DELAY_MS 300.0  /* a run shorter than this draws no bar */
#define PROGRESS_TICK_MS 100     /* redraw period */
#define PROGRESS_WIDTH 30        /* characters of bar */

typedef struct slot {
    check_result result;  /* path points into the item list */
    ids_report *report;   /* kept only for on_result */
    ids_error *error;     /* result.error when it is not the walk's */
    check_load *load;     /* with --load-into, once the file was sent */
    base_buf rendered;
    bool done;            /* under run.lock */
} slot;

typedef struct run {
    const check_config *cfg;
    check_url url;        /* with --load-into */
    const check_items *items;
    slot *slots;
    atomic_size_t next;   /* next index a worker takes */
    pthread_mutex_t lock;
    pthread_cond_t ready;
    bool waiting;         /* under lock: the writer sleeps on ready */
    size_t waiting_for;   /* under lock: the slot it waits for */
    size_t n_done;        /* under lock */
    size_t n_bad;         /* under lock: invalid or failed, for the bar */
    bool lock_ready;      /* lock and ready were initialized */
} run;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void count_findings(const ids_finding *list, size_t n, check_result *r)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i].severity == IDS_SEVERITY_ERROR)
            r->n_errors++;
        else
            r->n_warnings++;
    }
}

/* Which load failures say something about the file's content (so the file
 * is invalid) and which only mean it could not be checked. */
static check_outcome load_outcome(const ids_error *e)
{
    switch (e->code) {
    case IDS_ERR_PARSE:
    case IDS_ERR_NOT_IDS:
        return CHECK_INVALID;
    case IDS_ERR_LIMIT:
        /* The depth cap stops the parser at a known line; the size cap
         * refuses the file before a byte is parsed. */
        return e->line > 0 ? CHECK_INVALID : CHECK_FAILED;
    default:
        return CHECK_FAILED;
    }
}

/* Stands in for an error that could not be copied for want of memory. */
static const ids_error nomem_error = {
    IDS_ERR_NOMEM, 0, 0, "", "out of memory keeping this file's error"
};

/* The whole file, for sending; NULL with errno set on failure. It was
 * loaded by the engine a moment ago, so it is under the size cap. */
static char *read_file(const char *path, size_t max, size_t *len)
{
    base_buf data = {.max = max};
    base_status st = base_buf_read_file(&data, path);

    if (st != BASE_OK) {
        int saved = st == BASE_IO ? errno : st == BASE_TOO_BIG ? EFBIG : ENOMEM;

        base_buf_free(&data);
        errno = saved;
        return NULL;
    }
    return base_buf_take(&data, len);
}

/* --load-into: sends the file and folds the server's answer into the
 * result. A file the server did not take is failed, unless the reason is
 * its content (not well-formed, not IDS), which the local check already
 * reported as invalid. */
static void push(run *rn, check_http_conn *conn, size_t index)
{
    slot *s = &rn->slots[index];
    check_result *r = &s->result;
    size_t max = rn->cfg->limits.max_bytes ? rn->cfg->limits.max_bytes : IDS_DEFAULT_MAX_BYTES;
    size_t len = 0;
    char *data;

    r->load_attempted = true;
    s->load = calloc(1, sizeof *s->load);
    if (!s->load) {
        r->load_error = "out of memory";
        goto failed;
    }
    data = read_file(r->path, max, &len);
    if (!data) {
        base_utf8_format(s->load->message, sizeof s->load->message,
                        "not sent: cannot read '%s': %s", BASE_QUOTE(r->path, 200),
                        strerror(errno));
    } else {
        check_load_ids(conn, data, len, (long long)index + 1, s->load);
        free(data);
    }
    if (s->load->loaded) {
        r->session_id = s->load->session_id;
        return;
    }
    r->load_error = s->load->message;
    if (r->outcome == CHECK_INVALID && !r->report && s->load->content_fault)
        return;
failed:
    /* Not a finding: n_errors keeps the local check's count, and
     * load_error says why the file is failed. */
    r->outcome = CHECK_FAILED;
}

static void check_one(run *rn, check_http_conn *conn, size_t index)
{
    const check_config *cfg = rn->cfg;
    const check_item *item = &rn->items->items[index];
    slot *s = &rn->slots[index];
    check_result *r = &s->result;
    ids_doc *doc = NULL;
    ids_report *report = NULL;
    ids_error err;
    double t0 = now_ms();

    r->path = item->path;
    ids_error_clear(&err);
    if (item->walk_error) {
        r->error = item->walk_error;
        r->outcome = CHECK_FAILED;
        r->n_errors = 1;
        goto done;
    }
    if (ids_doc_load_file(item->path, &cfg->limits, &doc, &err) != IDS_OK) {
        r->outcome = load_outcome(&err);
        r->n_errors = 1;
        goto keep_error;
    }
    r->n_specs = ids_spec_count(doc);
    if (ids_validate(doc, cfg->schema, &report, &err) != IDS_OK) {
        r->outcome = CHECK_FAILED;
        r->n_errors = 1;
        goto keep_error;
    }
    /* The document is not needed for the report; free it before rendering
     * to keep the peak per worker to one tree. */
    ids_doc_free(doc);
    doc = NULL;
    r->report = report;
    count_findings(report->findings, report->n_findings, r);
    count_findings(report->xsd_findings, report->n_xsd_findings, r);
    r->outcome = ids_report_valid(report) ? CHECK_VALID : CHECK_INVALID;
    goto done;
keep_error:
    s->error = malloc(sizeof *s->error);
    if (s->error)
        *s->error = err;
    r->error = s->error ? s->error : &nomem_error;
done:
    ids_doc_free(doc);
    /* Files that could not be read or were over the cap are not sent;
     * every other one is, invalid or not. */
    if (cfg->load_into && (r->report || r->outcome == CHECK_INVALID))
        push(rn, conn, index);
    r->millis = now_ms() - t0;
    check_render_file(cfg, r, &s->rendered);
    if (cfg->on_result) {
        s->report = report;
    } else {
        ids_report_free(report);
        r->report = NULL;
    }
}

static void finish(run *rn, size_t index)
{
    pthread_mutex_lock(&rn->lock);
    rn->slots[index].done = true;
    rn->n_done++;
    if (rn->slots[index].result.outcome != CHECK_VALID)
        rn->n_bad++;
    if (rn->waiting && index == rn->waiting_for)
        pthread_cond_signal(&rn->ready);
    pthread_mutex_unlock(&rn->lock);
}

static void work(run *rn)
{
    check_http_conn conn;

    check_http_conn_init(&conn, &rn->url, rn->cfg->auth_token);
    for (;;) {
        size_t i = atomic_fetch_add(&rn->next, 1);

        if (i >= rn->items->n)
            break;
        check_one(rn, &conn, i);
        finish(rn, i);
    }
    check_http_free(&conn);
}

static void *worker_main(void *arg)
{
    work(arg);
    return NULL;
}

/* ---- progress ---- */

typedef struct progress {
    FILE *f;
    double start;
    double drawn;  /* when the bar was last drawn */
    bool shown;
} progress;

static void progress_clear(progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", p->f);
        fflush(p->f);
        p->shown = false;
    }
}

static void progress_draw(progress *p, size_t done, size_t bad, size_t total)
{
    char bar[PROGRESS_WIDTH + 1];
    size_t filled;
    double t;

    if (!p->f || total == 0)
        return;
    t = now_ms();
    if (t - p->start < PROGRESS_DELAY_MS || t - p->drawn < PROGRESS_TICK_MS)
        return;
    p->drawn = t;
    filled = done * PROGRESS_WIDTH / total;
    for (size_t i = 0; i < PROGRESS_WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[PROGRESS_WIDTH] = '\0';
    fprintf(p->f, "\r\033[K[%s] %zu/%zu files, %zu not valid", bar, done, total, bad);
    fflush(p->f);
    p->shown = true;
}

/* ---- the writer ---- */

static void tally(check_summary *sum, const check_result *r)
{
    sum->files++;
    if (r->outcome == CHECK_VALID)
        sum->valid++;
    else if (r->outcome == CHECK_INVALID)
        sum->invalid++;
    else
        sum->failed++;
    sum->errors += r->n_errors;
    sum->warnings += r->n_warnings;
    if (r->session_id)
        sum->loaded++;
}

/* Writes the slot's part (JUnit parts are kept in body until the counts
 * for the opening tag are known). Returns false when out of memory. */
static bool emit(run *rn, size_t index, FILE *out, base_buf *body, check_summary *sum,
                 progress *pg)
{
    const check_config *cfg = rn->cfg;
    slot *s = &rn->slots[index];
    bool ok = s->rendered.error == BASE_OK;

    tally(sum, &s->result);
    if (cfg->on_result)
        cfg->on_result(cfg->on_result_ctx, index, &s->result);
    if (ok && cfg->format == CHECK_FORMAT_JUNIT) {
        ok = base_buf_append(body, s->rendered.data ? s->rendered.data : "",
                             s->rendered.len);
    } else if (ok && s->rendered.len > 0) {
        progress_clear(pg);
        if (cfg->format == CHECK_FORMAT_JSON)
            fputs(index > 0 ? ",\n" : "\n", out);
        fwrite(s->rendered.data, 1, s->rendered.len, out);
    }
    base_buf_free(&s->rendered);
    ids_report_free(s->report);
    s->report = NULL;
    s->result.report = NULL;
    free(s->error);
    s->error = NULL;
    s->result.error = NULL;
    free(s->load);
    s->load = NULL;
    s->result.session_id = NULL;
    s->result.load_error = NULL;
    return ok;
}

static unsigned default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (unsigned)(n > (long)CHECK_MAX_JOBS ? CHECK_MAX_JOBS : n) : 1u;
}

/* ---- the run, step by step ---- */

/* The file list, one slot per file, the lock and condition variable.
 * false (with a line on stderr) when the run cannot start. */
static bool run_setup(run *rn, const check_config *cfg, const char *const *inputs,
                      size_t n_inputs, check_items *items)
{
    char why[512];
    pthread_condattr_t attr;
    bool cond_ok;

    rn->cfg = cfg;
    rn->items = items;
    atomic_init(&rn->next, 0);
    if (cfg->load_into && !check_url_parse(cfg->load_into, &rn->url, why, sizeof why)) {
        fprintf(stderr, "idsd check: %s\n", why);
        return false;
    }
    if (!check_items_expand(inputs, n_inputs, cfg->list_input, items, why, sizeof why)) {
        fprintf(stderr, "idsd check: %s\n", why);
        return false;
    }
    if (items->n > 0) {
        rn->slots = calloc(items->n, sizeof *rn->slots);
        if (!rn->slots) {
            fprintf(stderr, "idsd check: out of memory for %zu files\n", items->n);
            return false;
        }
    }
    /* The writer's timed waits (for the progress bar) run on the
     * monotonic clock. */
    cond_ok = pthread_condattr_init(&attr) == 0;
    if (cond_ok) {
        cond_ok = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
                  pthread_cond_init(&rn->ready, &attr) == 0;
        pthread_condattr_destroy(&attr);
    }
    if (!cond_ok)
        goto no_lock;
    if (pthread_mutex_init(&rn->lock, NULL) != 0) {
        pthread_cond_destroy(&rn->ready);
        goto no_lock;
    }
    rn->lock_ready = true;
    return true;
no_lock:
    fprintf(stderr, "idsd check: cannot create a lock\n");
    return false;
}

/* Starts the workers beside the calling thread (--jobs N: N - 1 threads,
 * never more than files); returns how many started. A thread that cannot
 * be started only makes the run slower. */
static unsigned start_workers(run *rn, pthread_t **threads)
{
    unsigned jobs = rn->cfg->jobs ? rn->cfg->jobs : default_jobs();
    unsigned started = 0;

    if (jobs > CHECK_MAX_JOBS)
        jobs = CHECK_MAX_JOBS;
    if (jobs > rn->items->n)
        jobs = (unsigned)rn->items->n;
    *threads = NULL;
    if (jobs > 1) {
        *threads = calloc(jobs - 1, sizeof **threads);
        for (unsigned i = 0; *threads && i < jobs - 1; i++) {
            if (pthread_create(&(*threads)[i], NULL, worker_main, rn) != 0)
                break;
            started++;
        }
    }
    return started;
}

/* With nothing left to take: sleeps until a worker finishes slot i,
 * redrawing the progress bar now and then. */
static void wait_for_slot(run *rn, size_t i, progress *pg)
{
    pthread_mutex_lock(&rn->lock);
    rn->waiting = true;
    rn->waiting_for = i;
    while (!rn->slots[i].done) {
        if (pg->f) {
            struct timespec until = base_deadline_ms(CLOCK_MONOTONIC, PROGRESS_TICK_MS);

            pthread_cond_timedwait(&rn->ready, &rn->lock, &until);
            if (!rn->slots[i].done) {
                size_t done = rn->n_done, bad = rn->n_bad;

                pthread_mutex_unlock(&rn->lock);
                progress_draw(pg, done, bad, rn->items->n);
                pthread_mutex_lock(&rn->lock);
            }
        } else {
            pthread_cond_wait(&rn->ready, &rn->lock);
        }
    }
    rn->waiting = false;
    pthread_mutex_unlock(&rn->lock);
}

/* The calling thread's part: writes every finished slot in input order,
 * checks files itself while there are some to take, and waits only at
 * the end. false when a part could not be written for want of memory. */
static bool write_in_order(run *rn, check_http_conn *conn, FILE *out, base_buf *body,
                           check_summary *sum, progress *pg)
{
    size_t n = rn->items->n;
    bool ok = true;

    for (size_t i = 0; i < n;) {
        size_t ready = i, k;

        pthread_mutex_lock(&rn->lock);
        while (ready < n && rn->slots[ready].done)
            ready++;
        pthread_mutex_unlock(&rn->lock);
        /* Slots before ready are done and no worker touches them again. */
        for (; i < ready; i++)
            if (!emit(rn, i, out, body, sum, pg))
                ok = false;
        if (i == n)
            break;
        progress_draw(pg, i, sum->invalid + sum->failed, n);
        k = atomic_fetch_add(&rn->next, 1);
        if (k < n) {
            check_one(rn, conn, k);
            finish(rn, k);
            continue;
        }
        wait_for_slot(rn, i, pg);
    }
    return ok;
}

/* The text before the files: at once for text and JSON; for JUnit, whose
 * opening tag carries the counts, after the run (report_end). */
static bool report_begin(const check_config *cfg, FILE *out)
{
    check_summary none = {0};
    base_buf head = {0};
    bool ok;

    if (cfg->format == CHECK_FORMAT_JUNIT)
        return true;
    check_render_begin(cfg, &none, &head);
    ok = head.error == BASE_OK;
    if (ok && head.len)
        fwrite(head.data, 1, head.len, out);
    base_buf_free(&head);
    return ok;
}

/* The rest once the summary is known: JUnit's head and the parts kept in
 * body, then every format's tail. */
static bool report_end(const check_config *cfg, const check_summary *sum,
                       const base_buf *body, FILE *out)
{
    base_buf head = {0}, tail = {0};
    bool ok;

    if (cfg->format == CHECK_FORMAT_JUNIT)
        check_render_begin(cfg, sum, &head);
    check_render_end(cfg, sum, &tail);
    ok = head.error == BASE_OK && tail.error == BASE_OK && body->error == BASE_OK;
    if (ok) {
        if (head.len)
            fwrite(head.data, 1, head.len, out);
        if (body->len)
            fwrite(body->data, 1, body->len, out);
        fwrite(tail.data, 1, tail.len, out);
    }
    base_buf_free(&head);
    base_buf_free(&tail);
    return ok;
}

static int exit_code(const check_summary *sum)
{
    if (sum->failed > 0)
        return CHECK_EXIT_ERROR;
    if (sum->invalid > 0)
        return CHECK_EXIT_INVALID;
    return CHECK_EXIT_VALID;
}

static void run_free(run *rn)
{
    if (rn->lock_ready) {
        pthread_cond_destroy(&rn->ready);
        pthread_mutex_destroy(&rn->lock);
    }
    for (size_t i = 0; rn->slots && i < rn->items->n; i++) {
        base_buf_free(&rn->slots[i].rendered);
        ids_report_free(rn->slots[i].report);
        free(rn->slots[i].error);
        free(rn->slots[i].load);
    }
    free(rn->slots);
}

int check_run(const check_config *cfg, const char *const *inputs, size_t n_inputs,
              FILE *out, check_summary *summary)
{
    check_items items = {0};
    check_summary sum = {0};
    base_buf body = {0};   /* JUnit: the files' parts until the counts are known */
    pthread_t *threads = NULL;
    unsigned started = 0;
    progress pg = {cfg->progress, 0, 0, false};
    check_http_conn conn;
    run rn;
    bool written;
    int rc = CHECK_EXIT_ERROR;

    memset(&rn, 0, sizeof rn);
    check_http_conn_init(&conn, &rn.url, cfg->auth_token);
    if (!run_setup(&rn, cfg, inputs, n_inputs, &items))
        goto out;
    pg.start = now_ms();
    started = start_workers(&rn, &threads);
    written = report_begin(cfg, out);
    written = write_in_order(&rn, &conn, out, &body, &sum, &pg) && written;
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    progress_clear(&pg);
    sum.millis = now_ms() - pg.start;
    written = report_end(cfg, &sum, &body, out) && written;
    if (!written) {
        fprintf(stderr, "idsd check: out of memory writing the report\n");
        goto out;
    }
    rc = exit_code(&sum);
out:
    run_free(&rn);
    check_http_free(&conn);
    free(threads);
    base_buf_free(&body);
    check_items_free(&items);
    if (summary)
        *summary = sum;
    return rc;
}
