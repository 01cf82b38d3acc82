import Foundation
import Ingestion
import Journal
import RosterKit
import Synchronization

/// The daemon's one place for blocking work on the journal and the projection store: a serial
/// queue of its own, so LMDB write transactions never run on the concurrency pool, never span an
/// `await`, and never race each other inside the process.
public final class RosterEngine: Sendable {
    public let app: RosterApp
    private let queue = DispatchQueue(label: "roster.engine")
    let workforce = WorkforceCache()
    let intake = IntakeQueue()

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
    ///
    /// Ingests that arrive while the engine is busy wait together and are journaled as one group
    /// commit, each its own batch: concurrent webhooks share one commit's fsyncs. Each answer
    /// still comes only once its own batch is durable.
    public func ingest(_ bytes: [UInt8], file: String, feed: FeedConfiguration) async throws -> Ingestor.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            intake.add(PendingIngest(bytes: bytes, file: file, feed: feed, continuation: continuation))
            queue.async { self.ingestWaiting() }
        }
    }

    /// On the engine's queue: every ingest waiting, prepared one after another against the
    /// workforce in memory, then journaled in one group commit.
    private func ingestWaiting() {
        let waiting = intake.takeAll()
        guard !waiting.isEmpty else { return }
        let before = workforce.position
        do {
            var history = workforce.history ?? WorkforceHistory()
            try app.journal.read { snapshot in
                try snapshot.forEachEvent(from: before.next) { event in
                    try history.apply(event)
                    return true
                }
            }
            let caughtUp = history
            workforce.history = caughtUp
            workforce.position = app.journal.head
            var prepared: [(waiting: PendingIngest, ingest: Ingestor.PreparedIngest)] = []
            for ingest in waiting {
                var working = history
                do {
                    prepared.append((ingest, try app.ingestor.prepare(ingest.bytes, file: ingest.file, feed: ingest.feed, history: &working)))
                    history = working
                } catch {
                    ingest.continuation.resume(throwing: error)
                }
            }
            let results = try app.ingestor.commit(prepared.map(\.ingest), history: &history)
            if results.allSatisfy({ (try? $0.get()) != nil }) {
                workforce.history = history
                workforce.position = app.journal.head
            }
            // Otherwise the history in memory holds changes the journal refused: the next ingest
            // reads what was journaled since the catch-up instead.
            for ((ingest, _), result) in zip(prepared, results) { ingest.continuation.resume(with: result) }
        } catch {
            for ingest in waiting { ingest.continuation.resume(throwing: error) }
        }
    }
}

/// An ingest waiting for the engine.
struct PendingIngest: Sendable {
    let bytes: [UInt8]
    let file: String
    let feed: FeedConfiguration
    let continuation: CheckedContinuation<Ingestor.Outcome, any Error>
}

/// Ingests waiting for the engine, taken all at once by the next group.
final class IntakeQueue: Sendable {
    private let waiting = Mutex<[PendingIngest]>([])

    func add(_ ingest: PendingIngest) { waiting.withLock { $0.append(ingest) } }

    func takeAll() -> [PendingIngest] { waiting.withLock { waiting in defer { waiting = [] }; return waiting } }
}

/// The workforce the engine keeps between ingests; touched only on the engine's queue.
final class WorkforceCache: @unchecked Sendable {
    var history: WorkforceHistory?
    var position = JournalPosition.start
}
