/*
 * jsonrpc.c - JSON-RPC 2.0 framing: what a message is, how replies look.
 *
 * MCP narrows JSON-RPC in two places that matter here: a request id is a
 * string or an integer and never null, and params, when present, is an
 * object (arrays pass the framing check as JSON-RPC allows them, and the
 * MCP methods then refuse them as invalid params).
 */
#include "mcp/mcp_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *mcp_error_reply(json_t *id, int code, const char *message,
                        json_t *data)
{
    json_t *error = json_pack("{s:i, s:s}", "code", code, "message",
                              message ? message : "");
    json_t *reply = NULL;

    if (!error)
        goto out;
    if (data && json_object_set_new(error, "data", data) != 0) {
        data = NULL;
        goto out;
    }
    data = NULL;
    reply = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id",
                      id ? id : json_null(), "error", error);
    error = NULL;
out:
    json_decref(error);
    json_decref(data);
    return reply;
}

json_t *mcp_result_reply(json_t *id, json_t *result)
{
    /* json_pack's "o" steals result even when packing fails. */
    return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result",
                     result);
}

void mcp_outcome_error(mcp_outcome *out, int code, json_t *data,
                       const char *fmt, ...)
{
    va_list ap;

    json_decref(out->result);
    out->result = NULL;
    base_buf_free(&out->result_text);
    json_decref(out->data);
    out->data = data;
    out->code = code;
    /* Messages quote what the client sent: cut between characters. */
    va_start(ap, fmt);
    base_utf8_vformat(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
}

static bool valid_id(json_t *id)
{
    return json_is_string(id) || json_is_integer(id);
}

mcp_msg_kind mcp_jsonrpc_classify(json_t *msg, json_t **error_reply)
{
    json_t *id, *method, *version, *params;
    json_t *reply_id;
    const char *why;

    *error_reply = NULL;
    if (!json_is_object(msg)) {
        why = "Invalid Request: a message must be a JSON object";
        reply_id = NULL;
        goto invalid;
    }
    id = json_object_get(msg, "id");
    method = json_object_get(msg, "method");
    version = json_object_get(msg, "jsonrpc");
    params = json_object_get(msg, "params");
    reply_id = valid_id(id) ? id : NULL;

    if (!json_is_string(version) || strcmp(json_string_value(version), "2.0") != 0) {
        why = "Invalid Request: \"jsonrpc\" must be \"2.0\"";
        goto invalid;
    }
    if (!method) {
        /* A client's answer to a server request; idsd sends none, so there
         * is nothing to match it with and nothing to say. */
        if (id && (json_object_get(msg, "result") || json_object_get(msg, "error")))
            return MCP_MSG_RESPONSE;
        why = "Invalid Request: \"method\" is missing";
        goto invalid;
    }
    if (!json_is_string(method)) {
        why = "Invalid Request: \"method\" must be a string";
        goto invalid;
    }
    if (id && !valid_id(id)) {
        why = json_is_null(id)
                  ? "Invalid Request: \"id\" must not be null (MCP)"
                  : "Invalid Request: \"id\" must be a string or an integer";
        goto invalid;
    }
    if (params && !json_is_object(params) && !json_is_array(params)) {
        why = "Invalid Request: \"params\" must be an object";
        goto invalid;
    }
    return id ? MCP_MSG_REQUEST : MCP_MSG_NOTIFICATION;

invalid:
    *error_reply = mcp_error_reply(reply_id, MCP_INVALID_REQUEST, why, NULL);
    return MCP_MSG_INVALID;
}

char *mcp_jsonrpc_dump(json_t *msg)
{
    /* Compact output escapes every control character inside strings, so a
     * message never spans two lines (the stdio framing relies on it). */
    return base_json_dumps(msg);
}
