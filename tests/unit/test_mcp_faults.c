/*
 * test_mcp_faults.c - out of memory anywhere in a whole request: every
 * tool of the catalogue is called through mcp_handle_text, as a transport
 * calls it, while the n-th allocation fails, for n from 0 until the call
 * runs through without meeting the failure.
 *
 * All three allocators a request uses count towards n: malloc and its
 * kin in our own code (this binary is linked with -Wl,--wrap=malloc,...,
 * so every call from the static libraries of idsd lands in the wrappers
 * below; the sanitizers' and valgrind's malloc stay underneath), libxml2's
 * (xmlMemSetup) and jansson's (json_set_alloc_funcs).
 *
 * What every call must give back, allocation failure or not:
 * - one reply line of well-formed JSON-RPC with the request's id: a result
 *   (isError true or false, content present) or an error with a code and
 *   a message;
 * - when it is not a success, the session's document exported to the same
 *   bytes as before and no session made or lost;
 * - when it is a success, the same document as the call gives with memory
 *   to spare;
 * - nothing leaked (LeakSanitizer in the clang build, valgrind in the
 *   memcheck run of this binary).
 *
 * Two ways to fail: only the n-th allocation (every later one succeeds,
 * so the error path itself has memory and must produce a reply), and the
 * n-th and every later one (then no reply at all is allowed, since there
 * is no memory to write one in, but still no crash, leak or change).
 *
 * make test samples n with a stride; IDSD_FAULT_FULL=1 in the environment
 * tries every n.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/xmlmemory.h>
#include <libxml/xmlversion.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/mcp.h"
#include "testutil.h"

/* ---- the failing allocators ------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* Only the test's thread is armed: a thread of the store or of libc must
 * not move the count. */
static _Thread_local bool armed;
static long fault_at;         /* the allocation that fails, counted from 0 */
static bool fault_persists;   /* every allocation after it fails too */
static long allocations;      /* counted since arming */
static bool fault_fired;

static bool fail_now(void)
{
    if (!armed)
        return false;
    long n = allocations++;
    bool fail = fault_persists ? n >= fault_at : n == fault_at;
    fault_fired = fault_fired || fail;
    return fail;
}

static void arm(long at, bool persists)
{
    fault_at = at;
    fault_persists = persists;
    allocations = 0;
    fault_fired = false;
    armed = true;
}

static void disarm(void) { armed = false; }

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n)
{
    return fail_now() ? NULL : __real_strndup(s, n);
}

/* libxml2 before 2.11 dereferences NULL in its regular-expression compiler
 * when an allocation fails there (fixed upstream in 2.11), which no caller
 * can prevent; the allocations of a pattern's compilation are therefore
 * not failed with those versions. Everything around it is. */
struct _xmlRegexp;
struct _xmlRegexp *__real_xmlRegexpCompile(const unsigned char *regexp);
struct _xmlRegexp *__wrap_xmlRegexpCompile(const unsigned char *regexp);
struct _xmlRegexp *__wrap_xmlRegexpCompile(const unsigned char *regexp)
{
#if LIBXML_VERSION < 21100
    bool was = armed;
    armed = false;
    struct _xmlRegexp *r = __real_xmlRegexpCompile(regexp);
    armed = was;
    return r;
#else
    return __real_xmlRegexpCompile(regexp);
#endif
}

static void lib_free(void *p) { free(p); }
static void *lib_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
static void *lib_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }
static char *lib_strdup(const char *s) { return fail_now() ? NULL : __real_strdup(s); }

/* ---- the server ------------------------------------------------------- */

#define META                                                                 \
    "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","           \
    "\"io.modelcontextprotocol/clientCapabilities\":{},"                     \
    "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"

#define SPEC_HEAD                                                                     \
    "<ids xmlns=\"http://standards.buildingsmart.org/IDS\" "                          \
    "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><info><title>T</title>"            \
    "<date>2024-01-01</date></info><specifications>"

/* The document each call starts from: something for every tool to work
 * on (a specification with facets in both places, a restriction). */
