import AsyncHTTPClient

extension AgentRunner {
    /// The client runners use unless given another: one per process, never shut down.
    ///
    /// Not `HTTPClient.shared`: its browser-like settings cut a response off after 90 s without
    /// bytes (a long non-streamed generation from a local model is silent that long) and retry a
    /// refused connection for 90 s. Here a request's only time limit is the provider's request
    /// timeout and the run's timeout, and a server that is not listening (ollama not started)
    /// fails at once with a network error.
    public static let defaultHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
