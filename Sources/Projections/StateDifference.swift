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
    /// same facts) is not a difference.
    public init(from old: [EmployeeID: LMSUser], to new: [EmployeeID: LMSUser]) {
        for id in Set(old.keys).union(new.keys).sorted() {
            switch (old[id], new[id]) {
            case (nil, let added?):
                usersAdded.append(id)
                groupsAdded += added.groups.keys.sorted().map { (id, $0) }
                assignmentsAdded += added.assignments.keys.sorted().map { (id, $0) }
            case (let removed?, nil):
                usersRemoved.append(id)
                groupsRemoved += removed.groups.keys.sorted().map { (id, $0) }
                assignmentsRemoved += removed.assignments.keys.sorted().map { (id, $0) }
            case (let before?, let after?):
                if before.status != after.status { statusChanges.append((id, before.status, after.status)) }
                if before.firstName != after.firstName || before.lastName != after.lastName || before.email != after.email
                    || before.userName != after.userName
                {
                    profilesChanged.append(id)
                }
                groupsAdded += Set(after.groups.keys).subtracting(before.groups.keys).sorted().map { (id, $0) }
                groupsRemoved += Set(before.groups.keys).subtracting(after.groups.keys).sorted().map { (id, $0) }
                assignmentsAdded += Set(after.assignments.keys).subtracting(before.assignments.keys).sorted().map { (id, $0) }
                assignmentsRemoved += Set(before.assignments.keys).subtracting(after.assignments.keys).sorted().map { (id, $0) }
                for (course, assignment) in after.assignments.sorted(by: { $0.key < $1.key }) {
                    if let old = before.assignments[course], old.due != assignment.due {
                        dueDatesChanged.append((id, course, old.due, assignment.due))
                    }
                }
            case (nil, nil):
                break
            }
        }
    }
}
