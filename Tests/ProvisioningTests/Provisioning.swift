import CSV
import Foundation
import Journal
import JournalTestSupport
import Projections
import Provisioning
import Rules
import Workforce

/// A journal with a hand-set clock, the live projection store for the rules, and a connector:
/// given HR events, when Roster syncs, then what the LMS holds.
final class ProvisioningScenario: @unchecked Sendable {
    let directory = TestDirectory("provisioning")
    let clock = ManualClock(Timestamp(iso8601: "2026-11-29T09:00:00Z")!)
    let journal: Journal
    let store: ProjectionStore
    let rules: RuleSet
    var exports: String { directory.child("exports") }

    init(rules: RuleSet = ProvisioningScenario.rules) throws {
        var configuration = Journal.Configuration(path: directory.child("journal"), createIfMissing: true)
        configuration.clock = clock
        journal = try Journal(configuration)
        self.rules = rules
        store = try ProjectionStore(root: directory.child("projections"), rules: rules)
    }

    deinit { directory.remove() }

    func provisioner(connector: (any LMSConnector)? = nil, policy: DeliveryPolicy = DeliveryPolicy(maxAttempts: 3)) -> Provisioner {
        let clock = self.clock
        return Provisioner(
            journal: journal, store: store, connector: connector ?? CSVExportConnector(directory: exports, now: { clock.now() }), policy: policy,
            now: { clock.now() })
    }

    func at(_ time: String) {
        clock.set(Timestamp(iso8601: time)!)
    }

    @discardableResult
    func record(_ id: String, _ event: WorkerEvent, at time: String, effective: Timestamp? = nil) throws -> JournalPosition {
        at(time)
        return try journal.append([
            ProposedEvent(subject: id, type: event.type, payload: try event.payload(), effectiveAt: effective, metadata: EventMetadata(source: "hris"))
        ]).last
    }

    @discardableResult
    func hire(_ worker: Worker, at time: String) throws -> JournalPosition {
        try record(worker.id.rawValue, .hired(worker), at: time, effective: worker.hireDate!.start(in: Zones.named(worker.timeZone)!))
    }

    func terminate(_ id: String, on date: LocalDate, at time: String) throws {
        try record(id, .terminated(date: date, previousStatus: .active), at: time, effective: date.start(in: Zones.named("Europe/London")!))
    }

    /// The outbox as `roster plan` shows it (a synchronous call, kept out of async tests).
    func outbox(_ provisioner: Provisioner) throws -> [LMSCommand] {
        try provisioner.outbox()
    }

    func retry(_ provisioner: Provisioner, _ ids: [String] = []) throws -> [LMSCommand] {
        try provisioner.retry(ids, by: "admin@example.com")
    }

    /// The store caught up with the journal.
    func caughtUp(_ store: ProjectionStore? = nil) throws -> DesiredState {
        try (store ?? self.store).catchUp(journal)
    }

    /// A full snapshot of feed `hris` applied at `time`, from which `absent` were missing.
    func snapshot(_ batch: String, absent: [String], at time: String) throws {
        at(time)
        let metadata = EventMetadata(source: "hris", batch: batch)
        let receipt = BatchEvent.received(BatchReceipt(feed: "hris", file: "\(batch).csv", sha256: String(repeating: "0", count: 64), bytes: 1, rows: 1))
        let applied = BatchEvent.applied(BatchCounts(absences: absent.count))
        try journal.append(
            [ProposedEvent(subject: "batch:\(batch)", type: receipt.type, payload: try receipt.payload(), metadata: metadata)]
                + absent.map { ProposedEvent(subject: $0, type: WorkerEvent.absent(feed: "hris", batch: batch).type, payload: try WorkerEvent.absent(feed: "hris", batch: batch).payload(), metadata: metadata) }
                + [ProposedEvent(subject: "batch:\(batch)", type: applied.type, payload: try applied.payload(), metadata: metadata)])
    }

    /// An admin brings `id` back from the archive.
    func restore(_ id: String, at time: String) throws {
        at(time)
        let event = AdminEvent.restored(by: "admin@example.com", reason: nil)
        try journal.append([ProposedEvent(subject: id, type: event.type, payload: try event.payload())])
    }

    /// The caught-up state, its clock moved to now.
    func state() throws -> DesiredState {
        var state = try store.catchUp(journal)
        state.advance(to: clock.now())
        return state
    }

