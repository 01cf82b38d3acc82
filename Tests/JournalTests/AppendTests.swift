import Foundation
import Journal
import JournalTestSupport
import Testing

/// The journal's contract: sequences, times, batches, versions, idempotency and indexes.
@Suite struct AppendTests {
    let directory = TestDirectory()

    func open(clock: ManualClock = ManualClock(), policy: DictionaryPolicy = DictionaryPolicy(automatic: false)) throws -> Journal {
        var configuration = Journal.Configuration(path: directory.child("journal"), createIfMissing: true)
        configuration.clock = clock
        configuration.dictionaryPolicy = policy
        return try Journal(configuration)
    }

    @Test func positionsStartAtOneAndHaveNoGaps() throws {
        let journal = try open()
        let first = try journal.append(TestEvents.batch(3))
        let second = try journal.append(TestEvents.batch(2, batch: "batch-2"))
        #expect(first.first == JournalPosition(1) && first.last == JournalPosition(3))
        #expect(second.first == JournalPosition(4) && second.last == JournalPosition(5))
        #expect(try journal.events().map(\.position.rawValue) == [1, 2, 3, 4, 5])
        #expect(journal.head == JournalPosition(5))
    }

    @Test func eventsReadBackAsTheyWereAppended() throws {
        let journal = try open()
        let proposed = ProposedEvent(
            subject: "E1001",
            type: "worker.hired.v1",
            payload: "{\"employee_id\":\"E1001\",\"legal_first_name\":\"María\"}",
            effectiveAt: Timestamp(iso8601: "2027-01-04T00:00:00+11:00"),
            metadata: EventMetadata(source: "bamboohr", batch: "file-7", origin: "line 12", causationID: "c-1", correlationID: "k-9")
        )
        try journal.append([proposed])
        let event = try #require(try journal.event(at: JournalPosition(1)))
        #expect(event.subject == "E1001")
        #expect(event.type == "worker.hired.v1")
        #expect(event.payloadText == "{\"employee_id\":\"E1001\",\"legal_first_name\":\"María\"}")
        #expect(event.effectiveAt == Timestamp(iso8601: "2027-01-03T13:00:00Z"))
        #expect(event.metadata == proposed.metadata)
        #expect(event.subjectVersion == 1)
        #expect(event.previousHash == .genesis)
    }

    @Test func recordedTimeNeverDecreasesEvenWhenTheClockDoes() throws {
        let clock = ManualClock()
        let journal = try open(clock: clock)
        let first = try journal.append(TestEvents.batch(2))
        clock.advance(seconds: -3600)
        let second = try journal.append(TestEvents.batch(2, batch: "batch-2"))
        #expect(second.recordedAt > first.recordedAt)
        clock.advance(seconds: 7200)
        let third = try journal.append(TestEvents.batch(1, batch: "batch-3"))
        #expect(third.recordedAt == clock.now())
        let events = try journal.events()
        #expect(events[0].recordedAt == events[1].recordedAt)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.recordedAt <= $1.recordedAt })
    }

    @Test func aBatchIsAllOrNothing() throws {
        let journal = try open()
        try journal.append([TestEvents.one("E1")])
        let batch = [
            TestEvents.one("E2"),
            TestEvents.one("E3"),
            TestEvents.one("E1", "worker.changed.v1", expected: .noEvents),
            TestEvents.one("E4"),
        ]
        let error = #expect(throws: JournalError.self) { try journal.append(batch) }
        #expect(error?.code == .wrongExpectedVersion)
        #expect(error?.message.contains("event 3 of the batch") == true)
        #expect(journal.head == JournalPosition(1))
        #expect(try journal.events(forSubject: "E2").isEmpty)
        // The writer's caches were rolled back with the transaction.
        let next = try journal.append([TestEvents.one("E2", expected: .noEvents)])
        #expect(next.first == JournalPosition(2))
    }

