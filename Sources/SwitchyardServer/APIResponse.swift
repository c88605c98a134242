import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// A refusal the API answers with: an HTTP status and the envelope's
/// `error: {code, message, kind?}`.
public struct APIError: Error, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable machine code (`NOT_FOUND`, `BAD_REQUEST`, ...).
    public var code: String
    /// What was wrong, naming the field or id.
    public var message: String
    /// The tool-error kind or engine-error kind, when there is one.
    public var kind: String?

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, kind: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.kind = kind
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "BAD_REQUEST", message) }
    static func notFound(_ message: String, kind: String? = nil) -> APIError {
        APIError(.notFound, "NOT_FOUND", message, kind: kind)
    }

    /// The API's answer to an engine refusal.
    static func from(_ error: any Error) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? EngineError {
            // unknown_workflow, unknown_execution, unknown_task, unknown_agent.
            if error.kind.rawValue.hasPrefix("unknown_") { return .notFound(error.message, kind: error.kind.rawValue) }
            switch error.kind {
            case .alreadyRunning:
                return APIError(.conflict, "ALREADY_RUNNING", error.message, kind: error.kind.rawValue)
            case .invalidInput:
                return APIError(.badRequest, "INVALID_INPUT", error.message, kind: error.kind.rawValue)
            default:
                return APIError(.unprocessableContent, "INVALID_CONFIG", error.message, kind: error.kind.rawValue)
            }
        }
        return APIError(.internalServerError, "INTERNAL", "\(error)")
    }
}

/// Builds the envelope every route answers with: `{status, message, data, error}`.
enum APIResponse {
    static func success(_ status: HTTPResponse.Status, _ message: String, _ data: JSONValue) -> Response {
        envelope(status, message: message, data: data, error: .null)
    }

    static func failure(_ error: APIError, data: JSONValue = .null) -> Response {
        var detail: [String: JSONValue] = ["code": .string(error.code), "message": .string(error.message)]
        if let kind = error.kind { detail["kind"] = .string(kind) }
        return envelope(error.status, message: error.message, data: data, error: .object(detail))
    }

    private static func envelope(_ status: HTTPResponse.Status, message: String, data: JSONValue, error: JSONValue) -> Response {
        let body: JSONValue = ["status": .int(Int64(status.code)), "message": .string(message), "data": data, "error": error]
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.jsonBytes)))
    }
}
