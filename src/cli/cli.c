/*
 * cli.c - value parsing for the command line (cli.h).
 */
#include "cli/cli.h"

#include <string.h>

bool cli_parse_u64(const char *s, const char **end, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;

    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');

        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *end = p;
    *out = v;
    return true;
}

bool cli_parse_duration_ms(const char *s, uint64_t *ms)
{
    static const struct { const char *unit; uint64_t ms; } units[] = {
        {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000},
    };
    const char *unit;
    uint64_t v;

    if (!cli_parse_u64(s, &unit, &v) || v == 0)
        return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(unit, units[i].unit) == 0) {
            if (v > UINT64_MAX / units[i].ms)
                return false;
            *ms = v * units[i].ms;
            return true;
        }
    }
    return false;
}

bool cli_parse_size(const char *s, size_t *bytes)
{
    const char *unit;
    uint64_t v, mult = 1;

    if (!cli_parse_u64(s, &unit, &v) || v == 0)
        return false;
    switch (*unit) {
    case '\0': break;
    case 'k': case 'K': mult = 1024u; unit++; break;
    case 'm': case 'M': mult = 1024u * 1024u; unit++; break;
    case 'g': case 'G': mult = 1024u * 1024u * 1024u; unit++; break;
    default: return false;
    }
    if (mult > 1 && strcmp(unit, "iB") == 0)
        unit += 2;
    else if (strcmp(unit, "B") == 0)
        unit++;
    if (*unit || v > SIZE_MAX / mult)
        return false;
    *bytes = (size_t)(v * mult);
    return true;
}
