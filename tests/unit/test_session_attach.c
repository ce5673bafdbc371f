/*
 * test_session_attach.c - what other layers hang on a session record and
 * how it ends with the record: slots, attachments freed exactly once by
 * whoever frees the record (last release, remove, reaper, expiry at
 * lookup, store free), the unlinked callback exactly once when the record
 * leaves the table and never at store free, and holders that keep a
 * record alive without its lock. One thread, a fake clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/session.h"

#define SEC_NS 1000000000ull   /* ns */
#define TTL_MS 10000ull        /* ms */
#define TTL_NS (TTL_MS * 1000000ull)

/* What the layers saw, in order: "u<n>" for unlinked, "f<n>" for free. */
static char journal[256];

static void note(char what, int n)
{
    size_t len = strlen(journal);
    snprintf(journal + len, sizeof journal - len, "%c%d ", what, n);
}

typedef struct thing {
    int n;
} thing;

static thing *thing_new(int n)
{
    thing *t = malloc(sizeof *t);
    assert_non_null(t);
    t->n = n;
    return t;
}

static void thing_free(void *data)
{
    thing *t = data;
    note('f', t->n);
    free(t);
}

static void thing_unlinked(void *data)
{
    note('u', ((thing *)data)->n);
}

static const session_slot_ops with_unlink = {"with unlink", thing_free, thing_unlinked};
static const session_slot_ops free_only = {"free only", thing_free, NULL};

static uint64_t fake_clock(void *ctx)
{
    return *(uint64_t *)ctx;
}

typedef struct fixture {
    session_store *store;
    uint64_t now;
    session_slot a, b;         /* with_unlink, free_only */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->now = 1000 * SEC_NS;
    session_config cfg = {
        .max_sessions = 4,
        .idle_ttl_ms = TTL_MS,
        .clock = fake_clock,
        .clock_ctx = &f->now,
    };
    assert_int_equal(session_store_new(&cfg, &f->store), SESSION_OK);
    assert_int_equal(session_slot_register(f->store, &with_unlink, &f->a), SESSION_OK);
    assert_int_equal(session_slot_register(f->store, &free_only, &f->b), SESSION_OK);
    journal[0] = '\0';
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    session_store_free(f->store);
    free(f);
    return 0;
}

/* A record with thing 1 in slot a and thing 2 in slot b, released. */
static void make(fixture *f, char id[SESSION_ID_SIZE])
{
    session *s;
    assert_int_equal(session_create(f->store, &s, id), SESSION_OK);
    session_attach(s, f->a, thing_new(1));
    session_attach(s, f->b, thing_new(2));
    session_release(s);
}

static void test_register(void **state)
{
    fixture *f = *state;
    static const session_slot_ops third = {"third", thing_free, NULL};
    static const session_slot_ops fourth = {"fourth", thing_free, NULL};
    static const session_slot_ops fifth = {"fifth", thing_free, NULL};
    static const session_slot_ops no_free = {"no free", NULL, NULL};
    session_slot again, c, d, e;

    assert_int_not_equal(f->a, f->b);
    /* The same ops again: the same slot. */
    assert_int_equal(session_slot_register(f->store, &with_unlink, &again), SESSION_OK);
    assert_int_equal(again, f->a);
    assert_int_equal(session_slot_register(f->store, &third, &c), SESSION_OK);
    assert_int_equal(session_slot_register(f->store, &fourth, &d), SESSION_OK);
    assert_int_equal(session_slot_register(f->store, &fifth, &e), SESSION_CAPACITY);
    assert_int_equal(session_slot_register(f->store, &no_free, &e), SESSION_INVALID);
    assert_int_equal(session_slot_register(f->store, NULL, &e), SESSION_INVALID);
    assert_int_equal(session_slot_register(NULL, &third, &e), SESSION_INVALID);
}

static void test_last_release_frees_after_remove(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    session *s;

    make(f, id);
    assert_int_equal(session_slot_count(f->store, f->a), 1);
    assert_int_equal(session_acquire(f->store, id, &s), SESSION_OK);
    assert_int_equal(((thing *)session_attachment(s, f->a))->n, 1);
    /* Removed while held: told at once, freed by the last release. */
    assert_int_equal(session_remove(f->store, id), SESSION_OK);
    assert_string_equal(journal, "u1 ");
    assert_int_equal(((thing *)session_attachment(s, f->b))->n, 2);
    session_release(s);
    assert_string_equal(journal, "u1 f1 f2 ");
    assert_int_equal(session_slot_count(f->store, f->a), 0);
    assert_int_equal(session_slot_count(f->store, f->b), 0);
}

