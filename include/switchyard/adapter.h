/*
 * switchyard/adapter.h — the Switchyard runtime adapter ABI.
 *
 * This is the only header a third-party adapter needs. Pure C99; it includes nothing but
 * <stdint.h>, <stddef.h> and <stdbool.h>.
 *
 * Shape (after sqlite3ext.h, Envoy dynamic modules and Vulkan):
 *   - An adapter is a shared library exporting ONE symbol, `switchyard_adapter_entry`
 *     (SY_ADAPTER_ENTRY_SYMBOL). The host dlopens the library, resolves that symbol and calls it
 *     with its host API table; the adapter fills in its adapter API table.
 *   - Version handshake: major versions must match; both sides settle on the lower of the two
 *     minor versions. The adapter writes the settled version into the table it returns.
 *   - Every struct starts with `struct_size` (the size the writer of the struct compiled
 *     against). Structs only ever grow at the end; a reader never touches a field past
 *     `struct_size`. All integers are fixed-width.
 *   - Prefixes: `sy_` for types and functions, `SY_` for constants. Adapter-implemented hooks
 *     live in `sy_adapter_api`; host callbacks live in `sy_host_api`. The plugin links no host
 *     symbols: everything it needs from the host is in the table it is handed.
 *
 * Ownership words used below (and spelled in the sy_borrowed_* / sy_transferred_* / sy_static_*
 * typedefs, which are plain pointer types: they change no layout):
 *   BORROWED     valid only for the duration of the call it is passed to; copy what you keep.
 *   TRANSFERRED  the receiver owns it from now on and frees it as the note says.
 *   STATIC       lives as long as the library is loaded (libraries are never unloaded).
 *
 * Writing a plugin: define the entry with SY_EXPORT (so `-fvisibility=hidden` builds still export
 * it), send frames with the sy_emit_* helpers at the end of this header, and hand text back with
 * sy_host_text. `switchyard plugin new NAME` writes a skeleton that does all three.
 *
 * Calls stream. After `start_call` returns SY_OK the adapter owes the host exactly ONE terminal
 * frame (kind RESULT or ERROR, last chunk flagged SY_FRAME_FLAG_END_OF_STREAM), optionally
 * preceded by any number of PROGRESS and LOG frames. Frames may be emitted from any thread,
 * including from inside `start_call` before it returns.
 */
#ifndef SWITCHYARD_ADAPTER_H
#define SWITCHYARD_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ------------------------------------------------------------------------- */

/**
 * The ABI version this header describes. Minor versions only add (append-only):
 *   1.0  the hooks create ... destroy.
 *   1.1  `stats` appended to sy_adapter_api (optional: NULL means none).
 */
#define SY_ABI_VERSION_MAJOR 1u
#define SY_ABI_VERSION_MINOR 1u

/** The one symbol an adapter library exports; its type is `sy_adapter_entry_fn`. */
#define SY_ADAPTER_ENTRY_SYMBOL "switchyard_adapter_entry"

/* ---- Export and ownership ------------------------------------------------------------ */

/**
 * Marks the entry function for export from the shared library, also when the rest of the plugin
 * is built with `-fvisibility=hidden` (recommended: then the entry is the only exported symbol).
 */
#if defined(_WIN32)
#define SY_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define SY_EXPORT __attribute__((visibility("default")))
#else
#define SY_EXPORT
#endif

/** Bytes BORROWED for the duration of the call they are passed to (or the emit they are in). */
typedef const uint8_t *sy_borrowed_bytes;
/** NUL-terminated UTF-8 text BORROWED for the duration of the call it is passed to. */
typedef const char *sy_borrowed_text;
/** NUL-terminated UTF-8 text that is STATIC: it lives as long as the library is loaded. */
typedef const char *sy_static_text;
/** NUL-terminated text allocated with host->alloc and TRANSFERRED to the host (`error_out`). */
typedef char *sy_transferred_text;
/** Bytes allocated with host->alloc and TRANSFERRED to the host (`describe`'s JSON). */
typedef uint8_t *sy_transferred_bytes;

/* ---- Status codes ---------------------------------------------------------------------- */

