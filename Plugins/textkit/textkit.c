/*
 * textkit — the example Switchyard adapter: a few text tools behind the C ABI.
 *
 * Pure C99 plus pthreads, in three files: this one (the hooks and the sleep worker), tk_json.c
 * and tk_text_tools.c. It includes no Switchyard header but <switchyard/adapter.h> and links no
 * host symbol: everything it needs from the host comes through the sy_host_api table.
 * Builds with SwiftPM (target TextKitAdapter) and with a plain `cc -shared -fPIC` (Makefile).
 *
 * Tools: upper, word_count, reverse, slugify (answer inside start_call), count_to (streams
 * progress frames, then answers inside start_call) and sleep (a worker thread waits and honours
 * cancel_call).
 *
 * Thread safety: the instance lock guards the list of running sleep calls and their cancel
 * flags. No lock is ever held across host->emit, because the host may call release_call from
 * inside emit of a terminal frame. Per-call state of a sleep call is reference counted (the
 * instance list holds one reference, the worker thread one), so release_call can free it while
 * the worker is still returning from emit.
 */
#define _POSIX_C_SOURCE 200809L

#include <switchyard/adapter.h>

#include "textkit_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__GNUC__)
#define TK_EXPORT __attribute__((visibility("default")))
#else
#define TK_EXPORT
#endif

TK_EXPORT sy_status switchyard_adapter_entry(const sy_host_api *host, sy_adapter_api *api_out);

/* ---- Instance and per-call state ------------------------------------------------------ */

typedef struct tk_sleep_call {
    uint64_t call_id;
    int references; /* the instance's list and the worker thread; guarded by the instance lock */
    int canceled;
    long long ms;
    pthread_cond_t wake;
    struct sy_instance *instance;
    struct tk_sleep_call *next;
} tk_sleep_call;

struct sy_instance {
    const sy_host_api *host;
    pthread_mutex_t lock;
    pthread_cond_t idle;  /* signalled when `workers` drops to 0 */
    tk_sleep_call *calls; /* running and unreleased sleep calls */
    int workers;          /* live worker threads; destroy waits for 0 */
};

static char *tk_host_text(const sy_host_api *host, const char *text) {
    size_t length = strlen(text);
    char *copy = host->alloc(host->host_context, length + 1);
    if (copy) memcpy(copy, text, length + 1);
    return copy;
}

static sy_status tk_emit(const sy_host_api *host, uint64_t call_id, sy_frame_kind kind, uint32_t flags,
                         const char *bytes, size_t length) {
    sy_frame frame;
    memset(&frame, 0, sizeof frame);
    frame.struct_size = (uint32_t)sizeof frame;
    frame.kind = kind;
    frame.flags = flags;
    frame.data = (const uint8_t *)bytes;
    frame.length = length;
    return host->emit(host->host_context, call_id, &frame);
}

static sy_status tk_emit_result(const sy_host_api *host, uint64_t call_id, const tk_buffer *json) {
    return tk_emit(host, call_id, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, json->bytes, json->length);
}

static void tk_emit_error(const sy_host_api *host, uint64_t call_id, const char *kind, const char *message) {
    tk_buffer json = {0};
    tk_append_text(&json, "{\"kind\":");
    tk_append_quoted(&json, kind, strlen(kind));
    tk_append_text(&json, ",\"message\":");
    tk_append_quoted(&json, message, strlen(message));
    tk_append_text(&json, "}");
    if (json.failed) tk_emit(host, call_id, SY_FRAME_ERROR, SY_FRAME_FLAG_END_OF_STREAM,
                             "{\"kind\":\"tool_error\",\"message\":\"out of memory\"}", 46);
    else tk_emit(host, call_id, SY_FRAME_ERROR, SY_FRAME_FLAG_END_OF_STREAM, json.bytes, json.length);
    free(json.bytes);
}

static void tk_sleep_call_unref(struct sy_instance *instance, tk_sleep_call *call) {
    pthread_mutex_lock(&instance->lock);
    int remaining = --call->references;
    pthread_mutex_unlock(&instance->lock);
    if (remaining == 0) {
        pthread_cond_destroy(&call->wake);
        free(call);
    }
}

