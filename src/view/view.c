/*
 * view.c - the public entry points: Markdown, the HTML body, the page
 * and its Content-Security-Policy.
 */
#include "view/view_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *view_status_name(view_status status)
{
    switch (status) {
    case VIEW_OK: return "ok";
    case VIEW_ERR_NOMEM: return "nomem";
    case VIEW_ERR_INVALID_ARG: return "invalid_argument";
    case VIEW_ERR_TOO_BIG: return "too_big";
    case VIEW_ERR_DOCUMENT: return "document";
    default: return "unknown";
    }
}

const char *view_check_status_name(view_check_status status)
{
    switch (status) {
    case VIEW_CHECK_PASS: return "pass";
    case VIEW_CHECK_FAIL: return "fail";
    default: return "not applicable";
    }
}

char *view_buf_take(base_buf *b, size_t *len, view_status *why)
{
    base_status failed = b->error;
    char *out = failed == BASE_OK ? base_buf_take(b, len) : NULL;
    if (out == NULL && failed == BASE_OK)
        failed = BASE_NOMEM; /* the take itself ran out */
    base_buf_free(b);
    switch (failed) {
    case BASE_OK: *why = VIEW_OK; break;
    case BASE_TOO_BIG: *why = VIEW_ERR_TOO_BIG; break;
    case BASE_NOMEM: *why = VIEW_ERR_NOMEM; break;
    default: *why = VIEW_ERR_INVALID_ARG; break;
    }
    return out;
}

static view_status finish(base_buf *b, char **out, size_t *len)
{
    view_status st;
    *out = view_buf_take(b, len, &st);
    if (*out == NULL && len != NULL)
        *len = 0;
    return st;
}

static view_status start(const view_input *in, char **out, size_t *len, base_buf *b)
{
    if (out == NULL)
        return VIEW_ERR_INVALID_ARG;
    *out = NULL;
    if (len != NULL)
        *len = 0;
    if (in == NULL)
        return VIEW_ERR_INVALID_ARG;
    memset(b, 0, sizeof(*b));
    b->max = in->max_bytes != 0 ? in->max_bytes : VIEW_DEFAULT_MAX_BYTES;
    return VIEW_OK;
}

view_status view_markdown(const view_input *in, char **out, size_t *len)
{
    base_buf b;
    view_status st = start(in, out, len, &b);
    if (st != VIEW_OK)
        return st;
    if (in->doc != NULL) {
        view_model m;
        st = view_model_build(in, &m);
        if (st != VIEW_OK)
            return st;
        view_md_document(&b, &m);
        view_model_free(&m);
    }
    if (in->check != NULL)
        view_md_check(&b, in->check, in->doc == NULL);
    if (in->doc == NULL && in->check == NULL)
        BASE_BUF_LITERAL(&b, "No document yet.\n");
    return finish(&b, out, len);
}

/* The body into b (shared by the body and the page). */
static view_status body(const view_input *in, base_buf *b)
{
    if (in->doc != NULL) {
        view_model m;
        view_status st = view_model_build(in, &m);
        if (st != VIEW_OK)
            return st;
        view_html_document(b, &m);
        view_model_free(&m);
    }
    if (in->check != NULL)
        view_html_check(b, in->check, in->doc == NULL);
    if (in->doc == NULL && in->check == NULL)
        BASE_BUF_LITERAL(b, "<p class=\"empty\">Waiting for a document\xE2\x80\xA6</p>");
    return VIEW_OK;
}

view_status view_html_body(const view_input *in, char **out, size_t *len)
{
    base_buf b;
    view_status st = start(in, out, len, &b);
    if (st != VIEW_OK)
        return st;
    st = body(in, &b);
    if (st != VIEW_OK) {
        base_buf_free(&b);
        return st;
    }
    return finish(&b, out, len);
}

/* ---- page ------------------------------------------------------------------ */

/* A same-origin path: "/" then URL characters that need no escaping in
 * an attribute and cannot leave the origin ("//host", "/\host"). */
static bool live_url_ok(const char *url)
{
    if (url[0] != '/' || url[1] == '/' || url[1] == '\\')
        return false;
    for (const char *p = url; *p != '\0'; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  strchr("/-._~%?=&+", c) != NULL;
        if (!ok)
            return false;
    }
    return true;
}

