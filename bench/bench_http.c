/*
 * bench_http.c - the load generator of the benchmark harness (bench/run.sh).
 *
 * N client threads, each with its own keep-alive connection and its own
 * session, send MCP tool calls to idsd (or to bench_fixed_server) and time
 * every request with CLOCK_MONOTONIC into a per-thread array; the arrays
 * are merged at the end for the median and the 99th percentile. One line
 * of JSON on stdout is the result; bench/run.sh collects them.
 *
 * Modes:
 *   loop    the authoring loop: create_ids (replacing the session's
 *           document, so it stays small), add_specification, an entity
 *           facet, a property facet, get_ids_info, export_ids; repeated.
 *   info    get_ids_info only, on a session holding a one-specification
 *           document (the throughput-vs-limit figure).
 *   create  --sessions N new sessions over --clients connections, each
 *           left holding a small document (create_ids + add_specification);
 *           the server's memory is read by the script.
 *   stdio   spawns `idsd serve --stdio` (--stdio BIN) and runs the loop for
 *           one client over its pipes.
 *
 * Wires: legacy (initialize, Mcp-Session-Id and MCP-Protocol-Version
 * 2025-11-25 on every request) or modern (2026-07-28: params._meta,
 * MCP-Protocol-Version, Mcp-Method, Mcp-Name, the session_id argument and
 * its Mcp-Param-Session header).
 *
 * --until-evicted N (loop mode) watches the server's /metrics on its own
 * connection and stops once idsd_sessions_evicted_total rose by N; the
 * figures are then those of the requests sent while the reaper evicted
 * (from the first eviction seen to the last), with the requests before it
 * reported apart as the baseline.
 *
 * Only for loopback: the URL's host must be 127.0.0.1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LEGACY_VERSION "2025-11-25"
#define MODERN_VERSION "2026-07-28"
#define META "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" MODERN_VERSION \
             "\",\"io.modelcontextprotocol/clientCapabilities\":{}}"

typedef enum { MODE_LOOP, MODE_INFO, MODE_CREATE, MODE_STDIO } bench_mode;

typedef struct options {
    bench_mode mode;
    bool modern;
    unsigned clients;
    double duration_s;
    double warmup_s;
    unsigned long sessions;
    unsigned long until_evicted;
    uint16_t port;
    char path[256];
    const char *token;
    const char *idsd; /* stdio mode */
} options;

static options opt = {MODE_LOOP, true, 1, 5.0, 1.0, 0, 0, 0, "/mcp", NULL, NULL};

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- a tiny keep-alive HTTP/1.1 client (Content-Length answers) ---- */

typedef struct conn {
    int fd;
    char *buf;
    size_t len, cap;
    char session[80];   /* legacy Mcp-Session-Id, or the modern session_id */
    unsigned long next_id;
} conn;

