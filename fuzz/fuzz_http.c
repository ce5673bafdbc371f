/*
 * fuzz_http.c - libFuzzer target for HTTP request handling: the input is
 * the raw bytes a client sends on one connection (request line, headers,
 * body; a second request may follow), written to idsd's Streamable HTTP
 * transport running in this process on a loopback port, through
 * libmicrohttpd and the transport's real callbacks down to the MCP core
 * and the tools.
 *
 * The server keeps running across inputs (as it does in production), so
 * state that outlives a request (sessions, streams) is exercised too; its
 * limits are small so that it stays bounded. The connection is closed
 * after the answer, or after a short wait when the server holds it open
 * (a stream, an incomplete request). Besides crashes, leaks and undefined
 * behaviour, it traps when the answer does not begin with an HTTP/1.x
 * status line.
 */
#include "mcp/mcp_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK(cond)                \
    do {                           \
        if (!(cond))               \
            __builtin_trap();      \
    } while (0)

/* How long to wait for the answer to begin, and then for more of it once
 * it has (the server keeps a connection open after answering, for the
 * next request or for a stream), in ms. A whole answer ends the wait at
 * once (answer_complete); these bound the rest, and an input the server
 * is still working on when the wait ends is still worked on, only its
 * answer goes unread. Waiting costs executions: at 100 ms the target ran
 * about 46 inputs a second; with answer_complete, request_complete and
 * these about 7,000. */
#define WAIT_FIRST_MS 25
#define WAIT_CUT_MS 1 /* for an input that holds no whole request */
#define WAIT_MORE_MS 5

static tool_config tools = {.max_doc_bytes = 256 * 1024};
static session_store *store;
static mcp_server *server;
static mcp_http *http;
static struct sockaddr_in addr;

static void stop(void)
{
    mcp_http_stop(http);
    mcp_server_free(server);
    session_store_free(store);
    tool_catalogue_cleanup();
    ids_library_cleanup();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *why = NULL;
    char err[256];
    signal(SIGPIPE, SIG_IGN);
    ids_library_init();
    CHECK(tool_catalogue_init(&why));
    mcp_log_set_threshold(MCP_LOG_OFF);
    session_config scfg = {.max_sessions = 32, .payload_free = tool_session_free};
    CHECK(session_store_new(&scfg, &store) == SESSION_OK);
    mcp_server_config mcfg = {.store = store, .tools = &tools, .max_message_bytes = 64 * 1024};
    server = mcp_server_new(&mcfg);
    CHECK(server != NULL);
    /* One thread that does everything: the order of events is the
     * input's, and a stream costs a slot, not a thread. */
    static const char *const origins[] = {"http://localhost:*", "https://example.org"};
    mcp_http_config hcfg = {
        .port = 0,
        .threads = 0,
        .max_streams = 4,
        .keepalive_ms = 50,
        .max_header_bytes = 8 * 1024,
        .max_body_bytes = 32 * 1024,
        .allowed_origins = origins,
        .n_allowed_origins = 2,
        .connection_timeout_s = 1,
    };
    http = mcp_http_start(server, &hcfg, err, sizeof err);
    CHECK(http != NULL);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(mcp_http_port(http));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    atexit(stop);
    return 0;
}

/* Whether buf holds one whole HTTP answer: its head, and the body its
 * Content-Length announces or the last chunk of a chunked one. A stream
 * (text/event-stream) is never whole; its end is a silence. */
static bool answer_complete(const char *buf, size_t len)
{
    const char *end = NULL;
    for (size_t i = 0; i + 3 < len; i++) {
        if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
            end = buf + i + 4;
            break;
        }
    }
    if (end == NULL)
        return false;
    size_t head = (size_t)(end - buf);
    for (size_t i = 0; i + 17 <= head; i++)
        if (memcmp(buf + i, "text/event-stream", 17) == 0)
            return false;
    /* No body: HEAD, 1xx, 204, 304 (the status is at 9..11). */
    if (head > 12 && (buf[9] == '1' || memcmp(buf + 9, "204", 3) == 0 ||
                      memcmp(buf + 9, "304", 3) == 0))
        return true;
    for (const char *p = buf; p + 16 < end; p++) {
        if ((p == buf || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0) {
            unsigned long long want = strtoull(p + 15, NULL, 10);
            return len - head >= want;
        }
    }
    return len - head >= 5 && memcmp(buf + len - 5, "0\r\n\r\n", 5) == 0;
}

/* Whether the input holds at least one whole request, so that an answer
 * is worth waiting for: its head ends, and the body its Content-Length
 * announces (or a chunked body's last chunk) is there. A request cut short
 * gets no answer until the server gives up on it, and waiting for that
 * would be most of the target's time; the server works on it all the
 * same, only the wait is skipped. */
static bool request_complete(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    size_t head = 0;
    for (size_t i = 0; i + 3 < size; i++) {
        if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
            head = i + 4;
            break;
        }
    }
    if (head == 0)
        return false;
    for (size_t i = 0; i + 16 < head; i++) {
        if ((i == 0 || buf[i - 1] == '\n') &&
            strncasecmp(buf + i, "Content-Length:", 15) == 0) {
            char digits[24];
            size_t n = 0, k = i + 15;
            while (k < head && buf[k] == ' ')
                k++;
            while (k < head && n + 1 < sizeof digits && buf[k] >= '0' && buf[k] <= '9')
                digits[n++] = buf[k++];
            digits[n] = '\0';
            return n > 0 && size - head >= strtoull(digits, NULL, 10);
        }
        if ((i == 0 || buf[i - 1] == '\n') &&
            strncasecmp(buf + i, "Transfer-Encoding:", 18) == 0) {
            for (size_t k = head; k + 5 <= size; k++)
                if (memcmp(buf + k, "0\r\n\r\n", 5) == 0)
                    return true;
            return false;
        }
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(fd >= 0);
    /* libFuzzer's timeout alarm can interrupt connect; the connection then
     * completes on its own. Running out of local ports is the machine's
     * problem, not the server's; a refusal would be the server's. */
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        int why = errno;
        if (why == EINTR || why == EINPROGRESS) {
            struct pollfd w = {.fd = fd, .events = POLLOUT};
            int soerr = 0;
            socklen_t l = sizeof soerr;
            while (poll(&w, 1, 1000) < 0 && errno == EINTR)
                ;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &l);
            why = soerr;
        }
        if (why != 0) {
            CHECK(why != ECONNREFUSED);
            close(fd);
            return 0;
        }
    }
    size_t sent = 0;
    while (sent < size) {
        ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* the server closed early: a refusal */
        sent += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    static char answer[256 * 1024];
    size_t got = 0;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int first_wait = request_complete(data, size) ? WAIT_FIRST_MS : WAIT_CUT_MS;
    while (poll(&pfd, 1, got == 0 ? first_wait : WAIT_MORE_MS) > 0) {
        char *into = got < sizeof answer ? answer + got : answer;
        size_t room = got < sizeof answer ? sizeof answer - got : sizeof answer;
        ssize_t n = recv(fd, into, room, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        /* The server holds a connection open after answering (for the next
         * request; it may not see the half-close at once): stop as soon as
         * the first answer is whole rather than waiting for a silence. */
        if (got <= sizeof answer && answer_complete(answer, got))
            break;
    }
    /* An answer, when there is one, is HTTP. */
    if (got >= 9)
        CHECK(memcmp(answer, "HTTP/1.", 7) == 0);
    close(fd);
    return 0;
}
