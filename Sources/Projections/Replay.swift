import Foundation
import Journal
import Rules
import Workforce

/// Folds the journal into the LMS desired state, as of a recorded instant (what Roster believed
/// then) and, optionally, at an effective date (what was true in HR that day, as known then).
public struct Replay: Sendable {
    /// Only events recorded at or before this instant count; nil for all of them.
    public var asOf: Timestamp?
    /// The state at the end of this local date in each worker's time zone: events effective
    /// later are left out, and timers fire up to that moment.
    public var effectiveAt: LocalDate?
    /// The instant the clock is moved to when neither bound is given (now); nil leaves the
    /// clock where the journal's last event put it.
    public var now: Timestamp?
    /// Keep every change of this worker's LMS user, with its cause.
    public var tracing: EmployeeID?

    public init(asOf: Timestamp? = nil, effectiveAt: LocalDate? = nil, now: Timestamp? = .now(), tracing: EmployeeID? = nil) {
        self.asOf = asOf
        self.effectiveAt = effectiveAt
        self.now = now
        self.tracing = tracing
    }

    /// The desired state under `rules`.
    public func run(_ journal: Journal, rules: RuleSet) throws -> DesiredState {
        var state = DesiredState(rules: rules)
        state.tracing = tracing
        // Room for the journal's subjects, made while the first events are read (counted before:
        // see ``ProjectionStore/catchUp(_:)``).
        let subjects = try journal.read { try $0.subjectCount() }
        let limit = asOf
        guard let date = effectiveAt else {
            try FoldInputs.forEach(in: journal, from: JournalPosition(1), prepare: { state.reserveCapacity(workers: subjects) }, ahead: { state.prefetch(for: $0, $1) }) { input in
                if let limit, input.recordedAt > limit { return false }
                state.apply(consume input)
                return true
            }
            if let until = asOf ?? now { state.advance(to: until) }
            return state
        }
        // Valid time: events effective after the end of `date` in their worker's zone are left
        // out, and no moment passes the earliest end of that date anywhere until the last step.
        let validCutoff = Self.earliestEnd(of: date)
        var zones: [EmployeeID: Zone] = [:]
        try FoldInputs.forEach(in: journal, from: JournalPosition(1), prepare: { state.reserveCapacity(workers: subjects) }, ahead: { state.prefetch(for: $0, $1) }) { input in
            if let limit, input.recordedAt > limit { return false }
            // An event is folded when it was recorded, or at the moment it became true in HR when
            // that is earlier (a hire loaded years after the first day, a termination sent late);
            // never past the date. Folded at the date asked about, a late hire took its onboarding
            // window and its courses' due dates from that date. One recorded ahead of its moment (a
            // future first day) is folded at its recording and the fold schedules it, as it did
            // then: what was recorded after it about the worker still comes after it.
            var at = input.recordedAt
            let about: (id: EmployeeID, zone: String?, effectiveAt: Timestamp?, terminationDate: Bool)? =
                switch input.kind {
                case .worker(let id, let event, let effectiveAt):
                    (id, event.newTimeZone, effectiveAt, { if case .changed(.terminationDate, _, _) = event { true } else { false } }())
                case .hire(let id, let hired, let effectiveAt): (id, hired.timeZone, effectiveAt, false)
                default: nil
                }
            if let (id, zone, effectiveAt, terminationDate) = about {
                if let zone { zones[id] = Zones.named(zone) }
                // A termination date set or moved counts from when it was recorded, or from its
                // own moment when that is earlier (a date set after it passed): a later moment is
                // the termination it schedules, which the fold times. Counted from that moment, a
                // date moved later would be left out and the earlier one kept.
                let known = terminationDate ? min(input.recordedAt, effectiveAt ?? input.recordedAt) : effectiveAt ?? input.recordedAt
                if known >= Self.end(of: date, in: zones[id] ?? .utc) { return true }
                at = min(input.recordedAt, effectiveAt ?? input.recordedAt)
            }
            state.apply(consume input, at: min(at, validCutoff))
            return true
        }
        // The last instant of the date: what is due at its end (a termination at the start of the
        // next day) belongs to the next day.
        state.advance { projection in Self.end(of: date, in: Zones.namedOrUTC(projection.worker.timeZone)).adding(microseconds: -1) }
        return state
    }

    /// The end of `date` in `zone`: the start of the next day.
    static func end(of date: LocalDate, in zone: Zone) -> Timestamp {
        date.adding(days: 1).start(in: zone)
    }

    /// UTC+14, the first clock to reach a date.
    private static let farthestEast = Zone(TimeZone(secondsFromGMT: 14 * 3600)!)

    /// The earliest end of `date` anywhere (UTC+14), so no worker's clock passes their own end.
    static func earliestEnd(of date: LocalDate) -> Timestamp {
        end(of: date, in: Self.farthestEast)
    }
}
