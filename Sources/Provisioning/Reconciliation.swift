import Journal
import Projections
import Workforce

/// An LMS whose users and groups Roster can read back, for `roster reconcile`.
public protocol LMSReading: Sendable {
    /// Every account the LMS holds, read now.
    func readAccounts() async throws -> LMSSnapshot
}

/// What an LMS holds, as read back: accounts by external ID (the employee ID), and the
/// accounts no employee ID names.
public struct LMSSnapshot: Sendable, Equatable {
    public struct Account: Sendable, Equatable {
        public var lmsID: String?
        public var profile: LMSProfile
        public var active: Bool
        public var memberships: Set<LMSMembership>

        public init(lmsID: String?, profile: LMSProfile, active: Bool, memberships: Set<LMSMembership>) {
            self.lmsID = lmsID
            self.profile = profile
            self.active = active
            self.memberships = memberships
        }
    }

    public var accounts: [EmployeeID: Account]
    /// User names of accounts without an external ID, or with one no worker has.
    public var unmanaged: [String]

    public init(accounts: [EmployeeID: Account], unmanaged: [String]) {
        self.accounts = accounts
        self.unmanaged = unmanaged
    }
}

/// How the LMS differs from what Roster believes it holds: edits made by hand in the LMS.
public struct Drift: Sendable, Equatable {
    public var employeeID: EmployeeID
    /// What differs, in words.
    public var description: String
    /// What `--fix` journals so the believed state is the LMS's real one, and the outbox (the
    /// difference with the desired state) holds the correction.
    public var observation: LMSEvent.Kind

    /// Every difference between the accounts Roster believes in (`believed`, every worker's) and
    /// what the LMS holds (`observed`).
    public static func between(believed: [EmployeeID: LMSAccount?], observed: LMSSnapshot) -> [Drift] {
        var drift: [Drift] = []
        for (id, account) in believed.sorted(by: { $0.key < $1.key }) {
            let seen = observed.accounts[id]
            switch (account, seen) {
            case (nil, nil):
                continue
            case (let account?, nil):
                drift.append(Drift(employeeID: id, description: "the LMS has no account for \(id) (\(account.profile.userName)); deleted by hand?", observation: .userMissing))
            case (nil, let seen?):
                drift.append(Drift(
                    employeeID: id, description: "the LMS has an account for \(id) (\(seen.profile.userName)) that Roster did not know of",
                    observation: .userCreated(lmsID: seen.lmsID, profile: seen.profile, adopted: true)))
                drift += memberships(of: id, believed: [], observed: seen.memberships)
                if !seen.active { drift.append(Drift(employeeID: id, description: "\(id) is inactive in the LMS", observation: .userDeactivated)) }
            case (let account?, let seen?):
                if account.profile != seen.profile {
                    drift.append(Drift(
                        employeeID: id, description: "\(id)'s profile in the LMS is \(describe(seen.profile)), not \(describe(account.profile))",
                        observation: .userUpdated(profile: seen.profile)))
                }
                if account.active != seen.active {
                    drift.append(Drift(
                        employeeID: id, description: "\(id) is \(seen.active ? "active" : "inactive") in the LMS, not \(account.active ? "active" : "inactive")",
                        observation: seen.active ? .userReactivated : .userDeactivated))
                }
                drift += memberships(of: id, believed: Set(account.memberships.keys), observed: seen.memberships)
            }
        }
        return drift
    }

    static func memberships(of id: EmployeeID, believed: Set<LMSMembership>, observed: Set<LMSMembership>) -> [Drift] {
        observed.subtracting(believed).sorted().map {
            Drift(employeeID: id, description: "\(id) is in \($0) in the LMS, which Roster did not put there", observation: .membershipAdded($0))
        } + believed.subtracting(observed).sorted().map {
            Drift(employeeID: id, description: "\(id) is no longer in \($0) in the LMS", observation: .membershipRemoved($0))
        }
    }

    static func describe(_ profile: LMSProfile) -> String {
        [profile.userName, "\(profile.givenName) \(profile.familyName)", profile.email ?? "no email", profile.title ?? "no title",
            profile.department ?? "no department", profile.costCenter ?? "no cost center", profile.manager.map { "manager \($0)" } ?? "no manager"]
            .joined(separator: ", ")
    }
}

extension Provisioner {
    /// Reads the LMS back and compares it with what Roster believes; with `fix`, journals what
    /// the LMS really holds (as `reconcile` answers), so the outbox holds the corrections the
    /// next sync sends.
    public func reconcile(fix: Bool) async throws -> (drift: [Drift], unmanaged: [String]) {
        guard let reader = connector as? any LMSReading else {
            throw DeliveryError(
                status: 0,
                message: "the \(connector.target) connector cannot read the LMS back; reconcile needs an LMS Roster can query (connector: scim)")
        }
        let believed = try believedAccounts()
        let snapshot = try await reader.readAccounts()
        let drift = Drift.between(believed: believed, observed: snapshot)
        if fix, !drift.isEmpty { try journal(drift) }
        let strangers = snapshot.accounts.filter { believed[$0.key] == nil }.map { "\($0.value.profile.userName) (externalId \($0.key), no such worker)" }
        return (drift, (snapshot.unmanaged + strangers).sorted())
    }

    func believedAccounts() throws -> [EmployeeID: LMSAccount?] {
        let state = try store.catchUp(journal)
        return Dictionary(uniqueKeysWithValues: state.allProjections.map { ($0.worker.id, $0.lms) })
    }

    func journal(_ drift: [Drift]) throws {
        let events = try drift.map { item in
            let event = LMSEvent(target: connector.target, command: "reconcile", cause: .start, kind: item.observation)
            return ProposedEvent(
                subject: item.employeeID.rawValue, type: event.type, payload: try event.payload(),
                metadata: EventMetadata(source: "lms:\(connector.target)", origin: "roster reconcile"))
        }
        try journal.append(events)
    }
}
