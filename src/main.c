/*
 * main.c - the idsd command line: `idsd serve --stdio`, configuration from
 * flags and IDSD_* environment variables (flags win), and an orderly
 * start and shutdown of the engine, the session store and the transport.
 *
 * A bad flag or value is one line on stderr and exit status 2, before
 * anything is started.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "check/check.h"
#include "cli/cli.h"
#include "ids/ids.h"
#include "mcp/mcp.h"
#include "mcp/mcp_http.h"
#include "session/session.h"
#include "store/store.h"
#include "tools/tools.h"

#define EXIT_USAGE 2
#define STATE_DEFAULT_THREADS 32u /* HTTP threads with --state-dir */
#define MAX_ROOTS 64
#define MAX_ORIGINS 64

typedef struct config {
    bool stdio;
    uint64_t idle_ttl_ms;
    uint64_t reap_interval_ms;
    size_t max_sessions;
    size_t max_doc_bytes;
    size_t max_model_bytes;     /* 0 = the tools' default */
    size_t max_body_bytes;      /* 0 = derived from max_doc_bytes */
    char *roots[MAX_ROOTS];     /* realpath'd, malloc'd */
    size_t n_roots;
    bool roots_from_flags;      /* the first --root drops IDSD_ROOTS */
    const char *xsd;
    mcp_log_level log_level;
    /* HTTP (serve without --stdio) */
    char listen_host[64];
    uint16_t listen_port;
    const char *path;
    const char *origins[MAX_ORIGINS];
    size_t n_origins;
    bool origins_from_flags;    /* the first --allow-origin drops IDSD_ALLOW_ORIGINS */
    const char *auth_token;
    unsigned max_connections;
    unsigned connection_timeout_s;
    unsigned threads;
    unsigned workers;
    unsigned shutdown_grace_ms;
    unsigned request_timeout_ms;
    unsigned max_connections_per_ip;
    size_t max_memory;
    unsigned session_rate;
    /* Durable sessions (specs/persistence.md) */
    const char *state_dir;      /* NULL: memory only */
    store_sync state_sync;
    bool state_recover;
    bool threads_given;         /* --threads or IDSD_THREADS was set */
    /* A shared store (specs/scale-out.md) */
    const char *store_url;      /* redis://HOST:PORT[/DB]; NULL: none */
    const char *store_password;
} config;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    stop_requested = sig;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: idsd serve [--stdio] [options]\n"
        "       idsd check [options] PATH...\n"
        "       idsd --help | --version\n"
        "\n"
        "idsd is an MCP server for authoring buildingSMART IDS 1.0 documents.\n"
        "\n"
        "commands:\n"
        "  serve                   serve MCP clients over Streamable HTTP (both\n"
        "                          eras; prints 'listening on URL' on stdout)\n"
        "  serve --stdio           serve one MCP client over stdin/stdout\n"
        "                          (newline-delimited JSON-RPC; logs on stderr)\n"
        "  check PATH...           load and validate IDS files and folders on all\n"
        "                          cores (idsd check --help lists its options)\n"
        "\n"
        "options (each also read from the environment variable shown; flags win):\n"
        "  --idle-ttl DURATION     evict a session idle this long (IDSD_IDLE_TTL;\n"
        "                          default 24h)\n"
        "  --reap-interval DURATION\n"
        "                          how often the reaper looks for idle sessions\n"
        "                          (IDSD_REAP_INTERVAL; default 60s)\n"
        "  --max-sessions N        most sessions held at once (IDSD_MAX_SESSIONS;\n"
        "                          default %u)\n"
        "  --max-doc-bytes SIZE    largest IDS document a session may load or hold\n"
        "                          (IDSD_MAX_DOC_BYTES; default 16M)\n"
        "  --max-model-bytes SIZE  largest IFC model file load_ifc_model and\n"
        "                          validate_ifc_model read (IDSD_MAX_MODEL_BYTES;\n"
        "                          default 256M)\n"
        "  --max-body-bytes SIZE   largest JSON-RPC message accepted\n"
        "                          (IDSD_MAX_BODY_BYTES; default 2 x max-doc-bytes\n"
        "                          + 1M, at least 4M)\n"
        "  --root DIR              folder load_ids/export_ids may touch; repeat for\n"
        "                          more (IDSD_ROOTS, colon-separated; default the\n"
        "                          working directory)\n"
        "  --xsd PATH              the official IDS 1.0 XSD, to validate against it\n"
        "                          as well (IDSD_XSD; default none)\n"
        "  --log-level LEVEL       stderr log threshold: debug, info, notice,\n"
        "                          warning, error, critical, alert, emergency\n"
        "                          (IDSD_LOG_LEVEL; default info)\n"
        "\n"
        "HTTP options (serve without --stdio):\n"
        "  --listen HOST:PORT      address to bind (IDSD_LISTEN; default\n"
        "                          127.0.0.1:8080; port 0 picks a free one; IPv6\n"
        "                          as [::1]:8080)\n"
        "  --path PATH             the MCP endpoint (IDSD_PATH; default /mcp)\n"
        "  --allow-origin ORIGIN   an Origin allowed to call; repeat for more\n"
        "                          (IDSD_ALLOW_ORIGINS, space-separated; exact\n"
        "                          scheme://host[:port], scheme://host:* or *;\n"
        "                          default the loopback origins only)\n"
        "  --auth-token TOKEN      require 'Authorization: Bearer TOKEN' on every\n"
        "                          request but /healthz (IDSD_AUTH_TOKEN; default\n"
        "                          none)\n"
        "  --max-connections N     concurrent connections (IDSD_MAX_CONNECTIONS;\n"
        "                          default %u)\n"
        "  --connection-timeout DURATION\n"
        "                          close a connection idle this long\n"
        "                          (IDSD_CONNECTION_TIMEOUT; default %us)\n"
        "  --threads N             HTTP threads: 0 = one epoll thread, N = a pool\n"
        "                          of N (IDSD_THREADS; default %u, 32 with\n"
        "                          --state-dir or --store)\n"
        "  --max-connections-per-ip N\n"
        "                          connections one client address may hold\n"
        "                          (IDSD_MAX_CONNECTIONS_PER_IP; default a quarter\n"
        "                          of --max-connections)\n"
        "  --request-timeout DURATION\n"
        "                          close a connection whose request (headers and\n"
        "                          body) has not arrived this long after it began\n"
        "                          (IDSD_REQUEST_TIMEOUT; default %us)\n"
        "  --max-memory SIZE       resident memory above which new sessions and\n"
        "                          load_ids are refused; edits go on\n"
        "                          (IDSD_MAX_MEMORY; default none)\n"
        "  --session-rate N        new sessions one client address may start per\n"
        "                          minute (IDSD_SESSION_RATE; default %u)\n"
        "  --workers N             threads running tool calls, apart from the\n"
        "                          HTTP threads (IDSD_WORKERS; default %u, 32\n"
        "                          with --state-dir or --store)\n"
        "  --shutdown-grace DURATION\n"
        "                          on SIGTERM, how long open requests may finish\n"
        "                          before they are answered with an error\n"
        "                          (IDSD_SHUTDOWN_GRACE; default %us)\n"
        "  --state-dir DIR         keep sessions in an SQLite database in DIR so\n"
        "                          they survive a restart (IDSD_STATE_DIR)\n"
        "  --state-sync full|normal\n"
        "                          full: an acknowledged edit survives power\n"
        "                          loss; normal: a crash of idsd only\n"
        "                          (IDSD_STATE_SYNC; default full)\n"
        "  --state-recover         move a damaged database aside and start empty\n"
        "                          instead of refusing to start\n"
        "  --store redis://HOST:PORT[/DB]\n"
        "                          keep sessions in Redis, shared by every idsd\n"
        "                          started with the same store (IDSD_STORE)\n"
        "  --store-password PW     Redis AUTH password (IDSD_STORE_PASSWORD;\n"
        "                          prefer the variable: arguments are visible)\n"
        "  -h, --help              this text\n"
        "  -V, --version           the version\n"
        "\n"
        "DURATION is a number with a unit: ms, s, m, h or d (90s, 15m, 24h, 2d);\n"
        "SIZE is a number of bytes with an optional k, M or G (binary) suffix.\n",
        SESSION_DEFAULT_MAX_SESSIONS, MCP_HTTP_DEFAULT_MAX_CONNECTIONS,
        MCP_HTTP_DEFAULT_TIMEOUT_S, MCP_HTTP_DEFAULT_THREADS,
        MCP_HTTP_DEFAULT_REQUEST_TIMEOUT_MS / 1000, MCP_HTTP_DEFAULT_SESSION_RATE,
        MCP_HTTP_DEFAULT_WORKERS,
        MCP_HTTP_DEFAULT_GRACE_MS / 1000);
}

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void bad(const char *fmt, ...)
{
    va_list ap;

    fputs("idsd: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see idsd --help)\n", stderr);
    exit(EXIT_USAGE);
}