/* Program text only, but a "</script" inside it would end the element. */
static bool script_ok(const char *s)
{
    for (const char *p = s; *p != '\0'; p++) {
        if (*p != '<')
            continue;
        if (strncmp(p, "<!--", 4) == 0 || strncasecmp(p, "</script", 8) == 0)
            return false;
    }
    return true;
}

static view_status check_options(const view_page_options *opts)
{
    if (opts == NULL)
        return VIEW_OK;
    if (opts->live_url != NULL && !live_url_ok(opts->live_url))
        return VIEW_ERR_INVALID_ARG;
    if (opts->extra_script != NULL && !script_ok(opts->extra_script))
        return VIEW_ERR_INVALID_ARG;
    return VIEW_OK;
}

static void csp(base_buf *b, const view_page_options *opts)
{
    char hash[60];
    view_csp_hash(view_page_script, hash);
    base_buf_printf(b, "default-src 'none'; script-src '%s'", hash);
    if (opts != NULL && opts->extra_script != NULL) {
        view_csp_hash(opts->extra_script, hash);
        base_buf_printf(b, " '%s'", hash);
    }
    view_csp_hash(view_page_style, hash);
    base_buf_printf(b, "; style-src '%s'; img-src data:", hash);
    if (opts != NULL && opts->live_url != NULL)
        BASE_BUF_LITERAL(b, "; connect-src 'self'");
    BASE_BUF_LITERAL(b, "; base-uri 'none'; form-action 'none'");
}

view_status view_csp_header(const view_page_options *opts, char **out)
{
    if (out == NULL)
        return VIEW_ERR_INVALID_ARG;
    *out = NULL;
    view_status st = check_options(opts);
    if (st != VIEW_OK)
        return st;
    base_buf b = {0};
    csp(&b, opts);
    BASE_BUF_LITERAL(&b, "; frame-ancestors 'none'");
    return finish(&b, out, NULL);
}

static const char *page_title(const view_input *in, char **owned)
{
    *owned = NULL;
    if (in->doc != NULL) {
        *owned = ids_info_get_dup(in->doc, IDS_INFO_TITLE);
        if (*owned != NULL)
            return *owned;
    }
    if (in->check != NULL && in->check->model != NULL)
        return in->check->model;
    return "IDS";
}

view_status view_html_page(const view_input *in, const view_page_options *opts, char **out,
                           size_t *len)
{
    base_buf b;
    view_status st = start(in, out, len, &b);
    if (st != VIEW_OK)
        return st;
    st = check_options(opts);
    if (st != VIEW_OK)
        return st;
    BASE_BUF_LITERAL(&b, "<!DOCTYPE html>\n<html lang=\"en\"");
    if (opts != NULL && opts->live_url != NULL) {
        BASE_BUF_LITERAL(&b, " data-live=\"");
        view_put_cstr(&b, VIEW_MODE_HTML, opts->live_url);
        base_buf_append_char(&b, '"');
    }
    BASE_BUF_LITERAL(&b, ">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"");
    csp(&b, opts);
    BASE_BUF_LITERAL(&b, "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta name=\"referrer\" content=\"no-referrer\">\n"
               "<link rel=\"icon\" href=\"data:,\">\n<title>");
    char *owned;
    view_put_cstr(&b, VIEW_MODE_HTML, page_title(in, &owned));
    free(owned);
    BASE_BUF_LITERAL(&b, "</title>\n<style>");
    base_buf_append_str(&b, view_page_style);
    BASE_BUF_LITERAL(&b, "</style>\n</head>\n<body>\n<div id=\"status\" role=\"status\" hidden></div>\n"
               "<main id=\"view\" aria-live=\"polite\">");
    st = body(in, &b);
    if (st != VIEW_OK) {
        base_buf_free(&b);
        return st;
    }
    BASE_BUF_LITERAL(&b, "</main>\n<script>");
    base_buf_append_str(&b, view_page_script);
    BASE_BUF_LITERAL(&b, "</script>\n");
    if (opts != NULL && opts->extra_script != NULL) {
        BASE_BUF_LITERAL(&b, "<script>");
        base_buf_append_str(&b, opts->extra_script);
        BASE_BUF_LITERAL(&b, "</script>\n");
    }
    BASE_BUF_LITERAL(&b, "</body>\n</html>\n");
    return finish(&b, out, len);
}
