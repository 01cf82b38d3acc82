import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A SCIM 2.0 client (RFC 7644) for one service provider: finds, creates and patches users and
/// groups, and pages through them for a full reconcile.
///
/// Every failure is a ``SCIMError``; the client does not retry by itself, so the caller's retry
/// policy sees each attempt (``SCIMError/isTransient``, ``SCIMError/retryAfter``).
///
/// - Important: The client holds no state between requests and may be shared between tasks.
public struct SCIMClient: Sendable {
    /// The service provider's base URL, such as `https://lms.example.com/scim/v2`; resource paths
    /// (`/Users`, `/Groups`) are appended to it.
    public let baseURL: URL
    /// How long a request may wait for the server to answer before it fails as transient.
    public let timeout: Duration
    let bearerToken: String?
    let session: URLSession

    /// The media type of RFC 7644 §3.1, for bodies and for `Accept`.
    static let mediaType = "application/scim+json"

    /// A client for the server at `baseURL`, sending `bearerToken` (when given) with every request.
    /// `timeout` is one second at least: Foundation on Linux hands timeouts to libcurl in whole
    /// seconds, and a shorter one fails every later request of the session at once.
    public init(baseURL: URL, bearerToken: String?, timeout: Duration = .seconds(10), session: URLSession = .scim) {
        self.baseURL = baseURL
        self.bearerToken = bearerToken
        self.timeout = max(timeout, .seconds(1))
        self.session = session
    }

    /// What the server supports (RFC 7644 §4): read it before a sync to choose PATCH, `If-Match`
    /// and Bulk only where offered.
    public func serviceProviderConfiguration() async throws -> ServiceProviderConfiguration {
        try await send("GET", "/ServiceProviderConfig").decode(ServiceProviderConfiguration.self)
    }
}

extension URLSession {
    /// The session SCIM clients share by default: nothing cached and no cookies kept, since every
    /// answer must come from the server and authentication is by bearer token alone.
    public static let scim: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()
}
