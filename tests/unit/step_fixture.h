/*
 * step_fixture.h - small STEP files for the reader's suites: a fixed
 * header around the DATA lines a test gives, and a reader opened on them.
 */
#ifndef STEP_FIXTURE_H
#define STEP_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifc/step.h"

/* Seven lines; DATA lines start at line 8. */
#define STEP_FIXTURE_HEAD                                            \
    "ISO-10303-21;\n"                                                \
    "HEADER;\n"                                                      \
    "FILE_DESCRIPTION(('ViewDefinition [CoordinationView]'),'2;1');\n" \
    "FILE_NAME('a.ifc','2024-01-01T00:00:00',('me'),('us'),'pre','sys','');\n" \
    "FILE_SCHEMA(('IFC4'));\n"                                       \
    "ENDSEC;\n"                                                      \
    "DATA;\n"
#define STEP_FIXTURE_TAIL "ENDSEC;\nEND-ISO-10303-21;\n"
#define STEP_FIXTURE_FIRST_LINE 8

/* A whole file around body; free() it. */
static inline char *step_fixture_file(const char *body, size_t *len)
{
    size_t n = strlen(STEP_FIXTURE_HEAD) + strlen(body) + strlen(STEP_FIXTURE_TAIL);
    char *s = malloc(n + 1);
    if (s == NULL)
        abort();
    snprintf(s, n + 1, "%s%s%s", STEP_FIXTURE_HEAD, body, STEP_FIXTURE_TAIL);
    if (len != NULL)
        *len = n;
    return s;
}

/* A reader over the file around body (fixture->text keeps the bytes). */
typedef struct step_fixture {
    char *text;
    size_t len;
    ifc_step_reader *reader;
    ifc_step_error err;
    ifc_step_status status;
} step_fixture;

static inline ifc_step_status step_fixture_open_raw(step_fixture *f, const char *text,
                                                    size_t len, const ifc_step_limits *limits)
{
    f->text = malloc(len + 1);
    if (f->text == NULL)
        abort();
    memcpy(f->text, text, len);
    f->text[len] = '\0';
    f->len = len;
    ifc_step_error_clear(&f->err);
    f->reader = NULL;
    f->status = ifc_step_open_memory(f->text, len, limits, &f->reader, &f->err);
    return f->status;
}

static inline ifc_step_status step_fixture_open(step_fixture *f, const char *body,
                                                const ifc_step_limits *limits)
{
    size_t len;
    char *file = step_fixture_file(body, &len);
    ifc_step_status st = step_fixture_open_raw(f, file, len, limits);
    free(file);
    return st;
}

static inline void step_fixture_close(step_fixture *f)
{
    ifc_step_close(f->reader);
    free(f->text);
    f->reader = NULL;
    f->text = NULL;
}

#endif
