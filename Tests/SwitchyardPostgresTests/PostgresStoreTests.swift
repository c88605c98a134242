import Foundation
import SwitchyardEngine
import SwitchyardJSON
@testable import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// What only the Postgres store has: its URL, its schema version table and migrations, its
/// errors, and its pool's lifecycle (descriptors and threads back where they were after close).
@Suite(.serialized)
struct PostgresStoreTests {
    @Test func storeURLsParseAndNeverShowThePassword() throws {
        let url = try PostgresStoreURL(parsing: "postgres://ops:s%40cret@db.internal:6543/switchyard")
        #expect(url.user == "ops" && url.password == "s@cret" && url.host == "db.internal" && url.port == 6543)
        #expect(url.database == "switchyard" && url.redacted == "postgres://ops:***@db.internal:6543/switchyard")
        #expect(try PostgresStoreURL(parsing: url.unredacted) == url)
        let bare = try PostgresStoreURL(parsing: "postgresql://me@localhost/db")
        #expect(bare.port == 5432 && bare.password == nil && bare.redacted == "postgres://me@localhost:5432/db")
        for bad in ["postgres://host/db", "postgres://u:pw@/db", "postgres://u:pw@h:5432", "postgres://u:pw@h:5432/a/b",
                    "postgres://u:pw@h:5432/db?sslmode=require", "mysql://u:pw@h/db", "postgres://u:pw@h:99999/db"] {
            let error = try #require(throws: StoreError.self) { try PostgresStoreURL(parsing: bad) }
            #expect(error.kind == .unavailable && error.message.contains("postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"))
            #expect(!error.description.contains("pw@"), "password shown: \(error)")
        }
        #expect(PostgresStoreURL.redact("postgres://u:hunter2@h/db?x") == "postgres://u:***@h/db?x")
    }

