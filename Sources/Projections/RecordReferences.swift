import Rules
import Workforce

/// What a worker's stored record names by reference instead of writing out, for one rule set:
/// its version, the ids of the rules a fact can name (the built-in policies, then the group
/// mappings and the triggers) and each trigger's course. Most of a record's provenance is one of
/// a dozen ids, and an assignment's course is its trigger's: written out, they were a third of a
/// record, and the snapshots' compression spends its time on every byte.
///
/// A reference is the id's index plus one, as a varint; 0 means the text follows. The same rule
/// set gives the same table, so records stay deterministic (a rebuild compares byte for byte).
struct RecordReferences: Sendable {
    /// The rule set's version: a provenance naming it writes one byte.
    let ruleSet: String
    /// The ids a reference stands for, in order.
    let rules: [String]
    /// By rule index: the course of the trigger with that id, if any.
    let courses: [String?]
    /// By id: its index in ``rules`` (the first, when a mapping and a trigger share an id).
    private let indices: StringMap<Int>

    /// The built-in policies a fact can name besides the rules file's ids.
    static let policies = ["hire", "rehire", "termination", "status", "scope", "absence", "restore"]

    init(_ rules: RuleSet) {
        ruleSet = rules.version
        var ids = Self.policies
        var courses = [String?](repeating: nil, count: ids.count)
        for mapping in rules.groups {
            ids.append(mapping.id)
            courses.append(nil)
        }
        for trigger in rules.triggers {
            ids.append(trigger.id)
            courses.append(trigger.course)
        }
        var indices = StringMap<Int>()
        indices.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() where indices[id] == nil { indices.insert(index, for: id) }
        // A trigger sharing an id with an earlier rule lends its course to that index.
        for trigger in rules.triggers {
            if let index = indices[trigger.id], courses[index] == nil { courses[index] = trigger.course }
        }
        self.rules = ids
        self.courses = courses
        self.indices = indices
    }

    /// The index of rule `id`, or nil when it is none of the table's.
    func index(of id: String) -> Int? { indices[id] }
}
