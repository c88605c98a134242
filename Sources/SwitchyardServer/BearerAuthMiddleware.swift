import Hummingbird

/// With an API key, every route but the health checks needs `Authorization: Bearer KEY`.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: [UInt8]
    static var openPaths: Set<String> { ["/health", "/api/v0/health"] }

    init(key: String) { self.key = Array(key.utf8) }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.openPaths.contains(request.uri.path) { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), Self.constantTimeEqual(Array(header.utf8.dropFirst(prefix.utf8.count)), key) else {
            return APIResponse.failure(APIError(.unauthorized, "UNAUTHORIZED",
                                                "this server needs `Authorization: Bearer <api key>`"))
        }
        return try await next(request, context)
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