static void *tk_sleep_worker(void *argument) {
    tk_sleep_call *call = argument;
    struct sy_instance *instance = call->instance;
    const sy_host_api *host = instance->host;
    uint64_t call_id = call->call_id;
    long long ms = call->ms;

    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)(ms / 1000);
    deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&instance->lock);
    while (!call->canceled) {
        if (pthread_cond_timedwait(&call->wake, &instance->lock, &deadline) == ETIMEDOUT) break;
    }
    int canceled = call->canceled;
    pthread_mutex_unlock(&instance->lock);

    if (canceled) {
        tk_emit_error(host, call_id, SY_ERROR_KIND_CANCELED, "sleep: canceled");
    } else {
        tk_buffer json = {0};
        tk_append_text(&json, "{\"slept_ms\":");
        tk_append_int(&json, ms);
        tk_append_text(&json, "}");
        if (json.failed) tk_emit_error(host, call_id, SY_ERROR_KIND_TOOL_ERROR, "sleep: out of memory");
        else tk_emit_result(host, call_id, &json);
        free(json.bytes);
    }
    tk_sleep_call_unref(instance, call);

    pthread_mutex_lock(&instance->lock);
    if (--instance->workers == 0) pthread_cond_broadcast(&instance->idle);
    pthread_mutex_unlock(&instance->lock);
    return NULL;
}

static sy_status tk_start_sleep(struct sy_instance *instance, uint64_t call_id, long long ms, char **error_out) {
    tk_sleep_call *call = calloc(1, sizeof *call);
    if (!call) {
        *error_out = tk_host_text(instance->host, "sleep: out of memory");
        return SY_E_INTERNAL;
    }
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&call->wake, &attributes);
    pthread_condattr_destroy(&attributes);
    call->call_id = call_id;
    call->ms = ms;
    call->instance = instance;
    call->references = 2;

    pthread_mutex_lock(&instance->lock);
    call->next = instance->calls;
    instance->calls = call;
    instance->workers++;
    pthread_mutex_unlock(&instance->lock);

    pthread_attr_t thread_attributes;
    pthread_attr_init(&thread_attributes);
    pthread_attr_setdetachstate(&thread_attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&thread_attributes, 64 * 1024);
    pthread_t thread;
    int failed = pthread_create(&thread, &thread_attributes, tk_sleep_worker, call);
    pthread_attr_destroy(&thread_attributes);
    if (failed) {
        /* The call never started: take it back out of the list and drop both references. */
        pthread_mutex_lock(&instance->lock);
        for (tk_sleep_call **link = &instance->calls; *link; link = &(*link)->next) {
            if (*link == call) {
                *link = call->next;
                break;
            }
        }
        if (--instance->workers == 0) pthread_cond_broadcast(&instance->idle);
        pthread_mutex_unlock(&instance->lock);
        pthread_cond_destroy(&call->wake);
        free(call);
        *error_out = tk_host_text(instance->host, "sleep: cannot start a worker thread");
        return SY_E_INTERNAL;
    }
    return SY_OK;
}

/* ---- Hooks -------------------------------------------------------------------------- */

static const char tk_describe_json[] =
    "["
    "{\"id\":\"upper\",\"description\":\"Upper-cases ASCII letters of text.\","
    "\"input\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]},"
    "\"output\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}},"
    "{\"id\":\"word_count\",\"description\":\"Counts whitespace-separated words and characters.\","
    "\"input\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]},"
    "\"output\":{\"type\":\"object\",\"properties\":{\"words\":{\"type\":\"integer\"},\"chars\":{\"type\":\"integer\"}}}},"
    "{\"id\":\"reverse\",\"description\":\"Reverses text by character.\","
    "\"input\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]},"
    "\"output\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}},"
    "{\"id\":\"slugify\",\"description\":\"Turns text into a lower-case URL slug.\","
    "\"input\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]},"
    "\"output\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}},"
    "{\"id\":\"count_to\",\"description\":\"Reports progress {i} for i in 1...n, then {count: n}.\","
    "\"input\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100000}},"
    "\"required\":[\"n\"]},"
    "\"output\":{\"type\":\"object\",\"properties\":{\"count\":{\"type\":\"integer\"}}}},"
    "{\"id\":\"sleep\",\"description\":\"Waits ms milliseconds on a worker thread; cancelable.\","
    "\"input\":{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":3600000}},"
    "\"required\":[\"ms\"]},"
    "\"output\":{\"type\":\"object\",\"properties\":{\"slept_ms\":{\"type\":\"integer\"}}}}"
    "]";

