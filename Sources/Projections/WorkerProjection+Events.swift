import Foundation
import Journal
import Rules
import Workforce

extension WorkerProjection {
    /// Applies a worker event recorded after this worker was first seen.
    mutating func apply(_ event: WorkerEvent, effectiveAt: Timestamp?, step: Step) {
        let rehire = worker.status == .terminated || user?.status == .deactivated
        changedBy = step.cause
        worker.apply(event)
        // What the event means for the LMS user's moments to come.
        switch event {
        case .hired(let record), .rehired(let record):
            termination = nil
            endedByDate = false
            absence = nil
            archived = nil
            started = false
            activation = Pending(at: Self.activationMoment(of: record, effectiveAt: effectiveAt, step: step), cause: step.cause)
            if case .rehired = event, rehire { rehirePending = true }
        case .changed(.hireDate, _, _):
            if !started { activation = Pending(at: Self.activationMoment(of: worker, effectiveAt: nil, step: step), cause: step.cause) }
            // A termination date now before the hire date is a past employment's.
            if worker.status != .terminated, let end = worker.terminationDate, !worker.canEnd(on: end) {
                termination = nil
                endedByDate = false
            }
        case .changed(.terminationDate, _, _):
            scheduleTermination(effectiveAt: effectiveAt, step: step)
        case .terminated:
            endedByDate = false
            absence = nil
            let at = effectiveAt ?? step.moment
            termination = at > step.moment ? Pending(at: at, cause: step.cause) : nil
        case .absent(let feed, _):
            absence = Absence(feed: feed, since: step.moment, snapshots: 0, cause: step.cause)
        case .returned:
            absence = nil
            archived = nil
        case .changed, .attributeChanged, .converted, .emailChanged, .nameChanged, .emailConflict:
            break
        }
        let rule: String
        switch event {
        case .terminated: rule = "termination"
        // A deactivation it causes says termination (settle's reason); a reactivation, status.
        case .changed(.terminationDate, _, _): rule = "status"
        case .rehired: rule = "rehire"
        case .absent, .returned: rule = "absence"
        default: rule = "scope"
        }
        // A field's change the scope does not read (nine events in ten) leaves it as it was.
        let scopeUnchanged = if case .changed(let field, _, _) = event { !step.rules.scopeReads(.field(field)) } else { false }
        settle(step, rule: rule, profile: Self.profileParts(touchedBy: event, rules: step.rules), scopeUnchanged: scopeUnchanged)
        fireTriggers(for: event, step: step)
    }

    /// Follows a termination date set, moved or cleared. For a terminated worker, a termination
    /// still to come moves with it (one that took effect stays so). For one HR still reports
    /// employed (the status changes only when the date comes, as SuccessFactors' and Workday's
    /// do), the date schedules the deactivation at its cut-off (the event's effective time, else
    /// the local midnight starting the date), or ends the employment at once when that has
    /// passed; a date before the hire date is a past employment's and schedules nothing.
    private mutating func scheduleTermination(effectiveAt: Timestamp?, step: Step) {
        let date = worker.terminationDate
        let at = date.map { effectiveAt ?? $0.start(in: Zones.namedOrUTC(worker.timeZone)) }
        if worker.status == .terminated {
            // Moved before it took effect; to now or the past, it takes effect at once.
            if termination != nil, let at { termination = at > step.moment ? Pending(at: at, cause: step.cause) : nil }
            return
        }
        termination = nil
        endedByDate = false
        guard let date, let at, worker.canEnd(on: date) else { return }
        if at > step.moment {
            termination = Pending(at: at, cause: step.cause)
        } else {
            endedByDate = true
        }
    }

    /// True when `event` may change the LMS user's names, email or groups under `rules`.
    static func profileParts(touchedBy event: WorkerEvent, rules: RuleSet) -> ProfileParts {
        switch event {
        case .hired, .rehired: .all
        // Names and email are changed by their own events only; groups by the attributes the
        // mapping tables read.
        case .nameChanged, .emailChanged: .names
        case .changed(let field, _, _): rules.groupsRead(.field(field)) ? .groups : []
        case .attributeChanged(let name, _, _): rules.groupsRead(.custom(name)) ? .groups : []
        case .converted: rules.groupsRead(.employmentType) ? .groups : []
        case .terminated: rules.groupsRead(.field(.status)) || rules.groupsRead(.field(.terminationDate)) ? .groups : []
        case .absent, .returned, .emailConflict: []
        }
    }

    /// Which parts of the user's profile an event may change: a department's change cannot change
    /// a name, nor an email change a group, so neither is worked out again for them.
    struct ProfileParts: OptionSet {
        let rawValue: UInt8
        /// First and last name, email and user name.
        static let names = ProfileParts(rawValue: 1)
        /// Group memberships and unmapped values.
        static let groups = ProfileParts(rawValue: 2)
        static let all: ProfileParts = [.names, .groups]
    }

