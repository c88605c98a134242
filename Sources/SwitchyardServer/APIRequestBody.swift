import Hummingbird
import SwitchyardJSON

/// A request's JSON body, read once and checked field by field with errors that name the field.
struct APIRequestBody {
    /// Bodies above this are refused before parsing.
    static let maxBytes = 16 << 20
    let fields: FieldReader

    /// Reads and parses the body; an empty body is `{}`.
    /// - Throws: `APIError` (400) when it is not a JSON object or is too large.
    static func read(_ request: Request) async throws -> APIRequestBody {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maxBytes) } catch {
            throw APIError(.contentTooLarge, "TOO_LARGE", "the request body is over \(maxBytes) bytes")
        }
        if buffer.readableBytes == 0 { return APIRequestBody(fields: FieldReader(members: [:])) }
        let value: JSONValue
        do { value = try JSONValue(parsing: buffer.readableBytesView) } catch {
            throw APIError.badRequest("the request body is not valid JSON: \(error)")
        }
        guard let fields = try? FieldReader(value) else {
            throw APIError.badRequest("the request body must be a JSON object, got \(value.typeName)")
        }
        return APIRequestBody(fields: fields)
    }

    /// An object field (`input`, `with`, `payload`); absent or null is `{}`.
    func object(_ name: String) throws -> JSONValue {
        try checked { () throws(FieldProblem) in try fields.object(name)?.value ?? .emptyObject }
    }

    /// A string field; absent or null is nil.
    func string(_ name: String) throws -> String? {
        try checked { () throws(FieldProblem) in try fields.string(name) }
    }

    /// A boolean field; absent or null is nil.
    func bool(_ name: String) throws -> Bool? {
        try checked { () throws(FieldProblem) in try fields.bool(name) }
    }

    /// `timeout` in seconds: default 60, at most 300 (docs/HTTP-API.md).
    func timeout() throws -> Duration {
        let seconds = try checked { () throws(FieldProblem) in
            try fields.parsed("timeout", \.doubleValue, otherwise: { "must be a number of seconds, got \($0.typeName)" })
        } ?? 60
        guard seconds > 0, seconds <= 300 else {
            throw APIError.badRequest("`timeout` must be more than 0 and at most 300 seconds, got \(fields["timeout"]!)")
        }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// Runs reads, answering a refused field with a 400 in the API's words:
    /// ``"`input` must be a JSON object, got string"``.
    private func checked<Value>(_ read: () throws(FieldProblem) -> Value) throws(APIError) -> Value {
        do { return try read() } catch {
            let field = "`\(error.path)`"
            switch error.reason {
            case .wrongType(.object, let found): throw .badRequest("\(field) must be a JSON object, got \(found.typeName)")
            case .wrongType(let expected, let found):
                throw .badRequest("\(field) must be \(expected.jsonPhrase), got \(found.typeName)")
            default: throw .badRequest("\(field) \(error.reason)")
            }
        }
    }
}
