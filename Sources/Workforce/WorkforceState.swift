/// What the HR feeds say about everyone, folded from worker events: the current record of each
/// worker, who is absent from their feed's last snapshot, and who holds which email.
///
/// A pure fold: `apply` never fails; an event about an unknown worker that needs one is ignored
/// (the journal's order makes that impossible for events Roster wrote).
public struct WorkforceState: Sendable, Equatable {
    public private(set) var workers: [EmployeeID: Worker] = [:]
    /// Workers missing from their feed's latest snapshot, with that feed's name.
    public private(set) var absent: [EmployeeID: String] = [:]
    /// Which employee ID holds each email (lower-cased).
    public private(set) var emailOwners: [String: EmployeeID] = [:]
    /// The feed each worker belongs to: the full snapshot that last reported them, else the first
    /// feed that did. A feed of changes (a delta file, a webhook) does not take a worker from a
    /// snapshot: the snapshot still misses them when they are gone.
    public private(set) var feeds: [EmployeeID: String] = [:]
    /// Feeds known to send changes only, not their whole population.
    public private(set) var partialFeeds: Set<String> = []
    /// How many workers each feed reported last who are not terminated.
    public private(set) var population: [String: Int] = [:]
    /// The termination dates journaled as the end of a worker's current employment while HR
    /// still reports them employed (a date sent ahead of the status): the projections schedule
    /// these, and a worker missing after theirs took effect is a leaver, not a suspect. A date
    /// a rehire's record keeps from the past employment is not one.
    public private(set) var scheduledEnds: [EmployeeID: LocalDate] = [:]

    public init() {}

    /// Applies `event` about `id`, reported by `feed`.
    public mutating func apply(_ event: WorkerEvent, to id: EmployeeID, feed: String? = nil) {
        // Most events change one field of a worker the same feed reported: no count moves.
        if case .changed(let field, _, _) = event, field != .status, feed == nil || feeds[id] == feed {
            workers[id]?.apply(event)
            followEnd(of: id, after: field)
            return
        }
        let counted = counts(id)
        defer {
            let now = counts(id)
            if counted != now {
                if let counted { population[counted, default: 0] -= 1 }
                if let now { population[now, default: 0] += 1 }
            }
        }
        if let feed, event.reportsPresence, feeds[id] != feed, feeds[id] == nil || !partialFeeds.contains(feed) { feeds[id] = feed }
        switch event {
        case .hired(let worker), .rehired(let worker):
            setEmail(of: id, from: workers[id]?.email, to: worker.email)
            workers[id] = worker
            scheduledEnds[id] = nil
        case .emailChanged(let old, let new):
            guard workers[id] != nil else { return }
            setEmail(of: id, from: old, to: new)
            workers[id]?.apply(event)
        case .absent(let feed, _):
            absent[id] = feed
        case .returned:
            absent[id] = nil
        case .changed(let field, _, _):
            workers[id]?.apply(event)
            followEnd(of: id, after: field)
        case .terminated:
            workers[id]?.apply(event)
            scheduledEnds[id] = nil
        case .attributeChanged, .converted, .nameChanged, .emailConflict:
            workers[id]?.apply(event)
        }
    }

    /// Says whether `feed` sends its whole population (a full snapshot) or changes only.
    public mutating func reports(completely: Bool, feed: String) {
        if completely { partialFeeds.remove(feed) } else { partialFeeds.insert(feed) }
    }

    /// Keeps ``scheduledEnds`` as the projections see it after a change of `id`'s `field`: a
    /// termination date set, on a worker not terminated, ends their current employment if it can
    /// (on or after the hire date); a changed hire date or status keeps one only while it can.
    private mutating func followEnd(of id: EmployeeID, after field: WorkerField) {
        guard field == .terminationDate || field == .hireDate || field == .status else { return }
        guard let worker = workers[id], worker.status != .terminated, let end = worker.terminationDate, worker.canEnd(on: end),
            field == .terminationDate || scheduledEnds[id] != nil
        else {
            scheduledEnds[id] = nil
            return
        }
        scheduledEnds[id] = end
    }

    /// The feed whose population `id` counts in, if any.
    private func counts(_ id: EmployeeID) -> String? {
        guard let feed = feeds[id], let status = workers[id]?.status, status != .terminated else { return nil }
        return feed
    }

    private mutating func setEmail(of id: EmployeeID, from old: String?, to new: String?) {
        if let old, emailOwners[old.lowercased()] == id { emailOwners[old.lowercased()] = nil }
        if let new { emailOwners[new.lowercased()] = id }
    }
}

extension WorkerEvent {
    /// True for events a feed's row produces (the worker is in that feed's file).
    var reportsPresence: Bool {
        switch self {
        case .absent, .emailConflict: false
        default: true
        }
    }
}
