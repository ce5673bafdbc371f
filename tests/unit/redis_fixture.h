/*
 * redis_fixture.h - a private redis-server for a test: started on a free
 * loopback port with nothing written to disk, stopped and started again on
 * the same port (to test an outage), and killed at the end.
 */
#ifndef REDIS_FIXTURE_H
#define REDIS_FIXTURE_H

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct redis_fixture {
    pid_t pid;
    int port;
    const char *password; /* NULL: none */
} redis_fixture;

static inline int redis_fixture_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

/* A connection of the test's own, to look at what the store wrote. NULL
 * when the server does not answer. */
static inline redisContext *redis_fixture_connect(const redis_fixture *r)
{
    struct timeval tv = {1, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", r->port, tv);
    if (c == NULL || c->err) {
        if (c != NULL)
            redisFree(c);
        return NULL;
    }
    if (r->password != NULL) {
        redisReply *rep = redisCommand(c, "AUTH %s", r->password);
        if (rep != NULL)
            freeReplyObject(rep);
    }
    return c;
}

static inline bool redis_fixture_ping(const redis_fixture *r)
{
    redisContext *c = redis_fixture_connect(r);
    if (c == NULL)
        return false;
    redisReply *rep = redisCommand(c, "PING");
    bool ok = rep != NULL && rep->type == REDIS_REPLY_STATUS;
    if (rep != NULL)
        freeReplyObject(rep);
    redisFree(c);
    return ok;
}

/* Starts redis-server on r->port (picks one when 0); false when it is not
 * installed or does not come up within 5 s. */
static inline bool redis_fixture_start(redis_fixture *r)
{
    if (r->port == 0)
        r->port = redis_fixture_free_port();
    char port[16];
    snprintf(port, sizeof port, "%d", r->port);
    r->pid = fork();
    if (r->pid < 0)
        return false;
    if (r->pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        if (r->password != NULL)
            execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--requirepass", r->password,
                   (char *)NULL);
        else
            execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        int status;
        if (waitpid(r->pid, &status, WNOHANG) == r->pid) {
            r->pid = 0;
            return false;
        }
        if (redis_fixture_ping(r))
            return true;
        struct timespec ts = {0, 25 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

static inline void redis_fixture_stop(redis_fixture *r)
{
    if (r->pid > 0) {
        kill(r->pid, SIGKILL);
        waitpid(r->pid, NULL, 0);
        r->pid = 0;
    }
}

#endif /* REDIS_FIXTURE_H */
