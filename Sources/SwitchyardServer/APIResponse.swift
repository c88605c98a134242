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
    /// The tool-error kind or engine-error kind; else the code in lower case (`bad_request`).
    public var kind: String
    /// Headers the answer carries besides `Content-Type` (`Allow` of a 405, `Retry-After` of a 503).
    public var headers: HTTPFields

    /// Creates an error; without a `kind`, the kind is the code in lower case.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, kind: String? = nil,
                headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.kind = kind ?? code.lowercased()
        self.headers = headers
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
        response(status, envelope(status, message: message, data: data, error: .null))
    }

    /// The answer of a sync route once the execution ended: `200` either way (the request did
    /// what it asked: it ran the execution), with `error` null when it succeeded and otherwise
    /// `{code: EXECUTION_FAILED | EXECUTION_TIMED_OUT | EXECUTION_CANCELED, message, kind}`, `kind`
    /// the failing task's error kind when there is one, else the status in lower case.
    static func outcome(_ result: WorkflowResult, subject: String, data: JSONValue) -> Response {
        guard result.status != .success else { return success(.ok, "\(subject) execution finished", data) }
        let reason = result.json["error"]?["message"]?.stringValue ?? "no error recorded"
        let kind = result.error?["kind"]?.stringValue ?? result.status.rawValue.lowercased()
        let message = "\(subject) execution \(result.execID) ended \(result.status.rawValue): \(reason)"
        let detail: JSONValue = ["code": .string("EXECUTION_\(result.status.rawValue)"), "message": .string(message),
                                 "kind": .string(kind)]
        return response(.ok, envelope(.ok, message: message, data: data, error: detail))
    }

    static func failure(_ error: APIError, data: JSONValue = .null) -> Response {
        var response = response(error.status, envelope(of: error, data: data))
        response.headers.append(contentsOf: error.headers)
        return response
    }

    /// The envelope of a refusal: `{status, message, data, error: {code, message, kind}}`.
    static func envelope(of error: APIError, data: JSONValue = .null) -> JSONValue {
        let detail: JSONValue = ["code": .string(error.code), "message": .string(error.message), "kind": .string(error.kind)]
        return envelope(error.status, message: error.message, data: data, error: detail)
    }

    private static func envelope(_ status: HTTPResponse.Status, message: String, data: JSONValue, error: JSONValue) -> JSONValue {
        ["status": .int(Int64(status.code)), "message": .string(message), "data": data, "error": error]
    }

    private static func response(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.jsonBytes)))
    }
}
