import Foundation
import Journal
import JournalTestSupport
import Testing

/// zstd dictionaries: trained once enough events exist, stored with the events that use them,
/// and kept forever so every event stays readable.
@Suite struct DictionaryTests {
    let directory = TestDirectory()

    func open(automatic: Bool = true) throws -> Journal {
        var configuration = Journal.Configuration(path: directory.child("journal"), createIfMissing: true)
        configuration.dictionaryPolicy = DictionaryPolicy(automatic: automatic, trainAfterEvents: 1_000, sampleCount: 1_000, capacity: 8 * 1024)
        return try Journal(configuration)
    }

    @Test func eventsStartWithoutADictionaryAndTheFirstIsTrainedWhenEnoughExist() throws {
        let journal = try open()
        try journal.append(TestEvents.batch(400, subjects: 50))
        #expect(try journal.statistics().dictionaries.isEmpty)
        try journal.append(TestEvents.batch(400, batch: "batch-2", subjects: 50))
        try journal.append(TestEvents.batch(400, batch: "batch-3", subjects: 50))
        let statistics = try journal.statistics()
        #expect(statistics.dictionaries.count == 1)
        let dictionary = try #require(statistics.dictionaries.first)
        #expect(dictionary.info.id == 32768)
        // Stored with the first batch that uses it: every event of that batch uses it.
        #expect(dictionary.events == 400)
        #expect(statistics.eventsByCodec["zstd-block"] == 1_200)
        #expect(statistics.activeDictionary == 32768)
        #expect(try journal.verify().isSound)
    }

    @Test func aNewDictionaryLeavesOlderEventsReadable() throws {
        let journal = try open()
        try journal.append(TestEvents.batch(1_200, subjects: 60))
        let before = try journal.events()
        let info = try journal.trainDictionary()
        #expect(info.id == 32769)
        try journal.append(TestEvents.batch(300, batch: "batch-2", subjects: 60))
        let statistics = try journal.statistics()
        #expect(statistics.dictionaries.map(\.info.id) == [32768, 32769])
        #expect(statistics.dictionaries.map(\.events) == [1_200, 300])
        #expect(try Array(journal.events().prefix(1_200)) == before)
        // A reopened journal keeps appending with the newest dictionary.
        let reopened = try Journal.openReadOnly(path: journal.path)
        #expect(try reopened.read { try $0.activeDictionaryID() } == 32769)
        #expect(try reopened.verify().isSound)
    }

    @Test func theActiveDictionarySurvivesAReopen() throws {
        do {
            let journal = try open()
            try journal.append(TestEvents.batch(1_200, subjects: 60))
        }
        let journal = try open()
        try journal.append(TestEvents.batch(100, batch: "batch-2", subjects: 60))
        let statistics = try journal.statistics()
        #expect(statistics.dictionaries.count == 1)
        #expect(statistics.dictionaries.first?.events == 1_300)
    }

    @Test func aDictionaryShrinksStoredBodies() throws {
        // Measured on events appended one at a time (a webhook's): each is a frame of its own,
        // where a dictionary matters most. Events appended together share a block's frame and
        // its context, which these alike test events make small with or without one.
        let journal = try open()
        let events = TestEvents.batch(2_200, subjects: 60)
        for event in events[0..<100] { try journal.append([event]) }
        let plain = try journal.statistics()
        try journal.append(Array(events[100..<2_100]))
        let trained = try journal.statistics()
        #expect(trained.activeDictionary != nil)
        for event in events[2_100..<2_200] { try journal.append([event]) }
        let after = try journal.statistics()
        let plainPerEvent = Double(plain.storedBodyBytes) / 100
        let dictionaryPerEvent = Double(after.storedBodyBytes - trained.storedBodyBytes) / 100
        #expect(dictionaryPerEvent < plainPerEvent * 0.6)
    }

    @Test func trainingWithTooFewEventsIsAClearError() throws {
        let journal = try open(automatic: false)
        try journal.append(TestEvents.batch(3))
        let error = #expect(throws: JournalError.self) { try journal.trainDictionary() }
        #expect(error?.code == .compression)
        #expect(error?.message.contains("append more events") == true)
    }
}