static const char *start_doc =
    SPEC_HEAD
    "<specification name=\"S\" ifcVersion=\"IFC4\"><applicability minOccurs=\"1\" "
    "maxOccurs=\"unbounded\"><entity><name><simpleValue>IFCWALL</simpleValue></name>"
    "</entity></applicability><requirements><property dataType=\"IFCLABEL\">"
    "<propertySet><simpleValue>P</simpleValue></propertySet><baseName><simpleValue>B"
    "</simpleValue></baseName><value><xs:restriction base=\"xs:string\">"
    "<xs:enumeration value=\"a\"/></xs:restriction></value></property>"
    "<attribute><name><simpleValue>Name</simpleValue></name></attribute>"
    "</requirements></specification></specifications></ids>";

static const char *other_doc =
    SPEC_HEAD
    "<specification name=\"O\" ifcVersion=\"IFC2X3 IFC4\"><applicability>"
    "<entity><name><simpleValue>IFCDOOR</simpleValue></name></entity>"
    "</applicability></specification></specifications></ids>";

/* Arguments that make each tool of today's catalogue succeed on start_doc
 * (session_id is added). A tool not listed here gets arguments made from
 * its input schema (required properties only), which may be refused; the
 * failure paths are still walked. */
static const struct {
    const char *tool;
    const char *args;
} examples[] = {
    {"create_ids", "{\"title\":\"New\",\"author\":\"a@b.c\"}"},
    {"load_ids", NULL /* other_doc, below */},
    {"export_ids", "{}"},
    {"get_ids_info", "{}"},
    {"update_ids_info", "{\"title\":\"U\",\"description\":\"d\",\"version\":null}"},
    {"validate_ids", "{}"},
    {"add_specification",
     "{\"name\":\"N\",\"ifc_versions\":[\"IFC4\",\"IFC4X3_ADD2\"],\"usage\":\"optional\","
     "\"description\":\"d\"}"},
    {"get_specification", "{\"spec_id\":1}"},
    {"update_specification", "{\"spec_id\":\"S\",\"name\":\"R\",\"instructions\":\"i\"}"},
    {"remove_specification", "{\"spec_id\":1}"},
    {"add_entity_facet",
     "{\"spec_id\":1,\"location\":\"requirements\",\"entity_name\":\"IFCDOOR\","
     "\"predefined_type\":\"GATE\"}"},
    {"add_property_facet",
     "{\"spec_id\":1,\"location\":\"requirements\",\"property_set\":\"Pset_DoorCommon\","
     "\"property_name\":\"FireRating\",\"value\":\"v\",\"data_type\":\"IFCLABEL\"}"},
    {"add_attribute_facet",
     "{\"spec_id\":1,\"location\":\"requirements\",\"attribute_name\":\"Description\","
     "\"value\":\"W\"}"},
    {"add_classification_facet",
     "{\"spec_id\":1,\"location\":\"requirements\",\"classification_system\":\"Uniclass\","
     "\"classification_value\":\"Pr_1\"}"},
    {"add_material_facet",
     "{\"spec_id\":1,\"location\":\"requirements\",\"material_value\":\"concrete\"}"},
    {"add_partof_facet",
     "{\"spec_id\":1,\"location\":\"requirements\",\"parent_entity\":\"IFCBUILDINGSTOREY\","
     "\"relation\":\"IFCRELCONTAINEDINSPATIALSTRUCTURE\"}"},
    {"remove_facet", "{\"spec_id\":1,\"location\":\"requirements\",\"facet_index\":1}"},
    {"add_enumeration_restriction",
     "{\"spec_id\":1,\"location\":\"requirements\",\"facet_index\":0,"
     "\"parameter_name\":\"value\",\"values\":[\"a\",\"b\",\"c\"]}"},
    {"add_pattern_restriction",
     "{\"spec_id\":1,\"location\":\"requirements\",\"facet_index\":0,"
     "\"parameter_name\":\"property_set\",\"pattern\":\"Pset_[A-Z][a-z]+\"}"},
    {"add_bounds_restriction",
     "{\"spec_id\":1,\"location\":\"requirements\",\"facet_index\":1,"
     "\"parameter_name\":\"value\",\"base_type\":\"xs:double\",\"min_inclusive\":0,"
     "\"max_exclusive\":10.5}"},
    {"add_length_restriction",
     "{\"spec_id\":1,\"location\":\"requirements\",\"facet_index\":1,"
     "\"parameter_name\":\"value\",\"min_length\":1,\"max_length\":5}"},
    {"set_restriction",
     "{\"spec_id\":1,\"location\":\"requirements\",\"facet_index\":0,"
     "\"parameter_name\":\"value\",\"base_type\":\"xs:string\","
     "\"items\":[{\"facet\":\"enumeration\",\"value\":\"x\"},"
     "{\"facet\":\"maxLength\",\"value\":4}]}"},
    {"set_facet_parameter",
     "{\"spec_id\":1,\"location\":\"applicability\",\"facet_index\":0,"
     "\"parameter_name\":\"name\",\"value\":\"IFCSLAB\"}"},
    {"update_facet",
     "{\"spec_id\":1,\"location\":\"requirements\",\"facet_index\":0,"
     "\"property_name\":\"C\",\"cardinality\":\"optional\",\"instructions\":\"i\"}"},
    {"find_ifc_names", "{\"kind\":\"entity\",\"fragment\":\"wall\",\"limit\":5}"},
    {"describe_ifc", "{\"name\":\"IfcWall\",\"ifc_version\":\"IFC4\"}"},
    {"describe_ids", "{\"from\":1,\"count\":5}"},
    {"close_session", "{}"},
};