static sy_status tk_create(const sy_host_api *host, const uint8_t *config_json, uint64_t config_length,
                           sy_instance **instance_out, char **error_out) {
    if (!host || !instance_out) return SY_E_INVALID_ARGUMENT;
    tk_value probe = tk_member(config_json, config_length, "");
    free(probe.text);
    if (probe.kind == TK_MALFORMED) {
        if (error_out) *error_out = tk_host_text(host, "textkit: config must be a JSON object");
        return SY_E_INVALID_ARGUMENT;
    }
    struct sy_instance *instance = calloc(1, sizeof *instance);
    if (!instance) return SY_E_INTERNAL;
    instance->host = host;
    pthread_mutex_init(&instance->lock, NULL);
    pthread_cond_init(&instance->idle, NULL);
    *instance_out = instance;
    return SY_OK;
}

static sy_status tk_describe(sy_instance *instance, uint8_t **json_out, uint64_t *json_length_out, char **error_out) {
    (void)error_out;
    size_t length = sizeof tk_describe_json - 1;
    uint8_t *json = instance->host->alloc(instance->host->host_context, length + 1);
    if (!json) return SY_E_INTERNAL;
    memcpy(json, tk_describe_json, length + 1);
    *json_out = json;
    *json_length_out = length;
    return SY_OK;
}

/* Reads the required member `field` of the input; on failure fills `*error_out`. */
static int tk_require(sy_instance *instance, const sy_call_request *request, const char *tool, const char *field,
                      tk_kind kind, tk_value *value, char **error_out) {
    *value = tk_member(request->input_json, request->input_json_length, field);
    if (value->kind == kind) return 1;
    char message[160];
    const char *what = kind == TK_STRING ? "a string" : "an integer";
    size_t at = 0;
    const char *parts[] = {tool, ": input field \"", field, "\" must be ", what};
    if (value->kind == TK_MALFORMED) {
        const char *malformed[] = {tool, ": input is not a JSON object", "", "", ""};
        memcpy(parts, malformed, sizeof parts);
    }
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        size_t length = strlen(parts[i]);
        if (at + length >= sizeof message) length = sizeof message - at - 1;
        memcpy(message + at, parts[i], length);
        at += length;
    }
    message[at] = 0;
    free(value->text);
    value->text = NULL;
    *error_out = tk_host_text(instance->host, message);
    return 0;
}

static sy_status tk_start_call(sy_instance *instance, const sy_call_request *request, char **error_out) {
    if (!instance || !request || request->struct_size < sizeof(sy_call_request) || !request->tool_id)
        return SY_E_INVALID_ARGUMENT;
    const char *tool = request->tool_id;
    const sy_host_api *host = instance->host;
    tk_value value;

    if (strcmp(tool, "sleep") == 0) {
        if (!tk_require(instance, request, tool, "ms", TK_INTEGER, &value, error_out)) return SY_E_INVALID_ARGUMENT;
        if (value.integer < 0 || value.integer > 3600000) {
            *error_out = tk_host_text(host, "sleep: input field \"ms\" must be between 0 and 3600000");
            return SY_E_INVALID_ARGUMENT;
        }
        return tk_start_sleep(instance, request->call_id, value.integer, error_out);
    }
    if (strcmp(tool, "count_to") == 0) {
        if (!tk_require(instance, request, tool, "n", TK_INTEGER, &value, error_out)) return SY_E_INVALID_ARGUMENT;
        if (value.integer < 0 || value.integer > 100000) {
            *error_out = tk_host_text(host, "count_to: input field \"n\" must be between 0 and 100000");
            return SY_E_INVALID_ARGUMENT;
        }
        tk_buffer json = {0};
        for (long long i = 1; i <= value.integer; i++) {
            json.length = 0;
            tk_append_text(&json, "{\"i\":");
            tk_append_int(&json, i);
            tk_append_text(&json, "}");
            if (json.failed) break;
            /* A non-OK answer means the host stopped listening (canceled, limit): stop early. */
            if (tk_emit(host, request->call_id, SY_FRAME_PROGRESS, 0, json.bytes, json.length) != SY_OK) break;
        }
        json.length = 0;
        tk_append_text(&json, "{\"count\":");
        tk_append_int(&json, value.integer);
        tk_append_text(&json, "}");
        if (json.failed) tk_emit_error(host, request->call_id, SY_ERROR_KIND_TOOL_ERROR, "count_to: out of memory");
        else tk_emit_result(host, request->call_id, &json);
        free(json.bytes);
        return SY_OK;
    }

    void (*transform)(const tk_value *, tk_buffer *) = NULL;
    if (strcmp(tool, "upper") == 0) transform = tk_upper;
    else if (strcmp(tool, "word_count") == 0) transform = tk_word_count;
    else if (strcmp(tool, "reverse") == 0) transform = tk_reverse;
    else if (strcmp(tool, "slugify") == 0) transform = tk_slugify;
    if (!transform) {
        const char *prefix = "textkit: no tool named ";
        size_t length = strlen(prefix) + strlen(tool);
        char *message = host->alloc(host->host_context, length + 1);
        if (message) {
            memcpy(message, prefix, strlen(prefix));
            memcpy(message + strlen(prefix), tool, strlen(tool) + 1);
        }
        *error_out = message;
        return SY_E_NOT_FOUND;
    }
    value = tk_member(request->input_json, request->input_json_length, "text");
    if (value.kind != TK_STRING) {
        /* Bad input after a successful start is reported as a frame, as a tool would. */
        free(value.text);
        const char *message = value.kind == TK_MALFORMED ? ": input is not a JSON object"
                                                         : ": input field \"text\" must be a string";
        char text[96];
        size_t tool_length = strlen(tool), message_length = strlen(message);
        memcpy(text, tool, tool_length);
        memcpy(text + tool_length, message, message_length + 1);
        tk_emit_error(host, request->call_id, SY_ERROR_KIND_INVALID_INPUT, text);
        return SY_OK;
    }
    tk_buffer json = {0};
    transform(&value, &json);
    free(value.text);
    if (json.failed) tk_emit_error(host, request->call_id, SY_ERROR_KIND_TOOL_ERROR, "textkit: out of memory");
    else tk_emit_result(host, request->call_id, &json);
    free(json.bytes);
    return SY_OK;
}

