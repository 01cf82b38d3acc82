import Foundation
import Journal

/// What the LMS answered when Roster provisioned it: journaled, so what the LMS believed on any
/// date is a fold of the journal like everything else. Subject: the employee ID.
///
/// Every answer names the connector (`target`), the outbox command it answers (`command`) and the
/// journal event that made the desired state differ from what the LMS held (`cause`).
public struct LMSEvent: Sendable, Equatable {
    public enum Kind: Sendable, Hashable {
        /// The LMS created the user (or Roster adopted an account it already had, by external ID
        /// or user name) under `lmsID`, with this profile.
        case userCreated(lmsID: String?, profile: LMSProfile, adopted: Bool)
        /// The LMS now holds this profile for the user.
        case userUpdated(profile: LMSProfile)
        /// The user may no longer sign in (SCIM `active: false`); never deleted.
        case userDeactivated
        /// The user may sign in again.
        case userReactivated
        case membershipAdded(LMSMembership)
        case membershipRemoved(LMSMembership)
        /// A delivery failed. `dead` after the last attempt or a permanent refusal: the command
        /// waits in the dead letters until `roster outbox retry`.
        case deliveryFailed(DeliveryFailure)
        /// An admin asked for the dead letter `command` to be tried again.
        case retryRequested(by: String)
        /// `roster reconcile --fix` found that the LMS has no account for the worker any more
        /// (deleted by hand): the next sync creates it again.
        case userMissing
    }

    /// The connector that delivered (`csv-export`, `scim`).
    public var target: String
    /// The outbox command answered, as `roster outbox` names it.
    public var command: String
    /// The journal event the command came from.
    public var cause: JournalPosition
    public var kind: Kind

    public init(target: String, command: String, cause: JournalPosition, kind: Kind) {
        self.target = target
        self.command = command
        self.cause = cause
        self.kind = kind
    }

    /// The wire name.
    public var type: EventType {
        switch kind {
        case .userCreated: "lms.user-created.v1"
        case .userUpdated: "lms.user-updated.v1"
        case .userDeactivated: "lms.user-deactivated.v1"
        case .userReactivated: "lms.user-reactivated.v1"
        case .membershipAdded: "lms.membership-added.v1"
        case .membershipRemoved: "lms.membership-removed.v1"
        case .deliveryFailed: "lms.delivery-failed.v1"
        case .retryRequested: "lms.retry-requested.v1"
        case .userMissing: "lms.user-missing.v1"
        }
    }

    /// The JSON payload.
    public func payload() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(Wire(self)))
    }

    /// Decodes a recorded event; nil when `type` is not an LMS event.
    public static func decode(type: EventType, payload: [UInt8]) throws -> LMSEvent? {
        guard type.rawValue.hasPrefix("lms."), type != DeliveryRound.type else { return nil }
        let wire = try JSONDecoder().decode(Wire.self, from: Data(payload))
        func need<T>(_ value: T?, _ key: String) throws -> T {
            guard let value else {
                throw DecodingError.keyNotFound(
                    Wire.CodingKeys(stringValue: key)!, .init(codingPath: [], debugDescription: "\(type.rawValue) needs \(key)"))
            }
            return value
        }
        let kind: Kind
        switch type.rawValue {
        case "lms.user-created.v1": kind = .userCreated(lmsID: wire.lmsID, profile: try need(wire.profile, "profile"), adopted: wire.adopted ?? false)
        case "lms.user-updated.v1": kind = .userUpdated(profile: try need(wire.profile, "profile"))
        case "lms.user-deactivated.v1": kind = .userDeactivated
        case "lms.user-reactivated.v1": kind = .userReactivated
        case "lms.membership-added.v1": kind = .membershipAdded(try need(wire.membership, "membership"))
        case "lms.membership-removed.v1": kind = .membershipRemoved(try need(wire.membership, "membership"))
        case "lms.delivery-failed.v1": kind = .deliveryFailed(try need(wire.failure, "failure"))
        case "lms.retry-requested.v1": kind = .retryRequested(by: try need(wire.by, "by"))
        case "lms.user-missing.v1": kind = .userMissing
        default: return nil
        }
        return LMSEvent(target: wire.target, command: wire.command, cause: JournalPosition(wire.cause), kind: kind)
    }

    /// The payload's shape: the envelope, and the one member each kind adds.
    struct Wire: Codable {
        var target: String
        var command: String
        var cause: UInt64
        var lmsID: String?
        var profile: LMSProfile?
        var adopted: Bool?
        var membership: LMSMembership?
        var failure: DeliveryFailure?
        var by: String?

        enum CodingKeys: String, CodingKey {
            case target, command, cause, profile, adopted, membership, failure, by
            case lmsID = "lms_id"
        }

        init(_ event: LMSEvent) {
            target = event.target
            command = event.command
            cause = event.cause.rawValue
            switch event.kind {
            case .userCreated(let lmsID, let profile, let adopted):
                self.lmsID = lmsID
                self.profile = profile
                self.adopted = adopted
            case .userUpdated(let profile): self.profile = profile
            case .userDeactivated, .userReactivated, .userMissing: break
            case .membershipAdded(let membership), .membershipRemoved(let membership): self.membership = membership
            case .deliveryFailed(let failure): self.failure = failure
            case .retryRequested(let by): self.by = by
            }
        }
    }
}

