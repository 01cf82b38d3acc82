import Foundation
import Journal
import JournalTestSupport
import Projections
import Provisioning
import Synchronization
import Testing
import Workforce

/// The outbox delivered to the embedded LMS (the CSV export): given HR events, when Roster
/// syncs, then the LMS's journaled answers and the files written equal the desired state.
@Suite struct ProvisioningTests {
    @Test func everyWorkflowEndsWithTheLMSHoldingTheDesiredState() async throws {
        let scenario = try ProvisioningScenario()
        let provisioner = scenario.provisioner()
        var canvas = CanvasAccount()
        var imported = Set<String>()
        func syncAndCheck(_ step: String) async throws {
            let summary = try await provisioner.sync()
            #expect(summary.failed == 0 && summary.waiting == 0 && summary.dead == 0, "\(step)")
            #expect(try scenario.drift() == [], "\(step)")
            #expect(try scenario.outbox(provisioner) == [], "\(step): the outbox is empty once the LMS answered")
            // The files say the same: Canvas, importing every run in order, holds the desired state.
            try canvas.importNew(from: scenario.exports, seen: &imported)
            for projection in try scenario.state().allProjections {
                let id = projection.worker.id.rawValue
                guard let user = projection.user, projection.lms != nil else {
                    #expect(canvas.users[id] == nil, "\(step): \(id) has no account")
                    continue
                }
                #expect(canvas.users[id]?.status == (user.status == .active ? "active" : "suspended"), "\(step): \(id)")
                #expect(canvas.users[id]?.name == "\(user.firstName) \(user.lastName)", "\(step): \(id)")
                #expect(canvas.groups(of: id) == user.groups.keys.sorted(), "\(step): \(id)")
                #expect(canvas.courses(of: id) == user.assignments.keys.sorted(), "\(step): \(id)")
            }
        }

        // Day 1: two veterans, a hire starting in Sydney on 1 December, a contractor (out of scope).
        try scenario.hire(worker("E1", first: "Ada", last: "Lovelace"), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("E2", first: "Alan", last: "Turing"), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("E3", first: "Grace", last: "Hopper"), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("S1", first: "Mia", last: "Chen", location: "SYD", zone: "Australia/Sydney", hired: date(2026, 12, 1)), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("C1", first: "Carl", last: "Jung", type: .contractor), at: "2026-11-29T09:00:00Z")
        try await syncAndCheck("day 1")
        #expect(canvas.users.keys.sorted() == ["E1", "E2", "E3"])

        // Day 2: a promotion, a London-to-New-York transfer, a name change, a termination.
        try scenario.record("E1", .changed(.jobTitle, old: "Data Analyst", new: "Data Manager"), at: "2026-11-30T09:00:00Z")
        try scenario.record("E2", .changed(.location, old: "LON", new: "NYC"), at: "2026-11-30T09:00:00Z")
        try scenario.record("E2", .changed(.timeZone, old: "Europe/London", new: "America/New_York"), at: "2026-11-30T09:00:00Z")
        let old = PersonName(of: worker("E3", first: "Grace", last: "Hopper"))
        var married = old
        married.legalLast = "Murray"
        try scenario.record("E3", .nameChanged(old: old, new: married), at: "2026-11-30T09:00:00Z")
        try scenario.terminate("E3", on: date(2026, 11, 30), at: "2026-11-30T09:00:01Z")
        try await syncAndCheck("day 2")
        #expect(canvas.courses(of: "E1") == ["Leadership_101"])
        #expect(canvas.groups(of: "E2") == ["IT Dept", "New York"])
        #expect(canvas.courses(of: "E2") == ["NY_Harassment_Prevention"])
        #expect(canvas.users["E3"]?.name == "Grace Murray" && canvas.users["E3"]?.status == "suspended")
        #expect(canvas.users["S1"] == nil, "Sydney's first day has not come")

        // Day 3: Sydney's first day came at 13:00 UTC on the 30th; the contractor is converted.
        scenario.at("2026-11-30T13:00:00Z")
        try await syncAndCheck("Sydney's first day")
        #expect(canvas.users["S1"]?.status == "active")
        #expect(canvas.groups(of: "S1") == ["IT Dept", "Sydney"])
        #expect(canvas.courses(of: "S1") == ["Onboarding_Path"])
        try scenario.record("C1", .converted(from: .contractor, to: .fullTime), at: "2026-12-01T09:00:00Z")
        try await syncAndCheck("day 3")
        #expect(canvas.courses(of: "C1") == ["Benefits_Enrolment"])

        // A rehire: the same account comes back.
        var back = worker("E3", first: "Grace", last: "Murray", hired: date(2026, 12, 2))
        back.status = .active
        try scenario.record("E3", .rehired(back), at: "2026-12-02T09:00:00Z", effective: date(2026, 12, 2).start(in: Zones.named("Europe/London")!))
        try await syncAndCheck("rehire")
        #expect(canvas.users["E3"]?.status == "active")

        // Every answer is in the journal, naming the command and its cause.
        let answers = try scenario.journal.read { try $0.events(forSubject: "E1") }.filter { $0.type.rawValue.hasPrefix("lms.") }
        #expect(answers.map(\.type.rawValue).contains("lms.user-created.v1"))
        let leadership = try #require(answers.first { $0.type.rawValue == "lms.membership-added.v1" && String(decoding: $0.payload, as: UTF8.self).contains("Leadership_101") })
        #expect(leadership.metadata.source == "lms:csv-export")
    }