static void add_root(config *cfg, const char *dir, const char *from)
{
    char *real;
    struct stat st;

    if (!dir[0])
        bad("%s: empty folder name", from);
    if (cfg->n_roots == MAX_ROOTS)
        bad("%s: more than %d roots", from, MAX_ROOTS);
    real = realpath(dir, NULL);
    if (!real)
        bad("%s: %s: %s", from, dir, strerror(errno));
    if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        free(real);
        bad("%s: %s is not a folder", from, dir);
    }
    cfg->roots[cfg->n_roots++] = real;
}

static void clear_roots(config *cfg)
{
    for (size_t i = 0; i < cfg->n_roots; i++)
        free(cfg->roots[i]);
    cfg->n_roots = 0;
}

/* Applies one setting; from names the flag or variable for messages. */
static void apply(config *cfg, const char *key, const char *value,
                  const char *from, bool is_flag)
{
    uint64_t u;
    size_t z;
    int level;

    if (strcmp(key, "idle-ttl") == 0) {
        if (!cli_parse_duration_ms(value, &cfg->idle_ttl_ms))
            bad("invalid %s '%s': expected a duration such as 90s, 15m, 24h or 2d",
                from, value);
    } else if (strcmp(key, "reap-interval") == 0) {
        if (!cli_parse_duration_ms(value, &cfg->reap_interval_ms))
            bad("invalid %s '%s': expected a duration such as 500ms, 60s or 5m",
                from, value);
    } else if (strcmp(key, "max-sessions") == 0) {
        const char *end;

        if (!cli_parse_u64(value, &end, &u) || *end || u == 0 || u > SIZE_MAX)
            bad("invalid %s '%s': expected a positive whole number", from, value);
        cfg->max_sessions = (size_t)u;
    } else if (strcmp(key, "max-doc-bytes") == 0) {
        if (!cli_parse_size(value, &z))
            bad("invalid %s '%s': expected a size such as 512k or 16M", from, value);
        cfg->max_doc_bytes = z;
    } else if (strcmp(key, "max-model-bytes") == 0) {
        if (!cli_parse_size(value, &z) || z == 0)
            bad("invalid %s '%s': expected a size such as 64M or 1G", from, value);
        cfg->max_model_bytes = z;
    } else if (strcmp(key, "max-body-bytes") == 0) {
        if (!cli_parse_size(value, &z))
            bad("invalid %s '%s': expected a size such as 4M or 64M", from, value);
        cfg->max_body_bytes = z;
    } else if (strcmp(key, "root") == 0) {
        if (is_flag && !cfg->roots_from_flags) {
            clear_roots(cfg);
            cfg->roots_from_flags = true;
        }
        if (is_flag) {
            add_root(cfg, value, from);
        } else {
            char *copy = strdup(value), *save = NULL, *dir;

            if (!copy)
                bad("out of memory");
            for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
                add_root(cfg, dir, from);
            free(copy);
        }
    } else if (strcmp(key, "xsd") == 0) {
        if (!value[0])
            bad("invalid %s: empty path", from);
        cfg->xsd = value;
    } else if (strcmp(key, "log-level") == 0) {
        level = mcp_log_level_from_name(value);
        if (level < 0)
            bad("invalid %s '%s': expected debug, info, notice, warning, error, "
                "critical, alert or emergency", from, value);
        cfg->log_level = (mcp_log_level)level;
    } else if (strcmp(key, "listen") == 0) {
        if (!mcp_http_parse_listen(value, cfg->listen_host, sizeof cfg->listen_host,
                                   &cfg->listen_port) || !cfg->listen_host[0])
            bad("invalid %s '%s': expected HOST:PORT such as 127.0.0.1:8080 or "
                "[::1]:8080", from, value);
    } else if (strcmp(key, "path") == 0) {
        if (value[0] != '/' || strlen(value) > 200 || strcmp(value, "/healthz") == 0 ||
            strcmp(value, "/metrics") == 0)
            bad("invalid %s '%s': expected a path starting with / (not /healthz "
                "or /metrics)", from, value);
        cfg->path = value;
    } else if (strcmp(key, "allow-origin") == 0) {
        if (is_flag && !cfg->origins_from_flags) {
            cfg->n_origins = 0;
            cfg->origins_from_flags = true;
        }
        if (is_flag) {
            if (!value[0] || cfg->n_origins == MAX_ORIGINS)
                bad("invalid %s '%s': empty, or more than %d origins", from, value,
                    MAX_ORIGINS);
            cfg->origins[cfg->n_origins++] = value;
        } else {
            /* The environment's strings live as long as the process. */
            static char copy[4096];
            char *save = NULL, *o;

            if (strlen(value) >= sizeof copy)
                bad("invalid %s: longer than %zu bytes", from, sizeof copy - 1);
            strcpy(copy, value);
            for (o = strtok_r(copy, " ", &save); o; o = strtok_r(NULL, " ", &save)) {
                if (cfg->n_origins == MAX_ORIGINS)
                    bad("invalid %s: more than %d origins", from, MAX_ORIGINS);
                cfg->origins[cfg->n_origins++] = o;
            }
        }
    } else if (strcmp(key, "auth-token") == 0) {
        if (strlen(value) < 16)
            bad("invalid %s: a token needs at least 16 characters", from);
        cfg->auth_token = value;
    } else if (strcmp(key, "max-connections") == 0) {
        const char *end;

        if (!cli_parse_u64(value, &end, &u) || *end || u == 0 || u > 100000)
            bad("invalid %s '%s': expected a whole number from 1 to 100000", from, value);
        cfg->max_connections = (unsigned)u;
    } else if (strcmp(key, "connection-timeout") == 0) {
        if (!cli_parse_duration_ms(value, &u) || u < 1000 || u > 86400000ull)
            bad("invalid %s '%s': expected a duration from 1s to 1d", from, value);
        cfg->connection_timeout_s = (unsigned)(u / 1000);
    } else if (strcmp(key, "threads") == 0) {
        const char *end;

        if (!cli_parse_u64(value, &end, &u) || *end || u > 256)
            bad("invalid %s '%s': expected a whole number from 0 to 256", from, value);
        cfg->threads = (unsigned)u;
        cfg->threads_given = true;
    } else if (strcmp(key, "state-dir") == 0) {
        if (!value[0])
            bad("invalid %s: empty path", from);
        cfg->state_dir = value;
    } else if (strcmp(key, "state-sync") == 0) {
        if (strcmp(value, "full") == 0)
            cfg->state_sync = STORE_SYNC_FULL;
        else if (strcmp(value, "normal") == 0)
            cfg->state_sync = STORE_SYNC_NORMAL;
        else
            bad("invalid %s '%s': expected full or normal", from, value);
    } else if (strcmp(key, "store") == 0) {
        if (!value[0])
            bad("invalid %s: empty address", from);
        cfg->store_url = value;
    } else if (strcmp(key, "store-password") == 0) {
        cfg->store_password = value;
    } else if (strcmp(key, "max-connections-per-ip") == 0) {
        const char *end;

        if (!cli_parse_u64(value, &end, &u) || *end || u == 0 || u > 100000)
            bad("invalid %s '%s': expected a whole number from 1 to 100000", from, value);
        cfg->max_connections_per_ip = (unsigned)u;
    } else if (strcmp(key, "request-timeout") == 0) {
        if (!cli_parse_duration_ms(value, &u) || u < 100 || u > 86400000ull)
            bad("invalid %s '%s': expected a duration from 100ms to 1d", from, value);
        cfg->request_timeout_ms = (unsigned)u;
    } else if (strcmp(key, "max-memory") == 0) {
        if (!cli_parse_size(value, &z) || z < (16u << 20))
            bad("invalid %s '%s': expected a size of at least 16M, such as 2G", from, value);
        cfg->max_memory = z;
    } else if (strcmp(key, "session-rate") == 0) {
        const char *end;

        if (!cli_parse_u64(value, &end, &u) || *end || u == 0 || u > 1000000)
            bad("invalid %s '%s': expected a whole number from 1 to 1000000", from, value);
        cfg->session_rate = (unsigned)u;
    } else if (strcmp(key, "workers") == 0) {
        const char *end;

        if (!cli_parse_u64(value, &end, &u) || *end || u == 0 || u > 256)
            bad("invalid %s '%s': expected a whole number from 1 to 256", from, value);
        cfg->workers = (unsigned)u;
    } else if (strcmp(key, "shutdown-grace") == 0) {
        if (!cli_parse_duration_ms(value, &u) || u == 0 || u > 3600000ull)
            bad("invalid %s '%s': expected a duration from 1ms to 1h", from, value);
        cfg->shutdown_grace_ms = (unsigned)u;
    } else {
        bad("unknown option --%s", key);
    }
}

