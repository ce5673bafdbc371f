/*
 * bench_step.c - the STEP reader's throughput and memory on one core.
 *
 *     bench_step [--repeat N] [--validate] FILE.ifc
 *
 * Reads the file once to have it in the page cache, then opens it N times
 * (default 3): each open maps the file, makes the indexing pass and builds
 * the id map and type lists. It prints the best and median MB/s (MB = 10^6
 * bytes) by the wall clock and by the thread's CPU time (which a machine
 * busy with other work does not inflate), the reader's own allocations
 * (final and peak) and, from the
 * first open in a fresh child process, the peak resident memory beyond
 * the mapped file: VmHWM minus the file-backed pages (the mapped file,
 * the program and its libraries) minus the anonymous memory before
 * opening. With --validate it also times ifc_step_validate, every value of
 * every instance decoded and every reference resolved.
 */
#include "ifc/step.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this thread, user and kernel (page faults included): on a
 * machine shared with other work it measures the reader, not the queue
 * for a core. */
static double cpu_now(void)
{
    return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

/* A field of /proc/self/status in kB, or -1. */
static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL)
        return -1;
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            v = strtol(line + n + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void warm(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return;
    static char buf[1 << 20];
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    close(fd);
}

/* The first open in a fresh process: peak anonymous memory in kB. */
static long child_peak_kb(const char *path)
{
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        long before = status_kb("RssAnon");
        ifc_step_reader *r;
        ifc_step_error err;
        ifc_step_error_clear(&err);
        long peak = -1;
        if (ifc_step_open_file(path, NULL, &r, &err) == IFC_STEP_OK) {
            long hwm = status_kb("VmHWM"), file = status_kb("RssFile"),
                 shmem = status_kb("RssShmem");
            peak = hwm - file - (shmem > 0 ? shmem : 0) - before;
            ifc_step_close(r);
        }
        if (write(pipefd[1], &peak, sizeof(peak)) != (ssize_t)sizeof(peak))
            _exit(1);
        _exit(0);
    }
    close(pipefd[1]);
    long peak = -1;
    if (pid < 0 || read(pipefd[0], &peak, sizeof(peak)) != (ssize_t)sizeof(peak))
        peak = -1;
    close(pipefd[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return peak;
}

int main(int argc, char **argv)
{
    int repeat = 3;
    int validate = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--validate") == 0)
            validate = 1;
        else
            path = argv[i];
    }
    if (path == NULL || repeat < 1) {
        fprintf(stderr, "usage: bench_step [--repeat N] [--validate] FILE.ifc\n");
        return 2;
    }
    struct stat sb;
    if (stat(path, &sb) != 0) {
        perror(path);
        return 2;
    }
    double mb = (double)sb.st_size / 1e6;
    warm(path);
    long peak_kb = child_peak_kb(path);

    double *t = calloc((size_t)repeat, sizeof(double));
    double *tc = calloc((size_t)repeat, sizeof(double));
    double *tv = calloc((size_t)repeat, sizeof(double));
    size_t instances = 0, types = 0, mem = 0, mem_peak = 0;
    for (int i = 0; i < repeat; i++) {
        ifc_step_reader *r;
        ifc_step_error err;
        ifc_step_error_clear(&err);
        double t0 = now(), c0 = cpu_now();
        if (ifc_step_open_file(path, NULL, &r, &err) != IFC_STEP_OK) {
            fprintf(stderr, "%s: %s\n", path, err.message);
            return 1;
        }
        t[i] = now() - t0;
        tc[i] = cpu_now() - c0;
        instances = ifc_step_instance_count(r);
        types = ifc_step_type_count(r);
        mem = ifc_step_memory_bytes(r);
        mem_peak = ifc_step_memory_peak(r);
        if (validate) {
            t0 = now();
            if (ifc_step_validate(r, &err) != IFC_STEP_OK) {
                fprintf(stderr, "%s: %s\n", path, err.message);
                return 1;
            }
            tv[i] = now() - t0;
        }
        ifc_step_close(r);
    }
    qsort(t, (size_t)repeat, sizeof(double), cmp_double);
    qsort(tc, (size_t)repeat, sizeof(double), cmp_double);
    qsort(tv, (size_t)repeat, sizeof(double), cmp_double);
    printf("file: %s, %.1f MB, %zu instances (%.1f bytes each), %zu types\n", path, mb,
           instances, (double)sb.st_size / (double)(instances ? instances : 1), types);
    printf("parse+index: best %.3f s = %.0f MB/s, median %.3f s = %.0f MB/s (%d runs)\n", t[0],
           mb / t[0], t[repeat / 2], mb / t[repeat / 2], repeat);
    printf("parse+index per CPU second of its thread: best %.0f MB/s, median %.0f MB/s\n",
           mb / tc[0], mb / tc[repeat / 2]);
    printf("reader allocations: %.1f MB after open (%.2f x file), peak %.1f MB (%.2f x file)\n",
           (double)mem / 1e6, (double)mem / (double)sb.st_size, (double)mem_peak / 1e6,
           (double)mem_peak / (double)sb.st_size);
    if (peak_kb >= 0)
        printf("peak resident beyond the mapped file: %.1f MB (%.2f x file)\n",
               (double)peak_kb * 1024 / 1e6, (double)peak_kb * 1024 / (double)sb.st_size);
    if (validate)
        printf("validate (every value decoded): best %.3f s = %.0f MB/s, median %.0f MB/s\n",
               tv[0], mb / tv[0], mb / tv[repeat / 2]);
    free(t);
    free(tc);
    free(tv);
    return 0;
}
