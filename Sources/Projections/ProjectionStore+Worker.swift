import ByteCoding
import Journal
import LMDBKit
import Workforce

extension ProjectionStore {
    /// One worker's projection from the events recorded at or before `instant`: their own
    /// events (the journal's subject index) and the applied snapshots of a feed they were missing
    /// from (this store's index), folded under the store's rules, with the clock at `instant`.
    /// Bounded by the worker's own history, not the journal's. The store must be caught up.
    public func worker(_ id: EmployeeID, asOf instant: Timestamp, journal: Journal) throws -> WorkerProjection? {
        try tracedWorker(id, asOf: instant, journal: journal).projection
    }

    /// ``worker(_:asOf:journal:)`` with every change of the worker's LMS user and its cause.
    public func tracedWorker(
        _ id: EmployeeID, asOf instant: Timestamp, journal: Journal
    ) throws -> (projection: WorkerProjection?, trail: [DesiredState.TraceEntry]) {
        let events = try journal.read { try $0.events(forSubject: id.rawValue) }
        var state = DesiredState(rules: rules)
        state.tracing = id
        var last = JournalPosition.start
        /// Applied snapshots of the feed the worker is missing from, after `last` and before `limit`.
        func missedSnapshots(before limit: JournalPosition?) throws {
            guard let feed = state[worker: id]?.absence?.feed, state[worker: id]?.archived == nil else { return }
            let entries: [(JournalPosition, Timestamp)] = try environment.read { txn in
                try txn.withCursor(applied) { cursor in
                    var found: [(JournalPosition, Timestamp)] = []
                    var entry = try cursor.seek(atOrAfter: Self.appliedKey(feed, last.next))
                    let prefix = Array(feed.utf8) + [0]
                    while let current = entry, current.key.count == prefix.count + 8, current.key.starts(with: prefix) {
                        let position = JournalPosition(UInt64(bigEndianBytes: UnsafeRawBufferPointer(rebasing: current.key[prefix.count...])))
                        let at = Timestamp(rawValue: Int64(bitPattern: UInt64(bigEndianBytes: current.value)))
                        if let limit, position >= limit { break }
                        if at > instant { break }
                        found.append((position, at))
                        entry = try cursor.next()
                    }
                    return found
                }
            }
            for (position, at) in entries {
                state.snapshotApplied(feed: feed, cause: position, moment: at)
                last = position
                if state[worker: id]?.absence == nil || state[worker: id]?.archived != nil { return }
            }
        }
        for event in events where event.recordedAt <= instant {
            try missedSnapshots(before: event.position)
            try state.apply(event)
            last = event.position
        }
        try missedSnapshots(before: nil)
        state.advance(to: instant)
        return (state[worker: id], state.trail)
    }
}
