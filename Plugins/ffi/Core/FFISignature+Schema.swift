import SwitchyardFFI
import SwitchyardJSON

extension FFISignature {
    /// A JSON Schema for the call input `{"args": [...]}` this signature accepts.
    public var inputSchema: JSONValue {
        let arguments = parameters.filter { !$0.isOut }
        let args: JSONValue = [
            "type": "array", "prefixItems": .array(arguments.map(\.argumentSchema)),
            "minItems": .int(Int64(arguments.count)), "maxItems": .int(Int64(arguments.count)),
        ]
        return [
            "type": "object", "properties": ["args": args],
            "required": arguments.isEmpty ? [] : ["args"],
        ]
    }

    /// A JSON Schema for the call output `{"value": ..., "out": [...]}`.
    public var outputSchema: JSONValue {
        let outs = parameters.compactMap { type -> JSONValue? in
            if case .out(let pointee) = type { pointee.argumentSchema } else { nil }
        }
        return [
            "type": "object",
            "properties": [
                "value": result.argumentSchema,
                "out": [
                    "type": "array", "prefixItems": .array(outs),
                    "minItems": .int(Int64(outs.count)), "maxItems": .int(Int64(outs.count)),
                ],
            ],
            "required": ["value", "out"],
        ]
    }
}

extension FFIValueType {
    /// The JSON Schema of this type's JSON form (as an argument, and as a result).
    var argumentSchema: JSONValue {
        switch self {
        case .i8, .u8, .i16, .u16, .i32, .u32: ["type": "integer"]
        case .i64, .u64, .isize, .usize: ["type": ["integer", "string"]]
        case .f32, .f64: ["type": "number"]
        case .bool: ["type": "boolean"]
        case .void: ["type": "null"]
        case .pointer, .out: ["type": ["integer", "null"]]
        case .buffer: ["type": ["string", "array", "null"]]
        case .cstring: ["type": ["string", "null"]]
        case .structure(let fields):
            [
                "type": "array", "prefixItems": .array(fields.map(\.argumentSchema)),
                "minItems": .int(Int64(fields.count)), "maxItems": .int(Int64(fields.count)),
            ]
        }
    }
}