    /// Counts an applied snapshot of the feed the worker is missing from; archives when the
    /// rules' count is reached.
    mutating func missedSnapshot(step: Step) {
        guard var current = absence, archived == nil else { return }
        current.snapshots += 1
        absence = current
        if let limit = step.rules.absence.snapshots, current.snapshots >= limit {
            // Caused by the absence (the worker missing from the feed), as an archive after days
            // is; the snapshot that reached the count is only when.
            let archive = Step(rules: step.rules, cause: current.cause, moment: step.moment)
            archived = archive.provenance("absence")
            settle(archive, rule: "absence")
        }
    }

    /// Brings an archived user back; a worker still absent starts a new grace period (from the
    /// restore, still caused by the absence: archived again, it is the absence that explains it).
    mutating func restore(step: Step) {
        archived = nil
        if let absence { self.absence = Absence(feed: absence.feed, since: step.moment, snapshots: 0, cause: absence.cause) }
        settle(step, rule: "restore")
    }

    /// Brings the LMS user in line with the worker, the rules and the moment: creates it on the
    /// first day, sets its status, names and groups. `rule` names a status change's cause.
    /// `scopeUnchanged`: nothing the scope reads changed since the last settle, so a user active
    /// then (in scope then) is in scope still, and the scope need not be asked.
    mutating func settle(_ step: Step, rule: String = "scope", profile: ProfileParts = .all, scopeUnchanged: Bool = false) {
        if !started {
            guard let activation, activation.at <= step.moment else { return }
            started = true
            self.activation = nil
        }
        let rules = step.rules
        let employment = Self.employment(of: &self, at: step.moment)
        let employed = employment == .employed
        let inScope = scopeUnchanged && user?.status == .active ? true : rules.admits(worker)
        guard let current = user?.status else {
            guard employed, inScope, archived == nil else { return }
            let reactivation = rehirePending
            rehirePending = false
            user = LMSUser(
                employeeID: worker.id, userName: "", firstName: "", lastName: "", email: nil, status: .active,
                statusProvenance: step.provenance(reactivation ? "rehire" : "hire"))
            refreshProfile(step, .all)
            fireHireTriggers(step, rehire: reactivation)
            return
        }
        let status: LMSUser.Status
        var reason = rule
        if let archived {
            status = .archived
            reason = archived.rule
        } else if !employed {
            status = .deactivated
            reason = employment == .pending ? "status" : "termination"
        } else if !inScope {
            status = .deactivated
            reason = "scope"
        } else {
            status = .active
        }
        // The user is changed in place, field by field, only where it differs: a copy would
        // make its maps copy themselves on every event.
        if status != current, var changed = user.take() {
            changed.status = status
            changed.statusProvenance = step.provenance(status == .active && rehirePending ? "rehire" : reason)
            user = changed
            if status == .active, rehirePending {
                rehirePending = false
                fireHireTriggers(step, rehire: true)
            }
        }
        if !profile.isEmpty { refreshProfile(step, profile) }
    }

    /// Whether HR's record lets the worker have an active LMS user at `moment`, and if not, why.
    enum Employment {
        case employed
        /// HR's status is pending and no user was made before.
        case pending
        /// HR reports them terminated, and the termination has taken effect.
        case terminated
        /// HR still reports them employed, but their termination date has passed.
        case endedByDate
    }

    /// What ``settle(_:rule:profile:)`` and ``whyNoUser(under:)`` both go by: a termination still
    /// to come at `moment` leaves a terminated worker employed; a user once made stays through
    /// a pending status. Read in place (a method on the projection copied it, once an event).
    static func employment(of projection: inout WorkerProjection, at moment: Timestamp) -> Employment {
        switch projection.worker.status {
        case .active, .onLeave: projection.endedByDate ? .endedByDate : .employed
        case .pending: projection.endedByDate ? .endedByDate : projection.user != nil ? .employed : .pending
        case .terminated: projection.termination.map { $0.at > moment } == true ? .employed : .terminated
        }
    }

    /// Names, email, user name and groups (`parts` of them) from the worker as the rules say.
    private mutating func refreshProfile(_ step: Step, _ parts: ProfileParts) {
        // Moved out and back: reading `user!.field`, or passing `&user!`, copies the whole user.
        guard var current = user.take() else { return }
        if parts.contains(.names) { Self.refreshNames(&current, worker: worker, step: step) }
        if parts.contains(.groups) { Self.refreshGroups(&current, worker: worker, step: step) }
        user = consume current
    }

