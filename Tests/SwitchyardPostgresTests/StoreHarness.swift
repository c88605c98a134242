import Foundation
import Synchronization
import SwitchyardEngine
import SwitchyardPostgres
import SwitchyardTestSupport

/// The stores every conformance test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    var description: String { rawValue }
}

/// One test's data on one kind of store: `open()` gives a new store instance on the same data
/// each time (a reopen, as after a restart), `closeAll()` closes every instance it gave.
final class StoreHarness: Sendable {
    let kind: StoreKind
    private let sqlitePath: String?
    private let postgresURL: PostgresStoreURL?
    private let opened = Mutex<[PostgresExecutionStore]>([])

    private init(kind: StoreKind, sqlitePath: String?, postgresURL: PostgresStoreURL?) {
        self.kind = kind
        self.sqlitePath = sqlitePath
        self.postgresURL = postgresURL
    }

    /// A harness for `test` on `kind`; nil (after printing SKIPPED) for Postgres without a server.
    static func make(_ kind: StoreKind, test: String = #function) async throws -> StoreHarness? {
        switch kind {
        case .sqlite:
            return StoreHarness(kind: kind, sqlitePath: TemporaryDirectory.make("switchyard-conformance") + "/state.sqlite",
                                postgresURL: nil)
        case .postgres:
            guard let server = TestPostgres.urlOrSkip(test) else { return nil }
            return StoreHarness(kind: kind, sqlitePath: nil, postgresURL: try await TestPostgres.freshDatabase(on: server))
        }
    }

    /// Runs `body` with a harness for `test` on `kind` and closes its stores after it, thrown or
    /// not; on Postgres without a server, prints SKIPPED and runs nothing.
    static func with(_ kind: StoreKind, test: String = #function,
                     _ body: (StoreHarness) async throws -> Void) async throws {
        guard let harness = try await make(kind, test: test) else { return }
        do { try await body(harness) } catch {
            await harness.closeAll()
            throw error
        }
        await harness.closeAll()
    }

    /// The Postgres database's URL (Postgres only).
    var url: PostgresStoreURL? { postgresURL }

    /// A new store instance on this test's data.
    func open() async throws -> any ExecutionLeasing {
        if let sqlitePath { return try SQLiteExecutionStore(path: sqlitePath) }
        let store = try await PostgresExecutionStore.open(url: postgresURL!.unredacted)
        opened.withLock { $0.append(store) }
        return store
    }

    /// Closes what `open()` opened (SQLite files need no closing).
    func closeAll() async {
        for store in opened.withLock({ stores in defer { stores = [] }; return stores }) { await store.close() }
    }
}
