/*
 * verify.h - an IDS document evaluated against an IFC model.
 *
 * The algorithm is IfcTester's, with the buildingSMART test suite's
 * overrides (specs/ifc-check.md): applicability selects elements, each
 * requirement facet is evaluated on each applicable element under its
 * cardinality, and the specification's status follows from the failures
 * and from how many elements were applicable.
 *
 * Two steps: verify_plan_new reads the document once (on the caller's
 * thread, under whatever lock guards the document) into a plan that no
 * longer touches it: the specifications, their facets and compiled
 * patterns. verify_run then evaluates the plan's specifications against a
 * model on a pool of threads. Plan and model are read-only while running,
 * so one of each may serve several runs at once.
 *
 * The result is small for any model: counts per specification, and per
 * failed requirement its total and only the first failures (GlobalId,
 * class, Name, a reason a person can act on).
 */
#ifndef VERIFY_H
#define VERIFY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ids/ids.h"
#include "ifc/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum verify_status {
    VERIFY_OK = 0,
    VERIFY_ERR_NOMEM,
    VERIFY_ERR_INVALID_ARG,
    VERIFY_ERR_CANCELLED   /* the cancel flag was set; the result is partial */
} verify_status;

const char *verify_status_name(verify_status status);

typedef struct verify_error {
    verify_status code;
    char message[512];
} verify_error;

/* ---- the plan --------------------------------------------------------- */

typedef struct verify_plan verify_plan;

/* Reads every specification of doc. A pattern the checker cannot match in
 * bounded time does not stop the plan: its specification is reported as
 * failed with the reason. */
verify_status verify_plan_new(const ids_doc *doc, verify_plan **out, verify_error *err);
void verify_plan_free(verify_plan *plan);
size_t verify_plan_spec_count(const verify_plan *plan);
/* The specification as the plan read it (its facets in document order);
 * NULL past the end. Lives as long as the plan. */
const ids_spec_view *verify_plan_spec(const verify_plan *plan, size_t index);

/* ---- the result ------------------------------------------------------- */

typedef enum verify_spec_status {
    VERIFY_SPEC_PASS = 0,
    VERIFY_SPEC_FAIL,
    VERIFY_SPEC_NOT_APPLICABLE  /* optional, and no element was applicable */
} verify_spec_status;

/* "pass", "fail", "not applicable". */
const char *verify_spec_status_name(verify_spec_status status);

typedef enum verify_usage {
    VERIFY_USAGE_REQUIRED = 0,
    VERIFY_USAGE_OPTIONAL,
    VERIFY_USAGE_PROHIBITED
} verify_usage;

const char *verify_usage_name(verify_usage usage);

typedef struct verify_failure {
    uint32_t step_id;        /* #id in the STEP file */
    char *global_id;         /* NULL when the element has none */
    const char *ifc_class;   /* "IfcWall" (static) */
    char *name;              /* the element's Name; NULL when unset */
    char *reason;            /* "Pset_WallCommon.FireRating is 'REI45'; ..." */
} verify_failure;

typedef struct verify_requirement {
    size_t facet_index;      /* position among the requirement facets */
    ids_facet_kind kind;
    const char *cardinality; /* "required", "optional", "prohibited" */
    size_t n_failed;         /* applicable elements failing it, in total */
    verify_failure *failures;/* the first ones, in file order */
    size_t n_failures;       /* listed; < n_failed when cut */
} verify_requirement;

typedef struct verify_spec_result {
    size_t index;            /* position in the document */
    char *name;
    char *identifier;        /* NULL when none */
    verify_usage usage;
    verify_spec_status status;
    bool version_matches;    /* the model's version is among ifcVersion */
    size_t n_applicable;
    size_t n_passed;
    size_t n_failed;
    char *message;           /* why the specification as a whole fails; NULL */
    verify_requirement *requirements; /* every requirement facet */
    size_t n_requirements;
    double millis;           /* time spent on it; 0 when not measured */
} verify_spec_result;

typedef struct verify_result {
    ifc_version version;
    verify_spec_result *specs;
    size_t n_specs;
    size_t n_passed;         /* specifications passing (not applicable counts) */
    size_t n_failed;
    size_t n_done;           /* specifications evaluated (< n_specs when cancelled) */
    bool truncated;          /* some failure list was cut at max_failures */
    bool cancelled;
} verify_result;

typedef void (*verify_progress_fn)(void *ctx, size_t done, size_t total);

typedef struct verify_options {
    unsigned jobs;           /* threads; 0 = online CPUs */
    size_t max_failures;     /* listed per requirement; 0 = VERIFY_DEFAULT_MAX_FAILURES */
    const atomic_bool *cancel; /* checked between elements; may be NULL */
    /* Called on the calling thread after each specification (in any
     * order of completion); may be NULL. */
    verify_progress_fn progress;
    void *progress_ctx;
    bool timings;            /* fill millis */
} verify_options;

#define VERIFY_DEFAULT_MAX_FAILURES 10u
#define VERIFY_MAX_JOBS 256u

/* Evaluates every specification of plan against model. On success (and on
 * VERIFY_ERR_CANCELLED, with the specifications finished so far) *out
 * holds the result; free it with verify_result_free. opts may be NULL. */
verify_status verify_run(const verify_plan *plan, const ifc_model *model,
                         const verify_options *opts, verify_result **out,
                         verify_error *err);
/* One specification, on the calling thread (what verify_run's threads do). */
verify_status verify_spec(const verify_plan *plan, size_t index, const ifc_model *model,
                          const verify_options *opts, verify_spec_result *out,
                          verify_error *err);
void verify_spec_result_clear(verify_spec_result *r);
void verify_result_free(verify_result *result);

/* ---- single facets (tests, tools) ------------------------------------- */

/* Whether one facet holds for one instance, with the reason when not
 * (reason may be NULL; a NUL-terminated sentence cut to reason_size). As a
 * requirement the facet's cardinality applies; in applicability it is a
 * filter. */
verify_status verify_facet(const ids_facet *facet, ids_location loc, const ifc_model *model,
                           ifc_step_inst inst, bool *holds, char *reason,
                           size_t reason_size, verify_error *err);

#ifdef __cplusplus
}
#endif

#endif /* VERIFY_H */