/** Result of an adapter hook or host callback. 0 is success; anything else is an error. */
typedef int32_t sy_status;
#define SY_OK 0
/** A malformed argument: bad config JSON, bad input, a bad struct_size. Maps to `invalid_input`. */
#define SY_E_INVALID_ARGUMENT 1
/** An unknown tool id (start_call) or an unknown/released call id (emit). Maps to `not_found`. */
#define SY_E_NOT_FOUND 2
/** No common ABI version (major mismatch). Maps to `abi`. */
#define SY_E_VERSION 3
/** Anything else the adapter could not do (out of memory, cannot spawn...). Maps to `tool_error`. */
#define SY_E_INTERNAL 4
/** The call was already ended (a second terminal frame, a frame after the terminal one). */
#define SY_E_ENDED 5

/* ---- Log levels ----------------------------------------------------------------------- */

#define SY_LOG_TRACE 0
#define SY_LOG_DEBUG 1
#define SY_LOG_INFO 2
#define SY_LOG_WARNING 3
#define SY_LOG_ERROR 4

/* ---- Frames ---------------------------------------------------------------------------- */

/** What a frame carries. */
typedef uint32_t sy_frame_kind;
/** A JSON value reporting progress (compozy's `ctx.progress(obj)`). Not terminal. */
#define SY_FRAME_PROGRESS 1u
/** UTF-8 text for the host log, at `log_level`. Not JSON. Not terminal. */
#define SY_FRAME_LOG 2u
/** The call's output: one JSON value. Terminal. */
#define SY_FRAME_RESULT 3u
/**
 * The call failed: a JSON object {"kind": K, "message": "...", "details": any?} where K is one of
 * the SY_ERROR_KIND_* strings below. The host reads any other K as "tool_error". Terminal.
 */
#define SY_FRAME_ERROR 4u

/* The "kind" of an ERROR frame (a JSON string, spelled exactly as here). */
/** The call passed its deadline (`timeout_ms`, or the adapter's own). */
#define SY_ERROR_KIND_TIMEOUT "timeout"
/** The call was canceled (cancel_call, or the instance was destroyed). */
#define SY_ERROR_KIND_CANCELED "canceled"
/** The process or code running the tool died: a non-zero exit, a signal, a failed spawn. */
#define SY_ERROR_KIND_CRASHED "crashed"
/** The output passed the adapter's size limit. */
#define SY_ERROR_KIND_OUTPUT_LIMIT "output_limit"
/** What ran the tool broke its protocol with the adapter (malformed or non-UTF-8 output). */
#define SY_ERROR_KIND_PROTOCOL "protocol"
/** The tool itself failed (threw, returned an error). The default for an unknown kind. */
#define SY_ERROR_KIND_TOOL_ERROR "tool_error"
/** No such tool. */
#define SY_ERROR_KIND_NOT_FOUND "not_found"
/** The input, config or env was rejected. */
#define SY_ERROR_KIND_INVALID_INPUT "invalid_input"
/* Two more kinds are the host's own, never sent in a frame: the library does not speak a
   compatible ABI, and the library could not be loaded. They share the namespace so a host
   reports every failure with one vocabulary. */
#define SY_ERROR_KIND_ABI "abi"
#define SY_ERROR_KIND_LOAD "load"

/**
 * The payload continues in the next frame of this call, which must have the same kind.
 * Lets an adapter stream a large payload in chunks as it produces or reads it; the host decodes
 * the chunks as they arrive and enforces its output limit while doing so.
 */
#define SY_FRAME_FLAG_MORE 1u
/** Set on the last chunk of the terminal (RESULT or ERROR) frame: the call has ended. */
#define SY_FRAME_FLAG_END_OF_STREAM 2u

/** One frame, or one chunk of a frame, of a call's output stream. */
typedef struct sy_frame {
    uint32_t struct_size; /* sizeof(sy_frame) as the emitter compiled it */
    sy_frame_kind kind;   /* SY_FRAME_* */
    uint32_t flags;       /* SY_FRAME_FLAG_* */
    int32_t log_level;    /* SY_LOG_*; read only for SY_FRAME_LOG */
    sy_borrowed_bytes data; /* the payload bytes; valid only during emit */
    uint64_t length;      /* bytes at `data` */
} sy_frame;

