import Foundation
import Journal
import JournalTestSupport
import Testing

/// The lending read (`forEachEventView`): the same events as the full read, whatever codec stored
/// them, within the same bounds, and damage reported the same way.
@Suite struct EventViewTests {
    let directory = TestDirectory()

    /// What a view and a recorded event share, copied out of the view.
    struct Seen: Equatable {
        var position: JournalPosition
        var recordedAt: Timestamp
        var effectiveAt: Timestamp?
        var subject: String
        var type: EventType
        var payload: [UInt8]

        init(_ view: EventView) {
            self.init(view.position, view.recordedAt, view.effectiveAt, view.subject, view.type, Array(view.payload))
            #expect(Array(view.subjectBytes) == Array(view.subject.utf8))
        }

        init(_ event: RecordedEvent) {
            self.init(event.position, event.recordedAt, event.effectiveAt, event.subject, event.type, event.payload)
        }

        init(_ position: JournalPosition, _ recordedAt: Timestamp, _ effectiveAt: Timestamp?, _ subject: String, _ type: EventType, _ payload: [UInt8]) {
            self.position = position
            self.recordedAt = recordedAt
            self.effectiveAt = effectiveAt
            self.subject = subject
            self.type = type
            self.payload = payload
        }
    }

    /// A journal holding events of every codec: raw, zstd, zstd with a dictionary, and blocks.
    func makeJournal() throws -> Journal {
        let clock = ManualClock()
        var configuration = Journal.Configuration(path: directory.child("journal"), createIfMissing: true)
        configuration.clock = clock
        configuration.dictionaryPolicy = DictionaryPolicy(automatic: false, trainAfterEvents: 1_000, sampleCount: 1_000, capacity: 8 * 1024)
        let journal = try Journal(configuration)
        // Alone and too small to compress: raw.
        try journal.append([TestEvents.one("E1", note: "x")])
        // Alone and compressible, no dictionary yet: zstd.
        try journal.append([TestEvents.one("E2", "worker.terminated.v1", note: String(repeating: "last day ", count: 40))])
        clock.advance(seconds: 60)
        // Batches: blocks of up to 32, with a shared source and batch inherited from the append.
        try journal.append(TestEvents.batch(600, subjects: 30))
        try journal.append(TestEvents.batch(603, batch: "batch-2", subjects: 30, type: "worker.hired.v1"))
        _ = try journal.trainDictionary()
        clock.advance(seconds: 60)
        // Alone and compressible, with the dictionary: zstd with a dictionary; then a block with one.
        try journal.append([TestEvents.one("E3", "worker.changed.v1", note: String(repeating: "Senior Analyst ", count: 20))])
        try journal.append(TestEvents.batch(21, batch: "batch-3", subjects: 7))
        let codecs = try journal.statistics().eventsByCodec
        #expect(codecs["raw"] == 1)
        #expect(codecs["zstd"] == 1)
        #expect(codecs["zstd-dictionary"] == 1)
        #expect(codecs["zstd-block"] == 1_224)
        return journal
    }

    func views(_ journal: Journal, from first: JournalPosition = JournalPosition(1), through last: JournalPosition? = nil) throws -> [Seen] {
        try journal.read { snapshot in
            var seen: [Seen] = []
            try snapshot.forEachEventView(from: first, through: last) { view in
                seen.append(Seen(view))
                return true
            }
            return seen
        }
    }

    @Test func viewsHoldWhatTheFullReadHoldsForEveryCodec() throws {
        let journal = try makeJournal()
        let expected = try journal.events().map(Seen.init)
        #expect(expected.count == 1_227)
        #expect(try views(journal) == expected)
    }

    @Test func theTypeIDIsTheSameForEveryEventOfAType() throws {
        let journal = try makeJournal()
        var ids: [EventType: Set<UInt32>] = [:]
        try journal.read { snapshot in
            try snapshot.forEachEventView { view in
                ids[view.type, default: []].insert(view.typeID)
                return true
            }
        }
        #expect(ids.count == 3)
        #expect(ids.values.allSatisfy { $0.count == 1 })
        #expect(Set(ids.values.map { $0.first! }).count == 3)
    }

    @Test func viewsRespectTheBoundsAndStopWhenAsked() throws {
        let journal = try makeJournal()
        let all = try journal.events().map(Seen.init)
        // Inside a block (positions 3 to 34 are the first batch's first), across blocks, and past the head.
        #expect(try views(journal, from: JournalPosition(5), through: JournalPosition(13)) == Array(all[4..<13]))
        #expect(try views(journal, from: JournalPosition(30), through: JournalPosition(40)) == Array(all[29..<40]))
        #expect(try views(journal, from: JournalPosition(1_220)) == Array(all[1_219...]))
        #expect(try views(journal, from: JournalPosition(9), through: JournalPosition(8)).isEmpty)
        #expect(try views(journal, from: JournalPosition(2_000)).isEmpty)
        var positions: [JournalPosition] = []
        try journal.read { snapshot in
            try snapshot.forEachEventView(from: JournalPosition(100)) { view in
                positions.append(view.position)
                return positions.count < 3
            }
        }
        #expect(positions == [JournalPosition(100), JournalPosition(101), JournalPosition(102)])
    }

    @Test func aDamagedRecordIsACorruptErrorNamingIt() throws {
        let journal = try makeJournal()
        let original = try #require(FileManager.default.contents(atPath: journal.path + "/data.mdb"))
        let copy = directory.child("copy")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        // The raw event, a block leader and a block member: a flipped bit in the stored subject.
        for position in [UInt64(1), 3, 7] {
            let location = try #require(try journal.storedRecordLocation(at: JournalPosition(position)))
            var damaged = original
            damaged[location.offset + location.length - 6] ^= 0x01
            try? FileManager.default.removeItem(atPath: copy + "/lock.mdb")
            try damaged.write(to: URL(fileURLWithPath: copy + "/data.mdb"))
            let reopened = try Journal.openReadOnly(path: copy)
            var reached: [JournalPosition] = []
            let error = #expect(throws: JournalError.self) {
                try reopened.read { snapshot in
                    try snapshot.forEachEventView { view in
                        reached.append(view.position)
                        return true
                    }
                }
            }
            #expect(error?.code == .corrupt)
            #expect(error?.message.contains("event \(position) is damaged") == true, "\(String(describing: error))")
            #expect(error?.message.contains("run roster-journal verify") == true)
            #expect(reached.last.map { $0.rawValue < position } ?? true)
        }
    }
}
