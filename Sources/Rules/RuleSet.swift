import Workforce

/// What the LMS should hold, given the workforce: who is in scope, which groups their HR codes
/// map to, which courses events assign, and how absence and names are handled.
///
/// A rule set is adopted as a journal event carrying its text and version; every LMS fact a
/// projection derives names the rule and the version that caused it. Rule sets apply to the
/// whole history: replaying the journal under a new rule set gives the state as if it had always
/// been in force.
public struct RuleSet: Sendable, Equatable {
    /// The SHA-256 of ``text``, in hex: the rule set's identity.
    public var version: String
    /// The rules as the admin wrote them.
    public var text: String
    /// Which of HR's names the LMS shows.
    public var names: NamePolicy
    /// What the LMS user's login name is made of.
    public var userName: UserNamePolicy
    public var scope: Scope
    public var groups: [GroupMapping] {
        didSet { groupAttributes = Set(groups.map(\.attribute)) }
    }
    /// The attributes the mapping tables read: a change to any other leaves groups as they are.
    public private(set) var groupAttributes: Set<WorkerAttribute> = []
    public var triggers: [AssignmentTrigger]
    public var absence: AbsencePolicy
    /// Days before the hire date a new worker's LMS user is created (pre-boarding).
    public var preStartDays: Int
    /// Hire triggers fire only for a user first activated at most this many days after the hire
    /// date: the first sync of an existing company provisions its people without onboarding
    /// them all again. Nil: always.
    public var newHireWindowDays: Int?

    public init(
        version: String, text: String, names: NamePolicy = .preferred, userName: UserNamePolicy = .email, scope: Scope = Scope(),
        groups: [GroupMapping] = [], triggers: [AssignmentTrigger] = [], absence: AbsencePolicy = AbsencePolicy(), preStartDays: Int = 0,
        newHireWindowDays: Int? = 30
    ) {
        self.version = version
        self.text = text
        self.names = names
        self.userName = userName
        self.scope = scope
        self.groups = groups
        self.groupAttributes = Set(groups.map(\.attribute))
        self.triggers = triggers
        self.absence = absence
        self.preStartDays = preStartDays
        self.newHireWindowDays = newHireWindowDays
    }

    /// The first 12 hex digits of the version, as reports show it.
    public var shortVersion: String { String(version.prefix(12)) }
}

/// Which of HR's names the LMS shows (and certificates print).
public enum NamePolicy: String, Sendable, Equatable, CaseIterable {
    /// The preferred first and last names where HR has them, the legal ones otherwise.
    case preferred
    /// Always the legal names.
    case legal
}

/// What an LMS user's login name is.
public enum UserNamePolicy: String, Sendable, Equatable, CaseIterable {
    /// The work email (the employee ID when HR has no email).
    case email
    /// The employee ID.
    case employeeID = "employee_id"
}

/// When a worker missing from full snapshots is archived (soft-deleted in the LMS): after
/// `snapshots` consecutive snapshots without them, or `days` days, whichever comes first. An
/// explicit termination never waits for either.
public struct AbsencePolicy: Sendable, Equatable {
    public var snapshots: Int?
    public var days: Int?

    public init(snapshots: Int? = 3, days: Int? = 14) {
        self.snapshots = snapshots
        self.days = days
    }
}