/* ---- The host API (host callbacks, handed to the adapter) ------------------------------ */

/**
 * Functions the host provides. The table and everything it points to stay valid for the life of
 * the process. All callbacks are thread-safe and may be called from any thread.
 */
typedef struct sy_host_api {
    uint32_t struct_size; /* sizeof(sy_host_api) as the host compiled it */
    uint32_t abi_major;   /* the host's ABI major version */
    uint32_t abi_minor;   /* the highest minor version the host supports */
    uint32_t reserved;    /* 0 */
    void *host_context;   /* opaque; pass it back as the first argument of every callback */

    /**
     * Writes a message to the host log.
     * OWNERSHIP: `message` is BORROWED (UTF-8, `length` bytes, need not be NUL-terminated).
     * THREADING: any thread.
     */
    void (*log)(void *host_context, int32_t level, sy_borrowed_bytes message, uint64_t length);

    /**
     * Delivers one frame (or chunk) of call `call_id`'s output. Pass the `host_context` of the
     * table `create` was handed: a frame for a call of another instance, or with another context,
     * is refused with SY_E_NOT_FOUND (and counted). The host keeps at most 10,000 PROGRESS/LOG
     * frames (1 MiB) per call, and cuts messages and log lines at 16 KiB, one line each.
     * Returns SY_OK; SY_E_NOT_FOUND for an unknown or already released call (the frame is
     * ignored); SY_E_ENDED for a frame after the terminal one (ignored and logged by the host);
     * SY_E_INVALID_ARGUMENT for a malformed frame. An adapter may stop producing output for a
     * call when emit returns anything but SY_OK.
     * OWNERSHIP: `frame` and `frame->data` are BORROWED; the host copies what it keeps.
     * THREADING: any thread, including inside start_call and after release (then ignored).
     * RE-ENTRANCY: hold no lock across emit. The host may call release_call (inside the emit of
     * a terminal frame) or cancel_call (inside an emit it refuses) before emit returns; if those
     * hooks take a lock the emitting thread holds, the plugin deadlocks. Per-call state that the
     * emitting thread still reads after emit returns must outlive release_call (reference count it).
     */
    sy_status (*emit)(void *host_context, uint64_t call_id, const sy_frame *frame);

    /**
     * Allocates `size` bytes for text or JSON the adapter hands back to the host
     * (`error_out`, `describe`'s JSON). Returns NULL when out of memory.
     * OWNERSHIP: the memory is TRANSFERRED to the host when returned through an out-parameter;
     * the host frees it. Memory the adapter does not hand back it must free with `free_memory`.
     * THREADING: any thread.
     */
    void *(*alloc)(void *host_context, uint64_t size);

    /**
     * Frees memory from `alloc` that the adapter ended up not handing to the host.
     * THREADING: any thread.
     */
    void (*free_memory)(void *host_context, void *memory);
} sy_host_api;

/* ---- The adapter API (adapter-implemented hooks) -------------------------------------- */

/** An adapter instance: opaque to the host, defined by the adapter. */
typedef struct sy_instance sy_instance;

/** One tool call the host asks the adapter to start. */
typedef struct sy_call_request {
    uint32_t struct_size;         /* sizeof(sy_call_request) as the host compiled it */
    uint32_t reserved;            /* 0 */
    uint64_t call_id;             /* host-chosen; unique among the instance's unreleased calls */
    sy_borrowed_text tool_id;     /* NUL-terminated UTF-8 */
    uint64_t tool_id_length;      /* bytes, without the NUL */
    sy_borrowed_bytes input_json; /* a JSON object, NUL-terminated */
    uint64_t input_json_length;   /* bytes, without the NUL */
    sy_borrowed_bytes config_json; /* the tool's `config` JSON object ("{}" if none) */
    uint64_t config_json_length;  /* bytes, without the NUL */
    sy_borrowed_bytes env_json;   /* JSON object of string to string ("{}" if none) */
    uint64_t env_json_length;     /* bytes, without the NUL */
    int64_t timeout_ms;           /* the call's time budget from now; 0 = none. The host enforces
                                     it as well: at the deadline it calls cancel_call. */
} sy_call_request;