static void tk_cancel_call(sy_instance *instance, uint64_t call_id) {
    pthread_mutex_lock(&instance->lock);
    for (tk_sleep_call *call = instance->calls; call; call = call->next) {
        if (call->call_id == call_id) {
            call->canceled = 1;
            pthread_cond_signal(&call->wake);
            break;
        }
    }
    pthread_mutex_unlock(&instance->lock);
}

static void tk_release_call(sy_instance *instance, uint64_t call_id) {
    tk_sleep_call *found = NULL;
    pthread_mutex_lock(&instance->lock);
    for (tk_sleep_call **link = &instance->calls; *link; link = &(*link)->next) {
        if ((*link)->call_id == call_id) {
            found = *link;
            *link = found->next;
            /* A released call that is still sleeping (the host gave up waiting) must wake. */
            found->canceled = 1;
            pthread_cond_signal(&found->wake);
            break;
        }
    }
    pthread_mutex_unlock(&instance->lock);
    if (found) tk_sleep_call_unref(instance, found);
}

static void tk_destroy(sy_instance *instance) {
    pthread_mutex_lock(&instance->lock);
    for (tk_sleep_call *call = instance->calls; call; call = call->next) {
        call->canceled = 1;
        pthread_cond_signal(&call->wake);
    }
    while (instance->workers > 0) pthread_cond_wait(&instance->idle, &instance->lock);
    tk_sleep_call *call = instance->calls;
    instance->calls = NULL;
    pthread_mutex_unlock(&instance->lock);
    while (call) {
        tk_sleep_call *next = call->next;
        pthread_cond_destroy(&call->wake);
        free(call);
        call = next;
    }
    pthread_cond_destroy(&instance->idle);
    pthread_mutex_destroy(&instance->lock);
    free(instance);
}

sy_status switchyard_adapter_entry(const sy_host_api *host, sy_adapter_api *api_out) {
    if (!host || !api_out) return SY_E_INVALID_ARGUMENT;
    if (host->abi_major != SY_ABI_VERSION_MAJOR) return SY_E_VERSION;
    /* Every field textkit fills is part of ABI 1.0; a table smaller than that cannot hold them. */
    if (api_out->struct_size < sizeof(sy_adapter_api)) return SY_E_VERSION;
    api_out->abi_major = SY_ABI_VERSION_MAJOR;
    uint32_t own_minor = SY_ABI_VERSION_MINOR;
    api_out->abi_minor = host->abi_minor < own_minor ? host->abi_minor : own_minor;
    api_out->reserved = 0;
    api_out->adapter_name = "textkit";
    api_out->adapter_version = "1.0.0";
    api_out->create = tk_create;
    api_out->describe = tk_describe;
    api_out->start_call = tk_start_call;
    api_out->cancel_call = tk_cancel_call;
    api_out->release_call = tk_release_call;
    api_out->destroy = tk_destroy;
    return SY_OK;
}
