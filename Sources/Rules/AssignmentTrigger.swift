import Workforce

/// A rule that assigns a course when something happens to a worker who has an LMS user.
public struct AssignmentTrigger: Sendable, Equatable {
    /// What makes the trigger fire.
    public enum Event: Sendable, Equatable {
        /// The worker's first day (their LMS user's activation, pre-start days included). With
        /// `reassignOnRehire`, a rehire assigns the course again with a new due date.
        case hire(reassignOnRehire: Bool)
        /// A field changes to a value that passes the condition, from one that did not
        /// (a promotion: job title changes to one matching "Manager").
        case change(WorkerCondition)
        /// The location changes to one of these.
        case transfer(locations: [String])
        /// The employment type changes to one of `to` (from one of `from`, when given).
        case conversion(from: [EmploymentType]?, to: [EmploymentType])
        /// A terminated worker returns.
        case rehire
    }

    /// The rule's id, named by every assignment it makes.
    public var id: String
    public var event: Event
    /// The course (or learning path) to assign, by its LMS code.
    public var course: String
    /// The assignment is due this many days after the trigger's day; nil for no due date.
    public var dueDays: Int?

    public init(id: String, on event: Event, course: String, dueDays: Int? = nil) {
        self.id = id
        self.event = event
        self.course = course
        self.dueDays = dueDays
    }
}

extension AssignmentTrigger: CustomStringConvertible {
    /// The rule in words, as `roster why` shows it.
    public var description: String {
        let when: String
        switch event {
        case .hire(let reassign): when = "on hire (first activation)" + (reassign ? ", again on rehire" : "")
        case .change(let condition): when = "when \(condition.attribute) changes so that \(condition)"
        case .transfer(let locations): when = "on transfer into location \(locations.joined(separator: ", "))"
        case .conversion(let from, let to):
            when = "on conversion" + (from.map { " from \($0.map(\.rawValue).joined(separator: ", "))" } ?? "")
                + " to \(to.map(\.rawValue).joined(separator: ", "))"
        case .rehire: when = "on rehire"
        }
        return "\(id): \(when), assign \(course)" + (dueDays.map { ", due \($0) days later" } ?? "")
    }
}
