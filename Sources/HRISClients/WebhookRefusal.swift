/// Why a webhook delivery was refused, and the HTTP status to answer it with. Nothing of a
/// refused delivery is journaled or acted on.
///
/// | reason | status |
/// |---|---|
/// | ``Reason/tooLarge`` | 413 |
/// | ``Reason/missingSignature``, ``Reason/malformedSignature``, ``Reason/badSignature`` | 401 |
/// | ``Reason/missingTimestamp``, ``Reason/malformedTimestamp``, ``Reason/stale``, ``Reason/fromTheFuture`` | 401 |
/// | ``Reason/malformedBody`` | 400 |
///
/// Every timestamp problem is an authentication failure: the timestamp is part of what is
/// signed, and a replay is an old timestamp. The body is only read once the signature is good,
/// so an unauthenticated sender learns nothing about what Roster accepts.
public struct WebhookRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong; the raw value is for logs and metrics.
    public enum Reason: String, Sendable, Equatable {
        case tooLarge = "too-large"
        case missingSignature = "missing-signature"
        case malformedSignature = "malformed-signature"
        case badSignature = "bad-signature"
        case missingTimestamp = "missing-timestamp"
        case malformedTimestamp = "malformed-timestamp"
        case stale
        case fromTheFuture = "from-the-future"
        case malformedBody = "malformed-body"
    }

    /// What was wrong.
    public let reason: Reason
    /// What was wrong, for the answer's body and the log; never the expected signature.
    public let message: String

    /// A refusal for `reason`, explained by `message`.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// The HTTP status to answer with.
    public var status: Int {
        switch reason {
        case .tooLarge: 413
        case .malformedBody: 400
        case .missingSignature, .malformedSignature, .badSignature, .missingTimestamp, .malformedTimestamp, .stale,
            .fromTheFuture:
            401
        }
    }

    /// `reason (status): message`.
    public var description: String { "\(reason.rawValue) (\(status)): \(message)" }
}
