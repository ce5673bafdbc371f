/*
 * log.c - log levels, and the human-readable log on stderr.
 *
 * stdout belongs to the protocol on stdio, so every human-facing line goes
 * to stderr, one write per line so lines from different threads do not
 * interleave.
 */
#include "mcp/mcp.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const level_names[] = {
    "debug", "info", "notice", "warning", "error", "critical", "alert",
    "emergency",
};

static atomic_int threshold = MCP_LOG_INFO;

const char *mcp_log_level_name(mcp_log_level level)
{
    if (level < MCP_LOG_DEBUG || level > MCP_LOG_EMERGENCY)
        return "off";
    return level_names[level];
}

int mcp_log_level_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i <= MCP_LOG_EMERGENCY; i++) {
        if (strcmp(name, level_names[i]) == 0)
            return i;
    }
    return -1;
}

void mcp_log_set_threshold(mcp_log_level level)
{
    atomic_store(&threshold, (int)level);
}

void mcp_logf(mcp_log_level level, const char *fmt, ...)
{
    char line[1024];
    struct timespec now;
    struct tm tm;
    va_list ap;
    size_t n;
    int w;

    if ((int)level < atomic_load(&threshold) || level >= MCP_LOG_OFF)
        return;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ", &tm);
    w = snprintf(line + n, sizeof line - n, " idsd %s: ", mcp_log_level_name(level));
    if (w > 0)
        n += (size_t)w < sizeof line - n ? (size_t)w : sizeof line - n - 1;
    va_start(ap, fmt);
    n += base_utf8_vformat(line + n, sizeof line - n, fmt, ap);
    va_end(ap);
    if (n >= sizeof line - 1)
        n = sizeof line - 2;
    line[n++] = '\n';
    /* A failed log write has nowhere to be reported. */
    if (write(STDERR_FILENO, line, n) < 0)
        return;
}
