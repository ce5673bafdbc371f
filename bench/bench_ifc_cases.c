/*
 * bench_ifc_cases.c - idsd's side of the comparison with the peer IDS
 * checker (bench/ifc-peer): the same buildingSMART pass/fail test cases,
 * one after another on one core, timed per case.
 *
 *     bench_ifc_cases [--repeat N] TESTCASES_DIR
 *
 * Per case (an .ids and its .ifc) it times what `idsd check --ifc` does:
 * load and validate the IDS document, open and index the model
 * (ifc_model_open_file), plan and run the check on one thread
 * (verify_plan_new, verify_run), and takes the verdict: pass when no
 * specification fails. N runs (default 5) after one warm-up; the median
 * per case. Output: one JSON object per line, {"case", "ms", "cpu_ms",
 * "verdict", "right"}, then {"summary": ...}; the cases in the order of
 * bench/ifc-peer/peer.mjs (sorted paths).
 *
 * Times are CLOCK_MONOTONIC; the process is single-threaded, so on a
 * shared machine the thread CPU time (cpu_ms) is given beside it.
 */
#include "ids/ids.h"
#include "ifc/model.h"
#include "verify/verify.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

typedef struct list {
    char **items;
    size_t n, cap;
} list;

static void push(list *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        if (l->items == NULL) {
            perror("realloc");
            exit(2);
        }
    }
    l->items[l->n++] = s;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* pass-* / fail-* .ids files below dir whose .ifc exists. */
static void walk(const char *dir, list *out)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t need = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(need);
        snprintf(p, need, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(p, out);
            free(p);
            continue;
        }
        size_t n = strlen(e->d_name);
        bool ids = n > 4 && strcmp(e->d_name + n - 4, ".ids") == 0 &&
                   (strncmp(e->d_name, "pass-", 5) == 0 || strncmp(e->d_name, "fail-", 5) == 0);
        if (ids) {
            char ifc[4096];
            snprintf(ifc, sizeof ifc, "%.*s.ifc", (int)(strlen(p) - 4), p);
            if (stat(ifc, &st) == 0) {
                push(out, p);
                continue;
            }
        }
        free(p);
    }
    closedir(d);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One check; its verdict: 'p' pass, 'f' fail, 'e' not checked (the IDS
 * does not load or is invalid, the model does not open). */
static char one(const char *ids_path)
{
    char ifc[4096];
    snprintf(ifc, sizeof ifc, "%.*s.ifc", (int)(strlen(ids_path) - 4), ids_path);
    ids_doc *doc = NULL;
    ids_report *report = NULL;
    ifc_model *model = NULL;
    verify_plan *plan = NULL;
    verify_result *res = NULL;
    ids_error ierr;
    ifc_step_error serr;
    verify_error verr;
    char verdict = 'e';
    ids_error_clear(&ierr);
    if (ids_doc_load_file(ids_path, NULL, &doc, &ierr) != IDS_OK)
        goto out;
    ids_error_clear(&ierr);
    if (ids_validate(doc, NULL, &report, &ierr) != IDS_OK || !ids_report_valid(report))
        goto out;
    ifc_step_error_clear(&serr);
    if (ifc_model_open_file(ifc, NULL, &model, &serr) != IFC_STEP_OK)
        goto out;
    if (verify_plan_new(doc, &plan, &verr) != VERIFY_OK)
        goto out;
    verify_options o = {.jobs = 1};
    if (verify_run(plan, model, &o, &res, &verr) != VERIFY_OK)
        goto out;
    verdict = res->n_failed == 0 ? 'p' : 'f';
out:
    verify_result_free(res);
    verify_plan_free(plan);
    ifc_model_free(model);
    ids_report_free(report);
    ids_doc_free(doc);
    return verdict;
}

int main(int argc, char **argv)
{
    int repeat = 5;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else
            dir = argv[i];
    }
    if (dir == NULL || repeat < 1) {
        fprintf(stderr, "usage: bench_ifc_cases [--repeat N] TESTCASES_DIR\n");
        return 2;
    }
    ids_library_init();
    list cases = {0};
    walk(dir, &cases);
    qsort(cases.items, cases.n, sizeof *cases.items, by_name);
    if (cases.n == 0) {
        fprintf(stderr, "bench_ifc_cases: no pass-/fail- cases below %s\n", dir);
        return 2;
    }
    double *t = malloc((size_t)repeat * sizeof *t), *c = malloc((size_t)repeat * sizeof *c);
    double sum = 0, cpu_sum = 0;
    double *medians = malloc(cases.n * sizeof *medians);
    size_t right = 0;
    size_t root = strlen(dir) + (dir[strlen(dir) - 1] == '/' ? 0 : 1);
    for (size_t k = 0; k < cases.n; k++) {
        char verdict = one(cases.items[k]); /* warm: the files in the page cache */
        const char *base = strrchr(cases.items[k], '/');
        bool want_pass = strncmp(base ? base + 1 : cases.items[k], "pass-", 5) == 0;
        bool is_right = verdict == (want_pass ? 'p' : 'f');
        right += is_right;
        for (int i = 0; i < repeat; i++) {
            double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
            one(cases.items[k]);
            c[i] = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
            t[i] = clock_ms(CLOCK_MONOTONIC) - w0;
        }
        qsort(t, (size_t)repeat, sizeof *t, cmp_double);
        qsort(c, (size_t)repeat, sizeof *c, cmp_double);
        medians[k] = t[repeat / 2];
        sum += t[repeat / 2];
        cpu_sum += c[repeat / 2];
        printf("{\"case\":\"%s\",\"ms\":%.4f,\"cpu_ms\":%.4f,\"verdict\":\"%s\","
               "\"right\":%s}\n",
               cases.items[k] + root, t[repeat / 2], c[repeat / 2],
               verdict == 'p' ? "pass" : verdict == 'f' ? "fail" : "error",
               is_right ? "true" : "false");
    }
    qsort(medians, cases.n, sizeof *medians, cmp_double);
    printf("{\"summary\":{\"what\":\"idsd check --ifc on one thread: IDS load + validate, model "
           "open + index, plan + check\",\"cases\":%zu,\"repeat\":%d,\"right\":%zu,"
           "\"total_ms\":%.3f,\"cpu_total_ms\":%.3f,\"mean_ms\":%.4f,\"median_ms\":%.4f}}\n",
           cases.n, repeat, right, sum, cpu_sum, sum / (double)cases.n, medians[cases.n / 2]);
    for (size_t k = 0; k < cases.n; k++)
        free(cases.items[k]);
    free(cases.items);
    free(t);
    free(c);
    free(medians);
    ids_library_cleanup();
    return 0;
}
