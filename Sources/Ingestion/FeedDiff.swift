import Journal
import Workforce

/// What one file changes: the events to journal, worker by worker, and their counts.
public struct FeedChanges: Sendable, Equatable {
    /// Events in file order, each with the worker it is about; absences last.
    public var events: [(id: EmployeeID, event: WorkerEvent)] = []
    public var counts = BatchCounts()
    /// Of the absences, the workers whose termination date had taken effect: HR said they would
    /// leave, so they are absent as any leaver is, but not held against the safety thresholds
    /// (a report of active workers drops a month's leavers at once).
    public var departed = 0

    public static func == (lhs: FeedChanges, rhs: FeedChanges) -> Bool {
        lhs.counts == rhs.counts && lhs.departed == rhs.departed
            && lhs.events.elementsEqual(rhs.events) { $0.id == $1.id && $0.event == $1.event }
    }
}

/// Compares a file's records with what is known, and says what changed. Matching is by
/// employee ID only; an email already held by another ID is a conflict, never a merge.
public enum FeedDiff {
    /// The changes `records` (read from one file of `feed`, batch `batch`, at `now`) make to
    /// `state`. `alsoPresent` are the IDs of rows the file has but that were not read into
    /// `records` (unchanged or quarantined): they are in the file, so never absent.
    public static func changes(
        _ records: [WorkerRecord],
        against state: WorkforceState,
        feed: FeedConfiguration,
        batch: String,
        now: Timestamp? = nil,
        alsoPresent: Set<EmployeeID> = []
    ) -> FeedChanges {
        changes(records, against: state, feed: feed, batch: batch, now: now, isPresent: { alsoPresent.contains($0) })
    }

    /// The changes `records` make to `state` at `now` (nil: no termination date counts as taken
    /// effect); `isPresent` says whether an ID not among them has a row in the file.
    public static func changes(
        _ records: [WorkerRecord],
        against state: WorkforceState,
        feed: FeedConfiguration,
        batch: String,
        now: Timestamp? = nil,
        isPresent: (EmployeeID) -> Bool
    ) -> FeedChanges {
        var changes = FeedChanges()
        // Emails claimed or released by this file, over the owners known before it (not copied).
        var claimed: [String: EmployeeID?] = [:]
        func owner(_ email: String) -> EmployeeID? {
            if let change = claimed[email] { return change }
            return state.emailOwners[email]
        }
        var seen = Set<EmployeeID>()
        seen.reserveCapacity(records.count)
        for record in records {
            seen.insert(record.id)
            let current = state.workers[record.id]
            var proposed = record.worker(updating: current)
            var events: [WorkerEvent] = []
            if feed.kind.isComplete, state.absent[record.id] != nil {
                events.append(.returned(feed: feed.name, batch: batch))
            }
            if let email = proposed.email, let holder = owner(email), holder != record.id {
                events.append(.emailConflict(email: email, heldBy: holder))
                proposed.email = current?.email
            }
            if let email = proposed.email, current?.email != email { claimed[email] = .some(record.id) }
            if let current, let old = current.email, old != proposed.email, owner(old) == record.id { claimed[old] = .some(nil) }

            guard let current else {
                events += Self.hire(proposed, after: nil)
                changes.counts.creates += 1
                changes.events += events.map { (record.id, $0) }
                continue
            }
            if current.status == .terminated, proposed.status != .terminated {
                events += Self.hire(proposed, after: current)
                changes.counts.creates += 1
                changes.events += events.map { (record.id, $0) }
                continue
            }
            let differences = self.differences(from: current, to: proposed)
            // A termination date set on a worker HR still reports employed schedules their
            // deactivation: it counts against the terminations threshold like a termination.
            if differences.contains(where: { event in
                switch event {
                case .terminated: true
                case .changed(.terminationDate, _, .some): proposed.status != .terminated
                default: false
                }
            }) {
                changes.counts.terminations += 1
            } else if !differences.isEmpty {
                changes.counts.changes += 1
            }
            events += differences
            changes.events += events.map { (record.id, $0) }
        }
        if feed.kind.isComplete {
            // Everyone this feed reported before, still employed, who is missing now: newly, or
            // again (already absent).
            var missing: [EmployeeID] = []
            // Cheapest tests first: most of the population is in the file.
            for (id, reporter) in state.feeds
            where reporter == feed.name && !isPresent(id) && !seen.contains(id) && state.workers[id].map({ $0.status != .terminated }) == true {
                if state.absent[id] == nil { missing.append(id) } else { changes.counts.stillAbsent += 1 }
            }
            for id in missing.sorted() {
                changes.events.append((id, .absent(feed: feed.name, batch: batch)))
                if let now, let end = state.scheduledEnds[id], let moment = feed.terminationMoment(of: end, zone: state.workers[id]?.timeZone),
                    moment <= now
                {
                    changes.departed += 1
                }
            }
            changes.counts.absences += missing.count
        }
        return changes
    }