    @Test func aFailedDeliveryBacksOffBecomesADeadLetterAndIsRetriedOnRequest() async throws {
        let scenario = try ProvisioningScenario()
        // The export directory is a file: every write fails, as a full or read-only disk would.
        try FileManager.default.createDirectory(atPath: scenario.directory.path, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: scenario.exports, contents: Data("not a directory".utf8))
        let provisioner = scenario.provisioner(policy: DeliveryPolicy(maxAttempts: 3, backoffSeconds: 60, maxBackoffSeconds: 3600))
        try scenario.hire(worker("E1"), at: "2026-11-29T09:00:00Z")

        var summary = try await provisioner.sync()
        #expect(summary.acknowledged == 0 && summary.failed == 3, "the create and two memberships")
        var outbox = try scenario.outbox(provisioner)
        #expect(outbox.count == 3)
        let first = try #require(outbox.first { $0.action == .create }?.lastFailure)
        #expect(first.attempt == 1 && first.status == 0 && !first.dead)
        // The first backoff is 30 to 60 seconds (60 with a jitter of 0.5 to 1).
        let wait = try #require(first.retryAt).rawValue - Timestamp(iso8601: "2026-11-29T09:00:00Z")!.rawValue
        #expect((30_000_000...60_000_000).contains(wait))

        // Before the backoff ends nothing is sent again.
        summary = try await provisioner.sync()
        #expect(summary.deliveries.isEmpty && summary.waiting == 3)

        scenario.at("2026-11-29T09:01:01Z")
        summary = try await provisioner.sync()
        #expect(summary.failed == 3)
        scenario.at("2026-11-29T09:03:01Z")
        summary = try await provisioner.sync()
        #expect(summary.failed == 3 && summary.dead == 3, "the third attempt was the last")
        outbox = try scenario.outbox(provisioner)
        #expect(outbox.allSatisfy { $0.isDead })
        let reason = outbox.first?.lastFailure?.error ?? ""
        #expect(reason.contains(scenario.exports), "the reason names the directory: \(reason)")

        // Mended, dead letters still wait for a person; `retry` sends them again with fresh attempts.
        try FileManager.default.removeItem(atPath: scenario.exports)
        scenario.at("2026-11-29T12:00:00Z")
        summary = try await provisioner.sync()
        #expect(summary.deliveries.isEmpty && summary.dead == 3)
        let retried = try scenario.retry(provisioner)
        #expect(retried.count == 3)
        #expect(try scenario.outbox(provisioner).allSatisfy { !$0.isDead && $0.lastFailure == nil })
        summary = try await provisioner.sync()
        #expect(summary.acknowledged == 3 && summary.dead == 0)
        #expect(try scenario.drift() == [])
        #expect(throws: DeliveryError.self) { try scenario.retry(provisioner, ["E1 create"]) }
    }

    @Test func aSyncJournalsAndCatchesUpOnTheQueueItIsGivenAndCallsTheLMSOffIt() async throws {
        let scenario = try ProvisioningScenario()
        try scenario.hire(worker("E1"), at: "2026-11-29T09:00:00Z")
        try scenario.hire(worker("E2"), at: "2026-11-29T09:00:01Z")
        let steps = RecordingSteps(journal: scenario.journal)
        let clock = scenario.clock
        let connector = WatchedConnector(inner: CSVExportConnector(directory: scenario.exports, now: { clock.now() }), steps: steps)
        var provisioner = scenario.provisioner(connector: connector)
        provisioner.steps = steps
        let before = scenario.journal.head.rawValue

        let summary = try await provisioner.sync()
        #expect(summary.acknowledged > 0 && summary.acknowledged == summary.deliveries.count)
        // Every append (the round announced, the answers) was made inside a step; the LMS was
        // called once, between steps, so a daemon's queue is not held for the LMS's answer.
        #expect(steps.grown.withLock { $0 } == scenario.journal.head.rawValue - before)
        #expect(steps.grown.withLock { $0 } >= 2)
        #expect(connector.calls.withLock { $0 } == [false])
        // The round's due commands, its announcement, its answers, the next round's (none), the outbox left.
        #expect(steps.steps.withLock { $0 } == 5)
        #expect(try scenario.drift() == [])
    }

