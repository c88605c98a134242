/*
 * Fixture: a plugin written only with the header's kit (SY_EXPORT, sy_emit_*, sy_host_text),
 * built with -fvisibility=hidden. Tool "all" sends a PROGRESS, a LOG and a RESULT; tool "fail"
 * an ERROR whose message needs escaping; tool "refuse" fails start_call with error_out text.
 */
#define FIXTURE_TOOLS \
    "[{\"id\":\"all\",\"description\":\"progress, log, result\",\"input\":{\"type\":\"object\"}," \
    "\"output\":{\"type\":\"object\"}}," \
    "{\"id\":\"fail\",\"description\":\"an error frame\",\"input\":{\"type\":\"object\"},\"output\":{}}," \
    "{\"id\":\"refuse\",\"description\":\"start_call fails\",\"input\":{\"type\":\"object\"},\"output\":{}}]"
#include "fixture_plugin.h"

#include <stdlib.h>
#include <string.h>

static sy_status start_call(sy_instance *instance, const sy_call_request *request, sy_transferred_text *error_out) {
    const sy_host_api *host = instance->host;
    if (strcmp(request->tool_id, "all") == 0) {
        sy_emit_progress(host, request->call_id, "{\"step\":1}", 10);
        sy_emit_log(host, request->call_id, SY_LOG_INFO, "halfway", 7);
        sy_emit_result(host, request->call_id, "{\"done\":true}", 13);
        return SY_OK;
    }
    if (strcmp(request->tool_id, "fail") == 0) {
        sy_emit_error(host, request->call_id, SY_ERROR_KIND_INVALID_INPUT, "bad \"x\"\n\ttab\\ \x01 é");
        return SY_OK;
    }
    *error_out = sy_host_text(host, "refuse: no such thing");
    return SY_E_INVALID_ARGUMENT;
}

static void cancel_call(sy_instance *instance, uint64_t call_id) { (void)instance, (void)call_id; }
static void release_call(sy_instance *instance, uint64_t call_id) { (void)instance, (void)call_id; }

FIXTURE_ENTRY("kit_helpers")
