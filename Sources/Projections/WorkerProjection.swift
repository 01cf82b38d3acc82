import Foundation
import Journal
import Rules
import Workforce

/// One worker as the LMS projections see them: their HR record, the LMS user they should have,
/// and the moments still to come (a first day, a termination, the end of an absence's grace).
///
/// A pure value: every step takes the rules, the journal position that caused it and the moment
/// it happens, so a replay under the same rules reproduces it exactly.
public struct WorkerProjection: Sendable, Equatable {
    /// A moment still to come, and the event that set it.
    public struct Pending: Sendable, Equatable {
        public var at: Timestamp
        public var cause: JournalPosition
    }

    /// Missing from a feed's full snapshots.
    public struct Absence: Sendable, Equatable {
        public var feed: String
        public var since: Timestamp
        /// Applied snapshots of `feed` the worker was missing from.
        public var snapshots: Int
        public var cause: JournalPosition

        /// When `policy` archives the worker for this absence by time: its grace in days after
        /// `since`. Nil when the policy counts full snapshots only (such a grace ends with a
        /// snapshot, not at a moment).
        public func archiveAt(under policy: AbsencePolicy) -> Timestamp? {
            policy.days.map { since.adding(microseconds: Int64($0) * 86_400_000_000) }
        }
    }

    public internal(set) var worker: Worker
    public internal(set) var user: LMSUser?
    /// The first day (or a rehire's), less pre-start days, while it is still to come.
    public internal(set) var activation: Pending?
    /// A termination that takes effect later.
    public internal(set) var termination: Pending?
    /// Missing from a feed's full snapshots, since when.
    public internal(set) var absence: Absence? {
        get { boxedAbsence?.value }
        set { boxedAbsence = newValue.map(Boxed.init) }
    }
    /// Set while the LMS user is archived.
    public internal(set) var archived: Provenance? {
        get { boxedArchive?.value }
        set { boxedArchive = newValue.map(Boxed.init) }
    }
    /// The worker's account as the LMS acknowledged it (nil: the LMS has none we know of).
    public internal(set) var lms: LMSAccount? {
        get { boxedLMS?.value }
        set { boxedLMS = newValue.map(Boxed.init) }
    }
    // Boxed: nil for most workers most of the time, they took 270 of a projection's 820 bytes
    // inline, in every slot of the fold's array and every move of a projection.
    private var boxedAbsence: Boxed<Absence>?
    private var boxedArchive: Boxed<Provenance>?
    private var boxedLMS: Boxed<LMSAccount>?
    /// The last failed delivery of each outbox command still waiting, by command ID.
    public internal(set) var deliveries: [String: DeliveryFailure] = [:]
    /// The last HR or admin event about the worker: the cause of an update or a removal.
    public internal(set) var changedBy = JournalPosition.start
    /// The first day has come: the worker may have an LMS user.
    var started = false
    /// A rehire waits for the user's reactivation to fire its triggers.
    var rehirePending = false
    /// The termination date of a worker HR still reports employed has passed: their user stays
    /// deactivated until the date is cleared or moved, or they are rehired.
    public internal(set) var endedByDate = false

    /// The context of one step: the rules, the event that causes it, and its moment.
    struct Step {
        var rules: RuleSet
        var cause: JournalPosition
        var moment: Timestamp

        func provenance(_ rule: String) -> Provenance {
            Provenance(rule: rule, ruleSet: rules.version, cause: cause, at: moment)
        }
    }

    init(hired worker: consuming Worker, effectiveAt: Timestamp?, step: Step) {
        let activation = Pending(at: Self.activationMoment(of: worker, effectiveAt: effectiveAt, step: step), cause: step.cause)
        // Moved in, not copied (every string of the record retained).
        self.worker = consume worker
        self.changedBy = step.cause
        self.activation = activation
    }

    /// When a worker hired (or rehired) with `effectiveAt` gets their LMS user: the start of the
    /// hire date (as the feed's cut-off set it) less the rules' pre-start days; at once without a date.
    static func activationMoment(of worker: Worker, effectiveAt: Timestamp?, step: Step) -> Timestamp {
        guard let date = worker.hireDate, let zone = Zones.named(worker.timeZone) else { return effectiveAt ?? step.moment }
        let midnight = date.start(in: zone)
        let cutoff = effectiveAt.map { $0.rawValue - midnight.rawValue } ?? 0
        let start = date.adding(days: -step.rules.preStartDays).start(in: zone)
        return Timestamp(rawValue: start.rawValue + cutoff)
    }

    /// The next moment something is due for the worker under `rules` (a first day, a termination
    /// taking effect, a grace period's end), and what: what `roster tick` or the daemon's
    /// scheduler will fire then, unless events come first.
    public func nextDue(under rules: RuleSet) -> (at: Timestamp, kind: ScheduledEffect.Kind)? {
        var projection = self
        return Self.nextDue(of: &projection, rules: rules)
    }

    /// The next moment something is due for `projection`, and what. Read in place, from the few
    /// fields it rests on: the fold asks twice an event, and a method called on an array's
    /// element (800 bytes) copied it first.
    static func nextDue(of projection: inout WorkerProjection, rules: RuleSet) -> (at: Timestamp, kind: ScheduledEffect.Kind)? {
        var due: (at: Timestamp, kind: ScheduledEffect.Kind)?
        // A first day after the employment ended makes no user: nothing to fire (it stays set,
        // for a termination date cleared later).
        if !projection.started, !projection.endedByDate, let activation = projection.activation?.at { due = (activation, .activate) }
        if let termination = projection.termination?.at, due == nil || termination < due!.at { due = (termination, .deactivate) }
        if projection.archived == nil, let archive = projection.absence?.archiveAt(under: rules.absence) {
            if due == nil || archive < due!.at { due = (archive, .archive) }
        }
        return due
    }

    /// Fires everything due at or before `instant`, each at its own moment, in order.
    mutating func fireDue(upTo instant: Timestamp, rules: RuleSet) -> [ScheduledEffect] {
        var fired: [ScheduledEffect] = []
        while let due = Self.nextDue(of: &self, rules: rules), due.at <= instant {
            switch due.kind {
            case .activate:
                let cause = activation?.cause ?? .start
                let rule = rehirePending ? "rehire" : "hire"
                settle(Step(rules: rules, cause: cause, moment: due.at))
                fired.append(ScheduledEffect(kind: .activate, dueAt: due.at, now: instant, rule: rule, ruleSet: rules.version))
            case .deactivate:
                let cause = termination?.cause ?? .start
                let pending = termination
                termination = nil
                // A terminated worker's status already says so; anyone else ends by the date.
                if worker.status != .terminated { endedByDate = true }
                settle(Step(rules: rules, cause: cause, moment: due.at))
                if pending != nil {
                    fired.append(ScheduledEffect(kind: .deactivate, dueAt: due.at, now: instant, rule: "termination", ruleSet: rules.version))
                }
            case .archive:
                let step = Step(rules: rules, cause: absence?.cause ?? .start, moment: due.at)
                archived = step.provenance("absence")
                settle(step)
                fired.append(ScheduledEffect(kind: .archive, dueAt: due.at, now: instant, rule: "absence", ruleSet: rules.version))
            }
        }
        return fired
    }
}

/// A value behind a reference, for a field most values leave nil: the field takes a pointer's 8
/// bytes instead of the value's. Never changed: a new value is a new box, so the value holding it
/// keeps value semantics.
final class Boxed<Value: Sendable & Equatable>: Sendable, Equatable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }

    static func == (lhs: Boxed, rhs: Boxed) -> Bool {
        lhs === rhs || lhs.value == rhs.value
    }
}
