import Hummingbird
import SwitchyardJSON

/// A request's JSON body, read once and checked field by field with errors that name the field.
struct APIRequestBody {
    /// Bodies above this are refused before parsing.
    static let maxBytes = 16 << 20
    let fields: [String: JSONValue]

    /// Reads and parses the body; an empty body is `{}`.
    /// - Throws: `APIError` (400) when it is not a JSON object or is too large.
    static func read(_ request: Request) async throws -> APIRequestBody {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maxBytes) } catch {
            throw APIError(.contentTooLarge, "TOO_LARGE", "the request body is over \(maxBytes) bytes")
        }
        if buffer.readableBytes == 0 { return APIRequestBody(fields: [:]) }
        let value: JSONValue
        do { value = try JSONValue(parsing: buffer.readableBytesView) } catch {
            throw APIError.badRequest("the request body is not valid JSON: \(error)")
        }
        guard let fields = value.objectValue else {
            throw APIError.badRequest("the request body must be a JSON object, got \(value.typeName)")
        }
        return APIRequestBody(fields: fields)
    }

    /// An object field (`input`, `with`, `payload`); absent or null is `{}`.
    func object(_ name: String) throws -> JSONValue {
        guard let value = fields[name], !value.isNull else { return .emptyObject }
        guard value.objectValue != nil else { throw APIError.badRequest("`\(name)` must be a JSON object, got \(value.typeName)") }
        return value
    }

    /// A string field; absent or null is nil.
    func string(_ name: String) throws -> String? {
        guard let value = fields[name], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw APIError.badRequest("`\(name)` must be a string, got \(value.typeName)") }
        return text
    }

    /// `timeout` in seconds: default 60, at most 300 (docs/HTTP-API.md).
    func timeout() throws -> Duration {
        guard let value = fields["timeout"], !value.isNull else { return .seconds(60) }
        let seconds: Double
        if let whole = value.intValue { seconds = Double(whole) } else if let fraction = value.doubleValue { seconds = fraction } else {
            throw APIError.badRequest("`timeout` must be a number of seconds, got \(value.typeName)")
        }
        guard seconds > 0, seconds <= 300 else {
            throw APIError.badRequest("`timeout` must be more than 0 and at most 300 seconds, got \(value)")
        }
        return .milliseconds(Int64(seconds * 1000))
    }
}
