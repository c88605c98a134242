import ArgumentParser
import SwitchyardHost

/// `--store URL` on `run`, `resume` and `serve` (docs/POSTGRES.md): which execution store the
/// command records in. Without it, `$SWITCHYARD_STORE`; without that, the project file's `store:`;
/// without that, the project's SQLite file.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("store"),
            help: "The execution store: postgres://USER[:PASSWORD]@HOST[:PORT]/DB or sqlite:PATH (default: $SWITCHYARD_STORE, else the project file's store:, else the project's .switchyard/state.sqlite).")
    var store: String?

    /// The selection; a malformed value is exit 2 naming it (any password hidden).
    func selection() throws -> StoreSelection {
        do { return try StoreSelection.resolve(flag: store) } catch {
            throw CommandFailure(line: error.description, exitCode: 2, kind: error.code.rawValue)
        }
    }
}
