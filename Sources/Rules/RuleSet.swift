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
    public var version: String {
        get { storage.version }
        set { unique().version = newValue }
    }
    /// The rules as the admin wrote them.
    public var text: String {
        get { storage.text }
        set { unique().text = newValue }
    }
    /// Which of HR's names the LMS shows.
    public var names: NamePolicy {
        get { storage.names }
        set { unique().names = newValue }
    }
    /// What the LMS user's login name is made of.
    public var userName: UserNamePolicy {
        get { storage.userName }
        set { unique().userName = newValue }
    }
    public var scope: Scope {
        get { storage.scope }
        set {
            let storage = unique()
            storage.scope = newValue
            storage.scopeAttributes = Storage.attributes(readBy: newValue)
        }
    }
    /// Whether the scope reads `attribute`, asked in place (see ``groupsRead(_:)``): a change to
    /// any other cannot take a worker in or out of scope.
    public func scopeReads(_ attribute: WorkerAttribute) -> Bool { storage.scopeAttributes.contains(attribute) }
    public var groups: [GroupMapping] {
        get { storage.groups }
        set {
            let storage = unique()
            storage.groups = newValue
            storage.groupAttributes = AttributeSet(newValue.map(\.attribute))
        }
    }
    /// The attributes the mapping tables read: a change to any other leaves groups as they are.
    public var groupAttributes: AttributeSet { storage.groupAttributes }
    /// Whether the mapping tables read `attribute`, asked in place: reading ``groupAttributes``
    /// copies the set (its custom names retained), and a replay asks once an event.
    public func groupsRead(_ attribute: WorkerAttribute) -> Bool { storage.groupAttributes.contains(attribute) }
    public var triggers: [AssignmentTrigger] {
        get { storage.triggers }
        set {
            let storage = unique()
            storage.triggers = newValue
            storage.triggerAttributes = Storage.attributes(firing: newValue)
        }
    }
    /// The attributes whose change may fire a trigger (a change, transfer or conversion
    /// trigger): a change to any other fires none, and a replay need not look at each trigger.
    public var triggerAttributes: AttributeSet { storage.triggerAttributes }
    /// Whether a change of `attribute` may fire a trigger, asked in place (see ``groupsRead(_:)``).
    public func triggersRead(_ attribute: WorkerAttribute) -> Bool { storage.triggerAttributes.contains(attribute) }
    /// Whether the scope admits `worker`, asked in place: reading ``scope`` copies its conditions.
    public func admits(_ worker: Worker) -> Bool { storage.scope.admits(worker) }
    public var absence: AbsencePolicy {
        get { storage.absence }
        set { unique().absence = newValue }
    }
    /// Days before the hire date a new worker's LMS user is created (pre-boarding).
    public var preStartDays: Int {
        get { storage.preStartDays }
        set { unique().preStartDays = newValue }
    }
    /// Hire triggers fire only for a user first activated at most this many days after the hire
    /// date: the first sync of an existing company provisions its people without onboarding
    /// them all again. Nil: always.
    public var newHireWindowDays: Int? {
        get { storage.newHireWindowDays }
        set { unique().newHireWindowDays = newValue }
    }

    /// The rules themselves, behind one reference: a fold copies the rule set into every step
    /// (a million times in a rebuild), and copying a dozen fields, each retained, was a tenth of
    /// the fold. Copied on write, so the rule set is still a value.
    private var storage: Storage

    /// Mutable only through ``unique()``, on a storage no other rule set shares. Unchecked: changed only through ``unique()``, by a rule set that alone holds it, so no
    /// access overlaps one that changes it (checking each read at run time cost the fold).
    private final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) var version: String
        @exclusivity(unchecked) var text: String
        @exclusivity(unchecked) var names: NamePolicy
        @exclusivity(unchecked) var userName: UserNamePolicy
        @exclusivity(unchecked) var scope: Scope
        @exclusivity(unchecked) var scopeAttributes: AttributeSet
        @exclusivity(unchecked) var groups: [GroupMapping]
        @exclusivity(unchecked) var groupAttributes: AttributeSet
        @exclusivity(unchecked) var triggers: [AssignmentTrigger]
        @exclusivity(unchecked) var triggerAttributes: AttributeSet
        @exclusivity(unchecked) var absence: AbsencePolicy
        @exclusivity(unchecked) var preStartDays: Int
        @exclusivity(unchecked) var newHireWindowDays: Int?

        init(
            version: String, text: String, names: NamePolicy, userName: UserNamePolicy, scope: Scope, groups: [GroupMapping],
            triggers: [AssignmentTrigger], absence: AbsencePolicy, preStartDays: Int, newHireWindowDays: Int?
        ) {
            self.version = version
            self.text = text
            self.names = names
            self.userName = userName
            self.scope = scope
            self.scopeAttributes = Self.attributes(readBy: scope)
            self.groups = groups
            self.groupAttributes = AttributeSet(groups.map(\.attribute))
            self.triggers = triggers
            self.triggerAttributes = Self.attributes(firing: triggers)
            self.absence = absence
            self.preStartDays = preStartDays
            self.newHireWindowDays = newHireWindowDays
        }

        static func attributes(readBy scope: Scope) -> AttributeSet {
            AttributeSet((scope.include + scope.exclude).map(\.attribute))
        }

        static func attributes(firing triggers: [AssignmentTrigger]) -> AttributeSet {
            AttributeSet(
                triggers.compactMap { trigger in
                    switch trigger.event {
                    case .change(let condition): condition.attribute
                    case .transfer: .field(.location)
                    case .conversion: .employmentType
                    case .hire, .rehire: nil
                    }
                })
        }

        func copy() -> Storage {
            Storage(
                version: version, text: text, names: names, userName: userName, scope: scope, groups: groups, triggers: triggers,
                absence: absence, preStartDays: preStartDays, newHireWindowDays: newHireWindowDays)
        }
    }

    /// The storage, copied first when another rule set shares it.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    public init(
        version: String, text: String, names: NamePolicy = .preferred, userName: UserNamePolicy = .email, scope: Scope = Scope(),
        groups: [GroupMapping] = [], triggers: [AssignmentTrigger] = [], absence: AbsencePolicy = AbsencePolicy(), preStartDays: Int = 0,
        newHireWindowDays: Int? = 30
    ) {
        storage = Storage(
            version: version, text: text, names: names, userName: userName, scope: scope, groups: groups, triggers: triggers, absence: absence,
            preStartDays: preStartDays, newHireWindowDays: newHireWindowDays)
    }

    public static func == (lhs: RuleSet, rhs: RuleSet) -> Bool {
        if lhs.storage === rhs.storage { return true }
        let (a, b) = (lhs.storage, rhs.storage)
        return a.version == b.version && a.text == b.text && a.names == b.names && a.userName == b.userName && a.scope == b.scope
            && a.groups == b.groups && a.triggers == b.triggers && a.absence == b.absence && a.preStartDays == b.preStartDays
            && a.newHireWindowDays == b.newHireWindowDays
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