static void test_remove_without_users(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];

    make(f, id);
    assert_int_equal(session_remove(f->store, id), SESSION_OK);
    assert_string_equal(journal, "u1 f1 f2 ");
    assert_int_equal(session_remove(f->store, id), SESSION_NOT_FOUND);
    assert_string_equal(journal, "u1 f1 f2 ");
}

static void test_remove_held_tells_at_once(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    session *s;

    make(f, id);
    assert_int_equal(session_acquire(f->store, id, &s), SESSION_OK);
    session_remove_held(s);
    session_remove_held(s); /* a second time tells nobody */
    assert_string_equal(journal, "u1 ");
    session_release(s);
    assert_string_equal(journal, "u1 f1 f2 ");
}

static void test_eviction_and_expiry(void **state)
{
    fixture *f = *state;
    char one[SESSION_ID_SIZE], two[SESSION_ID_SIZE];
    session *s;

    make(f, one);
    f->now += TTL_NS + SEC_NS;
    assert_int_equal(session_reap_now(f->store), 1);
    assert_string_equal(journal, "u1 f1 f2 ");
    journal[0] = '\0';
    make(f, two);
    f->now += TTL_NS + SEC_NS;
    /* Found over-idle at lookup: gone, told and freed there. */
    assert_int_equal(session_acquire(f->store, two, &s), SESSION_NOT_FOUND);
    assert_string_equal(journal, "u1 f1 f2 ");
}

static void test_store_free_frees_without_unlinked(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];

    make(f, id);
    session_store_free(f->store);
    f->store = NULL;
    assert_string_equal(journal, "f1 f2 ");
}

static void test_replace_and_detach(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    session *s;
    thing *t;

    assert_int_equal(session_create(f->store, &s, id), SESSION_OK);
    assert_null(session_attachment(s, f->b));
    session_attach(s, f->b, thing_new(3));
    session_attach(s, f->b, thing_new(4)); /* replaces: 3 is freed now */
    assert_string_equal(journal, "f3 ");
    assert_int_equal(session_slot_count(f->store, f->b), 1);
    t = session_detach(s, f->b);
    assert_int_equal(t->n, 4);
    assert_null(session_attachment(s, f->b));
    assert_int_equal(session_slot_count(f->store, f->b), 0);
    session_release(s);
    assert_string_equal(journal, "f3 ");
    assert_int_equal(session_remove(f->store, id), SESSION_OK);
    /* Nothing attached: nothing told, nothing freed. */
    assert_string_equal(journal, "f3 ");
    thing_free(t);
}

static void test_hold(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    session *h, *s;
    session_info info;

    make(f, id);
    assert_int_equal(session_hold(f->store, id, &h), SESSION_OK);
    assert_int_equal(((thing *)session_attachment(h, f->a))->n, 1);
    /* A hold takes no lock: the same thread can acquire the record. */
    assert_int_equal(session_acquire(f->store, id, &s), SESSION_OK);
    assert_true(s == h);
    assert_int_equal(session_get_info(f->store, id, &info), SESSION_OK);
    assert_int_equal(info.users, 2);
    session_release(s);
    /* A held record is in use: not evicted however old. */
    f->now += TTL_NS + SEC_NS;
    assert_int_equal(session_reap_now(f->store), 0);
    assert_int_equal(session_get_info(f->store, id, &info), SESSION_OK);
    /* Removed while held: told now, freed when the hold ends. */
    assert_int_equal(session_remove(f->store, id), SESSION_OK);
    assert_string_equal(journal, "u1 ");
    assert_int_equal(((thing *)session_attachment(h, f->b))->n, 2);
    session_unhold(h);
    assert_string_equal(journal, "u1 f1 f2 ");
    assert_int_equal(session_hold(f->store, id, &h), SESSION_NOT_FOUND);
    assert_null(h);
    assert_int_equal(session_hold(f->store, "not an id", &h), SESSION_INVALID);
}

static void test_unhold_stamps(void **state)
{
    fixture *f = *state;
    char id[SESSION_ID_SIZE];
    session *h;

    make(f, id);
    f->now += TTL_NS - SEC_NS;
    assert_int_equal(session_hold(f->store, id, &h), SESSION_OK);
    f->now += 2 * SEC_NS;
    session_unhold(h);
    /* Idle for TTL counted from the unhold, not from the make. */
    f->now += TTL_NS - SEC_NS;
    assert_int_equal(session_reap_now(f->store), 0);
    f->now += 2 * SEC_NS;
    assert_int_equal(session_reap_now(f->store), 1);
    assert_string_equal(journal, "u1 f1 f2 ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_register, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_release_frees_after_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_without_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_held_tells_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eviction_and_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_free_frees_without_unlinked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_and_detach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unhold_stamps, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
