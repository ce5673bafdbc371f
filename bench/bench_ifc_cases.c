/*
 * bench_ifc_cases.c - idsd's side of the comparison with the peer IDS
 * checker (bench/ifc-peer): the same buildingSMART pass/fail test cases,
 * one after another on one core, timed per case.
 *
 *     bench_ifc_cases [--repeat N] TESTCASES_DIR
 *
 * Per case (an .ids and its .ifc) it times what idsd does to check it:
 * load the IDS document, open the model (map, index) and decode every
 * value of every instance (ifc_step_validate, all the reading a check can
 * do). N runs (default 5) after one warm-up; the median per case. Output:
 * one JSON object per line, {"case", "ms"}, then {"summary": ...}; the
 * cases in the order of bench/ifc-peer/peer.mjs (sorted paths).
 *
 * Times are CLOCK_MONOTONIC; the process is single-threaded, so on a
 * shared machine the thread CPU time (cpu_ms) is given beside it.
 */
#include "ids/ids.h"
#include "ifc/step.h"

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

static size_t ids_loaded, models_opened, models_decoded; /* over all runs */

/* One check's reading work; what it got through is counted. */
static void one(const char *ids_path)
{
    char ifc[4096];
    snprintf(ifc, sizeof ifc, "%.*s.ifc", (int)(strlen(ids_path) - 4), ids_path);
    ids_doc *doc = NULL;
    ids_error ierr;
    ids_error_clear(&ierr);
    if (ids_doc_load_file(ids_path, NULL, &doc, &ierr) != IDS_OK)
        return; /* the check stops here too */
    ids_loaded++;
    ifc_step_reader *r = NULL;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    if (ifc_step_open_file(ifc, NULL, &r, &err) == IFC_STEP_OK) {
        models_opened++;
        /* A malformed value is an answer too; counted apart. */
        models_decoded += ifc_step_validate(r, &err) == IFC_STEP_OK;
        ifc_step_close(r);
    }
    ids_doc_free(doc);
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
    size_t root = strlen(dir) + (dir[strlen(dir) - 1] == '/' ? 0 : 1);
    for (size_t k = 0; k < cases.n; k++) {
        one(cases.items[k]); /* warm: the files in the page cache */
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
        printf("{\"case\":\"%s\",\"ms\":%.4f,\"cpu_ms\":%.4f}\n", cases.items[k] + root,
               t[repeat / 2], c[repeat / 2]);
    }
    qsort(medians, cases.n, sizeof *medians, cmp_double);
    size_t runs = cases.n * (size_t)(repeat + 1);
    printf("{\"summary\":{\"what\":\"IDS load + STEP open + decode every value\",\"cases\":%zu,"
           "\"repeat\":%d,\"total_ms\":%.3f,\"cpu_total_ms\":%.3f,\"mean_ms\":%.4f,"
           "\"median_ms\":%.4f,\"ids_loaded\":%zu,\"models_opened\":%zu,"
           "\"models_decoded\":%zu}}\n",
           cases.n, repeat, sum, cpu_sum, sum / (double)cases.n, medians[cases.n / 2],
           ids_loaded * cases.n / runs, models_opened * cases.n / runs,
           models_decoded * cases.n / runs);
    for (size_t k = 0; k < cases.n; k++)
        free(cases.items[k]);
    free(cases.items);
    free(t);
    free(c);
    free(medians);
    ids_library_cleanup();
    return 0;
}
