import Hummingbird

/// With an API key, every route but the health checks needs `Authorization: Bearer KEY`.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: [UInt8]
    static var openPaths: Set<String> { ["/health", "/api/v0/health"] }

    init(key: String) { self.key = Array(key.utf8) }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.openPaths.contains(request.uri.path) { return try await next(request, context) }
        guard let token = Self.bearerToken(request.headers[.authorization] ?? ""),
              Self.constantTimeEqual(token, key) else {
            return APIResponse.failure(APIError(.unauthorized, "UNAUTHORIZED",
                                                "this server needs `Authorization: Bearer <api key>`"))
        }
        return try await next(request, context)
    }

    /// The credentials of a `Bearer` authorization, or nil for any other scheme. The scheme is
    /// case-insensitive (RFC 7235 §2.1) and one or more spaces may follow it.
    static func bearerToken(_ header: String) -> [UInt8]? {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count, bytes[scheme.count] == UInt8(ascii: " "),
              zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        return Array(bytes[scheme.count...].drop { $0 == UInt8(ascii: " ") })
    }

    /// Compares without stopping at the first difference, so timing does not reveal the key.
    static func constantTimeEqual(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
