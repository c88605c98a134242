import Crypto
import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// `X-Idempotency-Key` on the routes that start a workflow: a repeated key does not run twice.
///
/// The key names the execution. Its id is derived from the workflow id and the key (SHA-256,
/// written as a UUID with version 8), so every process on the store computes the same id, and the
/// store's primary key on `exec_id` lets exactly one start record it — across processes and
/// restarts, with no table of keys to keep. A start whose key was seen answers with that
/// execution (the async route: `202` with its id; the sync route: its outcome, waited for wherever
/// it runs) and the header `Idempotent-Replayed: true`. The key is per workflow. The same key with
/// another input is refused (`409 IDEMPOTENCY_KEY_REUSED`, naming the execution): the request
/// asks for something else than what the key recorded, and the first execution stays as it is.
enum IdempotentStart {
    /// The header, and its schema in the OpenAPI document.
    static let header = "X-Idempotency-Key"
    static let schema: JSONValue = ["type": "string", "minLength": 1, "maxLength": 255]
    static let replayedHeader = HTTPFields.Element.Name("Idempotent-Replayed")!

    /// The request's key, or nil without one.
    /// - Throws: `APIError` 400 for an empty key or one over 255 bytes.
    static func key(of request: Request) throws(APIError) -> String? {
        guard let value = request.headers.first(where: { $0.name.canonicalName == "x-idempotency-key" })?.value else {
            return nil
        }
        guard !value.isEmpty, value.utf8.count <= 255 else {
            throw APIError.badRequest("`\(header)` must be 1 to 255 bytes, got \(value.utf8.count)")
        }
        return value
    }

    /// The execution id a key names for `workflowID`.
    static func executionID(workflowID: String, key: String) -> String {
        var bytes = Array(SHA256.hash(data: Array("switchyard-idempotency\u{0}\(workflowID)\u{0}\(key)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8: custom
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let digits = Array("0123456789abcdef")
        var id = ""
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { id.append("-") }
            id.append(digits[Int(byte >> 4)])
            id.append(digits[Int(byte & 0x0F)])
        }
        return id
    }

    /// What a start with a key found.
    enum Start {
        /// This request started the execution.
        case started(ExecutionHandle)
        /// The key's execution already existed: its id.
        case replayed(String)
    }

    /// Starts the key's execution, unless it exists: checked before the start, and again when the
    /// start fails (another request with the key recorded it first).
    /// - Parameter input: the execution input the request asks for (its defaults applied), which a
    ///   recorded execution must have been started with.
    /// - Throws: `APIError` 409 `IDEMPOTENCY_KEY_REUSED` when the key's execution has another input.
    static func start(_ engine: WorkflowEngine, execID: String, key: String, input: JSONValue,
                      _ body: (String) async throws -> ExecutionHandle) async throws -> Start {
        if let record = try await engine.store.workflow(execID: execID) { return try replay(record, key: key, input: input) }
        do {
            return .started(try await body(execID))
        } catch {
            if let record = try? await engine.store.workflow(execID: execID) { return try replay(record, key: key, input: input) }
            throw error
        }
    }

    private static func replay(_ record: WorkflowExecutionRecord, key: String, input: JSONValue) throws(APIError) -> Start {
        guard record.input == input else {
            throw APIError(.conflict, "IDEMPOTENCY_KEY_REUSED",
                           "`\(header)` \"\(key)\" already started execution \(record.execID) with another input; "
                           + "send that input again to get its answer, or use a new key")
        }
        return .replayed(record.execID)
    }

    /// `response` with `Idempotent-Replayed: true`.
    static func markedReplayed(_ response: Response) -> Response {
        var response = response
        response.headers[replayedHeader] = "true"
        return response
    }
}
