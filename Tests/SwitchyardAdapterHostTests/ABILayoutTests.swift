import SwitchyardABI
import SwitchyardRuntime
import Testing

extension AdapterHostTests {
    /// The ABI structs' sizes and offsets are pinned, so an ABI change cannot slip in.
    @Suite struct ABILayoutTests {
        @Test func structSizes() {
            #expect(MemoryLayout<sy_frame>.size == 32)
            #expect(MemoryLayout<sy_host_api>.size == 56)
            #expect(MemoryLayout<sy_call_request>.size == 88)
            #expect(MemoryLayout<sy_adapter_api>.size == 88)
        }

        @Test func fieldOffsets() {
            #expect(MemoryLayout<sy_frame>.offset(of: \.data) == 16)
            #expect(MemoryLayout<sy_frame>.offset(of: \.length) == 24)
            #expect(MemoryLayout<sy_host_api>.offset(of: \.host_context) == 16)
            #expect(MemoryLayout<sy_host_api>.offset(of: \.emit) == 32)
            #expect(MemoryLayout<sy_host_api>.offset(of: \.free_memory) == 48)
            #expect(MemoryLayout<sy_call_request>.offset(of: \.call_id) == 8)
            #expect(MemoryLayout<sy_call_request>.offset(of: \.input_json) == 32)
            #expect(MemoryLayout<sy_call_request>.offset(of: \.timeout_ms) == 80)
            #expect(MemoryLayout<sy_adapter_api>.offset(of: \.adapter_name) == 16)
            #expect(MemoryLayout<sy_adapter_api>.offset(of: \.create) == 32)
            #expect(MemoryLayout<sy_adapter_api>.offset(of: \.destroy) == 72)
            #expect(MemoryLayout<sy_adapter_api>.offset(of: \.stats) == 80)
        }

        @Test func versionAndCodes() {
            #expect(SY_ABI_VERSION_MAJOR == 1)
            #expect(SY_ABI_VERSION_MINOR == 1)
            #expect([SY_OK, SY_E_INVALID_ARGUMENT, SY_E_NOT_FOUND, SY_E_VERSION, SY_E_INTERNAL, SY_E_ENDED] == [0, 1, 2, 3, 4, 5])
            #expect(SY_FRAME_FLAG_MORE == 1 && SY_FRAME_FLAG_END_OF_STREAM == 2)
        }

        /// The ERROR frame kinds are wire strings: pinned, and `ToolError.Kind` spells them alike.
        @Test func errorKinds() {
            let header = [
                SY_ERROR_KIND_TIMEOUT, SY_ERROR_KIND_CANCELED, SY_ERROR_KIND_CRASHED, SY_ERROR_KIND_OUTPUT_LIMIT,
                SY_ERROR_KIND_PROTOCOL, SY_ERROR_KIND_TOOL_ERROR, SY_ERROR_KIND_NOT_FOUND, SY_ERROR_KIND_INVALID_INPUT,
                SY_ERROR_KIND_ABI, SY_ERROR_KIND_LOAD,
            ]
            #expect(header == [
                "timeout", "canceled", "crashed", "output_limit", "protocol", "tool_error", "not_found",
                "invalid_input", "abi", "load",
            ])
            #expect(ToolError.Kind.all.map(\.rawValue) == header)
            #expect(ToolError.Kind.errorFrameKinds.map(\.rawValue) == Array(header.prefix(8)))
        }
    }
}
