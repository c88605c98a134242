import Foundation
import SwitchyardEngine
import SwitchyardHost
import SwitchyardJSON

/// What `run` and `resume` share: open the project, refuse what cannot run (exit 2), show the
/// execution as it runs, cancel it on SIGINT/SIGTERM, print the result and map it to the exit code.
struct WorkflowSession {
    var project: String
    var json: Bool
    var display: DisplayOptions
    /// The execution store (`--store`, `$SWITCHYARD_STORE`, or the project's file).
    var store: StoreSelection = .projectDefault

    /// Runs workflow `workflowID` with `input` to its end.
    func run(workflowID: String, input: JSONValue) async throws {
        let signals = InterruptSignals()
        let host = try await ProjectHost.openForCommand(project, store: store)
        let workflow = host.project.workflow(workflowID)
        try await Self.leaseExecutions(host)
        let view = RunDisplay(mode: display.mode(), workflowID: workflowID, topLevelTotal: workflow?.tasks.count)
        let handle: ExecutionHandle
        do {
            if let workflow { try Self.checkRuntime(host.project, for: workflow) }
            try Self.refuseIfInterrupted(signals, subject: "workflow \"\(workflowID)\"")
            do {
                handle = try await host.start(workflowID: workflowID, input: input, observer: view.observer)
            } catch {
                throw WorkflowReport.failure(error, flag: workflowID)
            }
        } catch {
            await host.shutdown()
            throw error
        }
        view.begin(execID: handle.execID, resuming: false)
        try await finish(execID: handle.execID, host: host, view: view, signals: signals, cancel: handle.cancel) {
            .success(await handle.result())
        }
    }

    /// Continues execution `execID` from its checkpoints.
    func resume(execID: String) async throws {
        let signals = InterruptSignals()
        let host = try await ProjectHost.openForCommand(project, store: store)
        try await Self.leaseExecutions(host)
        // The record names the workflow (unknown ids are left to `resume`, which says so).
        let record = try? await host.executionStore().workflow(execID: execID)
        let workflow = record.flatMap { host.project.workflow($0.workflowID) }
        do {
            if let workflow { try Self.checkRuntime(host.project, for: workflow) }
            try Self.refuseIfInterrupted(signals, subject: "exec \(execID)")
        } catch {
            await host.shutdown()
            throw error
        }
        let view = RunDisplay(mode: display.mode(), workflowID: record?.workflowID, topLevelTotal: workflow?.tasks.count)
        let execution = Task { () -> Result<WorkflowResult, HostError> in
            do throws(HostError) { return .success(try await host.resume(execID: execID, observer: view.observer)) } catch {
                return .failure(error)
            }
        }
        // A resume that is refused (unknown id, already running) prints no exec line.
        if record != nil { view.begin(execID: execID, resuming: true) }
        try await finish(execID: execID, host: host, view: view, signals: signals, cancel: { execution.cancel() }) {
            await execution.value
        }
    }

    /// Waits for the end, with Ctrl-C armed: the first signal cancels the run (it ends CANCELED and
    /// the resume command is printed), a second one exits at once (130 for SIGINT), leaving the
    /// execution for `resume`. Then the adapters stop and the result is reported.
    private func finish(execID: String, host: ProjectHost, view: RunDisplay, signals: InterruptSignals,
                        cancel: @escaping @Sendable () -> Void,
                        outcome: () async -> Result<WorkflowResult, HostError>) async throws {
        let resumeCommand = DisplayText.resumeCommand(execID: execID, project: project)
        signals.arm(onFirst: {
            view.canceling()
            cancel()
        }, onSecond: { _ in
            view.clear()
            TerminalView.write(["switchyard: exiting at once; exec \(execID) did not finish and can be continued with:",
                                "  " + resumeCommand])
        })
        let result: WorkflowResult
        switch await outcome() {
        case .success(let value): result = value
        case .failure(let error):
            view.clear()
            await host.shutdown()
            throw WorkflowReport.failure(error, flag: execID)
        }
        await host.shutdown()
        view.finish(result)
        if result.status == .canceled || (signals.interrupted && result.status != .success) {
            TerminalView.write(["canceled: exec \(execID) is \(result.status.rawValue); continue it with:",
                                "  " + resumeCommand])
        }
        try WorkflowReport.report(result, json: json, verbose: display.verbose,
                                  subject: "workflow \"\(result.workflowID)\"")
    }

    /// A workflow whose tools use the runtime needs its entrypoint: a missing one is the
    /// configuration error `validate` reports (exit 2), not a failure of the first task.
    static func checkRuntime(_ project: ProjectConfig, for workflow: WorkflowConfig) throws {
        guard project.tools(visibleTo: workflow).values.contains(where: { $0.adapterKey == "runtime" }) else { return }
        try checkEntrypoint(project)
    }

    /// Exit 2 with `error: FILE: runtime.entrypoint: REASON` when the entrypoint cannot be loaded.
    static func checkEntrypoint(_ project: ProjectConfig) throws {
        if let problem = ProjectHost.entrypointProblems(project).first {
            throw CommandFailure(line: "error: \(problem)", exitCode: 2, kind: HostError.Code.projectConfig.rawValue)
        }
    }

    /// The execution is leased while this process runs it (docs/SCALE-OUT.md).
    private static func leaseExecutions(_ host: ProjectHost) async throws {
        do throws(HostError) { try host.leaseOwnExecutions() } catch {
            await host.shutdown()
            throw WorkflowReport.failure(error, flag: "--store")
        }
    }

    private static func refuseIfInterrupted(_ signals: InterruptSignals, subject: String) throws {
        guard signals.interrupted else { return }
        throw CommandFailure(line: "error: interrupted before \(subject) started; nothing ran",
                             exitCode: InterruptSignals.exitCode(for: SIGINT), kind: "canceled")
    }
}
