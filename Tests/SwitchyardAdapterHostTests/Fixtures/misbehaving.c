/*
 * Fixture: an adapter whose tools break the protocol on purpose, one way each.
 *   ok_chunked     a RESULT in three chunks (well-behaved)
 *   never_ends     starts and never sends a terminal frame, ignores cancel
 *   two_terminals  sends two RESULT frames inside start_call
 *   late_emit      a worker sends the RESULT, waits for release, then emits twice more
 *   bad_progress   a PROGRESS frame with malformed JSON
 *   non_utf8       a RESULT whose string is not UTF-8
 *   over_limit     streams RESULT chunks until the host says stop
 *   mixed_chunk    a RESULT chunk continued by a PROGRESS chunk
 *   progress_end   a PROGRESS frame flagged END_OF_STREAM
 * Calls that wait for a cancel answer it from inside cancel_call with ERROR "canceled".
 * Statuses the host returned are recorded for the tests (fixture_status).
 */
#define _POSIX_C_SOURCE 200809L
#include <switchyard/adapter.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

EXPORT sy_status switchyard_adapter_entry(const sy_host_api *host, sy_adapter_api *api_out);
EXPORT int32_t fixture_status(int index);
EXPORT int fixture_releases(void);
EXPORT int fixture_late_done(void);

