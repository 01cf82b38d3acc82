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
        let (projection, trail, rules) = try tracedWorker(id, asOf: nil)
        var events = try journal.read { try $0.events(forSubject: id.rawValue) }
        guard !events.isEmpty else { return nil }
        let own = Set(events.map(\.position))
        for cause in Set(trail.map(\.cause)).subtracting(own) {
            if let event = try journal.event(at: cause) { events.append(event) }
        }
        events.sort { $0.position < $1.position }
        return WorkerHistory(employeeID: id, events: events, derived: Dictionary(grouping: trail, by: \.cause), projection: projection, rules: rules)
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
                        ["at": entry.at.iso8601, "changes": entry.changes.map(ChangeText.describe)]
                    },
                ] as [String: Any]
            },
        ]
    }
}
