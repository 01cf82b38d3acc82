import Foundation
import HRISClients
import Ingestion
import Journal
import Logging
import RosterKit
import ServiceLifecycle
import Workforce

/// Polls each feed's "changed since" API on its interval (15 minutes by default), backing off
/// while the HRIS fails. What a poll brings is ingested like a file of the feed; then the new
/// high-water mark is journaled (`feed.polled.v1`), so after a restart polling goes on from the
/// last mark, never from the start.
struct PollingService: Service {
    let engine: RosterEngine
    let pollers: [(feed: FeedConfiguration, poller: any FeedPoller)]
    let logger: Logger

    func run() async throws {
        // A service that returns ends the whole group: with nothing to poll, wait for the shutdown.
        guard !pollers.isEmpty else { return try await gracefulShutdown() }
        let waker = Waker()
        await withGracefulShutdownHandler {
            var schedules = pollers.map { feed, _ in
                PollSchedule(
                    interval: feed.polling!.interval, maximumBackoff: feed.polling!.maximumBackoff, firstPoll: ContinuousClock.now)
            }
            while !waker.isStopped, !Task.isCancelled {
                for (index, (feed, poller)) in pollers.enumerated() where schedules[index].isDue(at: .now) && !waker.isStopped {
                    do {
                        try await poll(feed, poller)
                        schedules[index].succeeded(at: .now)
                    } catch {
                        let retryAfter = (error as? HRISError)?.retryAfter
                        let wait = schedules[index].failed(at: .now, retryAfter: retryAfter)
                        logger.warning("poll failed", metadata: ["feed": "\(feed.name)", "error": "\(error)", "next_in": "\(wait)"])
                    }
                }
                let next = schedules.map(\.nextPoll).min() ?? .now + .seconds(60)
                await waker.wait(until: next, journal: nil, beyond: nil)
            }
        } onGracefulShutdown: {
            waker.stop()
        }
    }

    /// One poll of `feed`: from the last journaled mark, ingested, then the new mark journaled.
    func poll(_ feed: FeedConfiguration, _ poller: any FeedPoller) async throws {
        let mark = try await engine.run { app in try Self.lastMark(of: feed.name, in: app.journal) }
        let result = try await poller.poll(since: mark)
        var batch: String?
        if let document = result.document {
            batch = try await engine.ingest(document, file: "poll since \(mark ?? "the start")", feed: feed).batch
        }
        try await engine.run { [batch] app in
            if let next = result.mark, next != mark || batch != nil {
                let polled = FeedPolled(feed: feed.name, mark: next, records: result.recordCount, batch: batch)
                try app.journal.append([
                    ProposedEvent(
                        subject: FeedPolled.subject(of: feed.name), type: FeedPolled.type, payload: try polled.payload(),
                        metadata: EventMetadata(source: feed.name, batch: batch, origin: "roster serve poll"))
                ])
            }
        }
        logger.info("polled", metadata: ["feed": "\(feed.name)", "records": "\(result.recordCount)", "batch": "\(batch ?? "-")", "mark": "\(result.mark ?? "-")"])
    }

    /// The last high-water mark journaled for `feed`, or nil before its first poll.
    static func lastMark(of feed: String, in journal: Journal) throws -> String? {
        let events = try journal.read { try $0.events(forSubject: FeedPolled.subject(of: feed)) }
        guard let last = events.last else { return nil }
        return try FeedPolled.decode(type: last.type, payload: last.payload)?.mark
    }
}
