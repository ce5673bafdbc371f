/*
 * test_tools_persist.c - what a stored session's meta brings back: the
 * handles (S3, F7) a client holds, their counters, the current
 * specification and facet, the unexported flag; and, for a meta that does
 * not match the document or is not a meta at all (a stored row is outside
 * input), handles minted afresh rather than wrong ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tools/tools_internal.h"

#define FACETS \
    "<ids:applicability minOccurs=\"0\" maxOccurs=\"unbounded\"><ids:entity><ids:name>" \
    "<ids:simpleValue>IFCWALL</ids:simpleValue></ids:name></ids:entity></ids:applicability>" \
    "<ids:requirements><ids:attribute><ids:name><ids:simpleValue>Name</ids:simpleValue>" \
    "</ids:name></ids:attribute></ids:requirements>"

static const char doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<ids:ids xmlns:ids=\"http://standards.buildingsmart.org/IDS\" "
    "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
    "<ids:info><ids:title>t</ids:title></ids:info><ids:specifications>"
    "<ids:specification name=\"one\" ifcVersion=\"IFC4\">" FACETS "</ids:specification>"
    "<ids:specification name=\"two\" ifcVersion=\"IFC4\">" FACETS "</ids:specification>"
    "</ids:specifications></ids:ids>";

static tool_session *restore(const char *meta)
{
    tool_session *ts = tool_session_restore(NULL, doc, strlen(doc), meta,
                                            meta != NULL ? strlen(meta) : 0);
    assert_non_null(ts);
    assert_int_equal(ts->n_specs, 2);
    return ts;
}

/* The handles minted for a document read without (usable) meta. */
static void assert_minted(const tool_session *ts)
{
    assert_int_equal(ts->specs[0].id, 1);
    assert_int_equal(ts->specs[1].id, 2);
    assert_int_equal(ts->specs[0].facets[IDS_APPLICABILITY].ids[0], 1);
    assert_int_equal(ts->specs[0].facets[IDS_REQUIREMENTS].ids[0], 2);
    assert_int_equal(ts->specs[1].facets[IDS_APPLICABILITY].ids[0], 3);
    assert_int_equal(ts->specs[1].facets[IDS_REQUIREMENTS].ids[0], 4);
    assert_int_equal(ts->next_spec, 2);
    assert_int_equal(ts->next_facet, 4);
    assert_int_equal(ts->current_spec, 0);
    assert_false(ts->unexported);
}

static void handles_come_back(void **state)
{
    (void)state;
    tool_session *ts = restore(NULL);
    assert_minted(ts);
    tool_session_free(ts);

    ts = restore("m2;n=9,20;c=7;u=1;s=3,11;a=10;r=11;s=7,0;a=12;r=15;");
    assert_int_equal(ts->specs[0].id, 3);
    assert_int_equal(ts->specs[1].id, 7);
    assert_int_equal(ts->specs[0].facets[IDS_APPLICABILITY].ids[0], 10);
    assert_int_equal(ts->specs[0].facets[IDS_REQUIREMENTS].ids[0], 11);
    assert_int_equal(ts->specs[1].facets[IDS_APPLICABILITY].ids[0], 12);
    assert_int_equal(ts->specs[1].facets[IDS_REQUIREMENTS].ids[0], 15);
    assert_int_equal(ts->next_spec, 9);
    assert_int_equal(ts->next_facet, 20);
    assert_int_equal(ts->current_spec, 7);
    assert_int_equal(ts->specs[0].current_facet, 11);
    assert_true(ts->unexported);
    size_t spec = 9;
    assert_true(tool_memory_spec(ts, &spec));
    assert_int_equal(spec, 1);
    tool_session_free(ts);
}

static void a_meta_that_does_not_fit_is_not_taken(void **state)
{
    (void)state;
    const char *bad[] = {
        "m1;s=1;f=0,1,0;",                                        /* before handles */
        "m2;n=9,20;c=7;u=0;s=3,0;a=10;r=11;",                     /* one specification short */
        "m2;n=9,20;c=7;u=0;s=3,0;a=10;r=11;s=7,0;a=12;r=15;s=8,0;a=;r=;", /* one too many */
        "m2;n=9,20;c=7;u=0;s=3,0;a=10,13;r=11;s=7,0;a=12;r=15;",  /* a facet too many */
        "m2;n=9,20;c=7;u=0;s=3,0;a=;r=11;s=7,0;a=12;r=15;",       /* a facet short */
        "m2;n=5,20;c=0;u=0;s=3,0;a=10;r=11;s=7,0;a=12;r=15;",     /* above its counter */
        "m2;n=9,14;c=0;u=0;s=3,0;a=10;r=11;s=7,0;a=12;r=15;",
        "m2;n=9,20;c=0;u=0;s=3,0;a=10;r=11;s=3,0;a=12;r=15;",     /* a specification twice */
        "m2;n=9,20;c=0;u=0;s=3,0;a=10;r=11;s=7,0;a=11;r=15;",     /* a facet twice */
        "m2;n=9,20;c=0;u=0;s=0,0;a=10;r=11;s=7,0;a=12;r=15;",     /* zero */
        "m2;n=9,20;c=0;u=0;s=3,0;a=10;r=11;s=7,0;a=12;r=15;x",    /* trailing bytes */
        "m2;n=99999999999,20;c=0;u=0;s=3,0;a=10;r=11;s=7,0;a=12;r=15;",
        "m2;n=9,20;c=0;u=0;s=3,0;a=10;s=7,0;a=12;r=15;",          /* no r= */
        "m2;n=9,20;c=0;u=0;s=3,0;a=10;r=11;s=7,0;a=12;r=1",       /* cut short */
        "m2;n=9,20;c=0;u=0;s=-3,0;a=10;r=11;s=7,0;a=12;r=15;",
        "m2;n=9,20;",
        "",
        NULL,
    };
    for (size_t i = 0; bad[i] != NULL; i++) {
        tool_session *ts = restore(bad[i]);
        assert_minted(ts);
        tool_session_free(ts);
    }
    /* Not text at all: bytes with a NUL inside. */
    static const char bytes[] = "m2;n=9,20;c=0;u=0;s=3\0,0;a=10;r=11;s=7,0;a=12;r=15;";
    tool_session *ts = tool_session_restore(NULL, doc, strlen(doc), bytes, sizeof bytes - 1);
    assert_non_null(ts);
    assert_minted(ts);
    tool_session_free(ts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handles_come_back),
        cmocka_unit_test(a_meta_that_does_not_fit_is_not_taken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