    @Test func anEmptyDatabaseIsMigratedToTheCurrentVersionOnce() async throws {
        guard let server = TestPostgres.urlOrSkip(#function) else { return }
        let url = try await TestPostgres.freshDatabase(on: server)
        // Two processes opening a new database at once: the advisory lock makes one migrate it.
        async let first = PostgresExecutionStore.open(url: url.unredacted)
        async let second = PostgresExecutionStore.open(url: url.unredacted)
        let stores = try await [first, second]
        for store in stores { await store.close() }
        let versions = try await TestPostgres.withClient(url) { client in
            var versions: [Int] = []
            for try await version in try await client.query("SELECT version FROM switchyard_schema_version").decode(Int.self) {
                versions.append(version)
            }
            return versions
        }
        #expect(versions == [PostgresSchema.currentVersion])
    }

    @Test func aDatabaseAtAnOlderVersionIsMigratedAndKeepsItsRows() async throws {
        guard let server = TestPostgres.urlOrSkip(#function) else { return }
        let url = try await TestPostgres.freshDatabase(on: server)
        // Version 1 by hand (the tables of the first migration), with a row in it.
        try await TestPostgres.withClient(url) { client in
            try await client.query("CREATE TABLE switchyard_schema_version (version INTEGER NOT NULL)")
            for statement in PostgresSchema.migrations[0] { try await client.query(statement) }
            try await client.query("INSERT INTO switchyard_schema_version VALUES (1)")
            try await client.query("""
                INSERT INTO workflow_executions (exec_id, workflow_id, status, input, created_at, updated_at)
                VALUES ('old', 'wf', 'RUNNING', '{}', '2026-01-02T03:04:05.000Z', '2026-01-02T03:04:05.000Z')
                """)
        }
        let store = try await PostgresExecutionStore.open(url: url.unredacted)
        let owner = LeaseOwner.make()
        #expect(try await store.workflow(execID: "old")?.status == .running)
        // The lease table is there and works; a RUNNING execution from before leases has no
        // lease row, so no server claims it by itself (docs/SCALE-OUT.md), but a resume does.
        #expect(try await store.claimExecutions(owner: owner, limit: 5, ttl: .seconds(60)).isEmpty)
        #expect(try await store.claimExecution(execID: "old", owner: owner, ttl: .seconds(60)) == true)
        #expect(try await store.lease(execID: "old")?.owner == owner)
        await store.close()
    }

    @Test func aDatabaseFromANewerSwitchyardIsRefusedNamingBothVersions() async throws {
        guard let server = TestPostgres.urlOrSkip(#function) else { return }
        let url = try await TestPostgres.freshDatabase(on: server)
        await (try await PostgresExecutionStore.open(url: url.unredacted)).close()
        let newer = PostgresSchema.currentVersion + 7
        try await TestPostgres.withClient(url) { client in
            try await client.query("UPDATE switchyard_schema_version SET version = \(newer)")
        }
        let error = try await #require(throws: StoreError.self) { try await PostgresExecutionStore.open(url: url.unredacted) }
        #expect(error.kind == .schemaTooNew)
        #expect(error.message.contains("version \(newer)") && error.message.contains("version \(PostgresSchema.currentVersion)"))
        #expect(error.location == url.redacted && error.location.contains("***"))
        if let password = url.password { #expect(!error.description.contains(password)) }
        // Nothing was changed by the refused open.
        let version = try await TestPostgres.withClient(url) { client in
            var found = 0
            for try await value in try await client.query("SELECT version FROM switchyard_schema_version").decode(Int.self) {
                found = value
            }
            return found
        }
        #expect(version == newer)
    }

    @Test func aWrongPasswordIsAClearUnavailableErrorWithoutThePassword() async throws {
        guard var url = TestPostgres.urlOrSkip(#function) else { return }
        url.password = "definitely-wrong-\(UUID().uuidString)"
        let error = try await #require(throws: StoreError.self) { try await PostgresExecutionStore.open(url: url.unredacted) }
        #expect(error.kind == .unavailable && error.location == url.redacted)
        #expect(!error.description.contains(url.password!))
        print("wrong password: \(error)")
    }

    @Test func anUnreachableServerIsUnavailable() async throws {
        // A port nothing listens on (bound, never listened on, closed): connection refused at once.
        let port = try Self.closedLoopbackPort()
        let error = try await #require(throws: StoreError.self) {
            try await PostgresExecutionStore.open(url: "postgres://nobody:pw@127.0.0.1:\(port)/none")
        }
        #expect(error.kind == .unavailable && error.location == "postgres://nobody:***@127.0.0.1:\(port)/none")
        print("unreachable: \(error)")
    }

    @Test func closingTheStoreGivesBackItsDescriptorsAndThreads() async throws {
        guard let server = TestPostgres.urlOrSkip(#function) else { return }
        let url = try await TestPostgres.freshDatabase(on: server)
        // The first client starts NIO's shared event-loop threads, which live as long as the process.
        await (try await PostgresExecutionStore.open(url: url.unredacted)).close()
        _ = await ProcessResources.settle { true }
        let descriptors = ProcessResources.descriptors, threads = ProcessResources.threads
        for round in 0..<3 {
            let store = try await PostgresExecutionStore.open(url: url.unredacted, maximumConnections: 4)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await store.insertWorkflow(StoreConformanceTests.record("r\(round)-\(index)", at: index))
                    }
                }
                try await group.waitForAll()
            }
            #expect(ProcessResources.descriptors > descriptors, "the pool holds connections while open")
            await store.close()
        }
        let settled = await ProcessResources.settle {
            ProcessResources.descriptors <= descriptors && ProcessResources.threads <= threads
        }
        #expect(settled, "descriptors \(ProcessResources.descriptors) (before \(descriptors)), threads \(ProcessResources.threads) (before \(threads))")
    }

    static func closedLoopbackPort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                guard bind(socket, generic, length) == 0, getsockname(socket, generic, &length) == 0 else {
                    throw StoreError(.unavailable, location: "loopback", message: "bind failed")
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
