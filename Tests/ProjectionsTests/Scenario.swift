import Foundation
import Journal
import JournalTestSupport
import Projections
import Rules
import Workforce

/// A journal on disk with a hand-set clock, and the rules the workflows are told under:
/// given events, when time passes, then the LMS desired state.
final class Scenario {
    let directory = TestDirectory("projections")
    let clock = ManualClock(instant("2026-11-29T09:00:00Z"))
    let journal: Journal
    var rules: RuleSet
    private(set) var positions: [JournalPosition] = []

    init(rules: RuleSet = Scenario.standardRules) throws {
        var configuration = Journal.Configuration(path: directory.child("journal"), createIfMissing: true)
        configuration.clock = clock
        journal = try Journal(configuration)
        self.rules = rules
    }

    deinit { directory.remove() }

    /// Records `event` about `id` at `time`, effective at `effective`.
    @discardableResult
    func record(_ id: String, _ event: WorkerEvent, at time: String, effective: Timestamp? = nil) throws -> JournalPosition {
        clock.set(instant(time))
        let appended = try journal.append([
            ProposedEvent(subject: id, type: event.type, payload: try event.payload(), effectiveAt: effective, metadata: EventMetadata(source: "hris"))
        ])
        positions.append(appended.last)
        return appended.last
    }

    /// A hire recorded at `time`, effective at the start of the hire date in the worker's zone.
    @discardableResult
    func hire(_ worker: Worker, at time: String) throws -> JournalPosition {
        try record(worker.id.rawValue, .hired(worker), at: time, effective: worker.hireDate!.start(in: Zones.named(worker.timeZone)!))
    }

    /// A termination dated `date`, effective at that local date's start.
    @discardableResult
    func terminate(_ id: String, on date: LocalDate, zone: String, at time: String) throws -> JournalPosition {
        try record(id, .terminated(date: date, previousStatus: .active), at: time, effective: date.start(in: Zones.named(zone)!))
    }

    /// A full snapshot of `feed` applied at `time`, in which `absent` were missing.
    func snapshot(_ batch: String, feed: String = "hris", absent: [String] = [], at time: String) throws {
        clock.set(instant(time))
        let metadata = EventMetadata(source: feed, batch: batch)
        let receipt = BatchReceipt(feed: feed, file: "\(batch).csv", sha256: String(repeating: "0", count: 64), bytes: 100, rows: 10)
        var events = [ProposedEvent(subject: "batch:\(batch)", type: BatchEvent.received(receipt).type, payload: try BatchEvent.received(receipt).payload(), metadata: metadata)]
        for id in absent {
            let event = WorkerEvent.absent(feed: feed, batch: batch)
            events.append(ProposedEvent(subject: id, type: event.type, payload: try event.payload(), metadata: metadata))
        }
        let applied = BatchEvent.applied(BatchCounts(absences: absent.count))
        events.append(ProposedEvent(subject: "batch:\(batch)", type: applied.type, payload: try applied.payload(), metadata: metadata))
        try journal.append(events)
    }

    /// An admin restores `id`.
    func restore(_ id: String, at time: String) throws {
        clock.set(instant(time))
        let event = AdminEvent.restored(by: "admin@example.com", reason: "back from secondment")
        try journal.append([ProposedEvent(subject: id, type: event.type, payload: try event.payload())])
    }

    /// The desired state as of `time` (recorded time).
    func state(at time: String, tracing: String? = nil) throws -> DesiredState {
        try Replay(asOf: instant(time), tracing: tracing.map(EmployeeID.init(rawValue:))).run(journal, rules: rules)
    }

    /// The LMS user of `id` as of `time`.
    func user(_ id: String, at time: String) throws -> LMSUser? {
        try state(at: time).users[EmployeeID(rawValue: id)]
    }

    /// Workflow rules: full- and part-timers only; departments and locations map to groups;
    /// onboarding on hire, leadership on promotion, New York compliance on transfer, benefits
    /// on conversion, a welcome-back course on rehire.
    static let standardRules: RuleSet = {
        RuleSet(
            version: String(repeating: "ab", count: 32), text: "(test rules)",
            scope: Scope(include: [WorkerCondition(.employmentType, .oneOf(["full_time", "part_time"]))]),
            groups: [
                GroupMapping(id: "departments", attribute: .field(.departmentName), table: ["Information Technology": "IT Dept", "Sales": "Sales Team"]),
                GroupMapping(id: "locations", attribute: .field(.location), table: ["LON": "London", "NYC": "New York", "SYD": "Sydney", "LAX": "Los Angeles"]),
            ],
            triggers: [
                AssignmentTrigger(id: "onboarding", on: .hire(reassignOnRehire: false), course: "Onboarding_Path", dueDays: 14),
                AssignmentTrigger(id: "leadership", on: .change(WorkerCondition(.field(.jobTitle), .pattern(try! ValuePattern("manager")))), course: "Leadership_101", dueDays: 30),
                AssignmentTrigger(id: "nyc-compliance", on: .transfer(locations: ["NYC"]), course: "NY_Harassment_Prevention", dueDays: 30),
                AssignmentTrigger(id: "benefits", on: .conversion(from: [.contractor], to: [.fullTime]), course: "Benefits_Enrolment", dueDays: 7),
                AssignmentTrigger(id: "welcome-back", on: .rehire, course: "Welcome_Back", dueDays: 7),
            ],
            absence: AbsencePolicy(snapshots: 3, days: 14))
    }()
}

/// An instant from RFC 3339 text.
func instant(_ text: String) -> Timestamp {
    Timestamp(iso8601: text)!
}

/// A worker for the workflows: active, full time, in IT in London unless told otherwise.
func worker(
    _ id: String, first: String = "Ada", last: String = "Lovelace", preferred: String? = nil, title: String = "Data Analyst",
    location: String = "LON", zone: String = "Europe/London", type: EmploymentType = .fullTime, hired: LocalDate = LocalDate(year: 2026, month: 11, day: 2)!
) -> Worker {
    Worker(
        id: EmployeeID(rawValue: id), email: "\(first.lowercased()).\(last.lowercased())@example.com", legalFirstName: first, legalLastName: last,
        preferredFirstName: preferred, jobTitle: title, departmentName: "Information Technology", location: location, timeZone: zone,
        employmentType: type, status: .active, hireDate: hired)
}

func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
    LocalDate(year: year, month: month, day: day)!
}
