import SwitchyardJSON
import SwitchyardRuntime

/// Checks an adapter library against the ABI: load, handshake, create, describe, a call, a
/// cancel, release and destroy — what `switchyard plugin check` runs.
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

        /// The report line: `ok handshake ABI 1.0 (textkit 1.0.0)` or `FAIL call: ...`.
        public var line: String { passed ? "ok \(name) \(detail)" : "FAIL \(name): \(detail)" }
    }

    /// The checks the library file must pass before it is loaded.
    public var policy: AdapterLoadPolicy
    /// The budget of the check's call and the wait for a canceled call.
    public var callTimeout: Duration
    /// How long a canceled call may take to send its terminal frame.
    public var cancelGrace: Duration

    /// Creates a check.
    /// - Parameters:
    ///   - policy: the load policy (default: any directory, refuse writable files).
    ///   - callTimeout: the check call's budget (default 10 s).
    ///   - cancelGrace: the wait for a canceled call's terminal frame (default 2 s).
    public init(policy: AdapterLoadPolicy = .init(), callTimeout: Duration = .seconds(10),
                cancelGrace: Duration = .seconds(2)) {
        self.policy = policy
        self.callTimeout = callTimeout
        self.cancelGrace = cancelGrace
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

        let adapter: LibraryAdapter
        do {
            adapter = try LibraryAdapter(
                id: library.adapterName, library: library, config: .emptyObject,
                options: AdapterCallOptions(defaultTimeout: callTimeout, cancelGrace: cancelGrace))
        } catch {
            record("create", false, error.message)
            return false
        }
        record("create", true, "instance from {}")

        let tools: [ToolDescriptor]
        do {
            tools = try adapter.describeTools()
        } catch {
            record("describe", false, error.message)
            await adapter.shutdown()
            return false
        }
        if let first = tools.first {
            record("describe", true, "\(tools.count) tools (\(tools.map(\.id).joined(separator: ", ")))")
            await checkCall(adapter, tool: first.id, record: record)
            await checkCancel(adapter, tools: tools, record: record)
        } else {
            record("describe", false, "the adapter describes no tools, so no call can be checked")
        }

        let counts = adapter.callCounts
        record("release", counts.retired == counts.started && counts.abandoned == 0,
               "\(counts.retired) of \(counts.started) calls released"
               + (counts.abandoned > 0 ? ", \(counts.abandoned) without a terminal frame after cancel" : ""))
        await adapter.shutdown()
        record("destroy", true, "instance destroyed")
        return passed
    }

    /// A call of `tool` with `{}`: any terminal outcome the adapter reports counts.
    private func checkCall(_ adapter: LibraryAdapter, tool: String,
                           record: (String, Bool, String) -> Void) async {
        do {
            let output = try await adapter.run(ToolCallRequest(toolID: tool, input: .emptyObject))
            record("call", true, "\(tool) → result \(Self.excerpt(output.jsonString))")
        } catch let error as ToolError {
            // The host's own verdicts mean the adapter broke the protocol or never answered.
            let hostDecided: Set<ToolError.Kind> = [.timeout, .protocol, .outputLimit]
            record("call", !hostDecided.contains(error.kind), "\(tool) → \(Self.excerpt(error.description))")
        } catch {
            record("call", false, "\(tool) → \(error)")
        }
    }

    /// Starts a call and cancels it: it must end, with the adapter's terminal frame. Prefers a
    /// tool named `sleep` (a call long enough to be canceled while running).
    private func checkCancel(_ adapter: LibraryAdapter, tools: [ToolDescriptor],
                             record: (String, Bool, String) -> Void) async {
        let sleeper = tools.first { $0.id == "sleep" }
        let request = sleeper.map { ToolCallRequest(toolID: $0.id, input: ["ms": 60_000]) }
            ?? ToolCallRequest(toolID: tools[0].id, input: .emptyObject)
        let abandonedBefore = adapter.callCounts.abandoned
        let stream = adapter.call(request)
        let consumer = Task { () -> Result<JSONValue, any Error> in
            do {
                for try await event in stream {
                    if case .result(let output) = event { return .success(output) }
                }
                return .failure(ToolError(.protocol, "the stream ended without an outcome"))
            } catch {
                return .failure(error)
            }
        }
        // Cancels through the same path as a canceled consumer task, without racing the task's
        // start (a task canceled before it first waits never sees the call's outcome).
        adapter.cancelLiveCalls(reason: "canceled by plugin check")
        let outcome = await consumer.value
        let answered = adapter.callCounts.abandoned == abandonedBefore
        switch outcome {
        case .success:
            record("cancel", answered, "\(request.toolID) finished before the cancel took effect")
        case .failure(let error as ToolError) where error.kind == .canceled:
            record("cancel", answered, answered ? "\(request.toolID) ended canceled"
                   : "\(request.toolID) sent no terminal frame within \(cancelGrace) of cancel_call")
        case .failure(let error):
            record("cancel", false, "\(request.toolID) → \(error)")
        }
    }

    private static func excerpt(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}