static const struct { const char *key; const char *env; } settings[] = {
    {"idle-ttl", "IDSD_IDLE_TTL"},
    {"reap-interval", "IDSD_REAP_INTERVAL"},
    {"max-sessions", "IDSD_MAX_SESSIONS"},
    {"max-doc-bytes", "IDSD_MAX_DOC_BYTES"},
    {"max-model-bytes", "IDSD_MAX_MODEL_BYTES"},
    {"max-body-bytes", "IDSD_MAX_BODY_BYTES"},
    {"root", "IDSD_ROOTS"},
    {"xsd", "IDSD_XSD"},
    {"log-level", "IDSD_LOG_LEVEL"},
    {"listen", "IDSD_LISTEN"},
    {"path", "IDSD_PATH"},
    {"allow-origin", "IDSD_ALLOW_ORIGINS"},
    {"auth-token", "IDSD_AUTH_TOKEN"},
    {"max-connections", "IDSD_MAX_CONNECTIONS"},
    {"connection-timeout", "IDSD_CONNECTION_TIMEOUT"},
    {"threads", "IDSD_THREADS"},
    {"max-connections-per-ip", "IDSD_MAX_CONNECTIONS_PER_IP"},
    {"request-timeout", "IDSD_REQUEST_TIMEOUT"},
    {"max-memory", "IDSD_MAX_MEMORY"},
    {"session-rate", "IDSD_SESSION_RATE"},
    {"workers", "IDSD_WORKERS"},
    {"shutdown-grace", "IDSD_SHUTDOWN_GRACE"},
    {"state-dir", "IDSD_STATE_DIR"},
    {"state-sync", "IDSD_STATE_SYNC"},
    {"store", "IDSD_STORE"},
    {"store-password", "IDSD_STORE_PASSWORD"},
};

