import Workforce

/// One difference between two states of an LMS user: what an LMS would be told, and what a
/// worker's history lists as derived from an event.
public enum LMSChange: Sendable, Equatable {
    case created(LMSUser)
    case statusChanged(from: LMSUser.Status, to: LMSUser.Status, Provenance)
    case profileChanged(field: String, old: String?, new: String?)
    case addedToGroup(String, Provenance)
    case removedFromGroup(String, Provenance?)
    case assigned(Assignment)
    case unassigned(Assignment)
    /// No desired user any more: only when rules are adopted under which the worker never had
    /// one (a fold never takes a user away; the LMS account is deactivated, never deleted).
    case removed(LMSUser)

    /// The changes that turn `old` into `new`, in a stable order: creation or status, profile,
    /// groups, assignments.
    public static func changes(from old: LMSUser?, to new: LMSUser?) -> [LMSChange] {
        guard let new else { return old.map { [.removed($0)] } ?? [] }
        guard let old else {
            var changes: [LMSChange] = [.created(new)]
            changes += new.groups.sorted { $0.key < $1.key }.map { .addedToGroup($0.key, $0.value) }
            changes += new.assignments.sorted { $0.key < $1.key }.map { .assigned($0.value) }
            return changes
        }
        var changes: [LMSChange] = []
        if old.status != new.status { changes.append(.statusChanged(from: old.status, to: new.status, new.statusProvenance)) }
        for (field, before, after) in [
            ("userName", old.userName, new.userName), ("firstName", old.firstName, new.firstName),
            ("lastName", old.lastName, new.lastName),
        ] where before != after {
            changes.append(.profileChanged(field: field, old: before, new: after))
        }
        if old.email != new.email { changes.append(.profileChanged(field: "email", old: old.email, new: new.email)) }
        for (group, provenance) in old.groups.sorted(by: { $0.key < $1.key }) where new.groups[group] == nil {
            changes.append(.removedFromGroup(group, provenance))
        }
        for (group, provenance) in new.groups.sorted(by: { $0.key < $1.key }) where old.groups[group] == nil {
            changes.append(.addedToGroup(group, provenance))
        }
        for (course, assignment) in old.assignments.sorted(by: { $0.key < $1.key }) where new.assignments[course] == nil {
            changes.append(.unassigned(assignment))
        }
        for (course, assignment) in new.assignments.sorted(by: { $0.key < $1.key }) where old.assignments[course] != assignment {
            changes.append(.assigned(assignment))
        }
        return changes
    }
}
