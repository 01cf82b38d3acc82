import Journal
import Workforce

extension ProjectionStore {
    /// Fires what is due at `instant`: each first day reached, termination taking effect and grace
    /// period ended becomes a `schedule.fired.v1` event, journaled in one append (`origin` says
    /// who fired it). Returns what fired. The store is caught up first.
    @available(*, noasync, message: "appends to the journal synchronously")
    public func tick(_ journal: Journal, at instant: Timestamp, origin: String) throws -> [(id: EmployeeID, effect: ScheduledEffect)] {
        var state = try catchUp(journal)
        let fired = state.advance(to: instant)
        guard !fired.isEmpty else { return [] }
        let metadata = EventMetadata(source: "scheduler", origin: origin)
        let events = try fired.map { id, effect in
            ProposedEvent(
                subject: id.rawValue, type: ScheduleEvent.fired(effect).type, payload: try ScheduleEvent.fired(effect).payload(),
                effectiveAt: effect.dueAt, metadata: metadata)
        }
        try journal.append(events)
        return fired
    }
}
