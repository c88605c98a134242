/// The files `switchyard plugin new NAME` writes: a C plugin with one tool, a Makefile that
/// builds it with pkg-config (`switchyard` for the header, `libcjson` for JSON), and a project
/// whose tool the Makefile's `test` target calls through the real host.
///
/// `@NAME@` stands for the plugin's name in every template.
enum PluginSkeleton {
    /// File name → contents, for plugin `name`.
    static func files(name: String) -> [(path: String, contents: String)] {
        [
            ("\(name).c", source), ("Makefile", makefile), ("switchyard.yaml", project),
            (".gitignore", ".switchyard/\n"),
        ].map { ($0.0, $0.1.replacingOccurrences(of: "@NAME@", with: name)) }
    }

    /// Whether `name` works as a file name, a C identifier prefix and a `lib<name>.so`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static let source = #"""
        /*
         * @NAME@: a Switchyard adapter (written by `switchyard plugin new @NAME@`).
         *
         * One tool, "greet": {"name": string} -> {"greeting": "hello, NAME"}. It answers inside
         * start_call; a tool that works longer keeps per-call state, answers cancel_call with an
         * ERROR frame of kind SY_ERROR_KIND_CANCELED, and frees the state in release_call.
         * JSON comes from cJSON (Debian: libcjson-dev), the frames from the header's sy_emit_*.
         *
         *   make          builds .switchyard/adapters/lib@NAME@.so
         *   make check    switchyard plugin check on it
         *   make test     calls greet through switchyard (switchyard.yaml is the project)
         */
        #include <switchyard/adapter.h>

        #include <cjson/cJSON.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>

        struct sy_instance {
            const sy_host_api *host; /* the table create was handed: emit through this one */
        };

        static const char tools_json[] =
            "[{\"id\":\"greet\",\"description\":\"Greets someone by name.\","
            "\"input\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]},"
            "\"output\":{\"type\":\"object\",\"properties\":{\"greeting\":{\"type\":\"string\"}}}}]";

        static sy_status create(const sy_host_api *host, sy_borrowed_bytes config_json, uint64_t config_length,
                                sy_instance **instance_out, sy_transferred_text *error_out) {
            (void)config_json, (void)config_length;
            sy_instance *instance = calloc(1, sizeof *instance);
            if (!instance) {
                *error_out = sy_host_text(host, "@NAME@: out of memory");
                return SY_E_INTERNAL;
            }
            instance->host = host;
            *instance_out = instance;
            return SY_OK;
        }

        static sy_status describe(sy_instance *instance, sy_transferred_bytes *json_out, uint64_t *json_length_out,
                                  sy_transferred_text *error_out) {
            (void)error_out;
            uint8_t *json = instance->host->alloc(instance->host->host_context, sizeof tools_json);
            if (!json) return SY_E_INTERNAL;
            memcpy(json, tools_json, sizeof tools_json);
            *json_out = json; /* TRANSFERRED: the host frees it */
            *json_length_out = sizeof tools_json - 1;
            return SY_OK;
        }

        /* The greeting as a JSON object text (free with cJSON_free), or NULL when out of memory. */
        static char *greeting_json(const char *name) {
            size_t length = strlen(name) + sizeof "hello, ";
            char *greeting = malloc(length);
            if (!greeting) return NULL;
            snprintf(greeting, length, "hello, %s", name);
            cJSON *output = cJSON_CreateObject();
            char *json = output && cJSON_AddStringToObject(output, "greeting", greeting)
                ? cJSON_PrintUnformatted(output) : NULL;
            cJSON_Delete(output);
            free(greeting);
            return json;
        }

        static sy_status start_call(sy_instance *instance, const sy_call_request *request,
                                    sy_transferred_text *error_out) {
            const sy_host_api *host = instance->host;
            if (strcmp(request->tool_id, "greet") != 0) {
                *error_out = sy_host_text(host, "@NAME@: no such tool"); /* not started: no frames owed */
                return SY_E_NOT_FOUND;
            }
            cJSON *input = cJSON_ParseWithLength((const char *)request->input_json, (size_t)request->input_json_length);
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(input, "name");
            if (!cJSON_IsString(name)) {
                cJSON_Delete(input);
                /* Refusing here (return SY_E_INVALID_ARGUMENT) works too; once SY_OK is returned
                   the call owes exactly one terminal frame, so bad input becomes an ERROR frame. */
                sy_emit_error(host, request->call_id, SY_ERROR_KIND_INVALID_INPUT,
                              "greet: input field \"name\" must be a string");
                return SY_OK;
            }
            char *json = greeting_json(name->valuestring);
            cJSON_Delete(input);
            if (json) sy_emit_result(host, request->call_id, json, strlen(json));
            else sy_emit_error(host, request->call_id, SY_ERROR_KIND_TOOL_ERROR, "greet: out of memory");
            cJSON_free(json);
            return SY_OK;
        }