static session_store *store;
static tool_config tools;
static mcp_server *server;
static mcp_conn *conn;
static long stride = 1;
static long dense = LONG_MAX; /* allocations tried one by one before the stride */
static bool under_valgrind;
static long calls_made;
/* stderr while a call runs: nothing may arrive there (ids.h and the MCP
 * core promise not to print, libxml2 out of memory included). */
static int stderr_saved = -1, stderr_capture = -1;
static char stderr_path[4096];
static size_t failed_calls;
static char last_reply[400];

static int group_setup(void **state)
{
    (void)state;
    const char *why = NULL;
    ids_library_init();
    if (!tool_catalogue_init(&why)) {
        fprintf(stderr, "catalogue: %s\n", why);
        return -1;
    }
    session_config scfg = {0};
    scfg.payload_free = tool_session_free;
    if (session_store_new(&scfg, &store) != SESSION_OK)
        return -1;
    tools.max_doc_bytes = 1u << 20;
    mcp_server_config mcfg = {0};
    mcfg.store = store;
    mcfg.tools = &tools;
    server = mcp_server_new(&mcfg);
    conn = server ? mcp_conn_new(server, MCP_TRANSPORT_STDIO, NULL, NULL) : NULL;
    if (conn == NULL)
        return -1;
    mcp_log_set_threshold(MCP_LOG_OFF);
    char *dir = testutil_mkdtemp();
    if (dir == NULL)
        return -1;
    snprintf(stderr_path, sizeof(stderr_path), "%s/stderr", dir);
    free(dir);
    stderr_capture = open(stderr_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    stderr_saved = dup(2);
    if (stderr_capture < 0 || stderr_saved < 0)
        return -1;
    const char *full = getenv("IDSD_FAULT_FULL");
    under_valgrind = getenv("IDSD_TEST_UNDER_VALGRIND") != NULL;
    if (full == NULL || strcmp(full, "1") != 0) {
        /* valgrind runs a call some fifty times slower: a sparser sample,
         * which still finds what leaks on the way out of a failure. */
        stride = under_valgrind ? 211 : 7;
        dense = under_valgrind ? 2 : 16;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    mcp_conn_free(conn);
    mcp_server_free(server);
    session_store_free(store);
    tool_catalogue_cleanup();
    ids_library_cleanup();
    close(stderr_capture);
    close(stderr_saved);
    char *dir = strdup(stderr_path);
    if (dir != NULL) {
        *strrchr(dir, '/') = '\0';
        testutil_rmtree(dir);
        free(dir);
    }
    fprintf(stderr, "note: %ld calls with a failing allocation (stride %ld)\n", calls_made,
            stride);
    return 0;
}

static char *tools_call_text(const char *tool, json_t *args)
{
    json_t *meta = json_loads(META, 0, NULL);
    json_t *req = json_pack("{s:s, s:i, s:s, s:{s:o, s:s, s:O}}", "jsonrpc", "2.0", "id", 7,
                            "method", "tools/call", "params", "_meta", meta, "name", tool,
                            "arguments", args);
    assert_non_null(req);
    char *text = json_dumps(req, JSON_COMPACT);
    assert_non_null(text);
    json_decref(req);
    return text;
}

/* A reply as the rules above want it: returns the parsed reply (never
 * NULL), *ok set for a result without isError. */
static json_t *check_reply(const char *line, const char *tool, long n, bool *ok)
{
    json_error_t jerr;
    json_t *reply = json_loads(line, 0, &jerr);
    if (reply == NULL)
        fail_msg("%s, allocation %ld: reply is not JSON (%s): %.200s", tool ? tool : "request",
                 n, jerr.text, line);
    assert_null(strchr(line, '\n'));
    assert_string_equal(json_string_value(json_object_get(reply, "jsonrpc")), "2.0");
    json_t *result = json_object_get(reply, "result");
    json_t *error = json_object_get(reply, "error");
    if (error != NULL) {
        /* An error before the request was read has a null id. */
        json_t *id = json_object_get(reply, "id");
        assert_true(json_is_null(id) || json_integer_value(id) == 7);
        assert_null(result);
        assert_true(json_is_integer(json_object_get(error, "code")));
        const char *message = json_string_value(json_object_get(error, "message"));
        assert_non_null(message);
        assert_true(message[0] != '\0');
        *ok = false;
        return reply;
    }
    if (result == NULL)
        fail_msg("%s, allocation %ld: neither result nor error: %.200s",
                 tool ? tool : "request", n, line);
    assert_int_equal(json_integer_value(json_object_get(reply, "id")), 7);
    assert_true(json_is_object(result));
    *ok = true;
    if (tool == NULL)
        return reply; /* not a tools/call */
    json_t *content = json_object_get(result, "content");
    assert_true(json_is_array(content) && json_array_size(content) >= 1);
    const char *text = json_string_value(json_object_get(json_array_get(content, 0), "text"));
    assert_non_null(text);
    json_t *is_error = json_object_get(result, "isError");
    assert_true(is_error == NULL || json_is_boolean(is_error));
    *ok = !json_is_true(is_error);
    json_t *structured = json_object_get(result, "structuredContent");
    assert_true(structured == NULL || json_is_object(structured));
    assert_true(text[0] != '\0');
    return reply;
}

/* A fresh session holding doc; its id into id. */
static void new_session(const char *doc, char id[SESSION_ID_SIZE])
{
    json_t *args = json_pack("{s:s, s:s}", "source", doc, "source_type", "string");
    char *text = tools_call_text("load_ids", args);
    json_decref(args);
    char *line = mcp_handle_text(conn, text, strlen(text));
    free(text);
    assert_non_null(line);
    bool ok;
    json_t *reply = check_reply(line, "load_ids", -1, &ok);
    assert_true(ok);
    const char *sid = json_string_value(json_object_get(
        json_object_get(json_object_get(reply, "result"), "structuredContent"), "session_id"));
    assert_non_null(sid);
    assert_true(strlen(sid) < SESSION_ID_SIZE);
    strcpy(id, sid);
    json_decref(reply);
    free(line);
}

static void end_session(const char *id)
{
    session_status st = session_remove(store, id);
    assert_true(st == SESSION_OK || st == SESSION_NOT_FOUND);
}

/* The session's document as exported, or NULL when the session is gone
 * ("<gone>" would be ambiguous with a document). */
static char *doc_bytes(const char *id, bool *exists)
{
    char *xml = NULL;
    size_t len = 0;
    session_status st = tool_session_document_xml(store, id, &xml, &len);
    *exists = st == SESSION_OK;
    assert_true(st == SESSION_OK || st == SESSION_NOT_FOUND);
    return xml;
}

static size_t live_sessions(void)
{
    session_stats stats;
    session_store_stats(store, &stats);
    return stats.live;
}

/* Arguments from the input schema: each required property gets the first
 * of its enum, or a value of its (first) type. */
static json_t *args_from_schema(const json_t *schema)
{
    json_t *args = json_object();
    const json_t *props = json_object_get(schema, "properties");
    size_t i;
    json_t *name;
    json_array_foreach(json_object_get(schema, "required"), i, name) {
        const json_t *p = json_object_get(props, json_string_value(name));
        const json_t *en = json_object_get(p, "enum");
        json_t *type = json_object_get(p, "type");
        if (json_is_array(type))
            type = json_array_get(type, 0);
        const char *t = json_string_value(type);
        json_t *v;
        if (json_array_size(en) > 0)
            v = json_deep_copy(json_array_get(en, 0));
        else if (t != NULL && strcmp(t, "integer") == 0)
            v = json_integer(0);
        else if (t != NULL && strcmp(t, "number") == 0)
            v = json_real(1.5);
        else if (t != NULL && strcmp(t, "boolean") == 0)
            v = json_true();
        else if (t != NULL && strcmp(t, "array") == 0)
            v = json_pack("[s]", "IFC4");
        else if (t != NULL && strcmp(t, "object") == 0)
            v = json_object();
        else
            v = json_string("IFCWALL");
        json_object_set_new(args, json_string_value(name), v);
    }
    return args;
}

static json_t *args_for(const tool_def *t, bool *listed)
{
    *listed = false;
    for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
        if (strcmp(examples[i].tool, t->name) != 0)
            continue;
        *listed = true;
        if (examples[i].args == NULL)
            return json_pack("{s:s, s:s}", "source", other_doc, "source_type", "string");
        json_t *args = json_loads(examples[i].args, 0, NULL);
        assert_non_null(args);
        return args;
    }
    return args_from_schema(tool_input_schema(t));
}

typedef struct outcome {
    bool replied;
    bool ok;
    bool exists;    /* the session is still there */
    char *doc;      /* its document afterwards */
    size_t live;
} outcome;

/* One call of tool on a fresh session, with allocation n failing (n < 0:
 * none). */
static void call_once(const tool_def *t, const json_t *args, long n, bool persists,
                      const char *before, outcome *out)
{
    char id[SESSION_ID_SIZE];
    new_session(start_doc, id);
    json_t *a = json_deep_copy(args);
    json_object_set_new(a, "session_id", json_string(id));
    char *text = tools_call_text(t->name, a);
    json_decref(a);
    size_t live = live_sessions();

    fflush(stderr);
    dup2(stderr_capture, 2);
    if (n >= 0)
        arm(n, persists);
    char *line = mcp_handle_text(conn, text, strlen(text));
    disarm();
    fflush(stderr);
    dup2(stderr_saved, 2);
    off_t printed = lseek(stderr_capture, 0, SEEK_END);
    if (printed != 0) {
        char head[300] = "";
        ssize_t got = pread(stderr_capture, head, sizeof(head) - 1, 0);
        head[got > 0 ? got : 0] = '\0';
        fail_msg("%s, allocation %ld: %lld bytes printed to stderr: %s", t->name, n,
                 (long long)printed, head);
    }
    free(text);

    memset(out, 0, sizeof(*out));
    out->replied = line != NULL;
    if (line != NULL) {
        json_t *reply = check_reply(line, t->name, n, &out->ok);
        json_decref(reply);
        snprintf(last_reply, sizeof(last_reply), "%s", line);
        free(line);
    } else if (n < 0 || !persists) {
        fail_msg("%s, allocation %ld: no reply", t->name, n);
    }
    out->doc = doc_bytes(id, &out->exists);
    out->live = live_sessions() - live + 1; /* sessions the call left, its own included */
    if (!out->ok && out->replied && before != NULL) {
        /* Failed: nothing changed. */
        if (!out->exists)
            fail_msg("%s, allocation %ld: the session is gone after a failure", t->name, n);
        assert_non_null(out->doc);
        if (strcmp(out->doc, before) != 0)
            fail_msg("%s, allocation %ld%s: document changed by a failed call: %s", t->name, n,
                     persists ? " and later" : "", last_reply);
        assert_int_equal(out->live, 1);
    }
    end_session(id);
}

/* Sweeps n over the allocations of one call of t. */
static void sweep_tool(const tool_def *t, bool persists)
{
    bool listed;
    json_t *args = args_for(t, &listed);
    char *before = NULL;
    {
        char id[SESSION_ID_SIZE];
        bool exists;
        new_session(start_doc, id);
        before = doc_bytes(id, &exists);
        end_session(id);
        assert_non_null(before);
    }
    /* With memory to spare: the reference, and how many allocations the
     * call makes. */
    outcome ref;
    call_once(t, args, -1, false, NULL, &ref);
    if (listed && !ref.ok)
        fail_msg("%s: the example call fails with memory to spare", t->name);
    {
        /* Count the allocations of the same call. */
        outcome counted;
        call_once(t, args, LONG_MAX, false, before, &counted);
        assert_false(fault_fired);
        free(counted.doc);
    }
    long total = allocations;
    assert_true(total > 0);

    size_t failures = 0;
    for (long n = 0;; n += n < dense ? 1 : stride) {
        outcome o;
        call_once(t, args, n, persists, before, &o);
        calls_made++;
        if (!fault_fired) {
            /* Ran through: as with memory to spare. */
            assert_true(o.replied);
            assert_int_equal(o.ok, ref.ok);
            free(o.doc);
            break;
        }
        failures += !o.ok;
        if (o.ok && ref.ok) {
            /* A success despite the failure is the whole success. */
            assert_int_equal(o.exists, ref.exists);
            if (ref.doc != NULL) {
                assert_non_null(o.doc);
                if (strcmp(o.doc, ref.doc) != 0) {
                    fprintf(stderr, "%s\ninstead of\n%s\n", o.doc, ref.doc);
                    fail_msg("%s, allocation %ld: success, but another document", t->name, n);
                }
            }
            assert_int_equal(o.live, ref.live);
        }
        free(o.doc);
        if (n > total + 1000)
            fail_msg("%s: allocation %ld never reached (the call makes %ld)", t->name, n,
                     total);
    }
    /* The failures were met, and most of them fail the call. */
    failed_calls += failures;
    free(ref.doc);
    free(before);
    json_decref(args);
}

static void sweep_all(bool persists)
{
    size_t count = 0;
    const tool_def *all = tool_catalogue(&count);
    assert_true(count > 0);
    failed_calls = 0;
    for (size_t i = 0; i < count; i++)
        sweep_tool(&all[i], persists);
    /* Some tools cannot fail once their arguments are read (a removal
     * allocates nothing it needs), but most can. */
    assert_true(failed_calls > 0);
}

static void test_every_tool_one_failure(void **state)
{
    (void)state;
    sweep_all(false);
}

static void test_every_tool_memory_runs_out(void **state)
{
    (void)state;
    if (under_valgrind && getenv("IDSD_FAULT_FULL") == NULL)
        skip(); /* the other sweep covers the leaks; this one is for crashes */
    sweep_all(true);
}

/* Out of memory before the request is read: an error reply (single
 * failure), never a crash, for the other methods a client calls. */
static void test_other_methods(void **state)
{
    (void)state;
    static const char *const requests[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{\"_meta\":" META "}}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"server/discover\",\"params\":{\"_meta\":" META
        "}}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"resources/list\",\"params\":{\"_meta\":" META
        "}}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"prompts/list\",\"params\":{\"_meta\":" META
        "}}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"_meta\":" META
        ",\"name\":\"no_such_tool\",\"arguments\":{}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"_meta\":" META
        ",\"name\":\"get_ids_info\",\"arguments\":{\"session_id\":\"nope\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"bogus\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{\"_meta\":" META "}",
    };
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        /* resources/list and prompts/list are small: every allocation of
         * theirs fails in turn even under valgrind, which sees what ASan
         * cannot inside jansson (a value used after a failed insertion
         * freed it). */
        bool every = i == 2 || i == 3;
        for (long n = 0;; n += every || n < dense ? 1 : stride) {
            arm(n, false);
            char *line = mcp_handle_text(conn, requests[i], strlen(requests[i]));
            disarm();
            if (line == NULL)
                fail_msg("request %zu, allocation %ld: no reply", i, n);
            bool ok;
            json_decref(check_reply(line, NULL, n, &ok));
            free(line);
            if (!fault_fired)
                break;
            assert_true(n < 100000);
        }
    }
}

int main(void)
{
    /* Before anything allocates through them. */
    if (xmlMemSetup(lib_free, lib_malloc, lib_realloc, lib_strdup) != 0)
        return 1;
    json_set_alloc_funcs(lib_malloc, lib_free);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_tool_one_failure),
        cmocka_unit_test(test_every_tool_memory_runs_out),
        cmocka_unit_test(test_other_methods),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
