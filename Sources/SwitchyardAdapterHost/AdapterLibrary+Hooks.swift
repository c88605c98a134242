#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SwitchyardABI
import SwitchyardRuntime

/// An adapter instance pointer (`sy_instance *`): opaque, owned by the adapter, shared across
/// threads as the ABI allows.
struct AdapterInstance: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
}

/// A hook's failure: its status and the adapter's `error_out` text.
struct HookFailure: Error {
    var status: sy_status
    var message: String?
}

/// Typed wrappers that invoke each hook through its cached libffi call interface.
extension AdapterLibrary {
    /// `create`: a new instance from `config` (a NUL-terminated JSON object), handed `host`.
    func create(config: [UInt8], host: UnsafePointer<sy_host_api>) throws(HookFailure) -> AdapterInstance {
        var instance: UnsafeMutableRawPointer?
        var errorText: UnsafeMutablePointer<CChar>?
        let status = config.withUnsafeBufferPointer { configBytes in
            withUnsafeMutablePointer(to: &instance) { instanceOut in
                withUnsafeMutablePointer(to: &errorText) { errorOut in
                    LibFFIHook.status(
                        interfaces.create, hooks.create, LibFFIHook.slot(host),
                        LibFFIHook.slot(configBytes.baseAddress), UInt64(configBytes.count - 1),
                        LibFFIHook.slot(instanceOut), LibFFIHook.slot(errorOut))
                }
            }
        }
        let message = HostAPI.takeText(errorText)
        guard status == SY_OK else { throw HookFailure(status: status, message: message) }
        guard let instance else {
            throw HookFailure(status: SY_E_INTERNAL, message: "create returned SY_OK but no instance")
        }
        return AdapterInstance(pointer: instance)
    }

    /// `describe`: the instance's tools as JSON bytes.
    func describe(_ instance: AdapterInstance) throws(HookFailure) -> [UInt8] {
        var json: UnsafeMutablePointer<UInt8>?
        var length: UInt64 = 0
        var errorText: UnsafeMutablePointer<CChar>?
        let status = withUnsafeMutablePointer(to: &json) { jsonOut in
            withUnsafeMutablePointer(to: &length) { lengthOut in
                withUnsafeMutablePointer(to: &errorText) { errorOut in
                    LibFFIHook.status(
                        interfaces.describe, hooks.describe, LibFFIHook.slot(instance.pointer),
                        LibFFIHook.slot(jsonOut), LibFFIHook.slot(lengthOut), LibFFIHook.slot(errorOut))
                }
            }
        }
        let message = HostAPI.takeText(errorText)
        defer { free(json) }
        guard status == SY_OK else { throw HookFailure(status: status, message: message) }
        guard let json, length <= UInt64(Int.max) else {
            throw HookFailure(status: SY_E_INTERNAL, message: "describe returned SY_OK but no JSON")
        }
        return Array(UnsafeBufferPointer(start: json, count: Int(length)))
    }

    /// `start_call`: returns the status and the adapter's `error_out` text.
    @inline(__always)
    func startCall(_ instance: AdapterInstance, _ request: UnsafePointer<sy_call_request>)
        -> (sy_status, String?)
    {
        var errorText: UnsafeMutablePointer<CChar>?
        let status = withUnsafeMutablePointer(to: &errorText) { errorOut in
            LibFFIHook.status(interfaces.startCall, hooks.startCall, LibFFIHook.slot(instance.pointer),
                              LibFFIHook.slot(request), LibFFIHook.slot(errorOut))
        }
        return (status, errorText == nil ? nil : HostAPI.takeText(errorText))
    }

    /// `cancel_call`.
    func cancelCall(_ instance: AdapterInstance, _ callID: UInt64) {
        _ = LibFFIHook.invoke(interfaces.instanceAndCallID, hooks.cancelCall, LibFFIHook.slot(instance.pointer), callID)
    }

    /// `release_call`.
    func releaseCall(_ instance: AdapterInstance, _ callID: UInt64) {
        _ = LibFFIHook.invoke(interfaces.instanceAndCallID, hooks.releaseCall, LibFFIHook.slot(instance.pointer), callID)
    }

    /// `destroy`.
    func destroy(_ instance: AdapterInstance) {
        _ = LibFFIHook.invoke(interfaces.destroy, hooks.destroy, LibFFIHook.slot(instance.pointer))
    }
}
