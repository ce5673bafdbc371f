/*
 * check_cli.c - `idsd check [options] PATH...`: flags, the environment,
 * the schema and the output file around check_run.
 *
 * Like `idsd serve`, a bad flag or value is one line on stderr and exit
 * status 2 before any file is opened; IDSD_XSD and IDSD_MAX_DOC_BYTES are
 * read as serve reads them, and a flag wins over its variable.
 */
#include "check/check_internal.h"
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: idsd check [options] PATH...\n"
        "\n"
        "Loads and validates IDS files on all cores and reports, per file, whether\n"
        "it is valid, every error with its line and element path, the number of\n"
        "specifications and the time taken. The report keeps the order of the\n"
        "inputs.\n"
        "\n"
        "PATH is an IDS file (checked whatever its name), a folder (walked\n"
        "recursively for *.ids files, sorted by name; hidden entries and links to\n"
        "folders skipped) or '-' to read one path per line from standard input.\n"
        "\n"
        "options:\n"
        "  --format FORMAT     text (default), json (one JSON document) or junit\n"
        "                      (JUnit XML for CI systems); an IFC check (--ifc) also\n"
        "                      html (one page to open in a browser), markdown, or bcf\n"
        "                      (BCF 2.1 for BIM tools; needs --output)\n"
        "  -j, --jobs N        worker threads (default: the online CPUs)\n"
        "  --xsd PATH          the official IDS 1.0 XSD, to validate against it as\n"
        "                      well (IDSD_XSD; default: built-in rules only)\n"
        "  --max-doc-bytes SIZE\n"
        "                      largest file checked (IDSD_MAX_DOC_BYTES; default 16M)\n"
        "  -o, --output FILE   write the report to FILE instead of standard output\n"
        "  -q, --quiet         no progress bar; text lists only files that are not valid\n"
        "  --no-progress       no progress bar (drawn on a terminal's stderr otherwise)\n"
        "  --no-timings        leave times out, so equal inputs give equal bytes\n"
        "  --ifc MODEL         check the IFC model MODEL (IFC2X3, IFC4, IFC4X3) against\n"
        "                      every specification of each IDS file; text, json or\n"
        "                      one report of all files (junit, html, markdown, bcf);\n"
        "                      exit 0 all pass, 1 one fails or a file is invalid\n"
        "  --max-failures N    with --ifc: failing elements listed per requirement\n"
        "                      (default 10)\n"
        "  --load-into URL     also push every file into the idsd serving MCP at this\n"
        "                      http:// URL (such as http://127.0.0.1:8080/mcp): one\n"
        "                      load_ids call and one new session per file; the report\n"
        "                      gives each file's session id, or why it was not loaded\n"
        "  --auth-token TOKEN  bearer token for --load-into (IDSD_AUTH_TOKEN)\n"
        "  -h, --help          this text\n"
        "\n"
        "exit status: 0 every file valid, 1 some file invalid, 2 a usage error or a\n"
        "file that could not be checked (unreadable, over the size limit) or, with\n"
        "--load-into, a file the server did not take; 2 wins over 1.\n"
        "SIZE is a number of bytes with an optional k, M or G (binary) suffix.\n");
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad(const char *fmt, ...)
{
    va_list ap;

    fputs("idsd check: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see idsd check --help)\n", stderr);
    return CHECK_EXIT_ERROR;
}

typedef struct options {
    check_config cfg;
    const char *xsd;
    const char *output;
    const char *ifc;
    size_t max_failures;
    /* --format html|markdown|bcf: a report of an IFC check (src/view). */
    bool report;
    view_report_format report_format;
    const char *report_name;
    bool no_progress;
    const char **inputs;
    size_t n_inputs;
} options;

/* Splits "--key=value" / "--key value"; returns NULL (and *rc set) when the
 * value is missing. */
