import Foundation
import Journal
import JournalTestSupport
import Testing

/// Subscriptions read from a position, then follow the tail as appends commit.
@Suite struct SubscriptionTests {
    let directory = TestDirectory()

    @Test func readsWhatIsStoredThenFollowsNewAppends() async throws {
        let journal = try Journal(path: directory.child("journal"), createIfMissing: true)
        try await journal.append(TestEvents.batch(5))
        let received = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            group.addTask {
                var positions: [UInt64] = []
                for try await event in journal.subscribe(after: JournalPosition(2), batchSize: 2) {
                    positions.append(event.position.rawValue)
                    if positions.count == 6 { break }
                }
                return positions
            }
            // Appended while the subscriber is (or will be) waiting at the tail.
            try await journal.append(TestEvents.batch(2, batch: "batch-2"))
            try await journal.append(TestEvents.batch(1, batch: "batch-3"))
            let positions = try await group.next()!
            group.cancelAll()
            return positions
        }
        #expect(received == [3, 4, 5, 6, 7, 8])
    }

    @Test func aWaitingSubscriberEndsWhenItsTaskIsCancelled() async throws {
        let journal = try Journal(path: directory.child("journal"), createIfMissing: true)
        try await journal.append(TestEvents.batch(1))
        let task = Task {
            var count = 0
            for try await _ in journal.subscribe() { count += 1 }
            return count
        }
        task.cancel()
        let count = try await task.value
        #expect(count <= 1)
    }
}