/** The hooks an adapter implements. Filled in by the entry function. */
typedef struct sy_adapter_api {
    uint32_t struct_size;        /* set by the HOST before calling the entry function: the size of
                                    the table it can read. The adapter writes no field past it and
                                    leaves struct_size as it found it. */
    uint32_t abi_major;          /* written by the adapter: must equal the host's major */
    uint32_t abi_minor;          /* written by the adapter: min(host minor, adapter minor) */
    uint32_t reserved;           /* 0 */
    sy_static_text adapter_name;    /* e.g. "textkit" */
    sy_static_text adapter_version; /* the adapter's own version */

    /**
     * Creates an instance from `config_json` (a JSON object, NUL-terminated; "{}" if none).
     * On SY_OK stores the instance in `*instance_out`. On failure may store a NUL-terminated
     * message allocated with host->alloc in `*error_out` (TRANSFERRED to the host).
     * OWNERSHIP: `host` STATIC (lives for the process); `config_json` BORROWED.
     * THREADING: any thread; never concurrently with destroy of the same instance.
     */
    sy_status (*create)(const sy_host_api *host, sy_borrowed_bytes config_json,
                        uint64_t config_length, sy_instance **instance_out,
                        sy_transferred_text *error_out);

    /**
     * Describes the instance's tools: a JSON array of
     * {"id", "description", "input": JSON Schema, "output": JSON Schema}.
     * OWNERSHIP: `*json_out` is allocated with host->alloc and TRANSFERRED to the host;
     * `*error_out` as in create.
     * THREADING: any thread, concurrently with calls.
     */
    sy_status (*describe)(sy_instance *instance, sy_transferred_bytes *json_out,
                          uint64_t *json_length_out, sy_transferred_text *error_out);

    /**
     * Starts a call. SY_OK means the adapter owes exactly one terminal frame for
     * `request->call_id` (possibly emitted before start_call returns). Any other status means the
     * call never started: no frames are owed, and `*error_out` may say why
     * (SY_E_NOT_FOUND: unknown tool id; SY_E_INVALID_ARGUMENT: bad input).
     * OWNERSHIP: `request` and all it points to are BORROWED; `*error_out` as in create.
     * THREADING: any thread; many calls may start concurrently on one instance.
     */
    sy_status (*start_call)(sy_instance *instance, const sy_call_request *request,
                            sy_transferred_text *error_out);

    /**
     * Asks a running call to stop. The adapter should stop the work, clean up (processes
     * reaped, descriptors closed) and then emit its terminal frame (kind "canceled").
     * Must not block (the host runs it on a thread of its own and abandons it, marking the
     * adapter unhealthy, after the cancel grace; a start_call stuck past the call's deadline
     * is abandoned the same way). Idempotent: cancelling an ended, released or unknown call does nothing.
     * THREADING: any thread, concurrently with frames being emitted for the same call.
     */
    void (*cancel_call)(sy_instance *instance, uint64_t call_id);

    /**
     * The host is done with the call: it has received the terminal frame, or gave up waiting
     * for it after a cancel. Called exactly once per started call. The adapter frees its
     * per-call state; frames emitted for the call afterwards are ignored by the host.
     * THREADING: any thread.
     */
    void (*release_call)(sy_instance *instance, uint64_t call_id);

    /**
     * Destroys the instance. Called once, after every call of the instance was released.
     * THREADING: any thread, never concurrently with another hook on the same instance.
     */
    void (*destroy)(sy_instance *instance);

    /* ---- ABI 1.1 (read by the host only when the settled minor is >= 1) ---- */

    /**
     * Optional (NULL: the adapter has none). The instance's statistics, for the host's metrics:
     * a JSON object {"gauges": {NAME: number, ...}, "counters": {NAME: number, ...}}, either
     * member optional. NAME is lower-case [a-z0-9_], at most 64 bytes; the host exposes it as
     * `switchyard_adapter_NAME` labeled with the adapter's id. A counter's NAME ends in `_total`
     * and a gauge's does not (the host ignores the others).
     * A gauge is a value now (e.g. live worker processes); a counter a total since `create` that
     * never decreases (e.g. workers recycled). Keep the set small and fixed: the host reads it at
     * every scrape. Returns SY_OK, or anything else for "no statistics now" (nothing is exposed).
     * OWNERSHIP: `*json_out` is allocated with host->alloc and TRANSFERRED to the host.
     * THREADING: any thread, concurrently with calls; must not block (take no lock a call holds
     * for long) and must return quickly.
     */
    sy_status (*stats)(sy_instance *instance, sy_transferred_bytes *json_out, uint64_t *json_length_out);
} sy_adapter_api;