    private static func refreshNames(_ user: inout LMSUser, worker: Worker, step: Step) {
        let rules = step.rules
        let (first, last) =
            rules.names == .preferred ? (worker.displayFirstName, worker.displayLastName) : (worker.legalFirstName, worker.legalLastName)
        if user.firstName != first { user.firstName = first }
        if user.lastName != last { user.lastName = last }
        if user.email != worker.email { user.email = worker.email }
        let userName = rules.userName == .email ? worker.email ?? worker.id.rawValue : worker.id.rawValue
        if user.userName != userName { user.userName = userName }
    }

    private static func refreshGroups(_ user: inout LMSUser, worker: Worker, step: Step) {
        let rules = step.rules
        // Groups change rarely: check the user's against the mappings' without making anything,
        // and change them only when they differ. By index: a `for` loop copies each mapping
        // (its tables, memo and strings retained). The answers (each a memo's lookup), and the
        // membership the user already has of each group, are kept on the stack for the second
        // pass: each group is looked up in the user's map once, not three times.
        let mappings = rules.groups
        withUnsafeTemporaryAllocation(of: GroupAnswer.self, capacity: mappings.count) { answers in
            var groupsMatch = true
            var wantedCount = 0
            var unmappedMatch = true
            var unmappedCount = 0
            for index in mappings.indices {
                let outcome = mappings[index].outcome(for: worker)
                var kept = false
                switch outcome {
                case .group(let name):
                    wantedCount += 1
                    kept = user.groups[name] != nil
                    if !kept { groupsMatch = false }
                case .unmapped(let value):
                    unmappedCount += 1
                    if user.unmapped[mappings[index].id] != value { unmappedMatch = false }
                case .none:
                    break
                }
                answers.initializeElement(at: index, to: GroupAnswer(outcome: outcome, kept: kept))
            }
            defer { answers.deinitialize() }
            if unmappedMatch, unmappedCount == user.unmapped.count, groupsMatch, wantedCount == user.groups.count { return }
            // Changed in place: the memberships no mapping makes now are dropped, those kept keep
            // their provenance, and a group two mappings make is the first's. (Made anew, the
            // old map was freed through the runtime's generic functions, entry by entry.)
            user.groups.removeAll { name in
                !answers.contains { answer in
                    if case .group(let wanted) = answer.outcome { wanted == name } else { false }
                }
            }
            if user.groups.isEmpty { user.groups.reserveCapacity(wantedCount) }
            for index in mappings.indices {
                guard !answers[index].kept, case .group(let name) = answers[index].outcome else { continue }
                user.groups.insertIfAbsent(name) { step.provenance(mappings[index].id) }
            }
            var unmapped = SortedMap<String>()
            for index in mappings.indices {
                if case .unmapped(let value) = answers[index].outcome { unmapped[mappings[index].id] = value }
            }
            if user.unmapped != unmapped { user.unmapped = unmapped }
        }
    }

    /// What a mapping makes of the worker, and whether the user is already in the group it names.
    private struct GroupAnswer {
        var outcome: GroupMapping.Outcome
        var kept: Bool
    }
}

extension WorkerProjection {
    /// Why the worker has no LMS user under `rules`, in words; nil when they have one. What
    /// ``settle(_:rule:profile:)`` waits for or refuses on, the first that applies: a termination
    /// date passed (no first day makes a user then), the first day not reached, an archive, the
    /// HR status, the scope.
    public func whyNoUser(under rules: RuleSet) -> String? {
        guard user == nil else { return nil }
        // Out of scope first: whatever else holds (a future first day, a termination), no user
        // would have been made.
        if let exclusion = rules.scope.exclusion(of: worker) { return "out of scope: \(exclusion)" }
        // As of the last step: a termination still pending has not taken effect.
        var projection = self
        let employment = Self.employment(of: &projection, at: Timestamp(rawValue: .min))
        if employment == .endedByDate, let date = worker.terminationDate {
            return "their termination date \(date) passed before an LMS user was made (HR still reports them \(worker.status.rawValue))"
        }
        if !started {
            guard let activation else { return "no hire of theirs is journaled" }
            let firstDay = worker.hireDate.map { "first day \($0) in \(worker.timeZone)" } ?? "hired"
            let early = rules.preStartDays > 0 ? ", \(rules.preStartDays) days early" : ""
            return "not started yet (\(firstDay)); the LMS user is due at \(activation.at)\(early)"
        }
        if let archived { return "archived (rule \(archived.rule), \(archived.at)) before an LMS user was made" }
        switch employment {
        case .pending: return "their HR status is pending"
        case .terminated:
            return "terminated" + (worker.terminationDate.map { " (termination date \($0))" } ?? "") + " before an LMS user was made"
        case .employed, .endedByDate: break
        }
        return "none made yet"
    }
}
