/*
 * fuzz_ids_load.c - libFuzzer target for the IDS loader (src/ids): the
 * input is an IDS document as load_ids gets it from a client.
 *
 * Whatever loads is read as every tool reads it (summary, every
 * specification in full, validation) and must survive a round trip: it
 * exports, loads back, and exports to the same bytes, with the size
 * ids_doc_serialized_size promised. A refusal must carry a message.
 */
#include "ids/ids.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                \
    do {                           \
        if (!(cond))               \
            __builtin_trap();      \
    } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ids_library_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Small limits, so that inputs of a few kB reach them. */
    ids_limits limits = {.max_bytes = 64 * 1024, .max_depth = 24};
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    ids_status st = ids_doc_load_string((const char *)data, size, &limits, &doc, &err);
    if (st != IDS_OK) {
        CHECK(doc == NULL && err.message[0] != '\0');
        return 0;
    }
    ids_summary *sum = NULL;
    ids_error_clear(&err);
    if (ids_doc_summary(doc, &sum, &err) == IDS_OK) {
        ids_spec_view **views = NULL;
        size_t n = 0;
        if (ids_spec_get_all(doc, &views, &n, &err) == IDS_OK) {
            CHECK(n == sum->n_specs);
            ids_spec_views_free(views, n);
        }
        if (sum->n_specs > 0) {
            ids_spec_view *v = NULL;
            if (ids_spec_get(doc, sum->n_specs - 1, &v, &err) == IDS_OK)
                ids_spec_view_free(v);
        }
        ids_summary_free(sum);
    }
    ids_report *report = NULL;
    if (ids_validate(doc, NULL, &report, &err) == IDS_OK) {
        (void)ids_report_valid(report);
        ids_report_free(report);
    }

    char *out = NULL;
    size_t len = 0;
    ids_error_clear(&err);
    CHECK(ids_doc_to_string(doc, &out, &len, &err) == IDS_OK);
    CHECK(len == strlen(out));
    CHECK(len == ids_doc_serialized_size(doc));
    ids_doc *again = NULL;
    ids_limits roomy = {.max_bytes = len + 1, .max_depth = 64};
    ids_error_clear(&err);
    CHECK(ids_doc_load_string(out, len, &roomy, &again, &err) == IDS_OK);
    char *out2 = NULL;
    size_t len2 = 0;
    CHECK(ids_doc_to_string(again, &out2, &len2, &err) == IDS_OK);
    CHECK(len2 == len && memcmp(out, out2, len) == 0);
    free(out2);
    ids_doc_free(again);
    free(out);
    ids_doc_free(doc);
    return 0;
}