    /// Workers whose LMS account differs from their desired user: empty when the LMS holds
    /// exactly what it should.
    func drift() throws -> [String] {
        try state().allProjections.compactMap { projection in
            let id = projection.worker.id.rawValue
            guard let user = projection.user, let profile = projection.desiredProfile else {
                return projection.lms?.active == true ? "\(id): an account open without a desired user" : nil
            }
            guard let account = projection.lms else {
                return user.status == .active ? "\(id): no account" : nil
            }
            var wanted = Set(user.groups.keys.map { LMSMembership(.group, $0) })
            wanted.formUnion(user.assignments.keys.map { LMSMembership(.course, $0) })
            if account.profile != profile { return "\(id): profile \(account.profile) is not \(profile)" }
            if account.active != (user.status == .active) { return "\(id): active \(account.active), status \(user.status)" }
            if Set(account.memberships.keys) != wanted { return "\(id): memberships \(account.memberships.keys.sorted()) are not \(wanted.sorted())" }
            return nil
        }
    }

    /// Full and part timers; departments and locations to groups; onboarding on hire,
    /// leadership on promotion, New York compliance on transfer, benefits on conversion.
    static let rules = RuleSet(
        version: String(repeating: "cd", count: 32), text: "(provisioning test rules)",
        scope: Scope(include: [WorkerCondition(.employmentType, .oneOf(["full_time", "part_time"]))]),
        groups: [
            GroupMapping(id: "departments", attribute: .field(.departmentName), table: ["Information Technology": "IT Dept", "Sales": "Sales Team"]),
            GroupMapping(id: "locations", attribute: .field(.location), table: ["LON": "London", "NYC": "New York", "SYD": "Sydney"]),
        ],
        triggers: [
            AssignmentTrigger(id: "onboarding", on: .hire(reassignOnRehire: false), course: "Onboarding_Path", dueDays: 14),
            AssignmentTrigger(id: "leadership", on: .change(WorkerCondition(.field(.jobTitle), .pattern(try! ValuePattern("manager")))), course: "Leadership_101", dueDays: 30),
            AssignmentTrigger(id: "nyc-compliance", on: .transfer(locations: ["NYC"]), course: "NY_Harassment_Prevention", dueDays: 30),
            AssignmentTrigger(id: "benefits", on: .conversion(from: [.contractor], to: [.fullTime]), course: "Benefits_Enrolment", dueDays: 7),
        ],
        absence: AbsencePolicy(snapshots: 3, days: 14))
}

/// What a Canvas account holds after importing export runs in order, as Canvas's SIS import
/// applies them: every row an upsert keyed by its SIS IDs.
struct CanvasAccount {
    var users: [String: (login: String, name: String, status: String)] = [:]
    var groups: [String: String] = [:]
    var memberships: [String: String] = [:]
    var enrollments: [String: String] = [:]

    mutating func importRun(_ folder: String) throws {
        func rows(_ file: String) throws -> [[String: String]] {
            let path = folder + "/canvas/" + file
            guard let data = FileManager.default.contents(atPath: path) else { return [] }
            let table = try CSVReader.read(Array(data))
            return table.records.map { Dictionary(uniqueKeysWithValues: zip(table.header, $0.fields)) }
        }
        for row in try rows("users.csv") {
            users[row["user_id"]!] = (row["login_id"]!, row["first_name"]! + " " + row["last_name"]!, row["status"]!)
        }
        for row in try rows("groups.csv") { groups[row["group_id"]!] = row["status"]! }
        for row in try rows("group_memberships.csv") {
            precondition(groups[row["group_id"]!] == "available", "membership of an undeclared group \(row["group_id"]!)")
            memberships[row["group_id"]! + "|" + row["user_id"]!] = row["status"]!
        }
        for row in try rows("enrollments.csv") { enrollments[row["course_id"]! + "|" + row["user_id"]!] = row["status"]! }
    }

    /// Imports every run under `directory` not imported yet, in the order written.
    mutating func importNew(from directory: String, seen: inout Set<String>) throws {
        let runs = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        for run in runs where !seen.contains(run) {
            try importRun(directory + "/" + run)
            seen.insert(run)
        }
    }

    func groups(of user: String) -> [String] {
        memberships.filter { $0.value == "accepted" && $0.key.hasSuffix("|" + user) }.map { String($0.key.split(separator: "|")[0]) }.sorted()
    }

    func courses(of user: String) -> [String] {
        enrollments.filter { $0.value == "active" && $0.key.hasSuffix("|" + user) }.map { String($0.key.split(separator: "|")[0]) }.sorted()
    }
}

func worker(
    _ id: String, first: String = "Ada", last: String = "Lovelace", title: String = "Data Analyst", location: String = "LON",
    zone: String = "Europe/London", type: EmploymentType = .fullTime, hired: LocalDate = LocalDate(year: 2019, month: 4, day: 1)!
) -> Worker {
    Worker(
        id: EmployeeID(rawValue: id), email: "\(first.lowercased()).\(last.lowercased())@example.com", legalFirstName: first, legalLastName: last,
        jobTitle: title, departmentName: "Information Technology", location: location, timeZone: zone, employmentType: type, status: .active,
        hireDate: hired)
}

func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
    LocalDate(year: year, month: month, day: day)!
}
