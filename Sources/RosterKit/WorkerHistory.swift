import Foundation
import Journal
import Projections
import Workforce

/// Every event about a worker, and every LMS fact each one caused: what `roster history` and
/// `GET /v1/workers/{id}/history` show.
public struct WorkerHistory: Sendable {
    public var employeeID: EmployeeID
    /// The worker's own events, and the events about something else that changed their LMS user
    /// (a batch that counted an absence), in journal order.
    public var events: [RecordedEvent]
    /// The changes of the LMS user each event caused, by the event's position.
    public var derived: [JournalPosition: [DesiredState.TraceEntry]]
    /// The worker's projection now.
    public var projection: WorkerProjection?
    public var rules: RosterApp.RulesInForce
}

extension RosterApp {
    /// The history of worker `id`, or nil when the journal has never told of them.
    @available(*, noasync, message: "reads the journal synchronously")
    public func history(of id: EmployeeID) throws -> WorkerHistory? {
        let (projection, current, rules) = try tracedWorker(id, asOf: nil)
        var events = try journal.read { try $0.events(forSubject: id.rawValue) }
        guard !events.isEmpty else { return nil }
        let trail = try trailUnderRulesInForce(of: id, current: current)
        let own = Set(events.map(\.position))
        for cause in Set(trail.map(\.cause)).subtracting(own) {
            if let event = try journal.event(at: cause) { events.append(event) }
        }
        events.sort { $0.position < $1.position }
        return WorkerHistory(employeeID: id, events: events, derived: Dictionary(grouping: trail, by: \.cause), projection: projection, rules: rules)
    }
}

extension RosterApp {
    /// The changes of worker `id`'s LMS user as they were derived: under each rule set while it
    /// was in force, and at each adoption what the new rules changed (caused by the adoption).
    /// `current` is the trail under the rules in force now, from the start: a rule set applies to
    /// the whole history when adopted, but what the LMS was told before it was the old rules'.
    @available(*, noasync, message: "reads the journal synchronously")
    func trailUnderRulesInForce(of id: EmployeeID, current: [DesiredState.TraceEntry]) throws -> [DesiredState.TraceEntry] {
        let adoptions = try RuleBook.adoptions(in: journal)
        guard adoptions.count > 1 else { return current }
        var trail: [DesiredState.TraceEntry] = []
        /// The user under the rules before, as the adoption found it.
        var before: LMSUser?
        for (index, adopted) in adoptions.enumerated() {
            if index > 0 {
                // What the new rules change; the same course, due the same day, only names other rules.
                let changes = LMSChange.changes(from: before, to: try worker(id, asOf: adopted.recordedAt).projection?.user).filter { change in
                    guard case .assigned(let assignment) = change, let old = before?.assignments[assignment.course] else { return true }
                    return old.due != assignment.due
                }
                if !changes.isEmpty {
                    trail.append(DesiredState.TraceEntry(cause: adopted.position, at: adopted.recordedAt, changes: changes, derived: adopted.recordedAt))
                }
            }
            let next = index + 1 < adoptions.count ? adoptions[index + 1] : nil
            var entries = current
            if let next {
                // The last instant these rules were in force (recorded times increase strictly).
                let (projection, traced, _) = try tracedWorker(id, asOf: Timestamp(rawValue: next.recordedAt.rawValue - 1))
                entries = traced
                before = projection?.user
            }
            // Each change under the rules in force when it was made (a tick may fire a first day
            // ahead of its moment, under the rules of the tick's time).
            trail += entries.filter { entry in
                (index == 0 || entry.derived > adopted.recordedAt) && next.map { entry.derived < $0.recordedAt } ?? true
            }
        }
        return trail
    }
}

extension JSONView {
    public static func history(_ history: WorkerHistory) -> [String: Any] {
        [
            "employee_id": history.employeeID.rawValue,
            "events": history.events.map { event in
                [
                    "position": event.position.rawValue, "type": event.type.rawValue, "recorded_at": event.recordedAt.iso8601,
                    "effective_at": event.effectiveAt?.iso8601 as Any, "subject": event.subject, "source": EventText.source(event),
                    "payload": (try? JSONSerialization.jsonObject(with: Data(event.payload))) as Any,
                    "derived": (history.derived[event.position] ?? []).map { entry in
                        ["at": entry.at.iso8601, "changes": entry.changes.map(ChangeText.describe), "facts": entry.changes.map(change)]
                    },
                ] as [String: Any]
            },
        ]
    }

    /// One change of an LMS user, with its rule and cause where it has them (what `changes`
    /// says in words).
    public static func change(_ change: LMSChange) -> [String: Any] {
        switch change {
        case .created(let user): ["change": "created", "status": user.status.rawValue, "user_name": user.userName, "provenance": provenance(user.statusProvenance)]
        case .statusChanged(let from, let to, let why): ["change": "status", "from": from.rawValue, "to": to.rawValue, "provenance": provenance(why)]
        case .profileChanged(let field, let old, let new): ["change": "profile", "field": field, "old": old as Any, "new": new as Any]
        case .addedToGroup(let group, let why): ["change": "group_added", "group": group, "provenance": provenance(why)]
        case .removedFromGroup(let group, _): ["change": "group_removed", "group": group]
        case .assigned(let assignment):
            ["change": "assigned", "course": assignment.course, "due": assignment.due?.description as Any, "provenance": provenance(assignment.provenance)]
        case .unassigned(let assignment): ["change": "unassigned", "course": assignment.course]
        case .removed: ["change": "removed"]
        }
    }
}
