import Foundation
import Logging
import PostgresNIO
import SwitchyardEngine
import SwitchyardPostgres
import SwitchyardTestSupport

/// The test server (`$SWITCHYARD_TEST_POSTGRES_URL`, started by scripts/with-postgres.sh) and a
/// fresh database on it for each test, so tests never see each other's rows.
enum TestPostgres {
    /// The server's URL, or nil when the Postgres tests are to be skipped.
    static var url: PostgresStoreURL? {
        guard let text = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_POSTGRES_URL"], !text.isEmpty else { return nil }
        return try? PostgresStoreURL(parsing: text)
    }

    /// The server's URL; nil after printing the SKIPPED line for `test`.
    static func urlOrSkip(_ test: String) -> PostgresStoreURL? {
        guard let url else {
            print("SKIPPED \(test) on Postgres (no SWITCHYARD_TEST_POSTGRES_URL)")
            return nil
        }
        return url
    }

    /// A new, empty database on the test server; its URL.
    static func freshDatabase(on server: PostgresStoreURL) async throws -> PostgresStoreURL {
        let name = "switchyard_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await withClient(server) { client in
            try await client.query("CREATE DATABASE \(unescaped: name)")
        }
        var url = server
        url.database = name
        return url
    }

    /// Runs `body` with a client to `url` whose pool runs for the call only.
    @discardableResult
    static func withClient<T: Sendable>(_ url: PostgresStoreURL,
                                        _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(
            configuration: .init(host: url.host, port: url.port, username: url.user, password: url.password,
                                 database: url.database, tls: .disable),
            backgroundLogger: Logger(label: "switchyard.tests.postgres"))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { await client.run(); return nil }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}

/// This process's open descriptors and threads, from /proc.
enum ProcessResources {
    static var descriptors: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1 }
    static var threads: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1 }

    /// Waits (up to `limit`) until `condition` holds; whether it did. Closed sockets and ended
    /// threads leave /proc a moment after the call that ended them returned.
    static func settle(within limit: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
        let clock = ContinuousClock(), deadline = clock.now + limit
        while clock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
