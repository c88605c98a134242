/// Switchyard's release version: what `switchyard --version` prints and what `make install`
/// writes into `switchyard.pc` (the Makefile reads `number` from this file).
enum SwitchyardVersion {
    /// The version, `MAJOR.MINOR.PATCH`.
    static let number = "0.1.0"
}
