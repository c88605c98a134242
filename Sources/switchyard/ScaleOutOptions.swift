import ArgumentParser
import Foundation
import SwitchyardEngine
import SwitchyardHost

/// `serve`'s ownership flags (docs/SCALE-OUT.md): leases on the store, recovery of executions
/// nobody holds, drain on SIGUSR1, and the graceful stop's grace period.
struct ScaleOutOptions: ParsableArguments {
    @Option(help: "How long an execution's lease lasts unrenewed; after a crash, other processes resume it within this (e.g. 15s).")
    var leaseTTL: String = "15s"

    @Option(help: "How often leases are renewed and unowned executions claimed (shorter than --lease-ttl).")
    var leaseRenew: String = "5s"

    @Option(help: "On SIGTERM/SIGINT, how long held executions may run to their end before their leases are released to other processes.")
    var stopGrace: String = "10s"

    /// Takes ownership of executions on the project's store (a store without leases is refused),
    /// and drains on SIGUSR1.
    /// - Throws: `CommandFailure` for a bad flag or a store that cannot lease.
    func start(_ host: ProjectHost, maxExecutions: Int) throws -> ServeOwnership {
        let ttl = try duration(leaseTTL, "--lease-ttl"), renew = try duration(leaseRenew, "--lease-renew")
        guard renew < ttl else {
            throw CommandFailure.usage("--lease-renew: \(leaseRenew) must be shorter than --lease-ttl \(leaseTTL)")
        }
        let grace = try duration(stopGrace, "--stop-grace")
        guard let store = try host.executionStore() as? any ExecutionLeasing else {
            throw CommandFailure.usage("serve: the store cannot lease executions (docs/SCALE-OUT.md)")
        }
        let ownership = host.engine.takeOwnership(
            store: store, configuration: OwnershipConfiguration(ttl: ttl, renewInterval: renew, maxExecutions: maxExecutions))
        return ServeOwnership(ownership: ownership, grace: grace)
    }

    private func duration(_ text: String, _ flag: String) throws -> Duration {
        guard let parsed = GoDuration.parse(text), parsed > .zero else {
            throw CommandFailure.usage("\(flag): \"\(text)\" is not a positive duration (e.g. 500ms, 30s, 2m)")
        }
        return parsed
    }
}

/// A serving process's ownership: drains on SIGUSR1, stops gracefully after the server stops.
final class ServeOwnership: Sendable {
    let ownership: ExecutionOwnership
    let grace: Duration
    /// Kept so the source lives as long as this; set once in `init`, never changed.
    nonisolated(unsafe) private let drainSignal: any DispatchSourceSignal

    init(ownership: ExecutionOwnership, grace: Duration) {
        self.ownership = ownership
        self.grace = grace
        signal(SIGUSR1, SIG_IGN)
        drainSignal = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: DispatchQueue(label: "switchyard.drain"))
        drainSignal.setEventHandler { [ownership] in
            guard !ownership.isDraining else { return }
            ownership.drain()
            printError("switchyard: draining (SIGUSR1): claiming no new executions; "
                       + "\(ownership.heldExecutions.count) held run to their end, new starts are queued for other processes")
        }
        drainSignal.resume()
    }

    /// After the server stopped: held runs get `grace` to end, the rest are released.
    func stop() async {
        drainSignal.cancel()
        let held = ownership.heldExecutions.count
        if held > 0 {
            printError("switchyard: stopping: \(held) execution(s) held; waiting up to \(GoDuration.format(grace)), "
                       + "then releasing their leases to other processes")
        }
        await ownership.stop(grace: grace)
    }
}