static const char *value_of(int argc, char **argv, int *i, const char *eq, int *rc)
{
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc) {
        *rc = bad("%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static bool flag_is(const char *arg, const char *name, const char **eq)
{
    size_t n = strlen(name);

    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '\0') {
        *eq = NULL;
        return true;
    }
    if (arg[n] == '=' && name[1] == '-') {
        *eq = arg + n;
        return true;
    }
    return false;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(options *o, int argc, char **argv)
{
    const char *env, *eq, *v;
    bool only_paths = false;
    int rc = -1;

    env = getenv("IDSD_XSD");
    if (env && env[0])
        o->xsd = env;
    env = getenv("IDSD_AUTH_TOKEN");
    if (env && env[0])
        o->cfg.auth_token = env;
    env = getenv("IDSD_MAX_DOC_BYTES");
    if (env && env[0] && !cli_parse_size(env, &o->cfg.limits.max_bytes))
        return bad("invalid IDSD_MAX_DOC_BYTES '%s': expected a size such as 512k or 16M",
                   env);
    o->inputs = calloc((size_t)argc, sizeof *o->inputs);
    if (!o->inputs)
        return bad("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (only_paths || arg[0] != '-' || strcmp(arg, "-") == 0) {
            o->inputs[o->n_inputs++] = arg;
        } else if (strcmp(arg, "--") == 0) {
            only_paths = true;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return CHECK_EXIT_VALID;
        } else if (flag_is(arg, "--format", &eq)) {
            int f;

            v = value_of(argc, argv, &i, eq, &rc);
            if (!v)
                return rc;
            f = check_format_from_name(v);
            o->report = f < 0 && check_report_format_parse(v, &o->report_format);
            o->report_name = v;
            if (f < 0 && !o->report)
                return bad("invalid --format '%s': expected text, json or junit (an IFC "
                           "check also html, markdown or bcf)", v);
            if (f >= 0)
                o->cfg.format = (check_format)f;
        } else if (flag_is(arg, "--jobs", &eq) || flag_is(arg, "-j", &eq)) {
            const char *end;
            uint64_t n;

            v = value_of(argc, argv, &i, eq, &rc);
            if (!v)
                return rc;
            if (!cli_parse_u64(v, &end, &n) || *end || n == 0 || n > CHECK_MAX_JOBS)
                return bad("invalid --jobs '%s': expected a whole number from 1 to %u", v,
                           CHECK_MAX_JOBS);
            o->cfg.jobs = (unsigned)n;
        } else if (flag_is(arg, "--xsd", &eq)) {
            v = value_of(argc, argv, &i, eq, &rc);
            if (!v)
                return rc;
            if (!v[0])
                return bad("invalid --xsd: empty path");
            o->xsd = v;
        } else if (flag_is(arg, "--max-doc-bytes", &eq)) {
            v = value_of(argc, argv, &i, eq, &rc);
            if (!v)
                return rc;
            if (!cli_parse_size(v, &o->cfg.limits.max_bytes))
                return bad("invalid --max-doc-bytes '%s': expected a size such as 512k "
                           "or 16M", v);
        } else if (flag_is(arg, "--output", &eq) || flag_is(arg, "-o", &eq)) {
            v = value_of(argc, argv, &i, eq, &rc);
            if (!v)
                return rc;
            if (!v[0])
                return bad("invalid --output: empty path");
            o->output = v;
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            o->cfg.quiet = true;
            o->no_progress = true;
        } else if (strcmp(arg, "--no-progress") == 0) {
            o->no_progress = true;
        } else if (strcmp(arg, "--no-timings") == 0) {
            o->cfg.no_timings = true;
        } else if (flag_is(arg, "--ifc", &eq)) {
            v = value_of(argc, argv, &i, eq, &rc);
            if (!v)
                return rc;
            if (!v[0])
                return bad("invalid --ifc: empty path");
            o->ifc = v;
        } else if (flag_is(arg, "--max-failures", &eq)) {
            const char *end;
            uint64_t n;

            v = value_of(argc, argv, &i, eq, &rc);
            if (!v)
                return rc;
            if (!cli_parse_u64(v, &end, &n) || *end || n == 0 || n > 100000)
                return bad("invalid --max-failures '%s': expected a whole number from 1 "
                           "to 100000", v);
            o->max_failures = (size_t)n;
        } else if (flag_is(arg, "--load-into", &eq)) {
            v = value_of(argc, argv, &i, eq, &rc);
            if (!v)
                return rc;
            o->cfg.load_into = v;
        } else if (flag_is(arg, "--auth-token", &eq)) {
            v = value_of(argc, argv, &i, eq, &rc);
            if (!v)
                return rc;
            o->cfg.auth_token = v[0] ? v : NULL;
        } else {
            return bad("unknown option '%s'", arg);
        }
    }
    if (o->cfg.auth_token) {
        /* It goes into a header line as it is. */
        for (const char *c = o->cfg.auth_token; *c; c++)
            if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7F)
                return bad("invalid --auth-token / IDSD_AUTH_TOKEN: only visible ASCII "
                           "characters are allowed");
    }
    if (o->ifc && o->cfg.load_into)
        return bad("--ifc and --load-into do not go together");
    if (o->report) {
        const char *why = check_report_usage_error(o->report_format, o->ifc != NULL, o->output);
        if (why)
            return bad("--format %s %s", o->report_name, why);
    }
    if (o->n_inputs == 0)
        return bad("no input: give IDS files, folders, or '-' to read paths from "
                   "standard input");
    return -1;
}