        /* greet ends inside start_call, so there is nothing running to stop or free. */
        static void cancel_call(sy_instance *instance, uint64_t call_id) { (void)instance, (void)call_id; }
        static void release_call(sy_instance *instance, uint64_t call_id) { (void)instance, (void)call_id; }
        static void destroy(sy_instance *instance) { free(instance); }

        SY_EXPORT sy_status switchyard_adapter_entry(const sy_host_api *host, sy_adapter_api *api_out) {
            if (!host || !api_out || host->struct_size < offsetof(sy_host_api, host_context)) return SY_E_INVALID_ARGUMENT;
            if (host->abi_major != SY_ABI_VERSION_MAJOR) return SY_E_VERSION;
            if (host->struct_size < sizeof(sy_host_api) || api_out->struct_size < sizeof(sy_adapter_api))
                return SY_E_INVALID_ARGUMENT;
            uint32_t own_minor = SY_ABI_VERSION_MINOR;
            api_out->abi_major = SY_ABI_VERSION_MAJOR;
            api_out->abi_minor = host->abi_minor < own_minor ? host->abi_minor : own_minor;
            api_out->adapter_name = "@NAME@";
            api_out->adapter_version = "0.1.0";
            api_out->create = create;
            api_out->describe = describe;
            api_out->start_call = start_call;
            api_out->cancel_call = cancel_call;
            api_out->release_call = release_call;
            api_out->destroy = destroy;
            return SY_OK;
        }

        """#

    static let makefile = #"""
        # Builds the @NAME@ adapter with the installed Switchyard header (pkg-config switchyard) and cJSON.
        # If switchyard is installed under a prefix pkg-config does not search:
        #   export PKG_CONFIG_PATH=PREFIX/lib/pkgconfig
        CC ?= cc
        CFLAGS ?= -O2
        PKG_CONFIG ?= pkg-config
        SWITCHYARD_BIN := $(shell $(PKG_CONFIG) --variable=bindir switchyard 2>/dev/null)
        SWITCHYARD ?= $(if $(SWITCHYARD_BIN),$(SWITCHYARD_BIN)/switchyard,switchyard)
        PLUGIN_CFLAGS := -std=c99 -Wall -Wextra -Werror -fPIC -fvisibility=hidden \
        	$(shell $(PKG_CONFIG) --cflags switchyard libcjson)
        PLUGIN_LIBS := $(shell $(PKG_CONFIG) --libs libcjson)
        # The project in switchyard.yaml finds adapters in .switchyard/adapters.
        LIBRARY = .switchyard/adapters/lib@NAME@.so

        all: $(LIBRARY)

        $(LIBRARY): @NAME@.c
        	@mkdir -p $(dir $@)
        	$(CC) $(CFLAGS) $(PLUGIN_CFLAGS) -shared -o $@ @NAME@.c $(PLUGIN_LIBS)

        check: $(LIBRARY)
        	$(SWITCHYARD) plugin check $(LIBRARY)

        # The test call: greet through the real host, compared with the expected output.
        test: $(LIBRARY)
        	@output=$$($(SWITCHYARD) tools call greet --project . --input '{"name": "world"}') && echo "$$output" && \
        	[ "$$output" = '{"greeting":"hello, world"}' ] || { echo "test: unexpected output" >&2; exit 1; }

        clean:
        	rm -rf .switchyard

        .PHONY: all check test clean

        """#

    static let project = #"""
        # A project to try the plugin in: `make test` calls greet through it.
        name: @NAME@-dev
        adapters:
          - id: @NAME@
            library: @NAME@   # lib@NAME@.so in .switchyard/adapters
        tools:
          - id: greet
            adapter: @NAME@

        """#
}