struct sy_instance {
    const sy_host_api *host;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int32_t statuses[8];
static int releases;
static uint64_t waiting[64]; /* calls that answer cancel_call */
static uint64_t late_call;
static int late_released;
static int late_done;

int32_t fixture_status(int index) {
    pthread_mutex_lock(&lock);
    int32_t status = statuses[index];
    pthread_mutex_unlock(&lock);
    return status;
}

int fixture_releases(void) {
    pthread_mutex_lock(&lock);
    int count = releases;
    pthread_mutex_unlock(&lock);
    return count;
}

int fixture_late_done(void) {
    pthread_mutex_lock(&lock);
    int done = late_done;
    pthread_mutex_unlock(&lock);
    return done;
}

static void record(int index, sy_status status) {
    pthread_mutex_lock(&lock);
    statuses[index] = status;
    pthread_mutex_unlock(&lock);
}

static sy_status emit(const sy_host_api *host, uint64_t call, sy_frame_kind kind, uint32_t flags, const char *data,
                      size_t length) {
    sy_frame frame = {sizeof(sy_frame), kind, flags, 0, (const uint8_t *)data, length};
    return host->emit(host->host_context, call, &frame);
}

static sy_status emit_text(const sy_host_api *host, uint64_t call, sy_frame_kind kind, uint32_t flags,
                           const char *text) {
    return emit(host, call, kind, flags, text, strlen(text));
}

static void wait_for_cancel(uint64_t call) {
    pthread_mutex_lock(&lock);
    for (int i = 0; i < 64; i++) {
        if (waiting[i] == 0) {
            waiting[i] = call;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
}

static sy_status create(const sy_host_api *host, const uint8_t *config, uint64_t length, sy_instance **out,
                        char **error_out) {
    (void)config;
    (void)length;
    (void)error_out;
    sy_instance *instance = malloc(sizeof *instance);
    if (!instance) return SY_E_INTERNAL;
    instance->host = host;
    *out = instance;
    return SY_OK;
}

static sy_status describe(sy_instance *instance, uint8_t **json_out, uint64_t *length_out, char **error_out) {
    (void)error_out;
    static const char json[] = "[{\"id\":\"ok_chunked\"},{\"id\":\"never_ends\"}]";
    uint8_t *copy = instance->host->alloc(instance->host->host_context, sizeof json);
    if (!copy) return SY_E_INTERNAL;
    memcpy(copy, json, sizeof json);
    *json_out = copy;
    *length_out = sizeof json - 1;
    return SY_OK;
}

static void *late_worker(void *argument) {
    sy_instance *instance = argument;
    const sy_host_api *host = instance->host;
    uint64_t call = late_call;
    record(0, emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, "{\"late\":true}"));
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    pthread_mutex_lock(&lock);
    while (!late_released) {
        if (pthread_cond_timedwait(&changed, &lock, &deadline) != 0) break;
    }
    pthread_mutex_unlock(&lock);
    /* The call is released: both frames must be refused without touching freed state. */
    record(1, emit_text(host, call, SY_FRAME_PROGRESS, 0, "{\"after\":1}"));
    record(2, emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, "{\"after\":2}"));
    pthread_mutex_lock(&lock);
    late_done = 1;
    pthread_mutex_unlock(&lock);
    return NULL;
}

static sy_status start_call(sy_instance *instance, const sy_call_request *request, char **error_out) {
    const sy_host_api *host = instance->host;
    const char *tool = request->tool_id;
    uint64_t call = request->call_id;
    if (strcmp(tool, "ok_chunked") == 0) {
        emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_MORE, "{\"te");
        emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_MORE, "xt\":\"a");
        emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, "bc\"}");
    } else if (strcmp(tool, "never_ends") == 0) {
        /* nothing, ever */
    } else if (strcmp(tool, "two_terminals") == 0) {
        record(0, emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, "{\"n\":1}"));
        record(1, emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, "{\"n\":2}"));
    } else if (strcmp(tool, "late_emit") == 0) {
        pthread_mutex_lock(&lock);
        late_call = call;
        late_released = 0;
        late_done = 0;
        pthread_mutex_unlock(&lock);
        pthread_t thread;
        if (pthread_create(&thread, NULL, late_worker, instance) != 0) return SY_E_INTERNAL;
        pthread_detach(thread);
    } else if (strcmp(tool, "bad_progress") == 0) {
        record(0, emit_text(host, call, SY_FRAME_PROGRESS, 0, "{not json"));
        wait_for_cancel(call);
    } else if (strcmp(tool, "non_utf8") == 0) {
        record(0, emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, "{\"text\":\"\xff\xfe\"}"));
    } else if (strcmp(tool, "over_limit") == 0) {
        static char chunk[65536];
        memset(chunk, ' ', sizeof chunk);
        emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_MORE, "[");
        int sent = 0;
        while (emit(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_MORE, chunk, sizeof chunk) == SY_OK) {
            if (++sent > 1000) break; /* 64 MiB: the host should have stopped us long before */
        }
        record(0, sent);
        wait_for_cancel(call);
    } else if (strcmp(tool, "mixed_chunk") == 0) {
        emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_MORE, "{\"a\":");
        record(0, emit_text(host, call, SY_FRAME_PROGRESS, 0, "{}"));
        wait_for_cancel(call);
    } else if (strcmp(tool, "progress_end") == 0) {
        record(0, emit_text(host, call, SY_FRAME_PROGRESS, SY_FRAME_FLAG_END_OF_STREAM, "{}"));
        wait_for_cancel(call);
    } else {
        if (error_out) {
            static const char message[] = "fixture: unknown tool";
            *error_out = host->alloc(host->host_context, sizeof message);
            if (*error_out) memcpy(*error_out, message, sizeof message);
        }
        return SY_E_NOT_FOUND;
    }
    return SY_OK;
}

static void cancel_call(sy_instance *instance, uint64_t call) {
    int found = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < 64; i++) {
        if (waiting[i] == call) {
            waiting[i] = 0;
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    if (found)
        emit_text(instance->host, call, SY_FRAME_ERROR, SY_FRAME_FLAG_END_OF_STREAM,
                  "{\"kind\":\"canceled\",\"message\":\"fixture: canceled\"}");
}

static void release_call(sy_instance *instance, uint64_t call) {
    (void)instance;
    pthread_mutex_lock(&lock);
    releases++;
    if (call == late_call) late_released = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

static void destroy(sy_instance *instance) { free(instance); }

sy_status switchyard_adapter_entry(const sy_host_api *host, sy_adapter_api *api_out) {
    if (host->abi_major != SY_ABI_VERSION_MAJOR) return SY_E_VERSION;
    api_out->abi_major = SY_ABI_VERSION_MAJOR;
    api_out->abi_minor = 0;
    api_out->adapter_name = "misbehaving";
    api_out->adapter_version = "0.0.1";
    api_out->create = create;
    api_out->describe = describe;
    api_out->start_call = start_call;
    api_out->cancel_call = cancel_call;
    api_out->release_call = release_call;
    api_out->destroy = destroy;
    return SY_OK;
}
