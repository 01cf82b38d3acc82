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
        let limit = asOf
        let validCutoff = effectiveAt.map(Self.earliestEnd(of:))
        // Each worker's zone as known at the end, for valid-time cut-offs.
        var zones: [EmployeeID: TimeZone] = [:]
        if effectiveAt == nil {
            try FoldInputs.forEach(in: journal, from: JournalPosition(1)) { input in
                if let limit, input.recordedAt > limit { return false }
                state.apply(input)
                return true
            }
            if let until = asOf ?? now { state.advance(to: until) }
            return state
        }
        try journal.read { snapshot in
            try snapshot.forEachEvent { event in
                if let limit, event.recordedAt > limit { return false }
                guard let date = effectiveAt, let validCutoff else {
                    try state.apply(event)
                    return true
                }
                if event.type.rawValue.hasPrefix("worker.") {
                    let id = EmployeeID(rawValue: event.subject)
                    let zone = try Self.zone(of: event, id: id, state: state, known: &zones)
                    if (event.effectiveAt ?? event.recordedAt) >= Self.end(of: date, in: zone) { return true }
                }
                try state.apply(event, at: min(event.recordedAt, validCutoff))
                return true
            }
        }
        if let date = effectiveAt {
            state.advance { projection in Self.end(of: date, in: Zones.named(projection.worker.timeZone) ?? .gmt) }
        } else if let until = asOf ?? now {
            state.advance(to: until)
        }
        return state
    }

    /// The zone of the worker an event is about: a hire's own record, else what the fold knows.
    static func zone(of event: RecordedEvent, id: EmployeeID, state: DesiredState, known: inout [EmployeeID: TimeZone]) throws -> TimeZone {
        if event.type.rawValue == "worker.hired.v1" || event.type.rawValue == "worker.rehired.v1" || event.type.rawValue == "worker.changed.v1",
            let decoded = try WorkerEvent.decode(type: event.type, payload: event.payload)
        {
            switch decoded {
            case .hired(let worker), .rehired(let worker): known[id] = Zones.named(worker.timeZone)
            case .changed(.timeZone, _, let new): if let new { known[id] = Zones.named(new) }
            default: break
            }
        }
        return known[id] ?? state[worker: id].flatMap { Zones.named($0.worker.timeZone) } ?? .gmt
    }

    /// The end of `date` in `zone`: the start of the next day.
    static func end(of date: LocalDate, in zone: TimeZone) -> Timestamp {
        date.adding(days: 1).start(in: zone)
    }

    /// The earliest end of `date` anywhere (UTC+14), so no worker's clock passes their own end.
    static func earliestEnd(of date: LocalDate) -> Timestamp {
        end(of: date, in: TimeZone(secondsFromGMT: 14 * 3600)!)
    }
}
