import SwitchyardEngine

/// The engine finds the opened store's signals and notifier through the host's on-demand store
/// (docs/SCALE-OUT.md, cross-process events).
extension OnDemandStore: ExecutionStoreWrapper {
    /// The opened store (opening it now if it is not open yet); nil when it cannot open.
    var wrappedStore: (any ExecutionStore)? { try? store() }
}
