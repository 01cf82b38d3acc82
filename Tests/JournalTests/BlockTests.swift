import Foundation
@testable import Journal
import JournalTestSupport
import Testing

/// Events appended together are compressed in blocks: up to 32 small ones share a frame; large
/// ones close a block once it holds 64 KB of payload, so reading one event never decompresses
/// much more than it needs.
@Suite struct BlockTests {
    let directory = TestDirectory()

    /// How many events each block of the journal holds, in order.
    func blockSizes(_ journal: Journal) throws -> [Int] {
        try journal.read { snapshot in
            var sizes: [Int] = []
            for position in 1...journal.head.rawValue {
                let stored = try #require(try snapshot.storedRecord(at: position))
                let record = try EventRecord.decode(stored)
                let distance = record.block?.distance ?? 0
                if distance == 0 { sizes.append(1) } else { sizes[sizes.count - 1] += 1 }
            }
            return sizes
        }
    }

    @Test func smallEventsShareBlocksOf32AndLargeOnesCloseABlockAt64KB() throws {
        var configuration = Journal.Configuration(path: directory.child("journal"), createIfMissing: true)
        configuration.dictionaryPolicy = DictionaryPolicy(automatic: false, trainAfterEvents: 1_000, sampleCount: 1_000, capacity: 8 * 1024)
        let journal = try Journal(configuration)
        try journal.append(TestEvents.batch(100, subjects: 10))
        // 20 KB each, compressible: four make a block (the fourth takes it past 64 KB).
        let large = (0..<12).map { index in
            ProposedEvent(subject: "E\(index)", type: "worker.changed.v1", payload: String(repeating: "note \(index) ", count: 2_500))
        }
        try journal.append(large)
        #expect(try blockSizes(journal) == [32, 32, 32, 4, 4, 4, 4])
        // Every event reads back whole.
        let events = try journal.events()
        #expect(events.count == 112)
        #expect(events.suffix(12).map(\.payload) == large.map(\.payload))
    }
}
