/*
 * cli.h - parsing of command-line and environment values, shared by
 * `idsd serve` (src/main.c) and `idsd check` (src/check), so both read
 * sizes and numbers the same way.
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Leading decimal digits of s, no sign, no overflow; *end points past
 * them. False when s does not start with a digit or the value overflows. */
bool cli_parse_u64(const char *s, const char **end, uint64_t *out);
/* "90s", "15m", "24h", "2d", "500ms" -> milliseconds; 0 and garbage fail. */
bool cli_parse_duration_ms(const char *s, uint64_t *ms);
/* "512k", "16M", "1G", "4096", "16MiB" -> bytes (binary multiples); 0
 * fails. */
bool cli_parse_size(const char *s, size_t *bytes);

#endif /* CLI_H */
