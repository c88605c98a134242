import Foundation
import PostgresNIO
import SwitchyardEngine

/// A `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` store URL, parsed and checked.
///
/// Messages and logs show `redacted`, never the password.
public struct PostgresStoreURL: Sendable, Hashable, CustomStringConvertible {
    /// The role to connect as.
    public var user: String
    /// Its password, if the URL has one.
    public var password: String?
    /// The server's host name or address.
    public var host: String
    /// The server's port (5432 when the URL names none).
    public var port: Int
    /// The database.
    public var database: String

    /// Whether `text` is meant as a Postgres URL (its scheme is `postgres:` or `postgresql:`), well
    /// formed or not: what a store selection checks before parsing it.
    public static func isPostgres(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Parses `text`.
    /// - Throws: `StoreError` `.unavailable` naming the URL (password hidden) and what is wrong.
    public init(parsing text: String) throws {
        func refuse(_ problem: String) -> StoreError {
            StoreError(.unavailable, location: Self.redact(text),
                       message: "not a store URL of the form postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE: \(problem)")
        }
        guard Self.isPostgres(text) else { throw refuse("the scheme must be postgres:// or postgresql://") }
        guard let components = URLComponents(string: text) else { throw refuse("it does not parse as a URL") }
        guard let user = components.user, !user.isEmpty else { throw refuse("no USER before @") }
        guard let host = components.host, !host.isEmpty else { throw refuse("no HOST") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/") else { throw refuse("the path must be /DATABASE") }
        if components.query != nil || components.fragment != nil {
            throw refuse("query parameters and fragments are not supported")
        }
        if let port = components.port, !(1...65535).contains(port) { throw refuse("port \(port) is out of range") }
        self.user = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.host = host
        self.port = components.port ?? 5432
        self.database = database.removingPercentEncoding ?? database
    }

    /// `postgres://USER:***@HOST:PORT/DATABASE` (the password replaced).
    public var redacted: String {
        "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }

    /// The URL itself, password included (percent-encoded): to hand to another process, never to print.
    public var unredacted: String {
        func encode(_ part: String) -> String {
            part.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? part
        }
        let credentials = encode(user) + (password.map { ":" + encode($0) } ?? "")
        return "postgres://\(credentials)@\(host):\(port)/\(encode(database))"
    }

    /// The redacted form.
    public var description: String { redacted }

    /// `text` with any password between `://USER:` and `@` replaced by `***`: for messages about
    /// a URL that did not parse.
    public static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", options: .backwards),
              scheme.upperBound < at.lowerBound else { return text }
        let credentials = text[scheme.upperBound..<at.lowerBound]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<credentials.index(after: colon)]) + "***" + String(text[at.lowerBound...])
    }

    /// The client configuration for this URL: plain TCP (loopback or a private network; TLS is
    /// not configurable yet).
    var clientConfiguration: PostgresClient.Configuration {
        PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database,
                                     tls: .disable)
    }
}
