/*
 * check.h - `idsd check`: load and validate many IDS files at once.
 *
 * The inputs (files, folders walked for *.ids, "-" for a list of paths on
 * a stream) are expanded into one ordered list first. A pool of worker
 * threads then takes files by index; each loads its file with the engine
 * and validates it (built-in rules and, when a compiled schema is given,
 * the official XSD). The calling thread writes each file's result as soon
 * as every file before it is done, so the report streams and its order is
 * the order of the inputs whatever the scheduling.
 *
 * Outcomes: a file is valid, invalid (it loaded and broke a rule, or it is
 * not well-formed XML / not an IDS document), or failed (it could not be
 * checked: unreadable, over the size cap, out of memory). Exit statuses:
 * 0 every file valid, 1 some invalid, 2 a usage error or some file failed
 * (failure dominates invalidity: a CI job must not read "1" as "the files
 * were looked at").
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ids/ids.h"
#include "verify/verify.h"
#include "view/view.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CHECK_EXIT_VALID 0
#define CHECK_EXIT_INVALID 1
#define CHECK_EXIT_ERROR 2

#define CHECK_MAX_JOBS 1024u /* threads; more never helps a disk-bound run */

typedef enum check_format {
    CHECK_FORMAT_TEXT = 0,
    CHECK_FORMAT_JSON,
    CHECK_FORMAT_JUNIT
} check_format;

/* "text", "json", "junit"; -1 for anything else. */
int check_format_from_name(const char *name);

typedef enum check_outcome {
    CHECK_VALID = 0,
    CHECK_INVALID,
    CHECK_FAILED
} check_outcome;

/* One file's result, as handed to check_config.on_result. Everything is
 * owned by the run and valid only during the callback. */
typedef struct check_result {
    const char *path;
    check_outcome outcome;
    /* When the document did not load (or validation failed for want of
     * memory): the engine's error; parse and not-IDS errors carry line and
     * column. NULL otherwise. */
    const ids_error *error;
    const ids_report *report; /* NULL when the document did not load */
    size_t n_specs;
    size_t n_errors;          /* findings of severity error */
    size_t n_warnings;
    double millis;            /* load + validate (+ push), CLOCK_MONOTONIC */
    /* With load_into: whether the file was sent, and what came of it.
     * session_id is the server's new session (NULL when not loaded);
     * load_error says why not (NULL when loaded or not sent). */
    bool load_attempted;
    const char *session_id;
    const char *load_error;
} check_result;

typedef void (*check_result_fn)(void *ctx, size_t index, const check_result *result);

typedef struct check_config {
    check_format format;
    unsigned jobs;             /* worker threads; 0 = online CPUs */
    const ids_schema *schema;  /* NULL = built-in rules only */
    ids_limits limits;         /* zeros = the engine's defaults */
    bool no_timings;           /* leave times out: identical bytes run to run */
    bool quiet;                /* text: list only files that are not valid */
    FILE *progress;            /* draw a progress bar here (a terminal), or NULL */
    FILE *list_input;          /* where "-" reads paths from; NULL = stdin */
    /* Push every file into a running idsd: load_ids (source_type string,
     * no session_id, so one new session per file) at this http:// URL of
     * its MCP endpoint; NULL = check only. auth_token: its bearer token. */
    const char *load_into;
    const char *auth_token;
    check_result_fn on_result; /* in input order, on the calling thread; may be NULL */
    void *on_result_ctx;
} check_config;

typedef struct check_summary {
    size_t files;
    size_t valid;
    size_t invalid;
    size_t failed;
    size_t errors;   /* error findings over all files, load errors included */
    size_t warnings;
    size_t loaded;   /* with load_into: files now held by a server session */
    double millis;   /* wall time of the checking, after the input expansion */
} check_summary;

/* Expands the inputs, checks every file and writes the report to out in
 * cfg->format. Returns the exit status (CHECK_EXIT_*). A usage problem
 * (more than one "-") is one line on stderr and CHECK_EXIT_ERROR; summary
 * (may be NULL) is filled in any case. Call ids_library_init first. */
int check_run(const check_config *cfg, const char *const *inputs, size_t n_inputs,
              FILE *out, check_summary *summary);

/* `idsd check --ifc MODEL SPEC...` (check_ifc.c): opens the IFC model
 * once, then loads, validates and checks each IDS file against it (an
 * invalid document is reported, never checked), the specifications of a
 * file on cfg->jobs threads; writes text or json (cfg->format). At most
 * max_failures failing elements are listed per requirement (0: 10).
 * Returns 0 when every specification passes, 1 when one fails or a
 * document is invalid, 2 when the model or a file cannot be read. */
int check_ifc_run(const check_config *cfg, const char *model_path, size_t max_failures,
                  const char *const *inputs, size_t n_inputs, FILE *out);

/* The command line: argv[0] is "check", flags and inputs follow. Parses
 * flags and the IDSD_XSD / IDSD_MAX_DOC_BYTES variables, compiles the
 * schema once, runs, and returns the exit status. */
int check_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* CHECK_H */
