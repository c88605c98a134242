import Hummingbird

/// Puts what the routes do not answer into the envelope: a path no route has is `404` (kind
/// `unknown_route`), a method the path does not have is `405` with `Allow` listing the ones it
/// has, and any other error Hummingbird raises keeps its status with a code of its own.
struct UnroutedAnswerMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: APIRouteTable

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            let methods = routes.methods(forPath: path)
            guard !methods.isEmpty else {
                return APIResponse.failure(APIError(.notFound, "NOT_FOUND", "no route for \(request.method) \(path)",
                                                    kind: "unknown_route"))
            }
            let allowed = methods.map(\.rawValue).sorted().joined(separator: ", ")
            return APIResponse.failure(APIError(
                .methodNotAllowed, "METHOD_NOT_ALLOWED", "\(path) answers \(allowed), not \(request.method)",
                headers: [.allow: allowed]))
        } catch let error as HTTPError {
            return APIResponse.failure(APIError(error.status, "HTTP_\(error.status.code)", error.body ?? error.status.reasonPhrase))
        } catch {
            return APIResponse.failure(APIError.from(error))
        }
    }
}