static int conn_open(conn *c)
{
    struct sockaddr_in sa;
    int one = 1;

    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(opt.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    return 0;
}

static void conn_close(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fill(conn *c)
{
    ssize_t r;

    if (c->cap - c->len < 4096) {
        size_t cap = c->cap ? c->cap * 2 : 65536;
        char *g = realloc(c->buf, cap);

        if (!g)
            return -1;
        c->buf = g;
        c->cap = cap;
    }
    do
        r = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
    while (r < 0 && errno == EINTR);
    if (r <= 0)
        return -1;
    c->len += (size_t)r;
    c->buf[c->len] = '\0';
    return 0;
}

/* Sends one request; returns the status, the body (in c->buf) and, when
 * asked, a header's value. -1 on a transport error. */
static int http_request(conn *c, const char *method, const char *target,
                        const char *extra_headers,
                        const char *body, size_t body_len, const char **out_body,
                        size_t *out_len, const char *want_header, char *hval, size_t hsize)
{
    char head[2048];
    char *end, *p;
    size_t head_len, need;
    long clen = -1;
    int n, status;

    n = snprintf(head, sizeof head,
                 "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                 "Content-Type: application/json\r\n"
                 "Accept: application/json, text/event-stream\r\n"
                 "Content-Length: %zu\r\n%s%s%s%s\r\n",
                 method, target, (unsigned)opt.port, body_len,
                 opt.token ? "Authorization: Bearer " : "", opt.token ? opt.token : "",
                 opt.token ? "\r\n" : "", extra_headers);
    if (n < 0 || (size_t)n >= sizeof head)
        return -1;
    if (send_all(c->fd, head, (size_t)n) != 0 ||
        (body_len && send_all(c->fd, body, body_len) != 0))
        return -1;
    c->len = 0;
    for (;;) {
        if (fill(c) != 0)
            return -1;
        end = strstr(c->buf, "\r\n\r\n");
        if (end)
            break;
    }
    head_len = (size_t)(end - c->buf) + 4;
    status = atoi(c->buf + 9);
    *end = '\0';
    for (p = strstr(c->buf, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
        char *line = p + 2;

        if (strncasecmp(line, "Content-Length:", 15) == 0)
            clen = strtol(line + 15, NULL, 10);
        if (want_header && strncasecmp(line, want_header, strlen(want_header)) == 0 &&
            line[strlen(want_header)] == ':') {
            char *v = line + strlen(want_header) + 1, *e = strstr(v, "\r\n");
            size_t vl;

            while (*v == ' ')
                v++;
            vl = e ? (size_t)(e - v) : strlen(v);
            if (vl >= hsize)
                vl = hsize - 1;
            memcpy(hval, v, vl);
            hval[vl] = '\0';
        }
    }
    *end = '\r';
    if (clen < 0)
        return -1; /* idsd and the fixed server always send a length */
    need = head_len + (size_t)clen;
    while (c->len < need)
        if (fill(c) != 0)
            return -1;
    *out_body = c->buf + head_len;
    *out_len = (size_t)clen;
    return status;
}

/* ---- MCP calls ---- */

typedef struct samples {
    uint32_t *lat_ns;   /* per request */
    uint64_t *start_ns; /* per request, for the eviction window */
    size_t n, cap;
    unsigned long errors;
    unsigned long loops;
} samples;

static void record(samples *s, uint64_t t0, uint64_t t1)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 65536;
        uint32_t *l = realloc(s->lat_ns, cap * sizeof *l);
        uint64_t *st;

        if (!l)
            return;
        s->lat_ns = l;
        st = realloc(s->start_ns, cap * sizeof *st);
        if (!st)
            return;
        s->start_ns = st;
        s->cap = cap;
    }
    s->lat_ns[s->n] = t1 - t0 > UINT32_MAX ? UINT32_MAX : (uint32_t)(t1 - t0);
    s->start_ns[s->n] = t0;
    s->n++;
}

static bool answer_ok(int status, const char *body)
{
    return status == 200 && !strstr(body, "\"isError\":true") &&
           !strstr(body, "\"error\":{\"code\"");
}

/* "session_id":"..." of a tool result. */
static void take_session(const char *body, char *out, size_t size)
{
    const char *p = strstr(body, "\"session_id\":\"");
    size_t n;

    if (!p)
        return;
    p += 14;
    n = strcspn(p, "\"");
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* One tools/call; args is the JSON arguments object's inside, without
 * braces and without session_id. Returns true when it succeeded. */
static bool tool_call(conn *c, const char *tool, const char *args, samples *s, bool timed)
{
    char body[4096], headers[768];
    const char *resp;
    size_t rlen;
    bool with_sid = opt.modern && c->session[0];
    uint64_t t0, t1;
    int n, status;

    if (opt.modern) {
        n = snprintf(body, sizeof body,
                     "{\"jsonrpc\":\"2.0\",\"id\":%lu,\"method\":\"tools/call\",\"params\":"
                     "{\"name\":\"%s\",\"arguments\":{%s%s%s%s%s}," META "}}",
                     c->next_id++, tool, args, with_sid && args[0] ? "," : "",
                     with_sid ? "\"session_id\":\"" : "", with_sid ? c->session : "",
                     with_sid ? "\"" : "");
        snprintf(headers, sizeof headers,
                 "MCP-Protocol-Version: " MODERN_VERSION "\r\nMcp-Method: tools/call\r\n"
                 "Mcp-Name: %s\r\n%s%s%s", tool, with_sid ? "Mcp-Param-Session: " : "",
                 with_sid ? c->session : "", with_sid ? "\r\n" : "");
    } else {
        n = snprintf(body, sizeof body,
                     "{\"jsonrpc\":\"2.0\",\"id\":%lu,\"method\":\"tools/call\",\"params\":"
                     "{\"name\":\"%s\",\"arguments\":{%s}}}", c->next_id++, tool, args);
        snprintf(headers, sizeof headers,
                 "MCP-Protocol-Version: " LEGACY_VERSION "\r\nMcp-Session-Id: %s\r\n",
                 c->session);
    }
    if (n < 0 || (size_t)n >= sizeof body)
        return false;
    t0 = now_ns();
    status = http_request(c, "POST", opt.path, headers, body, (size_t)n, &resp, &rlen, NULL, NULL, 0);
    t1 = now_ns();
    if (status < 0) {
        /* The connection is gone; a new one lets the run go on. */
        close(c->fd);
        conn_open(c);
    }
    if (timed)
        record(s, t0, t1);
    if (status < 0 || !answer_ok(status, resp)) {
        s->errors++;
        return false;
    }
    if (opt.modern && !c->session[0])
        take_session(resp, c->session, sizeof c->session);
    return true;
}

/* Legacy: initialize and the initialized notification. */
static bool legacy_handshake(conn *c)
{
    static const char init[] =
        "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
        "\"protocolVersion\":\"" LEGACY_VERSION "\",\"capabilities\":{},"
        "\"clientInfo\":{\"name\":\"bench_http\",\"version\":\"1\"}}}";
    static const char note[] =
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    char headers[256];
    const char *resp;
    size_t rlen;
    int st;

    st = http_request(c, "POST", opt.path, "", init, sizeof init - 1, &resp, &rlen, "Mcp-Session-Id",
                      c->session, sizeof c->session);
    if (st != 200 || !c->session[0])
        return false;
    snprintf(headers, sizeof headers, "MCP-Protocol-Version: " LEGACY_VERSION
             "\r\nMcp-Session-Id: %s\r\n", c->session);
    st = http_request(c, "POST", opt.path, headers, note, sizeof note - 1, &resp, &rlen, NULL, NULL, 0);
    /* idsd answers 202; the fixed-answer server answers everything 200. */
    return st == 202 || st == 200;
}

static const char *const loop_calls[][2] = {
    {"create_ids", "\"title\":\"bench\",\"author\":\"bench@example.org\""},
    {"add_specification", "\"name\":\"Walls\",\"ifc_versions\":[\"IFC4\"]"},
    {"add_entity_facet", "\"location\":\"applicability\",\"entity_name\":\"IFCWALL\""},
    {"add_property_facet", "\"location\":\"requirements\",\"property_set\":"
                           "\"Pset_WallCommon\",\"property_name\":\"FireRating\","
                           "\"data_type\":\"IFCLABEL\""},
    {"get_ids_info", ""},
    {"export_ids", ""},
};
#define N_LOOP_CALLS (sizeof loop_calls / sizeof loop_calls[0])

/* ---- the run ---- */

static atomic_bool stop_flag;
static atomic_uint_fast64_t measure_from; /* ns; requests before are warm-up */
static atomic_ulong created;

typedef struct client {
    pthread_t thread;
    unsigned index;
    samples s;
    bool failed;
} client;

static void *client_main(void *arg)
{
    client *cl = arg;
    conn c = {-1, NULL, 0, 0, "", 1};

    if (conn_open(&c) != 0 || (!opt.modern && !legacy_handshake(&c))) {
        cl->failed = true;
        goto out;
    }
    if (opt.mode == MODE_CREATE) {
        unsigned long per = opt.sessions / opt.clients +
                            (cl->index < opt.sessions % opt.clients ? 1 : 0);

        for (unsigned long i = 0; i < per; i++) {
            c.session[0] = '\0';
            if (!tool_call(&c, loop_calls[0][0], loop_calls[0][1], &cl->s, true) ||
                !tool_call(&c, loop_calls[1][0], loop_calls[1][1], &cl->s, true))
                continue;
            atomic_fetch_add(&created, 1);
        }
        goto out;
    }
    if (opt.mode == MODE_INFO) {
        if (!tool_call(&c, loop_calls[0][0], loop_calls[0][1], &cl->s, false) ||
            !tool_call(&c, loop_calls[1][0], loop_calls[1][1], &cl->s, false)) {
            cl->failed = true;
            goto out;
        }
        while (!atomic_load(&stop_flag)) {
            bool timed = now_ns() >= atomic_load(&measure_from);

            tool_call(&c, "get_ids_info", "", &cl->s, timed);
        }
        goto out;
    }
    while (!atomic_load(&stop_flag)) {
        bool timed = now_ns() >= atomic_load(&measure_from);

        for (size_t i = 0; i < N_LOOP_CALLS; i++)
            tool_call(&c, loop_calls[i][0], loop_calls[i][1], &cl->s, timed);
        if (timed)
            cl->s.loops++;
    }
out:
    conn_close(&c);
    return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Percentiles of the samples whose start is in [from, to). */
typedef struct stats {
    size_t n;
    double p50_us, p99_us, max_us;
} stats;

static stats summarize(client *cls, unsigned n, uint64_t from, uint64_t to)
{
    stats st = {0, 0, 0, 0};
    size_t total = 0, k = 0;
    uint32_t *all;

    for (unsigned i = 0; i < n; i++)
        total += cls[i].s.n;
    all = malloc((total ? total : 1) * sizeof *all);
    if (!all)
        return st;
    for (unsigned i = 0; i < n; i++)
        for (size_t j = 0; j < cls[i].s.n; j++)
            if (cls[i].s.start_ns[j] >= from && cls[i].s.start_ns[j] < to)
                all[k++] = cls[i].s.lat_ns[j];
    if (k) {
        qsort(all, k, sizeof *all, cmp_u32);
        st.n = k;
        st.p50_us = all[k / 2] / 1000.0;
        st.p99_us = all[(size_t)((double)k * 0.99)] / 1000.0;
        st.max_us = all[k - 1] / 1000.0;
    }
    free(all);
    return st;
}

/* ---- /metrics watcher (--until-evicted) ---- */

static long long evicted_now(conn *c)
{
    const char *resp, *p;
    size_t rlen;
    int st;

    st = http_request(c, "GET", "/metrics", "", "", 0, &resp, &rlen, NULL, NULL, 0);
    if (st != 200)
        return -1;
    p = strstr(resp, "\nidsd_sessions_evicted_total ");
    return p ? atoll(p + 29) : -1;
}

typedef struct watch {
    uint64_t first_ns, done_ns;
    long long base;
} watch;

static void watch_eviction(watch *w, double timeout_s)
{
    conn c = {-1, NULL, 0, 0, "", 1};
    uint64_t deadline = now_ns() + (uint64_t)(timeout_s * 1e9);
    long long v;

    w->first_ns = w->done_ns = 0;
    if (conn_open(&c) != 0)
        return;
    w->base = evicted_now(&c);
    while (now_ns() < deadline) {
        struct timespec ts = {0, 20 * 1000 * 1000};

        nanosleep(&ts, NULL);
        v = evicted_now(&c);
        if (v < 0)
            continue;
        if (!w->first_ns && v > w->base)
            w->first_ns = now_ns();
        if (v >= w->base + (long long)opt.until_evicted) {
            w->done_ns = now_ns();
            break;
        }
    }
    conn_close(&c);
}

/* ---- stdio ---- */

static int stdio_run(void)
{
    int to_child[2], from_child[2];
    pid_t pid;
    FILE *in, *out;
    char *line = NULL;
    size_t cap = 0;
    samples s = {0};
    uint64_t t_end, t_start;
    unsigned long id = 1;
    client cl;
    stats st;
    int status;

    if (pipe(to_child) != 0 || pipe(from_child) != 0)
        return 1;
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[1]);
        close(from_child[0]);
        execl(opt.idsd, opt.idsd, "serve", "--stdio", "--log-level", "error", (char *)NULL);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    out = fdopen(to_child[1], "w");
    in = fdopen(from_child[0], "r");
    fprintf(out, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
            "\"protocolVersion\":\"" LEGACY_VERSION "\",\"capabilities\":{},"
            "\"clientInfo\":{\"name\":\"bench_http\",\"version\":\"1\"}}}\n"
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
    fflush(out);
    if (getline(&line, &cap, in) < 0)
        return 1;
    t_start = now_ns() + (uint64_t)(opt.warmup_s * 1e9);
    t_end = t_start + (uint64_t)(opt.duration_s * 1e9);
    while (now_ns() < t_end) {
        bool timed = now_ns() >= t_start;

        for (size_t i = 0; i < N_LOOP_CALLS; i++) {
            uint64_t t0 = now_ns();

            fprintf(out, "{\"jsonrpc\":\"2.0\",\"id\":%lu,\"method\":\"tools/call\","
                    "\"params\":{\"name\":\"%s\",\"arguments\":{%s}}}\n", id++,
                    loop_calls[i][0], loop_calls[i][1]);
            fflush(out);
            /* Only responses come back: no logging level was set. */
            if (getline(&line, &cap, in) < 0) {
                s.errors++;
                goto done;
            }
            if (timed)
                record(&s, t0, now_ns());
            if (strstr(line, "\"isError\":true") || strstr(line, "\"error\":{\"code\""))
                s.errors++;
        }
        if (timed)
            s.loops++;
    }
done:
    fclose(out);
    waitpid(pid, &status, 0);
    fclose(in);
    free(line);
    memset(&cl, 0, sizeof cl);
    cl.s = s;
    st = summarize(&cl, 1, 0, UINT64_MAX);
    printf("{\"mode\":\"stdio\",\"clients\":1,\"requests\":%zu,\"errors\":%lu,\"loops\":%lu,"
           "\"seconds\":%.3f,\"rps\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}\n",
           st.n, s.errors, s.loops, opt.duration_s, st.n / opt.duration_s, st.p50_us,
           st.p99_us, st.max_us);
    free(s.lat_ns);
    free(s.start_ns);
    return 0;
}

/* ---- main ---- */

static int usage(void)
{
    fprintf(stderr,
        "usage: bench_http --url http://127.0.0.1:PORT/PATH [--mode loop|info|create]\n"
        "                  [--wire legacy|modern] [--clients N] [--duration S] [--warmup S]\n"
        "                  [--sessions N] [--until-evicted N] [--token T]\n"
        "       bench_http --mode stdio --idsd PATH [--duration S] [--warmup S]\n");
    return 2;
}

static bool parse_url(const char *url)
{
    const char *p;
    unsigned long port;
    char *end;

    if (strncmp(url, "http://127.0.0.1:", 17) != 0)
        return false;
    port = strtoul(url + 17, &end, 10);
    if (port == 0 || port > 65535)
        return false;
    opt.port = (uint16_t)port;
    p = *end ? end : "/";
    if (*p != '/' || strlen(p) >= sizeof opt.path)
        return false;
    strcpy(opt.path, p);
    return true;
}

int main(int argc, char **argv)
{
    client *cls = NULL;
    const char *mode_name = "loop";
    uint64_t t0, t1, from, to;
    unsigned long errors = 0, loops = 0;
    unsigned started = 0, failed = 0;
    watch w = {0, 0, 0};
    stats st, base = {0, 0, 0, 0};
    bool have_url = false;
    int rc = 1;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!v)
            return usage();
        i++;
        if (strcmp(a, "--url") == 0) {
            if (!parse_url(v)) {
                fprintf(stderr, "bench_http: only http://127.0.0.1:PORT/... URLs\n");
                return 2;
            }
            have_url = true;
        } else if (strcmp(a, "--mode") == 0) {
            mode_name = v;
            if (strcmp(v, "loop") == 0)
                opt.mode = MODE_LOOP;
            else if (strcmp(v, "info") == 0)
                opt.mode = MODE_INFO;
            else if (strcmp(v, "create") == 0)
                opt.mode = MODE_CREATE;
            else if (strcmp(v, "stdio") == 0)
                opt.mode = MODE_STDIO;
            else
                return usage();
        } else if (strcmp(a, "--wire") == 0) {
            opt.modern = strcmp(v, "modern") == 0;
        } else if (strcmp(a, "--clients") == 0) {
            opt.clients = (unsigned)strtoul(v, NULL, 10);
        } else if (strcmp(a, "--duration") == 0) {
            opt.duration_s = strtod(v, NULL);
        } else if (strcmp(a, "--warmup") == 0) {
            opt.warmup_s = strtod(v, NULL);
        } else if (strcmp(a, "--sessions") == 0) {
            opt.sessions = strtoul(v, NULL, 10);
        } else if (strcmp(a, "--until-evicted") == 0) {
            opt.until_evicted = strtoul(v, NULL, 10);
        } else if (strcmp(a, "--token") == 0) {
            opt.token = v;
        } else if (strcmp(a, "--idsd") == 0) {
            opt.idsd = v;
        } else {
            return usage();
        }
    }
    if (opt.mode == MODE_STDIO)
        return opt.idsd ? stdio_run() : usage();
    if (!have_url || opt.clients == 0 || opt.clients > 4096)
        return usage();
    if (opt.mode == MODE_CREATE) {
        /* Each create_ids without a session mints one: the modern wire. */
        opt.warmup_s = 0;
        opt.modern = true;
    }
    signal(SIGPIPE, SIG_IGN);
    cls = calloc(opt.clients, sizeof *cls);
    if (!cls)
        return 1;
    t0 = now_ns();
    atomic_store(&measure_from, t0 + (uint64_t)(opt.warmup_s * 1e9));
    for (unsigned i = 0; i < opt.clients; i++) {
        cls[i].index = i;
        if (pthread_create(&cls[i].thread, NULL, client_main, &cls[i]) != 0)
            break;
        started++;
    }
    if (opt.mode == MODE_CREATE) {
        /* Runs until every thread made its share. */
    } else if (opt.until_evicted) {
        watch_eviction(&w, opt.duration_s);
        atomic_store(&stop_flag, true);
    } else {
        struct timespec ts;
        double total = opt.warmup_s + opt.duration_s;

        ts.tv_sec = (time_t)total;
        ts.tv_nsec = (long)((total - (double)ts.tv_sec) * 1e9);
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
        atomic_store(&stop_flag, true);
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(cls[i].thread, NULL);
    t1 = now_ns();
    for (unsigned i = 0; i < started; i++) {
        errors += cls[i].s.errors;
        loops += cls[i].s.loops;
        failed += cls[i].failed;
    }
    from = opt.mode == MODE_CREATE ? 0 : atomic_load(&measure_from);
    to = UINT64_MAX;
    if (opt.until_evicted) {
        if (!w.first_ns || !w.done_ns) {
            fprintf(stderr, "bench_http: eviction of %lu sessions not seen (first %s)\n",
                    opt.until_evicted, w.first_ns ? "seen" : "not seen");
            w.done_ns = w.done_ns ? w.done_ns : t1;
            w.first_ns = w.first_ns ? w.first_ns : w.done_ns;
        }
        base = summarize(cls, started, from, w.first_ns);
        from = w.first_ns;
        to = w.done_ns;
    }
    st = summarize(cls, started, from, to);
    {
        double secs = opt.mode == MODE_CREATE ? (t1 - t0) / 1e9
                    : opt.until_evicted ? (to - from) / 1e9 : opt.duration_s;

        printf("{\"mode\":\"%s\",\"wire\":\"%s\",\"clients\":%u,\"failed_clients\":%u,"
               "\"requests\":%zu,\"errors\":%lu,\"loops\":%lu,\"seconds\":%.3f,"
               "\"rps\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f",
               mode_name, opt.modern ? "modern" : "legacy", opt.clients, failed, st.n, errors,
               loops, secs, secs > 0 ? st.n / secs : 0.0, st.p50_us, st.p99_us, st.max_us);
        if (opt.mode == MODE_CREATE)
            printf(",\"sessions\":%lu", atomic_load(&created));
        if (opt.until_evicted)
            printf(",\"evicted\":%lu,\"eviction_seconds\":%.3f,\"baseline_requests\":%zu,"
                   "\"baseline_p50_us\":%.1f,\"baseline_p99_us\":%.1f",
                   opt.until_evicted, (w.done_ns - w.first_ns) / 1e9, base.n, base.p50_us,
                   base.p99_us);
        printf("}\n");
    }
    rc = failed == started && started > 0 ? 1 : 0;
    for (unsigned i = 0; i < started; i++) {
        free(cls[i].s.lat_ns);
        free(cls[i].s.start_ns);
    }
    free(cls);
    return rc;
}
