/*
 * report_files.c - writes the reports of one check result for the browser
 * test of the HTML report (run_report_html.sh).
 *
 * usage: report_files OUT_DIR
 *
 * Writes report.html, report.md, report.junit.xml and report.bcf (the
 * view_report formats) of a check result with passing, failing, not
 * applicable and hostile specifications, and expected.json: the counts
 * computed here from the check result itself (not from any rendering),
 * which the browser test compares with what the page shows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

#define N_WALLS 40

static view_check_element walls[N_WALLS];
static char wall_names[N_WALLS][32];
static char wall_guids[N_WALLS][23];

static const view_check_element door_elements[] = {
    {"3cUkl32yn9qRSPvBJVyWYp", "IfcDoor", "D-7", "Name is 'D-7'; it must match /D-[0-9]{3}/",
     311},
};
/* A model's strings may be anything. */
static const view_check_element xss_elements[] = {
    {"<script>window.__xss=1</script>", "IfcWall\x01", "\"><img src=x onerror=window.__xss=2>",
     "</style><!--\xE2\x80\xAE", 9},
};

static view_check_requirement wall_requirements[] = {
    {"Pset_WallCommon.FireRating must be one of REI30, REI60 (data type IfcLabel)", 55, walls,
     N_WALLS},
    {"Name must have a value", 0, NULL, 0},
    {"Qto_WallBaseQuantities.Width must be at least 0.2 and at most 0.5", 2, walls, 2},
};
static const view_check_requirement door_requirements[] = {
    {"Name must match /D-[0-9]{3}/", 1, door_elements, 1},
};
static const view_check_requirement xss_requirements[] = {
    {"<svg onload=window.__xss=3>", 1, xss_elements, 1},
};
static view_check_spec specs[] = {
    {"External walls", "W-1", "All IfcWall elements (IFC4) with Pset_WallCommon.IsExternal = true",
     VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 120, 63, 57, NULL, wall_requirements, 3},
    {"Doors", "D-1", "All IfcDoor elements (IFC4)", VIEW_USAGE_OPTIONAL, VIEW_CHECK_FAIL, 8, 7, 1,
     NULL, door_requirements, 1},
    {"Slabs", NULL, "All IfcSlab elements (IFC4)", VIEW_USAGE_REQUIRED, VIEW_CHECK_PASS, 12, 12, 0,
     NULL, NULL, 0},
    {"Ramps", NULL, "All IfcRamp elements (IFC4)", VIEW_USAGE_OPTIONAL,
     VIEW_CHECK_NOT_APPLICABLE, 0, 0, 0, NULL, NULL, 0},
    {"Spaces", NULL, "All IfcSpace elements (IFC4)", VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 0, 0,
     0, "required, but no element is applicable", NULL, 0},
    {"<script>window.__xss=4</script>", "javascript:window.__xss=5", "]]>",
     VIEW_USAGE_PROHIBITED, VIEW_CHECK_FAIL, 1, 0, 1, "\"><iframe src=javascript:window.__xss=6>",
     xss_requirements, 1},
};
static const view_check_result check = {"Handover <b>rules</b>", "house.ifc", "IFC4", specs,
                                        sizeof(specs) / sizeof(specs[0]), false, NULL};

static int write_bytes(const char *dir, const char *name, const char *data, size_t n)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "report_files: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int ok = fwrite(data, 1, n, f) == n;
    ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "report_files: cannot write %s\n", path);
    return ok ? 0 : -1;
}

static int write_report(const char *dir, const char *name, view_report_format f)
{
    base_buf b = {0};
    view_report_options o = {.created = 1796246246};
    view_status st = view_report(&b, f, &check, &o);
    if (st != VIEW_OK) {
        fprintf(stderr, "report_files: %s: %s\n", name, view_status_name(st));
        base_buf_free(&b);
        return -1;
    }
    int rc = write_bytes(dir, name, b.data, b.len);
    base_buf_free(&b);
    return rc;
}

/* The counts a person must see, from the check result. */
static int write_expected(const char *dir)
{
    base_buf b = {0};
    size_t pass = 0, fail = 0, na = 0, rows = 0;
    BASE_BUF_LITERAL(&b, "{\"specs\":[");
    for (size_t i = 0; i < check.n_specs; i++) {
        const view_check_spec *s = &specs[i];
        pass += s->status == VIEW_CHECK_PASS;
        fail += s->status == VIEW_CHECK_FAIL;
        na += s->status == VIEW_CHECK_NOT_APPLICABLE;
        size_t failed_reqs = 0, listed = 0;
        for (size_t r = 0; r < s->n_requirements; r++) {
            failed_reqs += s->requirements[r].n_failed > 0;
            listed += s->requirements[r].n_elements;
        }
        rows += listed;
        base_buf_printf(&b, "%s{\"name\":", i ? "," : "");
        base_json_put_string(&b, s->name, strlen(s->name));
        base_buf_printf(&b, ",\"status\":\"%s\",\"applicable\":%zu,\"passed\":%zu,"
                            "\"failed\":%zu,\"failed_requirements\":%zu,\"listed\":%zu}",
                        view_check_status_name(s->status), s->n_applicable, s->n_passed,
                        s->n_failed, failed_reqs, listed);
    }
    base_buf_printf(&b, "],\"total\":%zu,\"passed\":%zu,\"failed\":%zu,\"not_applicable\":%zu,"
                        "\"element_rows\":%zu}\n",
                    check.n_specs, pass, fail, na, rows);
    int rc = b.error == BASE_OK ? write_bytes(dir, "expected.json", b.data, b.len) : -1;
    base_buf_free(&b);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: report_files OUT_DIR\n");
        return 2;
    }
    static const char alphabet[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$";
    for (size_t i = 0; i < N_WALLS; i++) {
        snprintf(wall_names[i], sizeof wall_names[i], "Wall-%03zu", i + 1);
        for (size_t k = 0; k < 22; k++)
            wall_guids[i][k] = alphabet[(i * 7 + k * 13) % 64];
        wall_guids[i][0] = (char)('0' + i % 4);
        walls[i] = (view_check_element){wall_guids[i], "IfcWall", wall_names[i],
                                        "FireRating is missing", (unsigned long)(100 + i)};
    }
    const char *dir = argv[1];
    int rc = 0;
    rc |= write_report(dir, "report.html", VIEW_REPORT_HTML);
    rc |= write_report(dir, "report.md", VIEW_REPORT_MARKDOWN);
    rc |= write_report(dir, "report.junit.xml", VIEW_REPORT_JUNIT);
    rc |= write_report(dir, "report.bcf", VIEW_REPORT_BCF);
    rc |= write_expected(dir);
    return rc == 0 ? 0 : 1;
}
