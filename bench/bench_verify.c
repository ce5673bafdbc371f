/*
 * bench_verify.c - a full IFC check: open and index a model, then check
 * every specification of an IDS document against it.
 *
 *     bench_verify [--jobs N] [--repeat N] MODEL.ifc SPEC.ids
 *
 * Prints the time to open and index the model (and MB/s, MB = 10^6 bytes),
 * the best and median wall time of the check of all specifications on N
 * threads (default 2) over --repeat runs (default 3), the index's memory
 * beyond the reader's, and per run the specifications passed and failed
 * and the elements checked, and the check's CPU time over all threads
 * (what free cores would take). Inputs come from bench/gen_ifc.py and
 * bench/gen_ids.py (specs/ifc-check.md, "Figures").
 */
#include "ids/ids.h"
#include "ifc/model.h"
#include "verify/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    unsigned jobs = 2, repeat = 3;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "--jobs") == 0)
            jobs = (unsigned)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--repeat") == 0)
            repeat = (unsigned)atoi(argv[i + 1]);
        else
            break;
    }
    if (argc - i != 2 || jobs == 0 || repeat == 0 || repeat > 100) {
        fprintf(stderr, "usage: bench_verify [--jobs N] [--repeat N] MODEL.ifc SPEC.ids\n");
        return 2;
    }
    const char *model_path = argv[i], *ids_path = argv[i + 1];
    struct stat st;
    if (stat(model_path, &st) != 0) {
        perror(model_path);
        return 2;
    }
    ids_library_init();
    ids_doc *doc = NULL;
    ids_error ierr;
    ids_error_clear(&ierr);
    if (ids_doc_load_file(ids_path, NULL, &doc, &ierr) != IDS_OK) {
        fprintf(stderr, "%s: %s\n", ids_path, ierr.message);
        return 2;
    }
    double t0 = now();
    ifc_model *model = NULL;
    ifc_step_error serr;
    ifc_step_error_clear(&serr);
    if (ifc_model_open_file(model_path, NULL, &model, &serr) != IFC_STEP_OK) {
        fprintf(stderr, "%s: %s\n", model_path, serr.message);
        return 2;
    }
    double open_s = now() - t0;
    size_t reader_bytes = ifc_step_memory_bytes(ifc_model_reader(model));
    verify_plan *plan = NULL;
    verify_error verr;
    if (verify_plan_new(doc, &plan, &verr) != VERIFY_OK) {
        fprintf(stderr, "%s\n", verr.message);
        return 2;
    }
    double times[100], cpus[100];
    verify_options o = {.jobs = jobs};
    size_t passed = 0, failed = 0, applicable = 0;
    for (unsigned r = 0; r < repeat; r++) {
        verify_result *res = NULL;
        double t = now(), tc = cpu();
        if (verify_run(plan, model, &o, &res, &verr) != VERIFY_OK) {
            fprintf(stderr, "%s\n", verr.message);
            return 2;
        }
        times[r] = now() - t;
        cpus[r] = cpu() - tc;
        passed = res->n_passed;
        failed = res->n_failed;
        applicable = 0;
        for (size_t k = 0; k < res->n_specs; k++)
            applicable += res->specs[k].n_applicable;
        verify_result_free(res);
    }
    qsort(times, repeat, sizeof times[0], cmp_double);
    qsort(cpus, repeat, sizeof cpus[0], cmp_double);
    printf("model: %.1f MB, %zu instances, IFC %s\n", (double)st.st_size / 1e6,
           ifc_step_instance_count(ifc_model_reader(model)),
           ifc_version_name(ifc_model_version(model)));
    printf("open+index: %.3f s (%.0f MB/s); reader %.1f MB, relations index %.1f MB\n", open_s,
           (double)st.st_size / 1e6 / open_s, (double)reader_bytes / 1e6,
           (double)(ifc_model_memory_bytes(model) - reader_bytes) / 1e6);
    printf("check: %zu specifications on %u threads: best %.3f s, median %.3f s; "
           "%zu passed, %zu failed, %zu applicable elements\n",
           verify_plan_spec_count(plan), jobs, times[0], times[repeat / 2], passed, failed,
           applicable);
    /* On a machine shared with other work the wall clock overstates; the
     * CPU time over the threads says what free cores would take. */
    printf("check CPU time (all threads): best %.3f s, median %.3f s = %.3f s of wall "
           "time on %u free cores\n", cpus[0], cpus[repeat / 2], cpus[repeat / 2] / jobs, jobs);
    printf("open + check: %.3f s (wall); %.3f s with the check on %u free cores\n",
           open_s + times[repeat / 2], open_s + cpus[repeat / 2] / jobs, jobs);
    verify_plan_free(plan);
    ifc_model_free(model);
    ids_doc_free(doc);
    ids_library_cleanup();
    return 0;
}
