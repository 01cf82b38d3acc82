import Foundation
import Journal
import Logging
import ServiceLifecycle

/// Follows the journal as it grows: counts what is journaled (by type, batches by outcome),
/// keeps each feed's lag and the journal's size, and logs each batch's outcome.
struct JournalWatcher: Service {
    let journal: Journal
    let path: String
    let logger: Logger
    let metrics: DaemonMetrics
    /// When each feed's last batch was recorded, as the journal told it at start.
    var lastBatch: [String: Timestamp] = [:]
    var interval: Duration = .seconds(5)

    func run() async throws {
        let waker = Waker()
        try await withGracefulShutdownHandler {
            var position = journal.head
            var lastBatch = self.lastBatch
            for (feed, at) in lastBatch { metrics.lastBatch(feed: feed, at: at) }
            while !waker.isStopped, !Task.isCancelled {
                let events = try journal.read { snapshot -> [RecordedEvent] in
                    var events: [RecordedEvent] = []
                    try snapshot.forEachEvent(from: position.next) { event in
                        events.append(event)
                        return events.count < 10_000
                    }
                    return events
                }
                for event in events {
                    metrics.journaled(event)
                    position = event.position
                    if event.type.rawValue.hasPrefix("batch."), event.type.rawValue != "batch.received.v1" {
                        logger.info("batch", metadata: ["type": "\(event.type)", "subject": "\(event.subject)", "file": "\(event.metadata.origin ?? "")"])
                        if let feed = event.metadata.source { lastBatch[feed] = event.recordedAt }
                    }
                }
                let now = Timestamp.now()
                for (feed, at) in lastBatch { metrics.feedLag(feed, seconds: Double(now.rawValue - at.rawValue) / 1_000_000) }
                let size = (try? FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as? Int) ?? 0
                metrics.journalSize(bytes: size, head: position)
                if events.count == 10_000 { continue }
                await waker.wait(until: .now + interval, journal: journal, beyond: position)
            }
        } onGracefulShutdown: {
            waker.stop()
        }
    }
}