    @Test func theLMSBelievedStateAsOfAnInstant() async throws {
        let scenario = try ProvisioningScenario()
        let provisioner = scenario.provisioner()
        try scenario.hire(worker("E1"), at: "2026-11-29T09:00:00Z")
        _ = try await provisioner.sync()
        try scenario.record("E1", .changed(.jobTitle, old: "Data Analyst", new: "Data Manager"), at: "2026-11-30T09:00:00Z")
        // Desired at once, believed only once the LMS answered.
        var live = try scenario.caughtUp()
        #expect(live[worker: EmployeeID(rawValue: "E1")]?.user?.assignments["Leadership_101"] != nil)
        #expect(live[worker: EmployeeID(rawValue: "E1")]?.lms?.memberships[LMSMembership(.course, "Leadership_101")] == nil)
        scenario.at("2026-11-30T10:00:00Z")
        _ = try await provisioner.sync()
        live = try scenario.caughtUp()

        let endOfDay1 = try scenario.store.state(asOf: Timestamp(iso8601: "2026-11-29T23:59:59Z")!, journal: scenario.journal, live: live)
        let then = try #require(endOfDay1[worker: EmployeeID(rawValue: "E1")]?.lms)
        #expect(then.active && then.memberships.keys.sorted() == [LMSMembership(.group, "IT Dept"), LMSMembership(.group, "London")])
        let now = try #require(live[worker: EmployeeID(rawValue: "E1")]?.lms)
        #expect(now.memberships[LMSMembership(.course, "Leadership_101")] != nil)
        // The acknowledgement is a journal event about the worker, recorded after the promotion.
        let acknowledged = try #require(now.memberships[LMSMembership(.course, "Leadership_101")])
        let event = try #require(try scenario.journal.read { try $0.event(at: acknowledged) })
        #expect(event.type.rawValue == "lms.membership-added.v1" && event.recordedAt >= Timestamp(iso8601: "2026-11-30T10:00:00Z")!)
        let rounds = try scenario.journal.read { try $0.events(forSubject: DeliveryRound.subject(of: "csv-export")) }
        let round = try #require(rounds.last { $0.position < acknowledged })
        #expect(round.type == DeliveryRound.type && String(decoding: round.payload, as: UTF8.self).contains("E1 add course:Leadership_101"), "announced before it was sent")
        // One worker's path says the same as the whole population's.
        let one = try scenario.store.worker(EmployeeID(rawValue: "E1"), asOf: Timestamp(iso8601: "2026-11-29T23:59:59Z")!, journal: scenario.journal)
        #expect(one?.lms == then)
    }

    @Test func anOpenAccountWithoutADesiredUserIsDeactivatedNeverDeleted() async throws {
        let scenario = try ProvisioningScenario()
        try scenario.hire(worker("C1", type: .contractor), at: "2026-11-29T09:00:00Z")
        // The LMS already had an account for the contractor (adopted by a reconcile, or made by hand).
        let adopted = LMSEvent(
            target: "csv-export", command: "C1 create", cause: JournalPosition(1),
            kind: .userCreated(lmsID: nil, profile: LMSProfile(userName: "carl@example.com", givenName: "Carl", familyName: "Jung", email: nil), adopted: true))
        try await scenario.journal.append([ProposedEvent(subject: "C1", type: adopted.type, payload: try adopted.payload())])
        let provisioner = scenario.provisioner()
        let plan = try scenario.outbox(provisioner)
        #expect(plan.map(\.action) == [.deactivate])
        _ = try await provisioner.sync()
        #expect(try scenario.state()[worker: EmployeeID(rawValue: "C1")]?.lms?.active == false)
        #expect(try scenario.outbox(provisioner) == [])
    }

