import Foundation
import Ingestion
import Journal
import RosterKit

/// The daemon's one place for blocking work on the journal and the projection store: a serial
/// queue of its own, so LMDB write transactions never run on the concurrency pool, never span an
/// `await`, and never race each other inside the process.
public final class RosterEngine: Sendable {
    public let app: RosterApp
    private let queue = DispatchQueue(label: "roster.engine")
    let workforce = WorkforceCache()

    public init(app: RosterApp) {
        self.app = app
    }

    /// Runs `body` on the engine's queue and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable (RosterApp) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(self.app) }) }
        }
    }
}

extension RosterEngine {
    /// Ingests `bytes` received as `file` for `feed`, against the workforce kept in memory and
    /// brought up to date with whatever was journaled since (decisions taken over the API): a
    /// webhook or a dropped file costs its own rows, not a read of the whole journal, and rows
    /// unchanged since the feed's last file are not read field by field again.
    public func ingest(_ bytes: [UInt8], file: String, feed: FeedConfiguration) async throws -> Ingestor.Outcome {
        try await run { app in
            var history = self.workforce.history ?? WorkforceHistory()
            let from = self.workforce.position.next
            try app.journal.read { snapshot in
                try snapshot.forEachEvent(from: from) { event in
                    try history.apply(event)
                    return true
                }
            }
            let outcome = try app.ingestor.ingest(bytes, file: file, feed: feed, history: &history)
            self.workforce.history = history
            self.workforce.position = app.journal.head
            return outcome
        }
    }
}

/// The workforce the engine keeps between ingests; touched only on the engine's queue.
final class WorkforceCache: @unchecked Sendable {
    var history: WorkforceHistory?
    var position = JournalPosition.start
}
