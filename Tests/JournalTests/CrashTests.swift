import Foundation
import Journal
import JournalTestSupport
import Testing

/// A child appending in a loop is killed with SIGKILL at random moments; each time the journal
/// verifies, shows only whole batches, and takes the next append at the next position.
@Suite struct CrashTests {
    static let kills = 50
    static let batchSize = 25

    @Test func killedWritersLeaveWholeBatchesAndAChainThatVerifies() throws {
        let directory = TestDirectory()
        defer { directory.remove() }
        let path = directory.child("journal")
        let child = BuiltProducts.executable("journal-test-child")
        var generator = SystemRandomNumberGenerator()
        var lastHead = JournalPosition.start
        for round in 0..<Self.kills {
            let writer = try ChildProcess(child, ["append-loop", path, String(Self.batchSize)])
            let opened = try writer.readLine(until: { $0.hasPrefix("opened") })
            // Appending resumes at the next position: the child found exactly what we last saw.
            #expect(opened == "opened \(lastHead)", "round \(round)")
            // Let it commit a random number of batches, then kill it at a random moment of the next.
            let commits = Int.random(in: 1...4, using: &generator)
            var acknowledged = lastHead
            for _ in 0..<commits {
                let line = try writer.readLine(until: { $0.hasPrefix("committed") })
                acknowledged = JournalPosition(UInt64(line.split(separator: " ").last!)!)
            }
            let jitter = UInt32.random(in: 0...3_000, using: &generator)
            if jitter > 0 { usleep(jitter) }  // randomises the kill point; nothing waits on it
            writer.kill()

            let journal = try Journal.openReadOnly(path: path)
            let report = try journal.verify()
            #expect(report.isSound, "round \(round): \(report.problems)")
            try Self.expectWholeBatches(journal, round: round)
            // Durable when the append returned: every acknowledged batch survived the kill.
            #expect(journal.head >= acknowledged, "round \(round): acknowledged \(acknowledged), found \(journal.head)")
            #expect(journal.head > lastHead, "round \(round)")
            lastHead = journal.head
        }
        // After the last kill, a new writer appends at the next position.
        let journal = try Journal(path: path)
        let result = try journal.append([TestEvents.one("E1")])
        #expect(result.first == lastHead.next)
    }

    /// Every batch present is complete: `batchSize` events, in order, none from a partial append.
    static func expectWholeBatches(_ journal: Journal, round: Int) throws {
        var counts: [String: Int] = [:]
        var order: [String] = []
        try journal.read { snapshot in
            try snapshot.forEachEvent { event in
                let batch = event.metadata.batch ?? "?"
                if counts[batch] == nil { order.append(batch) }
                counts[batch, default: 0] += 1
                return true
            }
        }
        #expect(journal.head.rawValue % UInt64(batchSize) == 0, "round \(round): head \(journal.head) is inside a batch")
        for batch in order {
            #expect(counts[batch] == batchSize, "round \(round): \(batch) has \(counts[batch] ?? 0) events")
        }
        #expect(order == (1...order.count).map { "batch-\($0)" }, "round \(round)")
    }
}
