import SwitchyardJSON

extension DocumentDecoder {
    /// compozy's project `database:` block, read as the execution store when the project file has
    /// no `store:` (which wins): `{driver: sqlite, path}` is `sqlite:PATH` (relative to the
    /// project directory), `{driver: postgres, conn_string}` that URL, or one built from
    /// `{host, port, user, password, dbname, sslmode}`.
    /// - Returns: the store text, or nil without a usable block (a malformed one is reported).
    mutating func databaseStore(_ root: FieldReader) -> String? {
        guard let fields = mapping(root, "database") else { return nil }
        checkKeys(fields, known: KnownKeys.database, in: "the database block")
        switch string(fields, "driver") ?? "postgres" {
        case "sqlite":
            guard let path = string(fields, "path", required: true) else { return nil }
            return path == ":memory:" ? nil : "sqlite:" + path
        case "postgres", "postgresql":
            if let url = string(fields, "conn_string") ?? string(fields, "url") { return url }
            guard let host = string(fields, "host"), let name = string(fields, "dbname") else {
                fail(fields.path, "a postgres database needs conn_string, or host and dbname")
                return nil
            }
            let user = string(fields, "user") ?? "postgres"
            let password = string(fields, "password").map { ":" + $0 } ?? ""
            let port = fields.members["port"].map { ":" + ($0.stringValue ?? $0.jsonString) } ?? ""
            let sslmode = string(fields, "sslmode").map { "?sslmode=" + $0 } ?? ""
            return "postgres://\(user)\(password)@\(host)\(port)/\(name)\(sslmode)"
        case let other:
            fail(fields.path("driver"), "unknown database driver \"\(other)\" (known: sqlite, postgres)")
            return nil
        }
    }
}
