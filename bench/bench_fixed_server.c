/*
 * bench_fixed_server.c - the physical limit of the HTTP path: a
 * libmicrohttpd server that answers every POST with one fixed JSON body
 * and does no work. bench/run.sh drives it with the same load generator
 * and the same requests as idsd and prints idsd's throughput as a fraction
 * of this one.
 *
 * To make the fraction mean "what idsd's own work costs", everything that
 * is not that work is as in src/mcp/http.c: the same daemon flags (epoll
 * internal thread, suspend/resume allowed), the same thread pool size
 * (idsd's default, 4, unless --threads says otherwise), the same
 * connection limit, timeout and per-connection memory limit, the body read
 * in full before answering, and a body of the size of a get_ids_info
 * answer with the same two response headers.
 *
 *   usage: bench_fixed_server [--threads N] [--port P]
 * Prints "listening on http://127.0.0.1:PORT/mcp" and serves until
 * SIGINT/SIGTERM. Binds 127.0.0.1 only.
 */
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* About the size of idsd's get_ids_info answer for a one-specification
 * document (text content + structuredContent + _meta). */
static const char fixed_body[] =
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":"
    "\"IDS 'bench': 1 specification.\\n{\\\"info\\\":{\\\"title\\\":\\\"bench\\\"},"
    "\\\"specification_count\\\":1,\\\"specifications\\\":[{\\\"spec_index\\\":1,"
    "\\\"spec_id\\\":\\\"S1\\\",\\\"name\\\":\\\"Walls\\\",\\\"ifc_versions\\\":"
    "[\\\"IFC4\\\"],\\\"usage\\\":\\\"required\\\",\\\"applicability_facets\\\":1,"
    "\\\"requirement_facets\\\":1}],\\\"session_id\\\":"
    "\\\"00000000000000000000000000000000\\\"}\"}],\"structuredContent\":{\"info\":"
    "{\"title\":\"bench\"},\"specification_count\":1,\"specifications\":[{\"spec_index\":1,"
    "\"spec_id\":\"S1\",\"name\":\"Walls\",\"ifc_versions\":[\"IFC4\"],\"usage\":"
    "\"required\",\"applicability_facets\":1,\"requirement_facets\":1}],\"session_id\":"
    "\"00000000000000000000000000000000\"},\"isError\":false,\"_meta\":"
    "{\"io.modelcontextprotocol/serverInfo\":{\"name\":\"idsd\",\"version\":\"0.1.0\"}},"
    "\"resultType\":\"complete\"}}";

static struct MHD_Response *fixed_response;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size,
                                  void **state)
{
    static int marker;

    if (*state == NULL) {
        *state = &marker;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        /* Read the body in full, as idsd does, but keep none of it. */
        *upload_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(c, MHD_HTTP_OK, fixed_response);
}

int main(int argc, char **argv)
{
    struct MHD_Daemon *d;
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;
    unsigned threads = 4, port = 0;
    sigset_t set;
    int sig, rc = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            port = (unsigned)strtoul(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: bench_fixed_server [--threads N] [--port P]\n");
            return 2;
        }
    }
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    fixed_response = MHD_create_response_from_buffer(sizeof fixed_body - 1,
                                                     (void *)fixed_body,
                                                     MHD_RESPMEM_PERSISTENT);
    if (!fixed_response)
        return 1;
    MHD_add_response_header(fixed_response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(fixed_response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    /* So a legacy client's initialize finds a session id to send back. */
    MHD_add_response_header(fixed_response, "Mcp-Session-Id",
                            "00000000000000000000000000000000");

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* The values of src/mcp/http.c's defaults. */
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, &sa},
        {MHD_OPTION_CONNECTION_LIMIT, 1024, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL},
        {threads > 0 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME,
                         (uint16_t)port, NULL, NULL, on_request, NULL,
                         MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "bench_fixed_server: cannot listen\n");
        goto out;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on http://127.0.0.1:%u/mcp\n", info ? (unsigned)info->port : port);
    fflush(stdout);
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    rc = 0;
out:
    MHD_destroy_response(fixed_response);
    return rc;
}