int check_main(int argc, char **argv)
{
    options o;
    ids_schema *schema = NULL;
    FILE *out = stdout;
    ids_error err;
    int rc;

    memset(&o, 0, sizeof o);
    rc = parse_args(&o, argc, argv);
    if (rc >= 0)
        goto out;
    rc = CHECK_EXIT_ERROR;
    ids_library_init();
    if (o.xsd) {
        ids_error_clear(&err);
        if (ids_schema_load(o.xsd, NULL, &schema, &err) != IDS_OK) {
            fprintf(stderr, "idsd check: --xsd %s: %s\n", o.xsd,
                    err.message[0] ? err.message : ids_status_name(err.code));
            goto out_lib;
        }
        o.cfg.schema = schema;
    }
    if (o.output) {
        out = fopen(o.output, "w");
        if (!out) {
            fprintf(stderr, "idsd check: cannot write %s: %s\n", o.output, strerror(errno));
            out = stdout;
            goto out_lib;
        }
    }
    if (!o.no_progress && isatty(STDERR_FILENO))
        o.cfg.progress = stderr;
    if (o.ifc && (o.report || o.cfg.format == CHECK_FORMAT_JUNIT))
        rc = check_ifc_report_run(&o.cfg, o.ifc, o.max_failures,
                                  o.report ? o.report_format : VIEW_REPORT_JUNIT, o.inputs,
                                  o.n_inputs, out);
    else if (o.ifc)
        rc = check_ifc_run(&o.cfg, o.ifc, o.max_failures, o.inputs, o.n_inputs, out);
    else
        rc = check_run(&o.cfg, o.inputs, o.n_inputs, out, NULL);
    if (fflush(out) != 0 || ferror(out)) {
        fprintf(stderr, "idsd check: writing the report failed: %s\n", strerror(errno));
        rc = CHECK_EXIT_ERROR;
    }
out_lib:
    if (out != stdout && fclose(out) != 0 && rc != CHECK_EXIT_ERROR) {
        fprintf(stderr, "idsd check: writing %s failed: %s\n", o.output, strerror(errno));
        rc = CHECK_EXIT_ERROR;
    }
    ids_schema_free(schema);
    ids_library_cleanup();
out:
    free(o.inputs);
    return rc;
}
