import SwitchyardEngine
import SwitchyardPostgres

extension StoreSelection {
    /// The store the project file names with `store:` (docs/SCALE-OUT.md, Choosing the store):
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`, `sqlite:PATH` or a bare PATH, a relative PATH
    /// taken from the project directory; nil when the project file has no `store:`.
    /// - Throws: `ConfigError` on the project file's field `store`, naming what is malformed with
    ///   any password hidden.
    public static func declared(in project: ProjectConfig) throws(ConfigError) -> StoreSelection? {
        guard let text = project.store else { return nil }
        func problem(_ reason: String) -> ConfigError { ConfigError(file: project.file, path: "store", reason: reason) }
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            throw problem("must name a store: postgres://USER[:PASSWORD]@HOST[:PORT]/DB, sqlite:PATH or a PATH")
        }
        let selection: StoreSelection
        if PostgresStoreURL.isPostgres(text) || text.hasPrefix("sqlite:") {
            do { selection = try parse(text) } catch { throw problem(error.message) }
        } else if text.contains("://") {
            throw problem("\(PostgresStoreURL.redact(text)): not a store; use postgres://USER[:PASSWORD]@HOST[:PORT]/DB, sqlite:PATH or a PATH")
        } else {
            selection = .sqlite(path: text)
        }
        guard case .sqlite(let path) = selection.choice, !path.hasPrefix("/") else { return selection }
        return .sqlite(path: (project.directory.hasSuffix("/") ? project.directory : project.directory + "/") + path)
    }

    /// This selection for `project`: the project default gives way to the project file's
    /// `store:` when it has one (`--store` > `$SWITCHYARD_STORE` > `store:` > the default file).
    /// - Throws: `HostError` `.projectConfig` for a malformed `store:`, whichever store is chosen.
    func resolved(for project: ProjectConfig) throws(HostError) -> StoreSelection {
        let declared: StoreSelection?
        do { declared = try Self.declared(in: project) } catch { throw HostError(error) }
        guard case .projectDefault = choice, let declared else { return self }
        return declared
    }
}
