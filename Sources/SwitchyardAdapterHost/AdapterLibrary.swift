import Synchronization
import SwitchyardABI
import SwitchyardFFI
import SwitchyardRuntime

/// An adapter shared library, loaded, handshaken and validated: the hooks of its
/// `sy_adapter_api` table, ready to be invoked through libffi.
///
/// Libraries are never unloaded; one object exists per real path.
public final class AdapterLibrary: Sendable {
    /// The library's real path.
    public let path: String
    /// The adapter's name (`adapter_name`).
    public let adapterName: String
    /// The adapter's own version (`adapter_version`).
    public let adapterVersion: String
    /// The settled ABI major version (always the host's).
    public let abiMajor: UInt32
    /// The settled ABI minor version: the lower of the host's and the adapter's.
    public let abiMinor: UInt32

    let hooks: AdapterHooks
    let interfaces: HookInterfaces

    private init(path: String, adapterName: String, adapterVersion: String, abiMajor: UInt32,
                 abiMinor: UInt32, hooks: AdapterHooks, interfaces: HookInterfaces) {
        self.path = path
        self.adapterName = adapterName
        self.adapterVersion = adapterVersion
        self.abiMajor = abiMajor
        self.abiMinor = abiMinor
        self.hooks = hooks
        self.interfaces = interfaces
    }

    /// The host's ABI version, as `major.minor`.
    public static let hostABIVersion = "\(SY_ABI_VERSION_MAJOR).\(SY_ABI_VERSION_MINOR)"

    private static let loaded = Mutex<[String: AdapterLibrary]>([:])

    /// Loads an adapter library, resolves `switchyard_adapter_entry` and performs the version
    /// handshake through libffi; returns the library already loaded from the same real path.
    ///
    /// - Parameters:
    ///   - path: the library's file path.
    ///   - policy: checks the file must pass (checked on every load, cached or not).
    /// - Throws: `ToolError` `.load` (not found, refused by the policy, no entry symbol) or `.abi`
    ///   (major version mismatch, a bad settled minor, a null hook or name).
    public static func load(_ path: String, policy: AdapterLoadPolicy = .init()) throws(ToolError)
        -> AdapterLibrary
    {
        let library: DynamicLibrary
        do {
            library = try DynamicLibrary.open(path, policy: policy.libraryLoadPolicy)
        } catch {
            throw ToolError(.load, "cannot load adapter library \(path): \(error.message)")
        }
        if let cached = loaded.withLock({ $0[library.path] }) { return cached }
        let adapter = try handshake(library)
        return loaded.withLock { libraries in
            if let winner = libraries[library.path] { return winner }
            libraries[library.path] = adapter
            return adapter
        }
    }

    private static func handshake(_ library: DynamicLibrary) throws(ToolError) -> AdapterLibrary {
        let path = library.path
        let entry: UnsafeMutableRawPointer
        do {
            entry = try library.symbol(SY_ADAPTER_ENTRY_SYMBOL)
        } catch {
            throw ToolError(.load, "adapter library \(path) does not export \(SY_ADAPTER_ENTRY_SYMBOL): "
                            + "\(error.message)")
        }
        let interfaces: HookInterfaces
        switch HookInterfaces.shared {
        case .success(let prepared): interfaces = prepared
        case .failure(let error): throw ToolError(.load, "libffi cannot prepare the adapter hooks: \(error.message)")
        }

        var table = sy_adapter_api()
        let tableSize = UInt32(MemoryLayout<sy_adapter_api>.size)
        table.struct_size = tableSize
        let status = withUnsafeMutablePointer(to: &table) { tablePointer in
            LibFFIHook.status(interfaces.entry, entry, LibFFIHook.slot(HostAPI.table),
                              LibFFIHook.slot(tablePointer))
        }
        let host = "host \(SY_ABI_VERSION_MAJOR).x"
        guard status == SY_OK else {
            if status == SY_E_VERSION {
                let spoken = table.abi_major != 0 ? "adapter speaks ABI \(table.abi_major).x, " : "adapter refused "
                throw ToolError(.abi, "adapter library \(path): \(spoken)\(host) (entry returned SY_E_VERSION)")
            }
            throw ToolError(.abi, "adapter library \(path): \(SY_ADAPTER_ENTRY_SYMBOL) failed with status \(status)")
        }
        guard table.abi_major == SY_ABI_VERSION_MAJOR else {
            throw ToolError(.abi, "adapter library \(path): adapter speaks ABI \(table.abi_major).x, \(host)")
        }
        guard table.abi_minor <= SY_ABI_VERSION_MINOR else {
            throw ToolError(.abi, "adapter library \(path): settled on ABI minor \(table.abi_minor), but the "
                            + "host supports up to \(SY_ABI_VERSION_MINOR) (the settled minor must be the lower)")
        }
        guard table.struct_size == tableSize else {
            throw ToolError(.abi, "adapter library \(path): the entry function changed the table's struct_size")
        }
        guard let name = table.adapter_name, let version = table.adapter_version else {
            throw ToolError(.abi, "adapter library \(path): adapter_name or adapter_version is null")
        }
        let missing = [
            ("create", table.create == nil), ("describe", table.describe == nil),
            ("start_call", table.start_call == nil), ("cancel_call", table.cancel_call == nil),
            ("release_call", table.release_call == nil), ("destroy", table.destroy == nil),
        ].filter(\.1).map(\.0)
        guard missing.isEmpty, let hooks = AdapterHooks(table, entry: entry) else {
            throw ToolError(.abi, "adapter library \(path): null hooks \(missing.joined(separator: ", "))")
        }
        return AdapterLibrary(
            path: path, adapterName: String(cString: name), adapterVersion: String(cString: version),
            abiMajor: table.abi_major, abiMinor: table.abi_minor, hooks: hooks, interfaces: interfaces)
    }
}

/// The addresses of an adapter's hooks, as libffi calls them.
struct AdapterHooks: @unchecked Sendable {
    // Code addresses in a library that is never unloaded: immutable and valid for the process.
    let entry: UnsafeRawPointer
    let create: UnsafeRawPointer
    let describe: UnsafeRawPointer
    let startCall: UnsafeRawPointer
    let cancelCall: UnsafeRawPointer
    let releaseCall: UnsafeRawPointer
    let destroy: UnsafeRawPointer
    /// ABI 1.1's optional `stats`: read only when the settled minor is at least 1 (a 1.0 adapter
    /// never wrote the field), nil when the adapter has none.
    let stats: UnsafeRawPointer?

    init?(_ table: sy_adapter_api, entry: UnsafeRawPointer) {
        guard let create = table.create, let describe = table.describe, let startCall = table.start_call,
              let cancelCall = table.cancel_call, let releaseCall = table.release_call,
              let destroy = table.destroy
        else { return nil }
        self.entry = entry
        self.create = unsafeBitCast(create, to: UnsafeRawPointer.self)
        self.describe = unsafeBitCast(describe, to: UnsafeRawPointer.self)
        self.startCall = unsafeBitCast(startCall, to: UnsafeRawPointer.self)
        self.cancelCall = unsafeBitCast(cancelCall, to: UnsafeRawPointer.self)
        self.releaseCall = unsafeBitCast(releaseCall, to: UnsafeRawPointer.self)
        self.destroy = unsafeBitCast(destroy, to: UnsafeRawPointer.self)
        self.stats = table.abi_minor >= 1 ? table.stats.map { unsafeBitCast($0, to: UnsafeRawPointer.self) } : nil
    }
}