    /// A hire of `worker`, or a rehire of one who was `previous`. An end already dated (a
    /// fixed-term contract: a termination date on or after the hire date and after the previous
    /// employment's, the worker not terminated) follows as a change of the termination date, so
    /// that it is journaled with its own effective time and scheduled. An earlier date is a past
    /// employment's (a rehire's record often keeps it) and stays in the record.
    static func hire(_ worker: Worker, after previous: Worker?) -> [WorkerEvent] {
        let rehire = previous != nil
        guard let end = worker.terminationDate, worker.status != .terminated, worker.canEnd(on: end),
            previous?.terminationDate.map({ $0 < end }) ?? true
        else {
            return [rehire ? .rehired(worker) : .hired(worker)]
        }
        var hired = worker
        hired.terminationDate = nil
        return [rehire ? .rehired(hired) : .hired(hired), .changed(.terminationDate, old: nil, new: end.description)]
    }

    /// The events that turn `current` into `proposed`, in a stable order: the time zone, names,
    /// email, type, the other fields, attributes, and a termination last.
    ///
    /// The time zone comes first: what follows it in the row happens where the worker now is. A
    /// transfer's compliance course or a conversion's is due at local midnight in the new zone,
    /// and a date's effective moment is read there.
    static func differences(from current: Worker, to proposed: Worker) -> [WorkerEvent] {
        var events: [WorkerEvent] = []
        if current.timeZone != proposed.timeZone {
            events.append(.changed(.timeZone, old: current.timeZone, new: proposed.timeZone))
        }
        if current.legalFirstName != proposed.legalFirstName || current.legalLastName != proposed.legalLastName
            || current.preferredFirstName != proposed.preferredFirstName || current.preferredLastName != proposed.preferredLastName
        {
            events.append(.nameChanged(old: PersonName(of: current), new: PersonName(of: proposed)))
        }
        if current.email != proposed.email { events.append(.emailChanged(old: current.email, new: proposed.email)) }
        if current.employmentType != proposed.employmentType {
            events.append(.converted(from: current.employmentType, to: proposed.employmentType))
        }
        let terminating = current.status != .terminated && proposed.status == .terminated
        for field in WorkerField.allCases where field != .timeZone && !field.isEqual(current, proposed) {
            if terminating, field == .status || field == .terminationDate { continue }
            events.append(.changed(field, old: field.value(in: current), new: field.value(in: proposed)))
        }
        if current.custom != proposed.custom {
            for name in Set(current.custom.keys).union(proposed.custom.keys).sorted() where current.custom[name] != proposed.custom[name] {
                events.append(.attributeChanged(name: name, old: current.custom[name], new: proposed.custom[name]))
            }
        }
        if terminating {
            events.append(.terminated(date: proposed.terminationDate, previousStatus: current.status))
        }
        return events
    }
}
