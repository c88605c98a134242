import FFIAdapterCore
import SwitchyardFFI
import SwitchyardJSON
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

/// Runs `body`, expecting an `FFIError`; returns it.
func expectFFIError(_ body: () throws(FFIError) -> Void, sourceLocation: SourceLocation = #_sourceLocation)
    -> FFIError?
{
    do {
        try body()
        Issue.record("expected an FFIError, got success", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
