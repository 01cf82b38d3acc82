import Foundation
import HTTPHeaderValues

/// Why a SCIM request failed: the server's answer (status, `scimType`, detail), or a transport
/// failure with status 0, and when the server asked the client to come back.
///
/// A sync decides from ``isTransient`` whether to retry the request later (after ``retryAfter``
/// when the server gave one), and treats ``isConflict`` and ``isPreconditionFailed`` as outcomes to
/// resolve by reading the resource again, not as failures.
public struct SCIMError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status; 0 when no answer arrived (connection refused or dropped, timeout).
    public let status: Int
    /// The RFC 7644 §3.12 error type, such as "uniqueness" or "invalidFilter", when the server sent one.
    public let scimType: String?
    /// The server's explanation, or the transport's when there was no answer.
    public let detail: String
    /// How long the server asked the client to wait, from its `Retry-After` header.
    public let retryAfter: Duration?
    /// The request's method, such as "PATCH".
    public let method: String
    /// The request's path below the base URL, such as "/Users/2819c223".
    public let path: String
    /// The transport error behind a status-0 failure, or the decoding error behind an unreadable answer.
    public let underlying: (any Error)?

    public init(
        status: Int, scimType: String? = nil, detail: String, retryAfter: Duration? = nil, method: String,
        path: String, underlying: (any Error)? = nil
    ) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
        self.retryAfter = retryAfter
        self.method = method
        self.path = path
        self.underlying = underlying
    }

    /// Whether the same request may succeed later: no answer at all, too many requests, or a
    /// server-side failure.
    public var isTransient: Bool {
        [0, 429, 500, 502, 503, 504].contains(status)
    }

    /// The resource already exists (409, `uniqueness`): look it up and adopt it instead.
    public var isConflict: Bool { status == 409 }

    /// The resource changed since it was read (412 on `If-Match`): read it again and recompute.
    public var isPreconditionFailed: Bool { status == 412 }

    public var description: String {
        let answer = status == 0 ? "no answer" : "status \(status)"
        var text = "SCIM \(method) \(path) failed with \(answer)"
        if let scimType { text += " (\(scimType))" }
        text += ": \(detail)"
        if let retryAfter { text += "; the server asks to retry after \(retryAfter)" }
        if let remedy { text += ". \(remedy)" }
        return text
    }

    /// What to do about the failures an operator can fix.
    private var remedy: String? {
        switch status {
        case 0: "Check that the SCIM server is reachable at the configured base URL."
        case 401: "Check the bearer token configured for this SCIM server."
        case 403: "Check that the token's account may manage users and groups."
        case 415: "The server refused the application/scim+json media type."
        default: nil
        }
    }
}

extension SCIMError {
    /// The wait a `Retry-After` header asks for; see ``RetryAfter/wait(parsing:now:)``.
    public static func retryAfter(parsing header: String, now: Date = Date()) -> Duration? {
        RetryAfter.wait(parsing: header, now: now)
    }
}
