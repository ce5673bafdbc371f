/*
 * check_internal.h - what the files of src/check share. Not for other
 * modules.
 */
#ifndef CHECK_INTERNAL_H
#define CHECK_INTERNAL_H

#include "base/base.h"
#include "check/check.h"
#include "view/view.h"

#include <stdarg.h>

/* ---- inputs (check_walk.c) ---- */

typedef struct check_item {
    char *path;
    /* Set when the walk itself failed here (a folder that cannot be read,
     * a tree too deep); the file is then reported failed with this error
     * and never opened. NULL normally: an ids_error is 780 bytes, and a
     * list of a million files should not carry one per file. */
    ids_error *walk_error;
} check_item;

typedef struct check_items {
    check_item *items;   /* n of them, kept in buf */
    size_t n;
    base_buf buf;
} check_items;

/* Expands files, folders (recursively, *.ids, sorted by name per folder,
 * symbolic links to folders not followed) and "-" (one path per line read
 * from list_input) in the order given. Returns false, with a one-line
 * reason in why, on a usage error or when out of memory. */
bool check_items_expand(const char *const *inputs, size_t n_inputs, FILE *list_input,
                        check_items *out, char *why, size_t why_size);
void check_items_free(check_items *items);

/* ---- reports of an IFC check made by src/view (check_report.c) ---- */

/* junit, html, markdown (md), bcf. */
bool check_report_format_parse(const char *name, view_report_format *out);
/* Why the flags cannot give that report (a sentence that follows
 * "--format NAME "), or NULL when they can: a report needs --ifc, bcf
 * needs --output. */
const char *check_report_usage_error(view_report_format format, bool ifc, const char *output);
/* Writes the report of result to out; false with a one-line reason. created:
 * when the check ran (seconds since 1970; 0 for none, so equal inputs give
 * equal bytes). */
bool check_report_write(FILE *out, view_report_format format, const view_check_result *result,
                        long long created, char *why, size_t why_size);
/* The wall clock for created. */
long long check_report_now(void);
/* One report of several IDS files checked against one model: their
 * specifications in order in out (the strings borrowed from parts); the
 * first model and schema named; truncated when one is. The IDS title is
 * the only file's, else title. *owned is the specification array to
 * free(). false when out of memory. */
bool check_report_merge(const view_check_result *const *parts, size_t n, const char *title,
                        view_check_result *out, view_check_spec **owned);
/* `idsd check --ifc MODEL SPEC... --format junit|html|markdown|bcf`
 * (check_ifc_report.c): every IDS file checked against the model as
 * check_ifc_run does, their specifications in one report written to out.
 * A file that is invalid or cannot be read is a line on stderr, not in the
 * report. Returns 0 every specification passes, 1 one fails or a
 * document is invalid, 2 the model or a file cannot be read or the report
 * cannot be written. */
int check_ifc_report_run(const check_config *cfg, const char *model_path, size_t max_failures,
                         view_report_format format, const char *const *inputs, size_t n_inputs,
                         FILE *out);

/* ---- --load-into: the HTTP client (check_http.c) ---- */

typedef struct check_url {
    char host[256];      /* without IPv6 brackets, for getaddrinfo */
    char port[8];
    char authority[272]; /* host[:port] as written, for the Host header */
    char path[1024];
} check_url;

/* An http:// URL; https and anything else are refused with a one-line
 * reason in why. */
bool check_url_parse(const char *url, check_url *u, char *why, size_t why_size);

/* One keep-alive connection, owned by one thread. Start with
 * check_http_conn_init; check_http_free at the end. */
typedef struct check_http_conn {
    const check_url *url;
    const char *token;   /* bearer token, or NULL */
    int fd;
    base_buf in;         /* the answer being read; capped */
} check_http_conn;

/* An answer; body points into the connection's buffer and is valid until
 * its next request. */
typedef struct check_http_answer {
    int status;
    const char *body;
    size_t body_len;
    bool event_stream;
    bool close_after;
} check_http_answer;

/* POSTs body (application/json) with the extra header lines given
 * (NULL-terminated, may be NULL). Returns false with a reason on a
 * transport failure; an HTTP error status is an answer. */
bool check_http_post(check_http_conn *c, const char *const *headers, const char *body,
                     size_t body_len, check_http_answer *ans, char *why, size_t why_size);
void check_http_conn_init(check_http_conn *c, const check_url *url, const char *token);
/* Closes the connection when the answer said so. */
void check_http_done(check_http_conn *c, const check_http_answer *ans);
void check_http_close(check_http_conn *c);
void check_http_free(check_http_conn *c);

/* What pushing one file gave. */
typedef struct check_load {
    bool loaded;
    bool content_fault;  /* load_ids answered with a tool error (not a transport one) */
    bool server_valid;   /* the server's own validation verdict */
    int http_status;     /* 0 when no answer arrived */
    char session_id[80];
    char message[320];   /* why it was not loaded */
} check_load;

/* One load_ids call (modern era, source_type string, no session_id: the
 * server mints one). */
void check_load_ids(check_http_conn *c, const char *xml, size_t len, long long request_id,
                    check_load *out);

/* ---- rendering (check_output.c) ---- */

/* Renders one file's result in the format; run on the worker threads so
 * the formatting work is parallel too. */
void check_render_file(const check_config *cfg, const check_result *r, base_buf *out);
/* Text around the per-file fragments. For JUnit the counts belong in the
 * opening tag, so the caller keeps the fragments and writes them after
 * check_render_begin once the summary is known. */
void check_render_begin(const check_config *cfg, const check_summary *s, base_buf *out);
void check_render_end(const check_config *cfg, const check_summary *s, base_buf *out);

#endif /* CHECK_INTERNAL_H */