/**
 * The entry function: `sy_status switchyard_adapter_entry(const sy_host_api *host,
 * sy_adapter_api *api_out)`. Checks `host->abi_major` (SY_E_VERSION on mismatch), then fills
 * `api_out` up to `api_out->struct_size` bytes with the settled version and its hooks.
 * OWNERSHIP: `host` STATIC; `api_out` BORROWED (written, not kept).
 * THREADING: may be called more than once, from any thread; must be idempotent.
 */
typedef sy_status (*sy_adapter_entry_fn)(const sy_host_api *host, sy_adapter_api *api_out);

/* The entry's declaration, exported (C and C++ only: a Swift adapter defines it with @_cdecl). */
#ifndef __swift__
SY_EXPORT sy_status switchyard_adapter_entry(const sy_host_api *host, sy_adapter_api *api_out);
#endif

/* ---- Layout pins (LP64) ---------------------------------------------------------------- */
/* C99 has no static_assert: a negative array size fails the build instead. The Swift test
   suite pins the same sizes, so an ABI change cannot slip in unnoticed. */
#if defined(__LP64__) || defined(_LP64)
#define SY_STATIC_ASSERT(condition, name) typedef char sy_static_assert_##name[(condition) ? 1 : -1]
SY_STATIC_ASSERT(sizeof(sy_frame) == 32, frame_size);
SY_STATIC_ASSERT(sizeof(sy_host_api) == 56, host_api_size);
SY_STATIC_ASSERT(sizeof(sy_call_request) == 88, call_request_size);
SY_STATIC_ASSERT(sizeof(sy_adapter_api) == 88, adapter_api_size);
SY_STATIC_ASSERT(offsetof(sy_adapter_api, stats) == 80, adapter_api_stats_offset);
SY_STATIC_ASSERT(offsetof(sy_call_request, call_id) == 8, call_request_call_id_offset);
SY_STATIC_ASSERT(offsetof(sy_adapter_api, create) == 32, adapter_api_create_offset);
#undef SY_STATIC_ASSERT
#endif

/* ---- Helpers for plugins (static inline: nothing to link) ------------------------------ */
/* The frames every plugin sends, each one whole (unchunked), and `error_out` text. Each emit
   helper returns what host->emit returned; a plugin may stop producing output for the call when
   it is not SY_OK. As with emit itself: hold no lock while calling them. */

/** Emits one frame of `kind` with `flags` (and `log_level` for SY_FRAME_LOG). */
static inline sy_status sy_emit_frame(const sy_host_api *host, uint64_t call_id, sy_frame_kind kind,
                                      uint32_t flags, int32_t log_level, const void *data,
                                      uint64_t length) {
    sy_frame frame = {(uint32_t)sizeof(sy_frame), kind, flags, log_level, (sy_borrowed_bytes)data,
                      length};
    return host->emit(host->host_context, call_id, &frame);
}

/** The call's output (one JSON value, `length` bytes): the terminal RESULT frame. */
static inline sy_status sy_emit_result(const sy_host_api *host, uint64_t call_id, const char *json,
                                       uint64_t length) {
    return sy_emit_frame(host, call_id, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, 0, json, length);
}

/** A PROGRESS frame: one JSON value, `length` bytes. Not terminal. */
static inline sy_status sy_emit_progress(const sy_host_api *host, uint64_t call_id, const char *json,
                                         uint64_t length) {
    return sy_emit_frame(host, call_id, SY_FRAME_PROGRESS, 0, 0, json, length);
}

