import Journal
import Projections
import Workforce

/// An LMS Roster provisions: it takes outbox commands and says what became of each.
public protocol LMSConnector: Sendable {
    /// The name journaled with every answer (`csv-export`, `scim`).
    var target: String { get }

    /// Delivers `commands` (grouped by worker, each worker's in the order they must go) and
    /// returns one outcome per command, in the same order. A command whose worker had an
    /// earlier command fail in this call is not sent: its outcome is ``DeliveryOutcome/skipped``.
    func deliver(_ commands: [LMSCommand]) async -> [DeliveryOutcome]
}

/// What became of one command.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The LMS did it. `lmsID` is the user's ID in the LMS when it has one; `adopted` when an
    /// account the LMS already had (by external ID or user name) was taken over instead of created;
    /// `call` names what was sent, for the audit trail (`POST /Users 201`, `export 20270104T000100Z`).
    case acknowledged(lmsID: String?, adopted: Bool, call: String)
    case failed(DeliveryError)
    /// Not sent: an earlier command for the same user failed.
    case skipped
}

/// Why a delivery failed.
public struct DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The LMS's HTTP status; 0 when it did not answer (refused, dropped, timed out, a file not written).
    public var status: Int
    public var message: String
    /// How long the LMS asked Roster to wait (`Retry-After`).
    public var retryAfterSeconds: Double?
    /// The LMS refused the command for good (a 4xx other than 409, 412 and 429): retrying cannot help.
    public var permanent: Bool

    public init(status: Int, message: String, retryAfterSeconds: Double? = nil, permanent: Bool = false) {
        self.status = status
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.permanent = permanent
    }

    public var description: String { status == 0 ? message : "\(status): \(message)" }
}
