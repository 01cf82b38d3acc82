import Workforce

/// How one desired state differs from another, user by user: what a rule change would do.
public struct StateDifference: Sendable {
    /// Users only the new state has.
    public var usersAdded: [EmployeeID] = []
    /// Users only the old state has.
    public var usersRemoved: [EmployeeID] = []
    /// Users whose status differs: id, old, new.
    public var statusChanges: [(id: EmployeeID, from: LMSUser.Status, to: LMSUser.Status)] = []
    public var groupsAdded: [(id: EmployeeID, group: String)] = []
    public var groupsRemoved: [(id: EmployeeID, group: String)] = []
    public var assignmentsAdded: [(id: EmployeeID, course: String)] = []
    public var assignmentsRemoved: [(id: EmployeeID, course: String)] = []
    /// Assignments both states hold with different due dates.
    public var dueDatesChanged: [(id: EmployeeID, course: String, from: LocalDate?, to: LocalDate?)] = []
    /// Users whose name, email or user name differ.
    public var profilesChanged: [EmployeeID] = []

    public var isEmpty: Bool {
        usersAdded.isEmpty && usersRemoved.isEmpty && statusChanges.isEmpty && groupsAdded.isEmpty && groupsRemoved.isEmpty
            && assignmentsAdded.isEmpty && assignmentsRemoved.isEmpty && dueDatesChanged.isEmpty && profilesChanged.isEmpty
    }

    /// Users deactivated or archived by the change, from active.
    public var deactivations: Int { statusChanges.filter { $0.from == .active && $0.to == .deactivated }.count }
    public var archives: Int { statusChanges.filter { $0.from == .active && $0.to == .archived }.count }

    /// The difference from `old` to `new`. Provenance alone (a new rule-set version naming the
    /// same facts) is not a difference. Users in employee-ID order, each one's groups and courses
    /// in name order.
    public init(from old: [EmployeeID: LMSUser], to new: [EmployeeID: LMSUser]) {
        var ids = Array(old.keys)
        ids.reserveCapacity(max(old.count, new.count))
        for id in new.keys where old[id] == nil { ids.append(id) }
        self.init(ids: ids, old: { old[$0] }, new: { new[$0] })
    }

    /// The difference from `old`'s users to `new`'s, read in place: no dictionary of either
    /// state's users is made (each a copy of every user).
    public init(from old: DesiredState, to new: DesiredState) {
        var ids = old.userIDs
        for id in new.userIDs where old[user: id] == nil { ids.append(id) }
        self.init(ids: ids, old: { old[user: $0] }, new: { new[user: $0] })
    }

    /// The difference over `ids` (each once, in any order), each user as `old` and `new` give it.
    init(ids: [EmployeeID], old: (EmployeeID) -> LMSUser?, new: (EmployeeID) -> LMSUser?) {
        var ids = ids
        ids.sort()
        for id in ids {
            switch (old(id), new(id)) {
            case (nil, let added?):
                usersAdded.append(id)
                groupsAdded += added.groups.map { (id, $0.key) }
                assignmentsAdded += added.assignments.map { (id, $0.key) }
            case (let removed?, nil):
                usersRemoved.append(id)
                groupsRemoved += removed.groups.map { (id, $0.key) }
                assignmentsRemoved += removed.assignments.map { (id, $0.key) }
            case (let before?, let after?):
                if before.status != after.status { statusChanges.append((id, before.status, after.status)) }
                if before.firstName != after.firstName || before.lastName != after.lastName || before.email != after.email
                    || before.userName != after.userName
                {
                    profilesChanged.append(id)
                }
                Self.walk(before.groups, after.groups, removed: { groupsRemoved.append((id, $0)) }, added: { groupsAdded.append((id, $0)) })
                Self.walk(
                    before.assignments, after.assignments, removed: { assignmentsRemoved.append((id, $0)) }, added: { assignmentsAdded.append((id, $0)) },
                    both: { course, old, new in
                        if old.due != new.due { dueDatesChanged.append((id, course, old.due, new.due)) }
                    })
            case (nil, nil):
                break
            }
        }
    }

    /// Walks two maps together in key order (both are kept sorted): `removed` for each key only
    /// `old` has, `added` for each only `new` has, `both` for each in both. No sets are made:
    /// four a user, for a hundred thousand users, were most of a plan's comparison.
    static func walk<Value>(
        _ old: SortedMap<Value>, _ new: SortedMap<Value>, removed: (String) -> Void, added: (String) -> Void,
        both: (String, Value, Value) -> Void = { _, _, _ in }
    ) {
        var (i, j) = (old.startIndex, new.startIndex)
        while i < old.endIndex || j < new.endIndex {
            if j == new.endIndex || (i < old.endIndex && old[i].key < new[j].key) {
                removed(old[i].key)
                i += 1
            } else if i == old.endIndex || new[j].key < old[i].key {
                added(new[j].key)
                j += 1
            } else {
                both(old[i].key, old[i].value, new[j].value)
                i += 1
                j += 1
            }
        }
    }
}
