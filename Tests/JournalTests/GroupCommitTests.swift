import Foundation
import Journal
import JournalTestSupport
import Testing

/// Group commit: several batches in one durable commit, each still atomic and idempotent on its own.
@Suite struct GroupCommitTests {
    let directory = TestDirectory()

    func open(clock: ManualClock = ManualClock()) throws -> Journal {
        var configuration = Journal.Configuration(path: directory.child("journal"), createIfMissing: true)
        configuration.clock = clock
        configuration.dictionaryPolicy = DictionaryPolicy(automatic: false)
        return try Journal(configuration)
    }

    @Test func eachBatchOfAGroupKeepsItsOwnPositionsTimeAndKey() throws {
        let journal = try open()
        try journal.append(TestEvents.batch(2, batch: "before"))
        let results = try journal.append(group: [
            AppendRequest(TestEvents.batch(3, batch: "a"), idempotencyKey: "key-a"),
            AppendRequest(TestEvents.batch(1, batch: "b")),
            AppendRequest(TestEvents.batch(2, batch: "c"), idempotencyKey: "key-c"),
        ]).map { try $0.get() }
        #expect(results.map(\.first.rawValue) == [3, 6, 7])
        #expect(results.map(\.last.rawValue) == [5, 6, 8])
        #expect(results.allSatisfy { !$0.wasDuplicate })
        // One commit, but each batch its own recorded time, in order.
        #expect(results[0].recordedAt < results[1].recordedAt && results[1].recordedAt < results[2].recordedAt)
        let events = try journal.events()
        #expect(events.map(\.position.rawValue) == Array(1...8))
        #expect(events[2...4].allSatisfy { $0.recordedAt == results[0].recordedAt && $0.metadata.batch == "a" })
        #expect(try journal.read { try $0.append(withIdempotencyKey: "key-c") }?.first == JournalPosition(7))
        #expect(try journal.verify().isSound)
        // Each batch is a commit of its own in the recorded-time index: the journal as of the
        // first batch's time holds it and not the later ones.
        #expect(try journal.position(recordedAtOrBefore: results[0].recordedAt) == JournalPosition(5))
    }

    @Test func aKeyUsedEarlierInTheGroupMakesTheLaterBatchADuplicate() throws {
        let journal = try open()
        let results = try journal.append(group: [
            AppendRequest(TestEvents.batch(2, batch: "a"), idempotencyKey: "same delivery"),
            AppendRequest(TestEvents.batch(2, batch: "a"), idempotencyKey: "same delivery"),
        ]).map { try $0.get() }
        #expect(!results[0].wasDuplicate)
        #expect(results[1].wasDuplicate && results[1].first == results[0].first && results[1].last == results[0].last)
        #expect(journal.head == JournalPosition(2))
    }

    @Test func aRefusedBatchFailsAloneAndTheRestAreWritten() throws {
        let journal = try open()
        try journal.append([TestEvents.one("E1")])
        let results = try journal.append(group: [
            AppendRequest([TestEvents.one("E2"), TestEvents.one("E3")]),
            AppendRequest([TestEvents.one("E4"), TestEvents.one("E1", "worker.changed.v1", expected: .noEvents)]),
            AppendRequest([]),
            AppendRequest([TestEvents.one("E5", expected: .noEvents)], idempotencyKey: "key-5"),
        ])
        #expect(try results[0].get().first == JournalPosition(2))
        #expect(throws: JournalError.self) { try results[1].get() }
        #expect((try? results[1].get()) == nil)
        if case .failure(let error) = results[1] { #expect(error.code == .wrongExpectedVersion) }
        if case .failure(let error) = results[2] { #expect(error.code == .invalidEvent) } else { Issue.record("an empty batch was written") }
        #expect(try results[3].get().first == JournalPosition(4))
        #expect(try journal.events(forSubject: "E4").isEmpty)
        #expect(try journal.events().map(\.subject) == ["E1", "E2", "E3", "E5"])
        #expect(try journal.verify().isSound)
        // The writer's caches were rolled back with the aborted attempt.
        #expect(try journal.append([TestEvents.one("E4", expected: .noEvents)]).first == JournalPosition(5))
    }

    @Test func concurrentGroupsAndAppendsInterleaveWithoutGaps() async throws {
        let journal = try open()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for sender in 0..<8 {
                tasks.addTask {
                    try await blocking {
                        for round in 0..<10 {
                            if round % 2 == 0 {
                                _ = try journal.append(group: (0..<3).map { AppendRequest(TestEvents.batch(2, batch: "s\(sender)-\(round)-\($0)")) })
                            } else {
                                try journal.append(TestEvents.batch(1, batch: "s\(sender)-\(round)"))
                            }
                        }
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let events = try journal.events()
        #expect(events.count == 8 * (5 * 6 + 5))
        #expect(events.map(\.position.rawValue) == Array(1...UInt64(events.count)))
        #expect(try journal.verify().isSound)
    }
}
