import Journal
import Workforce

/// A worker's user as the LMS acknowledged it: folded from the journaled answers of the LMS
/// (`lms.*` events), never from what Roster asked for. "What did the LMS believe on date X" is
/// this, as of X.
public struct LMSAccount: Sendable, Equatable {
    /// The connector that provisioned it.
    public var target: String
    /// The LMS's own ID for the user (a SCIM `id`); nil for a connector without one (CSV export).
    public var lmsID: String?
    public var profile: LMSProfile
    public var active: Bool
    /// Each membership, with the journal event that acknowledged it.
    public var memberships: [LMSMembership: JournalPosition]
    /// The journal event that acknowledged the account's creation (or adoption).
    public var createdBy: JournalPosition

    public init(
        target: String, lmsID: String?, profile: LMSProfile, active: Bool, memberships: [LMSMembership: JournalPosition] = [:],
        createdBy: JournalPosition
    ) {
        self.target = target
        self.lmsID = lmsID
        self.profile = profile
        self.active = active
        self.memberships = memberships
        self.createdBy = createdBy
    }
}

extension WorkerProjection {
    /// Folds one answer of the LMS, recorded at `position`.
    mutating func acknowledge(_ event: LMSEvent, position: JournalPosition) {
        switch event.kind {
        case .userCreated(let lmsID, let profile, _):
            lms = LMSAccount(target: event.target, lmsID: lmsID, profile: profile, active: true, createdBy: position)
        case .userUpdated(let profile):
            lms?.profile = profile
        case .userDeactivated:
            lms?.active = false
        case .userReactivated:
            lms?.active = true
        case .membershipAdded(let membership):
            lms?.memberships[membership] = position
        case .membershipRemoved(let membership):
            lms?.memberships[membership] = nil
        case .userMissing:
            lms = nil
        case .deliveryFailed(let failure):
            deliveries[event.command] = failure
            return
        case .retryRequested:
            deliveries[event.command] = nil
            return
        }
        deliveries[event.command] = nil
    }
}