    @Test func theOutboxIsStoredWithTheProjectionAndRebuildsTheSame() async throws {
        let scenario = try ProvisioningScenario()
        for index in 1...30 {
            try scenario.hire(worker("E\(index)", first: "Name\(index)", location: index % 3 == 0 ? "NYC" : "LON"), at: "2026-11-29T09:00:00Z")
        }
        try scenario.record("E4", .changed(.jobTitle, old: "Data Analyst", new: "Team Manager"), at: "2026-11-29T10:00:00Z")
        let live = try scenario.caughtUp()
        let stored = try scenario.store.outbox()
        #expect(stored.count == live.outbox.count && !stored.isEmpty)
        #expect(Set(stored.map(\.id)) == Set(live.outbox.map(\.id)))
        // Each worker's commands in the order they must go: the account before its memberships.
        let e4 = stored.filter { $0.employeeID.rawValue == "E4" }
        #expect(e4.first?.action == .create && e4.count == 4)

        // Half delivered: a rebuild from the journal alone has the same outbox.
        let partial = Provisioner(
            journal: scenario.journal, store: scenario.store, connector: FirstOnly(), policy: DeliveryPolicy(), now: { scenario.clock.now() })
        _ = try await partial.sync(maxRounds: 1)
        _ = try scenario.caughtUp()
        let rebuilt = try ProjectionStore(root: scenario.directory.child("rebuilt"), rules: scenario.rules)
        _ = try scenario.caughtUp(rebuilt)
        #expect(try rebuilt.outbox() == scenario.store.outbox())
        let even = stored.filter { (Int($0.employeeID.rawValue.dropFirst()) ?? 0) % 2 == 0 }
        #expect(try scenario.store.outbox().map(\.id) == even.map(\.id))
    }

    @Test func backoffDoublesUpToItsCapWithJitterAndHonoursRetryAfter() {
        let policy = DeliveryPolicy(maxAttempts: 5, backoffSeconds: 2, maxBackoffSeconds: 20)
        for attempt in 1...8 {
            let full = min(20, 2 * pow(2, Double(attempt - 1)))
            let delay = policy.delay(afterAttempt: attempt, of: "E1 create")
            #expect(delay >= full / 2 && delay <= full, "attempt \(attempt): \(delay)")
            #expect(delay == policy.delay(afterAttempt: attempt, of: "E1 create"), "the same every time")
        }
        #expect(policy.delay(afterAttempt: 1, of: "E1 create") != policy.delay(afterAttempt: 1, of: "E2 create"), "spread across commands")
        let now = Timestamp(iso8601: "2026-11-29T09:00:00Z")!
        let throttled = policy.failure(of: "E1 create", attempt: 1, error: DeliveryError(status: 429, message: "slow down", retryAfterSeconds: 120), at: now)
        #expect(throttled.retryAt == now.adding(microseconds: 120_000_000) && !throttled.dead)
        let refused = policy.failure(of: "E1 create", attempt: 1, error: DeliveryError(status: 400, message: "invalidValue", permanent: true), at: now)
        #expect(refused.dead && refused.retryAt == nil)
        #expect(policy.failure(of: "E1 create", attempt: 5, error: DeliveryError(status: 503, message: "down"), at: now).dead)
    }
}

/// A step queue of its own, like the daemon's engine: it notes how far the journal grew inside
/// its steps, and whether a step is running.
final class RecordingSteps: StepQueue, @unchecked Sendable {
    let journal: Journal
    private let queue = DispatchQueue(label: "test.provisioner-steps")
    let running = Mutex(false)
    let grown = Mutex<UInt64>(0)
    let steps = Mutex(0)

    init(journal: Journal) {
        self.journal = journal
    }

    func run<T: Sendable>(_ step: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                self.running.withLock { $0 = true }
                let before = self.journal.head.rawValue
                let result = Result { try step() }
                self.grown.withLock { $0 += self.journal.head.rawValue - before }
                self.steps.withLock { $0 += 1 }
                self.running.withLock { $0 = false }
                continuation.resume(with: result)
            }
        }
    }
}

/// A connector that notes, at each call, whether one of `steps`' steps was running.
final class WatchedConnector: LMSConnector, @unchecked Sendable {
    let inner: any LMSConnector
    let steps: RecordingSteps
    let calls = Mutex<[Bool]>([])

    init(inner: any LMSConnector, steps: RecordingSteps) {
        self.inner = inner
        self.steps = steps
    }

    var target: String { inner.target }

    func deliver(_ commands: [LMSCommand]) async -> [DeliveryOutcome] {
        let running = steps.running.withLock { $0 }
        calls.withLock { $0.append(running) }
        return await inner.deliver(commands)
    }
}

/// A connector that acknowledges every other worker's commands and fails the rest for good:
/// half an outbox delivered.
struct FirstOnly: LMSConnector {
    var target: String { "test" }

    func deliver(_ commands: [LMSCommand]) async -> [DeliveryOutcome] {
        commands.map { command in
            let number = Int(command.employeeID.rawValue.dropFirst()) ?? 0
            return number % 2 == 1 ? .acknowledged(lmsID: "lms-\(command.employeeID)", adopted: false, call: "test") : .skipped
        }
    }
}
