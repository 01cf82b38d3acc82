import Foundation

/// Why a request to an HRIS failed: its answer (status and what it said), or a transport failure
/// with status 0, and when it asked to be asked again.
///
/// A poller decides from ``isTransient`` whether the next attempt may succeed, and waits at least
/// ``retryAfter`` when the HRIS gave one; ``PollSchedule`` does both.
public struct HRISError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status; 0 when no answer arrived (refused, dropped, timed out). A 2xx status
    /// means the answer came but was not the JSON the HRIS documents.
    public let status: Int
    /// What the HRIS said, or what went wrong on the way.
    public let detail: String
    /// How long the HRIS asked the client to wait, from its `Retry-After` header.
    public let retryAfter: Duration?
    /// The request's method, such as "GET".
    public let method: String
    /// The request's URL path (with its query), such as "/v1/employees/changed?since=…".
    public let path: String
    /// The transport or parsing error behind the failure, when there is one.
    public let underlying: (any Error)?

    /// An error for the request `method` `path`.
    public init(
        status: Int, detail: String, retryAfter: Duration? = nil, method: String, path: String,
        underlying: (any Error)? = nil
    ) {
        self.status = status
        self.detail = detail
        self.retryAfter = retryAfter
        self.method = method
        self.path = path
        self.underlying = underlying
    }

    /// Whether the same request may succeed later: no answer, too many requests, or a
    /// server-side failure. A wrong key (401), a missing permission (403) or an answer that is
    /// not the documented JSON is not.
    public var isTransient: Bool {
        [0, 408, 429, 500, 502, 503, 504].contains(status)
    }

    /// The error for an answer with status `status` that is not the JSON documented.
    static func unreadable(_ what: String, status: Int, path: String, underlying: (any Error)? = nil) -> HRISError {
        HRISError(
            status: status, detail: "the answer is not \(what)", method: "GET", path: path, underlying: underlying)
    }

    /// The request, what happened, the wait asked for, and what to check.
    public var description: String {
        let outcome =
            switch status {
            case 0: "failed with no answer"
            case 200..<300: "answered \(status), but"
            default: "failed with status \(status):"
            }
        var text = "HRIS \(method) \(path) \(outcome) \(detail)"
        if let retryAfter { text += "; the HRIS asks to retry after \(retryAfter)" }
        if let remedy { text += ". \(remedy)" }
        return text
    }

    /// What to do about the failures an operator can fix.
    private var remedy: String? {
        switch status {
        case 0: "Check that the HRIS is reachable at the feed's poll url."
        case 401: "Check the credential in the environment variable the feed's poll.credential_env names."
        case 403: "Check that the credential's account may read employees and the fields the feed asks for."
        case 404: "Check the feed's poll url (for BambooHR it ends with the company domain)."
        default: nil
        }
    }
}