/** A LOG frame: `length` bytes of UTF-8 text at `level` (SY_LOG_*). Not terminal. */
static inline sy_status sy_emit_log(const sy_host_api *host, uint64_t call_id, int32_t level,
                                    const char *text, uint64_t length) {
    return sy_emit_frame(host, call_id, SY_FRAME_LOG, 0, level, text, length);
}

/* Length of a NUL-terminated text (the header includes no <string.h>). */
static inline uint64_t sy_text_length(const char *text) {
    uint64_t length = 0;
    while (text[length]) length++;
    return length;
}

/* Writes `text` as a JSON string (quotes included) at `out` when it is not NULL; returns the
   bytes it takes. Bytes >= 0x80 pass through: the text must be UTF-8. */
static inline uint64_t sy_json_quote(const char *text, char *out) {
    static const char hex[] = "0123456789abcdef";
    uint64_t at = 0;
    if (out) out[at] = '"';
    at++;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        char escape = *c == '"' ? '"' : *c == '\\' ? '\\' : *c == '\n' ? 'n' : *c == '\r' ? 'r'
                    : *c == '\t' ? 't' : 0;
        if (escape) {
            if (out) { out[at] = '\\'; out[at + 1] = escape; }
            at += 2;
        } else if (*c < 0x20) {
            if (out) {
                out[at] = '\\'; out[at + 1] = 'u'; out[at + 2] = '0'; out[at + 3] = '0';
                out[at + 4] = hex[*c >> 4]; out[at + 5] = hex[*c & 15];
            }
            at += 6;
        } else {
            if (out) out[at] = (char)*c;
            at++;
        }
    }
    if (out) out[at] = '"';
    return at + 1;
}

/**
 * The terminal ERROR frame {"kind": kind, "message": message}: `kind` one of the SY_ERROR_KIND_*
 * strings, `message` NUL-terminated UTF-8 (escaped here). Falls back to a fixed
 * {"kind":"tool_error","message":"out of memory"} when host->alloc fails.
 */
static inline sy_status sy_emit_error(const sy_host_api *host, uint64_t call_id, const char *kind,
                                      const char *message) {
    static const char prefix[] = "{\"kind\":", middle[] = ",\"message\":";
    uint64_t length = (sizeof prefix - 1) + sy_json_quote(kind, 0) + (sizeof middle - 1)
                    + sy_json_quote(message, 0) + 1;
    char *json = (char *)host->alloc(host->host_context, length);
    if (!json) {
        static const char fallback[] = "{\"kind\":\"tool_error\",\"message\":\"out of memory\"}";
        return sy_emit_frame(host, call_id, SY_FRAME_ERROR, SY_FRAME_FLAG_END_OF_STREAM, 0, fallback,
                             sizeof fallback - 1);
    }
    uint64_t at = 0;
    for (uint64_t i = 0; i < sizeof prefix - 1; i++) json[at++] = prefix[i];
    at += sy_json_quote(kind, json + at);
    for (uint64_t i = 0; i < sizeof middle - 1; i++) json[at++] = middle[i];
    at += sy_json_quote(message, json + at);
    json[at++] = '}';
    sy_status status = sy_emit_frame(host, call_id, SY_FRAME_ERROR, SY_FRAME_FLAG_END_OF_STREAM, 0,
                                     json, at);
    host->free_memory(host->host_context, json);
    return status;
}

/**
 * A copy of `text` in host->alloc memory, for `error_out` (TRANSFERRED to the host when stored
 * there); NULL when out of memory, which `error_out` accepts.
 */
static inline sy_transferred_text sy_host_text(const sy_host_api *host, const char *text) {
    uint64_t length = sy_text_length(text);
    char *copy = (char *)host->alloc(host->host_context, length + 1);
    if (copy) {
        for (uint64_t i = 0; i <= length; i++) copy[i] = text[i];
    }
    return copy;
}

#ifdef __cplusplus
}
#endif

#endif /* SWITCHYARD_ADAPTER_H */
