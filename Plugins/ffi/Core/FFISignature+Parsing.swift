import SwitchyardFFI
import SwitchyardJSON

extension FFISignature {
    private static let knownKeys: Set<String> = ["library", "symbol", "parameters", "result", "variadic_from"]
    private static let expectedTypes =
        "expected one of \(FFIValueType.scalarNames.joined(separator: " ")), {struct: [...]} or {out: type}"

    /// Parses and checks an `ffi` field.
    /// - Parameters:
    ///   - json: the field's value, an object.
    ///   - path: where the field is, for messages, e.g. `tools[2].ffi`.
    /// - Throws: `FFIError.Code.badSignature` naming the exact path, e.g.
    ///   `tools[2].ffi.parameters[1]: unknown type "u65" (expected one of i8 u8 ...)`.
    public init(parsing json: JSONValue, at path: String) throws(FFIError) {
        guard let members = json.objectValue else {
            throw Self.error(path, "expected an object {library, symbol, parameters, result}, got \(json.typeName)")
        }
        if let unknown = members.keys.filter({ !Self.knownKeys.contains($0) }).sorted().first {
            throw Self.error(
                "\(path).\(unknown)",
                "unknown field (expected \(Self.knownKeys.sorted().joined(separator: ", ")))")
        }
        let library = try Self.nonEmptyString(members["library"], at: "\(path).library")
        let symbol = try Self.nonEmptyString(members["symbol"], at: "\(path).symbol")

        var parameters: [FFIValueType] = []
        switch members["parameters"] {
        case nil, .null?: break
        case .array(let elements)?:
            for (index, element) in elements.enumerated() {
                let parameterPath = "\(path).parameters[\(index)]"
                let type = try Self.parseType(element, at: parameterPath)
                switch type {
                case .void: throw Self.error(parameterPath, "void is not a parameter type")
                case .out(let pointee): try Self.checkOutPointee(pointee, at: parameterPath)
                default: break
                }
                parameters.append(type)
            }
        case let other?:
            throw Self.error("\(path).parameters", "expected an array of types, got \(other.typeName)")
        }

        let resultPath = "\(path).result"
        let result = try members["result"].map { json throws(FFIError) in try Self.parseType(json, at: resultPath) } ?? .void
        switch result {
        case .buffer: throw Self.error(resultPath, "buffer is a parameter type; a result is a pointer or cstring")
        case .out: throw Self.error(resultPath, "{out: ...} is a parameter type, not a result")
        default: break
        }

        var variadicFrom: Int?
        if let json = members["variadic_from"], !json.isNull {
            let variadicPath = "\(path).variadic_from"
            guard let index = json.intValue, (0...Int64(parameters.count)).contains(index) else {
                throw Self.error(variadicPath, "expected an integer 0...\(parameters.count) (the number of fixed parameters), got \(json.jsonString)")
            }
            variadicFrom = Int(index)
            for (offset, type) in parameters.enumerated().dropFirst(Int(index)) {
                if let promoted = Self.promotion(of: type) {
                    throw Self.error(
                        "\(path).parameters[\(offset)]",
                        "a variadic parameter is promoted by C: write \(promoted) instead of \(type.name)")
                }
            }
        }
        self.init(library: library, symbol: symbol, parameters: parameters, result: result, variadicFrom: variadicFrom)
    }

    private static func parseType(_ json: JSONValue, at path: String) throws(FFIError) -> FFIValueType {
        switch json {
        case .string(let name):
            guard let type = FFIValueType(name: name) else {
                throw error(path, "unknown type \"\(name)\" (\(expectedTypes))")
            }
            return type
        case .object(let members) where members.count == 1 && members["struct"] != nil:
            guard let fields = members["struct"]?.arrayValue, !fields.isEmpty else {
                throw error("\(path).struct", "expected a non-empty array of field types")
            }
            var fieldTypes: [FFIValueType] = []
            for (index, field) in fields.enumerated() {
                let fieldPath = "\(path).struct[\(index)]"
                let type = try parseType(field, at: fieldPath)
                switch type {
                case .void, .buffer, .out:
                    throw error(fieldPath, "\(type.name) cannot be a struct field (use a number, bool, pointer, cstring or struct)")
                default: fieldTypes.append(type)
                }
            }
            return .structure(fieldTypes)
        case .object(let members) where members.count == 1 && members["out"] != nil:
            return .out(try parseType(members["out"]!, at: "\(path).out"))
        default:
            throw error(path, "expected a type name or {struct: [...]} or {out: type}, got \(json.jsonString) (\(expectedTypes))")
        }
    }

    private static func checkOutPointee(_ pointee: FFIValueType, at path: String) throws(FFIError) {
        switch pointee {
        case .void, .buffer, .out:
            throw error("\(path).out", "the callee cannot write a \(pointee.name) (use a number, bool, pointer, cstring or struct)")
        default: break
        }
    }

    /// The type C's default argument promotions turn `type` into, if it changes.
    private static func promotion(of type: FFIValueType) -> String? {
        switch type {
        case .f32: "f64"
        case .i8, .u8, .i16, .u16, .bool: "i32"
        default: nil
        }
    }

    private static func nonEmptyString(_ json: JSONValue?, at path: String) throws(FFIError) -> String {
        guard let json else { throw error(path, "missing (expected a string)") }
        guard let text = json.stringValue, !text.isEmpty else {
            throw error(path, "expected a non-empty string, got \(json.jsonString)")
        }
        return text
    }

    private static func error(_ path: String, _ reason: String) -> FFIError {
        FFIError(.badSignature, "\(path): \(reason)")
    }
}