/// A user's profile as Roster provisions it: the LMS's copy of the HR facts it needs.
public struct LMSProfile: Hashable, Sendable, Codable {
    public var userName: String
    public var givenName: String
    public var familyName: String
    public var email: String?
    public var title: String?
    public var department: String?
    public var costCenter: String?
    /// The manager's employee ID (the LMS finds their account by it).
    public var manager: EmployeeID?

    public init(
        userName: String, givenName: String, familyName: String, email: String?, title: String? = nil, department: String? = nil,
        costCenter: String? = nil, manager: EmployeeID? = nil
    ) {
        self.userName = userName
        self.givenName = givenName
        self.familyName = familyName
        self.email = email
        self.title = title
        self.department = department
        self.costCenter = costCenter
        self.manager = manager
    }

    enum CodingKeys: String, CodingKey {
        case email, title, department, manager
        case userName = "user_name"
        case givenName = "given_name"
        case familyName = "family_name"
        case costCenter = "cost_center"
    }
}

/// A membership the LMS holds for a user: a group (from a mapping table), or a course assignment,
/// which LMSs take as membership of the course's assignment group.
public struct LMSMembership: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case group, course
    }

    public var kind: Kind
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// `group:IT Dept`, `course:Leadership_101`.
    public var description: String { "\(kind.rawValue):\(name)" }

    public static func < (lhs: LMSMembership, rhs: LMSMembership) -> Bool {
        (lhs.kind.rawValue, lhs.name) < (rhs.kind.rawValue, rhs.name)
    }
}

/// One failed delivery of an outbox command.
public struct DeliveryFailure: Hashable, Sendable, Codable {
    /// The attempt that failed, from 1.
    public var attempt: Int
    /// The LMS's HTTP status; 0 when no answer came (refused, dropped, timed out).
    public var status: Int
    public var error: String
    /// When the next attempt may go (the backoff, or the LMS's `Retry-After`); nil when dead.
    public var retryAt: Timestamp?
    /// No more attempts: the last one failed, or the LMS refused the command for good.
    public var dead: Bool

    public init(attempt: Int, status: Int, error: String, retryAt: Timestamp?, dead: Bool) {
        self.attempt = attempt
        self.status = status
        self.error = error
        self.retryAt = retryAt
        self.dead = dead
    }

    enum CodingKeys: String, CodingKey {
        case attempt, status, error, dead
        case retryAt = "retry_at"
    }
}

/// A delivery round starting: the commands about to be sent to the LMS, journaled before the
/// first request goes, so the journal shows every call even when its answer never comes (a crash,
/// a timeout). Subject: ``DeliveryRound/subject(of:)``.
public struct DeliveryRound: Hashable, Sendable, Codable {
    /// The connector (`csv-export`, `scim`).
    public var target: String
    /// The commands sent, as `roster outbox` names them.
    public var commands: [String]

    public init(target: String, commands: [String]) {
        self.target = target
        self.commands = commands
    }

    public static let type: EventType = "lms.delivery-started.v1"

    /// The subject of a connector's rounds: `lms:scim`.
    public static func subject(of target: String) -> String { "lms:" + target }

    public func payload() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    public static func decode(type: EventType, payload: [UInt8]) throws -> DeliveryRound? {
        guard type == Self.type else { return nil }
        return try JSONDecoder().decode(DeliveryRound.self, from: Data(payload))
    }
}