static void parse_serve_args(config *cfg, int argc, char **argv)
{
    char from[80];

    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const char *v = getenv(settings[i].env);

        if (v && v[0])
            apply(cfg, settings[i].key, v, settings[i].env, false);
    }
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i], *eq, *value;
        char key[40];
        size_t klen;

        if (strcmp(arg, "--stdio") == 0) {
            cfg->stdio = true;
            continue;
        }
        if (strcmp(arg, "--state-recover") == 0) {
            cfg->state_recover = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strncmp(arg, "--", 2) != 0)
            bad("unexpected argument '%s'", arg);
        arg += 2;
        eq = strchr(arg, '=');
        klen = eq ? (size_t)(eq - arg) : strlen(arg);
        if (klen == 0 || klen >= sizeof key)
            bad("unknown option '%s'", argv[i]);
        memcpy(key, arg, klen);
        key[klen] = '\0';
        {
            bool known = false;

            for (size_t k = 0; k < sizeof settings / sizeof settings[0]; k++)
                known = known || strcmp(settings[k].key, key) == 0;
            if (!known)
                bad("unknown option '--%s'", key);
        }
        if (eq) {
            value = eq + 1;
        } else {
            if (i + 1 >= argc)
                bad("--%s needs a value", key);
            value = argv[++i];
        }
        snprintf(from, sizeof from, "--%s", key);
        apply(cfg, key, value, from, true);
    }
}

