import Configuration
import Foundation
import Inbox
import Ingestion
import Logging
import RosterKit
import ServiceLifecycle
import Workforce

/// Takes the files dropped in each CSV feed's inbox: a file complete by the feed's rule is claimed
/// (renamed into `processing/`), ingested, then moved to `archive/`, or to `rejected/` with a
/// `.reason.txt` when the file is refused whole. A held file is archived too (its bytes are kept
/// and the batch waits for a decision). Files a crash left in `processing/` are ingested again at
/// start: ingest is idempotent by content. On shutdown the file in hand is finished first.
struct InboxService: Service {
    let engine: RosterEngine
    let inboxes: [(feed: FeedConfiguration, folder: DropFolder)]
    let logger: Logger
    var longestWait: Duration = .seconds(5)

    func run() async throws {
        let waker = Waker()
        await withGracefulShutdownHandler {
            while !waker.isStopped, !Task.isCancelled {
                for (feed, folder) in inboxes where !waker.isStopped {
                    do {
                        for claimed in try folder.abandoned() where !waker.isStopped { await take(claimed, feed: feed, folder: folder) }
                        for ready in try folder.scan() where !waker.isStopped {
                            guard let claimed = try folder.claim(ready) else { continue }
                            await take(claimed, feed: feed, folder: folder)
                        }
                    } catch {
                        logger.error("inbox unreadable", metadata: ["feed": "\(feed.name)", "inbox": "\(folder.path)", "error": "\(error)"])
                    }
                }
                // A scan is the truth; inotify only wakes it early. Every inbox is scanned each round.
                await waker.wait(until: .now + longestWait, journal: nil, beyond: nil)
            }
        } onGracefulShutdown: {
            waker.stop()
        }
    }

    /// Ingests one claimed file and files it away.
    func take(_ claimed: ClaimedFile, feed: FeedConfiguration, folder: DropFolder) async {
        do {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: claimed.path)))
            let outcome = try await engine.ingest(bytes, file: claimed.originalName, feed: feed)
            var metadata: Logger.Metadata = ["feed": "\(feed.name)", "file": "\(claimed.originalName)", "batch": "\(outcome.batch)"]
            switch outcome {
            case .rejected(_, let error):
                metadata["reason"] = "\(error.message)"
                try folder.reject(claimed, reason: error.description)
                logger.warning("file rejected", metadata: metadata)
            case .held(_, let reasons, _):
                metadata["reasons"] = "\(reasons.joined(separator: "; "))"
                try folder.archive(claimed)
                logger.warning("file held for a decision", metadata: metadata)
            case .applied(_, let counts, let quarantined):
                metadata["creates"] = "\(counts.creates)"
                metadata["changes"] = "\(counts.changes)"
                metadata["terminations"] = "\(counts.terminations)"
                metadata["quarantined"] = "\(quarantined.count)"
                try folder.archive(claimed)
                logger.info("file applied", metadata: metadata)
            case .duplicate:
                try folder.archive(claimed)
                logger.info("file already ingested", metadata: metadata)
            }
        } catch {
            // Not the file's fault (the journal, the disk): it stays in processing/ and is taken again.
            logger.error("file not ingested; it is tried again", metadata: ["feed": "\(feed.name)", "file": "\(claimed.originalName)", "error": "\(error)"])
        }
    }
}
