import FFIAdapterCore
import FuzzSupport
import SwitchyardFFI
import SwitchyardJSON

// The ffi signature parser over any JSON value: it returns a signature or throws FFIError; a
// signature it returns has a call interface libffi accepts (prepared, not called).

FuzzDriver.run { bytes in
    guard let json = try? JSONValue(parsing: bytes),
          let signature = try? FFISignature(parsing: json, at: "tools[0].ffi") else { return }
    _ = try? CallInterface(returning: signature.result.ffiType, arguments: signature.parameters.map(\.ffiType),
                           fixedArgumentCount: signature.variadicFrom)
}