/* Serves HTTP until SIGINT or SIGTERM. The transport's threads start with
 * both signals blocked, so they reach this thread's sigsuspend. */
static int serve_http(const config *cfg, mcp_server *server, const sigset_t *sigs)
{
    mcp_http_config hcfg;
    mcp_http *http;
    sigset_t old;
    char why[256];

    memset(&hcfg, 0, sizeof hcfg);
    hcfg.host = cfg->listen_host[0] ? cfg->listen_host : MCP_HTTP_DEFAULT_HOST;
    hcfg.port = cfg->listen_host[0] ? cfg->listen_port : MCP_HTTP_DEFAULT_PORT;
    hcfg.path = cfg->path;
    hcfg.allowed_origins = cfg->origins;
    hcfg.n_allowed_origins = cfg->n_origins;
    hcfg.auth_token = cfg->auth_token;
    hcfg.max_body_bytes = cfg->max_body_bytes;
    hcfg.max_connections = cfg->max_connections;
    hcfg.connection_timeout_s = cfg->connection_timeout_s;
    hcfg.threads = cfg->threads;
    hcfg.workers = cfg->workers;
    hcfg.request_timeout_ms = cfg->request_timeout_ms;
    hcfg.max_connections_per_ip = cfg->max_connections_per_ip;
    hcfg.max_memory_bytes = cfg->max_memory;
    hcfg.session_rate_per_min = cfg->session_rate;
    hcfg.shutdown_grace_ms = cfg->shutdown_grace_ms;
    pthread_sigmask(SIG_BLOCK, sigs, &old);
    http = mcp_http_start(server, &hcfg, why, sizeof why);
    if (!http) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        mcp_logf(MCP_LOG_CRITICAL, "HTTP: %s", why);
        return 1;
    }
    /* One line on stdout, for scripts that start idsd on port 0. */
    printf("listening on http://%s%s%s:%u%s\n", strchr(hcfg.host, ':') ? "[" : "",
           hcfg.host, strchr(hcfg.host, ':') ? "]" : "", (unsigned)mcp_http_port(http),
           hcfg.path ? hcfg.path : MCP_HTTP_DEFAULT_PATH);
    fflush(stdout);
    mcp_logf(MCP_LOG_INFO, "serving MCP over HTTP on port %u (%u threads%s)",
             (unsigned)mcp_http_port(http), cfg->threads,
             cfg->threads ? "" : ": one epoll thread");
    while (!stop_requested)
        sigsuspend(&old);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    mcp_logf(MCP_LOG_NOTICE, "signal %d: stopping HTTP", (int)stop_requested);
    if (!mcp_http_stop(http)) {
        /* A tool call outlived the grace (its client got an error): the
         * worker still uses the server and store, so nothing is freed. */
        mcp_logf(MCP_LOG_NOTICE, "exiting with a tool call still running");
        fflush(stdout);
        fflush(stderr);
        _exit(0);
    }
    return 0;
}

