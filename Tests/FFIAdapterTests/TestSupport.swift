import FFIAdapterCore
import SwitchyardFFI
import SwitchyardJSON
import SwitchyardTestSupport
import Testing

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Parses an `ffi` field written as JSON text.
func signature(_ json: String, at path: String = "ffi") throws -> FFISignature {
    try FFISignature(parsing: JSONValue(parsing: json), at: path)
}

/// Creates a foreign function from an `ffi` field written as JSON text.
func function(_ json: String) throws -> ForeignFunction {
    try ForeignFunction(signature(json))
}
