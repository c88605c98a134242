import SwitchyardABI
import SwitchyardJSON
import SwitchyardRuntime

/// Checks an adapter library against the ABI: load, handshake, create, describe, a call, a
/// cancel, release and destroy — what `switchyard plugin check` runs.
///
/// The check is a host of its own (``ConformanceProbe``): it records every frame, so it fails a
/// plugin that sends a terminal frame and then a failing `start_call` status, frames after the
/// terminal frame or after `release_call`, a call that never ends, a cancel that does not end
/// the call within the grace, or a hook that blocks. It calls a tool with an input built from the
/// tool's `input` schema (or the one it is given), so a tool that rejects `{}` passes.
public struct AdapterConformanceCheck: Sendable {
    /// One checked step and how it went.
    public struct Step: Sendable, Hashable {
        /// The step's name (`load`, `handshake`, `create`, `describe`, `call`, `cancel`, `release`,
        /// `destroy`).
        public var name: String
        /// Whether the adapter passed it.
        public var passed: Bool
        /// What was seen, or what was wrong.
        public var detail: String

        /// The report line: `ok handshake ABI 1.1 (textkit 1.0.0, host 1.1)` or `FAIL call: ...`.
        public var line: String { passed ? "ok \(name) \(detail)" : "FAIL \(name): \(detail)" }

        /// `{"name", "passed", "detail"}`, for `plugin check --json`.
        public var json: JSONValue { ["name": .string(name), "passed": .bool(passed), "detail": .string(detail)] }
    }

    /// The checks the library file must pass before it is loaded.
    public var policy: AdapterLoadPolicy
    /// How long the check's call may take to send its terminal frame.
    public var callTimeout: Duration
    /// How long a canceled call may take to send its terminal frame.
    public var cancelGrace: Duration
    /// How long a hook (`create`, `start_call`, `cancel_call`, `release_call`, ...) may take to return.
    public var hookTimeout: Duration
    /// How long the check watches for frames after each `release_call`.
    public var settle: Duration
    /// The tool to call; `nil` picks the first one `describe` lists.
    public var tool: String?
    /// The call's input; `nil` builds one from the tool's `input` schema.
    public var input: JSONValue?

    /// Creates a check.
    /// - Parameters:
    ///   - policy: the load policy (default: any directory, refuse writable files).
    ///   - callTimeout: the check call's budget (default 10 s).
    ///   - cancelGrace: the wait for a canceled call's terminal frame (default 2 s).
    ///   - hookTimeout: the longest a hook may take to return (default 5 s).
    ///   - settle: the watch for frames after a release (default 100 ms).
    ///   - tool: the tool to call (default: the first described).
    ///   - input: the input of the call (default: built from the tool's input schema).
    public init(policy: AdapterLoadPolicy = .init(), callTimeout: Duration = .seconds(10),
                cancelGrace: Duration = .seconds(2), hookTimeout: Duration = .seconds(5),
                settle: Duration = .milliseconds(100), tool: String? = nil, input: JSONValue? = nil) {
        self.policy = policy
        self.callTimeout = callTimeout
        self.cancelGrace = cancelGrace
        self.hookTimeout = hookTimeout
        self.settle = settle
        self.tool = tool
        self.input = input
    }

    /// Runs the steps in order, reporting each; stops at the first step that leaves nothing to
    /// check further.
    /// - Parameters:
    ///   - libraryPath: the adapter library's path.
    ///   - report: called once per step, in order.
    /// - Returns: `true` when every step passed.
    public func run(libraryPath: String, report: (Step) -> Void) async -> Bool {
        var passed = true
        func record(_ name: String, _ ok: Bool, _ detail: String) {
            passed = passed && ok
            report(Step(name: name, passed: ok, detail: detail))
        }

        let library: AdapterLibrary
        do {
            library = try AdapterLibrary.load(libraryPath, policy: policy)
        } catch {
            let step = error.kind == .abi || error.message.contains("does not export") ? "handshake" : "load"
            record(step, false, error.message)
            return false
        }
        record("load", true, library.path)
        record("handshake", true, "ABI \(library.abiMajor).\(library.abiMinor) "
               + "(\(library.adapterName) \(library.adapterVersion), host \(AdapterLibrary.hostABIVersion))")

        let probe = ConformanceProbe()
        let session = ProbeSession(check: self, library: library, probe: probe)
        guard let instance = await session.create(record: record) else { return false }
        guard let tools = await session.describe(instance, record: record) else {
            await session.destroy(instance, record: record)
            return false
        }
        if let call = pickCall(tools, record: record) {
            let callEnded = await session.checkCall(instance, call, record: record)
            let cancelEnded = callEnded ? await session.checkCancel(instance, pickCancel(tools, call), record: record) : false
            session.checkRelease(record: record)
            // A call still running when destroy comes would make a blocking destroy look guilty.
            if callEnded && cancelEnded { await session.destroy(instance, record: record) }
            else { record("destroy", true, "skipped: a call never ended, so destroy cannot be called safely") }
        } else {
            await session.destroy(instance, record: record)
        }
        return passed
    }

    /// The tool and input of the call step: as given, or the first tool with an input built from
    /// its schema.
    private func pickCall(_ tools: [ToolDescriptor], record: (String, Bool, String) -> Void) -> ToolCallRequest? {
        if let tool {
            guard let described = tools.first(where: { $0.id == tool }) else {
                record("call", false, "--tool \(tool): the adapter describes no such tool (it has "
                       + tools.map(\.id).joined(separator: ", ") + ")")
                return nil
            }
            return ToolCallRequest(toolID: tool, input: input ?? SchemaSample.value(for: described.inputSchema))
        }
        guard let first = tools.first else { return nil }
        return ToolCallRequest(toolID: first.id, input: input ?? SchemaSample.value(for: first.inputSchema))
    }

    /// The call the cancel step cancels: a `sleep` tool for a minute when there is one (a call
    /// long enough to be canceled while running), else the call step's.
    private func pickCancel(_ tools: [ToolDescriptor], _ call: ToolCallRequest) -> ToolCallRequest {
        guard tool == nil, let sleeper = tools.first(where: { $0.id == "sleep" }) else { return call }
        var sample = SchemaSample.value(for: sleeper.inputSchema).objectValue ?? [:]
        let maximum = sleeper.inputSchema?["properties"]?["ms"]?["maximum"]?.intValue ?? 60_000
        sample["ms"] = .int(min(60_000, maximum))
        return ToolCallRequest(toolID: sleeper.id, input: .object(sample))
    }

    static func excerpt(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}