    @Test func expectedVersionsAreCheckedPerSubjectWithinTheBatch() throws {
        let journal = try open()
        try journal.append([
            TestEvents.one("E1", expected: .noEvents),
            TestEvents.one("E1", "worker.changed.v1", expected: .exactly(1)),
            TestEvents.one("E2", expected: .noEvents),
        ])
        #expect(try journal.read { try $0.version(ofSubject: "E1") } == 2)
        let stale = #expect(throws: JournalError.self) {
            try journal.append([TestEvents.one("E1", "worker.changed.v1", expected: .exactly(1))])
        }
        #expect(stale?.message.contains("at version 1, but it is at version 2") == true)
        try journal.append([TestEvents.one("E1", "worker.changed.v1", expected: .exactly(2))])
        #expect(try journal.read { try $0.version(ofSubject: "E1") } == 3)
    }

    @Test func anIdempotencyKeyUsedTwiceWritesOnce() throws {
        let journal = try open()
        let first = try journal.append(TestEvents.batch(4), idempotencyKey: "file sha256:abc")
        let again = try journal.append(TestEvents.batch(4), idempotencyKey: "file sha256:abc")
        #expect(!first.wasDuplicate)
        #expect(again.wasDuplicate)
        #expect(again.first == first.first && again.last == first.last && again.recordedAt == first.recordedAt)
        #expect(journal.head == JournalPosition(4))
        #expect(try journal.read { try $0.append(withIdempotencyKey: "file sha256:abc") }?.last == first.last)
        // A journal reopened remembers the key.
        let reopened = try Journal.openReadOnly(path: journal.path)
        #expect(try reopened.read { try $0.append(withIdempotencyKey: "file sha256:abc") } != nil)
    }

    @Test func aSubjectsEventsComeBackInOrderThroughItsChain() throws {
        let journal = try open()
        try journal.append([TestEvents.one("E1", note: "a"), TestEvents.one("E2", note: "b")])
        try journal.append([TestEvents.one("E3", note: "c"), TestEvents.one("E1", "worker.changed.v1", note: "d")])
        try journal.append([TestEvents.one("E1", "worker.terminated.v1", note: "e")])
        let events = try journal.events(forSubject: "E1")
        #expect(events.map(\.position.rawValue) == [1, 4, 5])
        #expect(events.map(\.subjectVersion) == [1, 2, 3])
        #expect(events.map(\.subjectPrevious.rawValue) == [0, 1, 4])
        #expect(events.map(\.type.rawValue) == ["worker.hired.v1", "worker.changed.v1", "worker.terminated.v1"])
        #expect(try journal.events(forSubject: "E9").isEmpty)
    }

    @Test func theRecordedTimeIndexAnswersWhatTheJournalHeldAtAnInstant() throws {
        let clock = ManualClock(Timestamp(iso8601: "2026-11-01T00:00:00Z")!)
        let journal = try open(clock: clock)
        try journal.append(TestEvents.batch(3))
        clock.set(Timestamp(iso8601: "2026-11-02T00:00:00Z")!)
        try journal.append(TestEvents.batch(2, batch: "batch-2"))
        clock.set(Timestamp(iso8601: "2026-11-03T00:00:00Z")!)
        try journal.append(TestEvents.batch(1, batch: "batch-3"))
        func held(_ instant: String) throws -> UInt64 {
            try journal.position(recordedAtOrBefore: Timestamp(iso8601: instant)!).rawValue
        }
        #expect(try held("2026-10-31T23:59:59Z") == 0)
        #expect(try held("2026-11-01T00:00:00Z") == 3)
        #expect(try held("2026-11-01T12:00:00Z") == 3)
        #expect(try held("2026-11-02T00:00:00Z") == 5)
        #expect(try held("2027-01-01T00:00:00Z") == 6)
    }

    @Test func eachEventIsChainedToTheOneBefore() throws {
        let journal = try open()
        try journal.append(TestEvents.batch(5))
        try journal.append(TestEvents.batch(5, batch: "batch-2"))
        let events = try journal.events()
        #expect(events[0].previousHash == .genesis)
        for (previous, event) in zip(events, events.dropFirst()) {
            #expect(event.previousHash == previous.hash)
        }
        #expect(Set(events.map(\.hash)).count == events.count)
        #expect(try journal.verify().isSound)
    }

    @Test func malformedEventsAreRefusedWithTheirPlaceInTheBatch() throws {
        let journal = try open()
        let badType = #expect(throws: JournalError.self) {
            try journal.append([TestEvents.one("E1"), ProposedEvent(subject: "E2", type: "Worker Hired", payload: "{}")])
        }
        #expect(badType?.code == .invalidEvent)
        #expect(badType?.message.contains("event 2 of the batch") == true)
        let noVersion = #expect(throws: JournalError.self) {
            try journal.append([ProposedEvent(subject: "E2", type: "worker.hired", payload: "{}")])
        }
        #expect(noVersion?.message.contains("ending in a version") == true)
        let emptySubject = #expect(throws: JournalError.self) {
            try journal.append([ProposedEvent(subject: "", type: "worker.hired.v1", payload: "{}")])
        }
        #expect(emptySubject?.message.contains("subject") == true)
        #expect(throws: JournalError.self) { try journal.append([]) }
        #expect(journal.head == .start)
    }

    @Test func asyncAppendsRunOnTheWriterAndAreReadBack() async throws {
        let journal = try open()
        try await withThrowingTaskGroup(of: AppendResult.self) { group in
            for sender in 0..<8 {
                group.addTask { try await journal.append([TestEvents.one("E\(sender)")]) }
            }
            var positions: [UInt64] = []
            for try await result in group { positions.append(result.first.rawValue) }
            #expect(positions.sorted() == Array(1...8))
        }
    }
}
