/*
 * fuzz_verify.c - libFuzzer target for the model index and the check
 * (src/ifc/model.c, src/verify): the input is a STEP model, checked
 * against one fixed IDS document whose specifications use every facet
 * kind, cardinality, restriction kind and partOf relation, with several
 * specifications selecting by attribute, property, classification,
 * material and partOf (so every instance is a candidate somewhere).
 * Besides crashes it traps when a result contradicts itself: counts that
 * do not add up, more failures listed than asked or than counted, a
 * failure without a reason or with text that is not UTF-8.
 */
#include "ids/ids.h"
#include "ifc/model.h"
#include "verify/verify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                \
    do {                           \
        if (!(cond))               \
            __builtin_trap();      \
    } while (0)

#define MAX_FAILURES 3

#define SPEC(app, req)                                                              \
    "<specification name=\"s\" ifcVersion=\"IFC2X3 IFC4 IFC4X3_ADD2\"><applicability " \
    "minOccurs=\"0\" maxOccurs=\"unbounded\">" app "</applicability><requirements>"  \
    req "</requirements></specification>"
#define SV(v) "<simpleValue>" v "</simpleValue>"
#define PAT(p) "<xs:restriction base=\"xs:string\"><xs:pattern value=\"" p "\"/></xs:restriction>"
#define ENTITY(n) "<entity><name>" SV(n) "</name></entity>"
#define ANY_ENTITY "<entity><name>" PAT("IFC[A-Z]+") "</name></entity>"

static const char ids_text[] =
    "<ids xmlns=\"http://standards.buildingsmart.org/IDS\" "
    "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><info><title>fuzz</title></info>"
    "<specifications>"
    SPEC(ANY_ENTITY,
         "<entity><name>" PAT("IFCWALL.*") "</name><predefinedType>" SV("STANDARD")
         "</predefinedType></entity>")
    SPEC("<attribute><name>" PAT("[A-Z][a-zA-Z]+") "</name></attribute>",
         "<attribute><name>" SV("Name") "</name><value><xs:restriction base=\"xs:string\">"
         "<xs:minLength value=\"1\"/><xs:maxLength value=\"40\"/></xs:restriction></value>"
         "</attribute>"
         "<attribute cardinality=\"optional\"><name>" SV("Description") "</name></attribute>")
    SPEC("<property><propertySet>" PAT(".*") "</propertySet><baseName>" PAT(".*")
         "</baseName></property>",
         "<property dataType=\"IFCLENGTHMEASURE\"><propertySet>" PAT("Pset_.*")
         "</propertySet><baseName>" SV("Width") "</baseName><value><xs:restriction "
         "base=\"xs:double\"><xs:minInclusive value=\"0.1\"/><xs:maxExclusive value=\"2\"/>"
         "</xs:restriction></value></property>"
         "<property cardinality=\"prohibited\"><propertySet>" SV("Foo") "</propertySet>"
         "<baseName>" SV("Bar") "</baseName></property>"
         "<property dataType=\"IFCLABEL\" cardinality=\"optional\"><propertySet>"
         SV("Pset_WallCommon") "</propertySet><baseName>" SV("FireRating")
         "</baseName><value><xs:restriction base=\"xs:string\"><xs:enumeration "
         "value=\"REI30\"/><xs:enumeration value=\"REI60\"/></xs:restriction></value>"
         "</property>")
    SPEC("<classification><system>" PAT(".*") "</system></classification>",
         "<classification><value>" PAT("EF_[0-9_]+") "</value><system>" SV("Uniclass")
         "</system></classification>")
    SPEC("<material/>",
         "<material><value>" SV("Concrete") "</value></material>")
    SPEC("<partOf><entity><name>" PAT("IFC.*") "</name></entity></partOf>",
         "<partOf relation=\"IFCRELAGGREGATES\"><entity><name>" SV("IFCBUILDING")
         "</name></entity></partOf>"
         "<partOf relation=\"IFCRELCONTAINEDINSPATIALSTRUCTURE\"><entity><name>"
         SV("IFCBUILDINGSTOREY") "</name><predefinedType>" SV("USERDEFINED")
         "</predefinedType></entity></partOf>"
         "<partOf relation=\"IFCRELNESTS\"><entity><name>" SV("IFCWALL") "</name></entity>"
         "</partOf>"
         "<partOf relation=\"IFCRELVOIDSELEMENT IFCRELFILLSELEMENT\"><entity><name>"
         SV("IFCWALL") "</name></entity></partOf>"
         "<partOf relation=\"IFCRELASSIGNSTOGROUP\"><entity><name>" SV("IFCGROUP")
         "</name></entity></partOf>")
    SPEC(ENTITY("IFCDOOR"),
         "<attribute><name>" SV("OverallHeight") "</name><value>" SV("2.1") "</value>"
         "</attribute>")
    "</specifications></ids>";

static verify_plan *plan;
static ids_doc *doc;

static bool valid_utf8(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                                  : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (len == 0 || i + len > n)
            return false;
        for (size_t k = 1; k < len; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ids_error err;
    verify_error verr;
    (void)argc;
    (void)argv;
    ids_library_init();
    ids_error_clear(&err);
    if (ids_doc_load_string(ids_text, strlen(ids_text), NULL, &doc, &err) != IDS_OK)
        abort();
    if (verify_plan_new(doc, &plan, &verr) != VERIFY_OK)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ifc_model *m = NULL;
    ifc_step_error err;
    verify_result *res = NULL;
    verify_error verr;
    ifc_step_limits limits = {
        .max_instances = 2000,
        .max_depth = 12,
        .max_string_bytes = 1024,
        .max_type_names = 64,
    };

    ifc_step_error_clear(&err);
    if (ifc_model_open_memory(data, size, &limits, &m, &err) != IFC_STEP_OK) {
        CHECK(m == NULL && err.code != IFC_STEP_OK && err.message[0] != '\0');
        return 0;
    }
    verify_options o = {.jobs = 1, .max_failures = MAX_FAILURES};
    CHECK(verify_run(plan, m, &o, &res, &verr) == VERIFY_OK);
    CHECK(res->n_specs == verify_plan_spec_count(plan));
    CHECK(res->n_done == res->n_specs);
    CHECK(res->n_passed + res->n_failed == res->n_specs);
    for (size_t i = 0; i < res->n_specs; i++) {
        const verify_spec_result *s = &res->specs[i];
        CHECK(s->n_passed + s->n_failed == s->n_applicable);
        CHECK(s->status != VERIFY_SPEC_PASS || s->n_failed == 0);
        for (size_t q = 0; q < s->n_requirements; q++) {
            const verify_requirement *rq = &s->requirements[q];
            CHECK(rq->n_failures <= MAX_FAILURES && rq->n_failures <= rq->n_failed);
            CHECK(rq->n_failed <= s->n_failed);
            for (size_t k = 0; k < rq->n_failures; k++) {
                const verify_failure *f = &rq->failures[k];
                CHECK(f->reason && f->reason[0] && valid_utf8(f->reason));
                CHECK(f->ifc_class != NULL);
                CHECK(!f->global_id || valid_utf8(f->global_id));
                CHECK(!f->name || valid_utf8(f->name));
            }
        }
    }
    verify_result_free(res);
    ifc_model_free(m);
    return 0;
}
