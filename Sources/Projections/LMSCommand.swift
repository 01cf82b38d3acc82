import Journal
import Workforce

/// One call the LMS must get so that it holds what the desired state says: the difference
/// between a worker's desired LMS user and the account the LMS acknowledged.
///
/// Commands are not kept anywhere but the outbox, and the outbox is a pure function of the
/// journal: a worker's commands are worked out again whenever their projection changes (an HR
/// event, a timer, an LMS answer), in the same transaction that stores the projection.
public struct LMSCommand: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Create the user (or adopt the LMS's existing account for them).
        case create
        /// Bring the LMS's profile to ``LMSCommand/profile``.
        case update
        case deactivate
        case reactivate
        case add(LMSMembership)
        case remove(LMSMembership)
    }

    public var employeeID: EmployeeID
    public var action: Action
    /// The profile the LMS should hold: every command carries it, since a CSV row or an LMS
    /// lookup needs the whole user.
    public var profile: LMSProfile
    /// Whether the user should be able to sign in.
    public var active: Bool
    /// The LMS's ID for the user, once it acknowledged one.
    public var lmsID: String?
    /// The journal event that made the desired state differ from the LMS.
    public var cause: JournalPosition
    /// Failed attempts so far; nil before the first attempt.
    public var lastFailure: DeliveryFailure?

    /// What the command does, as `roster outbox` and the journal name it within the worker:
    /// `create`, `update 5c1e09a2`, `deactivate`, `add course:Leadership_101`.
    public var key: String {
        switch action {
        case .create: "create"
        case .update: "update " + Self.fingerprint(profile)
        case .deactivate: "deactivate"
        case .reactivate: "reactivate"
        case .add(let membership): "add \(membership)"
        case .remove(let membership): "remove \(membership)"
        }
    }

    /// The command's name in the journal and the outbox: employee ID and key.
    public var id: String { "\(employeeID.rawValue) \(key)" }

    /// A dead letter: no attempt goes until an admin asks again.
    public var isDead: Bool { lastFailure?.dead == true }

    /// Whether an attempt may go at `instant`.
    public func isDue(at instant: Timestamp) -> Bool {
        guard let lastFailure else { return true }
        guard !lastFailure.dead else { return false }
        return (lastFailure.retryAt ?? instant) <= instant
    }

    /// A short, stable digest of a profile: an update for another profile is another command,
    /// with attempts of its own.
    public static func fingerprint(_ profile: LMSProfile) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let fields = [
            profile.userName, profile.givenName, profile.familyName, profile.email ?? "", profile.title ?? "", profile.department ?? "",
            profile.costCenter ?? "", profile.manager?.rawValue ?? "",
        ]
        for field in fields {
            for byte in field.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            hash = (hash ^ 0x1f) &* 0x100_0000_01b3
        }
        let hex = String(hash >> 32, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}

extension WorkerProjection {
    /// The profile the LMS should hold for this worker's desired user.
    public var desiredProfile: LMSProfile? {
        guard let user else { return nil }
        return LMSProfile(
            userName: user.userName, givenName: user.firstName, familyName: user.lastName, email: user.email, title: worker.jobTitle,
            department: worker.departmentName, costCenter: worker.costCenter, manager: worker.managerID)
    }

    /// Whether ``commands`` has any: the LMS does not hold this worker's desired user. Cheap
    /// (nothing is built), so every save can keep the outbox index in step.
    public var needsDelivery: Bool {
        // The account first: without one (a rebuild's every worker), only the user's status is
        // read, and the user is not bound (a copy, every map and string retained).
        guard let lms else { return user?.status == .active }
        guard let user else { return lms.active }
        guard lms.active == (user.status == .active), lms.memberships.count == user.groups.count + user.assignments.count,
            lms.profile == desiredProfile
        else { return true }
        for group in user.groups.keys where lms.memberships[LMSMembership(.group, group)] == nil { return true }
        for course in user.assignments.keys where lms.memberships[LMSMembership(.course, course)] == nil { return true }
        return false
    }

    /// What the LMS must be told so that it holds this worker's desired user, in the order it
    /// must hear it: an account first, access cut before anything else changes, then the profile
    /// and memberships. A user the LMS never had is created only when they should sign in.
    public var commands: [LMSCommand] {
        var commands: [LMSCommand] = []
        func command(_ action: LMSCommand.Action, _ profile: LMSProfile, active: Bool, cause: JournalPosition) {
            var command = LMSCommand(
                employeeID: worker.id, action: action, profile: profile, active: active, lmsID: lms?.lmsID, cause: cause, lastFailure: nil)
            if !deliveries.isEmpty { command.lastFailure = deliveries[command.id] }
            commands.append(command)
        }
        guard let user, let profile = desiredProfile else {
            // Never in scope under these rules, yet the LMS has an active account: it must not stay open.
            if let lms, lms.active { command(.deactivate, lms.profile, active: false, cause: changedBy) }
            return commands
        }
        let active = user.status == .active
        var held: [LMSMembership: JournalPosition] = [:]
        if let lms {
            held = lms.memberships
            if lms.active, !active { command(.deactivate, profile, active: active, cause: user.statusProvenance.cause) }
            if !lms.active, active { command(.reactivate, profile, active: active, cause: user.statusProvenance.cause) }
            if lms.profile != profile { command(.update, profile, active: active, cause: changedBy) }
        } else {
            guard active else { return commands }
            command(.create, profile, active: active, cause: user.statusProvenance.cause)
        }
        var wanted: [LMSMembership: JournalPosition] = [:]
        for (group, why) in user.groups { wanted[LMSMembership(.group, group)] = why.cause }
        for (course, assignment) in user.assignments { wanted[LMSMembership(.course, course)] = assignment.provenance.cause }
        for (membership, cause) in wanted.sorted(by: { $0.key < $1.key }) where held[membership] == nil {
            command(.add(membership), profile, active: active, cause: cause)
        }
        for membership in held.keys.sorted() where wanted[membership] == nil {
            command(.remove(membership), profile, active: active, cause: changedBy)
        }
        return commands
    }
}