static int serve(config *cfg)
{
    session_config scfg;
    session_store *store = NULL;
    store_handle *persist = NULL;
    ids_schema *schema = NULL;
    tool_config tcfg;
    mcp_server *server = NULL;
    mcp_server_config mcfg;
    struct sigaction sa;
    sigset_t block, old;
    ids_error ierr;
    const char *why = NULL;
    session_status st;
    int rc = 1;

    ids_library_init();
    if (cfg->xsd) {
        ids_error_clear(&ierr);
        if (ids_schema_load(cfg->xsd, NULL, &schema, &ierr) != IDS_OK) {
            fprintf(stderr, "idsd: --xsd %s: %s\n", cfg->xsd,
                    ierr.message[0] ? ierr.message : ids_status_name(ierr.code));
            rc = EXIT_USAGE;
            goto out;
        }
    }
    if (!tool_catalogue_init(&why)) {
        mcp_logf(MCP_LOG_CRITICAL, "tool catalogue: %s", why ? why : "broken");
        goto out;
    }

    /* Threads inherit the signal mask: the reaper starts with SIGINT and
     * SIGTERM blocked, so they always reach the thread reading stdin and
     * interrupt its read. */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);

    memset(&tcfg, 0, sizeof tcfg);
    if (cfg->state_dir) {
        store_sqlite_config pcfg = {cfg->state_dir, cfg->state_sync, cfg->state_recover};
        store_error perr;
        char *moved = NULL;

        if (store_sqlite_open(&pcfg, &persist, &moved, &perr) != STORE_OK) {
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            fprintf(stderr, "idsd: %s\n", perr.message);
            goto out;
        }
        if (moved) {
            mcp_logf(MCP_LOG_WARNING, "state database was damaged; moved aside to %s, "
                     "starting empty", moved);
            free(moved);
        }
        mcp_logf(MCP_LOG_INFO, "sessions are kept in %s (sync %s)", cfg->state_dir,
                 cfg->state_sync == STORE_SYNC_FULL ? "full" : "normal");
    } else if (cfg->store_url) {
        store_redis_config rcfg;
        store_error perr;
        char host[256];

        memset(&rcfg, 0, sizeof rcfg);
        if (!store_redis_parse_url(cfg->store_url, &rcfg, host, sizeof host, &perr)) {
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            fprintf(stderr, "idsd: --store: %s\n", perr.message);
            rc = EXIT_USAGE;
            goto out;
        }
        rcfg.password = cfg->store_password;
        rcfg.idle_ttl_ms = cfg->idle_ttl_ms;
        /* One connection per thread that runs calls: a call waits for its
         * round trip on its own connection, never for another call's. */
        rcfg.connections = cfg->threads > cfg->workers ? cfg->threads : cfg->workers;
        if (rcfg.connections < 4)
            rcfg.connections = 4;
        if (store_redis_open(&rcfg, &persist, &perr) != STORE_OK) {
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            fprintf(stderr, "idsd: %s\n", perr.message);
            goto out;
        }
        mcp_logf(MCP_LOG_INFO, "sessions are kept in Redis at %s:%d db %d, shared with "
                 "other instances", rcfg.host, rcfg.port, rcfg.db);
    }
    memset(&scfg, 0, sizeof scfg);
    scfg.max_sessions = cfg->max_sessions;
    scfg.idle_ttl_ms = cfg->idle_ttl_ms;
    scfg.reap_interval_ms = cfg->reap_interval_ms;
    scfg.payload_free = tool_session_free;
    scfg.persist = persist;
    scfg.payload_restore = tool_session_restore;
    scfg.restore_ctx = &tcfg;
    st = session_store_new(&scfg, &store);
    if (st == SESSION_OK)
        st = session_reaper_start(store);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (st != SESSION_OK) {
        mcp_logf(MCP_LOG_CRITICAL, "session store: %s", session_status_name(st));
        goto out;
    }

    tcfg.roots = (const char *const *)cfg->roots;
    tcfg.n_roots = cfg->n_roots;
    tcfg.schema = schema;
    tcfg.max_doc_bytes = cfg->max_doc_bytes;
    tcfg.max_model_bytes = cfg->max_model_bytes;

    memset(&mcfg, 0, sizeof mcfg);
    mcfg.store = store;
    mcfg.tools = &tcfg;
    mcfg.max_message_bytes = cfg->max_body_bytes;
    server = mcp_server_new(&mcfg);
    if (!server) {
        mcp_logf(MCP_LOG_CRITICAL, "out of memory");
        goto out;
    }

    /* No SA_RESTART: a signal must interrupt the blocking read of stdin. A
     * client gone away must not kill us with SIGPIPE mid-write either. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (size_t i = 0; i < cfg->n_roots; i++)
        mcp_logf(MCP_LOG_INFO, "root %s", cfg->roots[i]);
    if (cfg->stdio)
        rc = mcp_stdio_run(server, STDIN_FILENO, STDOUT_FILENO, &stop_requested) == 0 ? 0 : 1;
    else
        rc = serve_http(cfg, server, &block);
    if (stop_requested)
        mcp_logf(MCP_LOG_NOTICE, "signal %d: shutting down", (int)stop_requested);
out:
    mcp_server_free(server);
    session_store_free(store);
    store_close(persist);
    tool_catalogue_cleanup();
    ids_schema_free(schema);
    ids_library_cleanup();
    return rc;
}

static int run(int argc, char **argv)
{
    config cfg;
    int rc;

    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("idsd %s\n", IDSD_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "check") == 0)
        return check_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "serve") != 0)
        bad("unknown command '%s'", argv[1]);

    memset(&cfg, 0, sizeof cfg);
    cfg.idle_ttl_ms = SESSION_DEFAULT_IDLE_TTL_MS;
    cfg.reap_interval_ms = SESSION_DEFAULT_REAP_INTERVAL_MS;
    cfg.max_sessions = SESSION_DEFAULT_MAX_SESSIONS;
    cfg.max_doc_bytes = IDS_DEFAULT_MAX_BYTES;
    cfg.log_level = MCP_LOG_INFO;
    cfg.threads = MCP_HTTP_DEFAULT_THREADS;
    cfg.state_sync = STORE_SYNC_FULL;
    parse_serve_args(&cfg, argc, argv);
    /* A thread waits out its call's commit (or Redis round trip), and the
     * calls that can share one commit are those of the threads waiting
     * meanwhile (specs/persistence.md, "Group commit"); tool calls run on
     * the workers. */
    if (cfg.state_dir && cfg.store_url)
        bad("--state-dir and --store are two places for the sessions; give one");
    if ((cfg.state_dir || cfg.store_url) && !cfg.threads_given)
        cfg.threads = STATE_DEFAULT_THREADS;
    if ((cfg.state_dir || cfg.store_url) && cfg.workers == 0)
        cfg.workers = STATE_DEFAULT_THREADS;
    if (cfg.n_roots == 0) {
        char *cwd = getcwd(NULL, 0);

        if (!cwd)
            bad("cannot read the working directory: %s", strerror(errno));
        add_root(&cfg, cwd, "working directory");
        free(cwd);
    }
    if (cfg.max_body_bytes == 0) {
        /* A document travels JSON-escaped inside load_ids arguments, so a
         * body needs room for about twice the largest document. */
        size_t derived = cfg.max_doc_bytes <= (SIZE_MAX - (1u << 20)) / 2
                             ? cfg.max_doc_bytes * 2 + (1u << 20)
                             : SIZE_MAX;

        cfg.max_body_bytes = derived < MCP_DEFAULT_MAX_MESSAGE_BYTES
                                 ? MCP_DEFAULT_MAX_MESSAGE_BYTES
                                 : derived;
    }
    mcp_log_set_threshold(cfg.log_level);
    rc = serve(&cfg);
    clear_roots(&cfg);
    return rc;
}

int main(int argc, char **argv)
{
    int rc;

    base_json_alloc_install();
    rc = run(argc, argv);
    base_json_alloc_thread_flush();
    return rc;
}
