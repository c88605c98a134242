import PostgresNIO
import SwitchyardEngine

/// Placeholder while the Postgres store is written.
enum PostgresStorePlaceholder {}
