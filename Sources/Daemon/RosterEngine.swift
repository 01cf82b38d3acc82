import Foundation
import Ingestion
import Journal
import Provisioning
import RosterKit
import Synchronization

/// The daemon's one place for blocking work on the journal and the projection store: a serial
/// queue of its own, so LMDB write transactions never run on the concurrency pool, never span an
/// `await`, and never race each other inside the process.
public final class RosterEngine: Sendable {
    public let app: RosterApp
    private let queue = DispatchQueue(label: "roster.engine")
    /// Blocking work beside the engine's queue (see ``beside(_:)``), one at a time.
    private let besideQueue = DispatchQueue(label: "roster.engine.beside")
    let workforce = WorkforceCache()
    let intake = IntakeQueue()
    /// Told the number of ingests of each group commit.
    let groupCommitted: @Sendable (Int) -> Void

    public init(app: RosterApp, groupCommitted: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.app = app
        self.groupCommitted = groupCommitted
    }

    /// Runs `body` on the engine's queue and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable (RosterApp) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(self.app) }) }
        }
    }
}

extension RosterEngine {
    /// Runs `body` beside the engine's queue, which goes on serving meanwhile: long blocking work
    /// that reads the journal and writes no store the engine writes (a candidate rule set's store,
    /// built while the live one serves). One such body runs at a time.
    public func beside<T: Sendable>(_ body: @escaping @Sendable (RosterApp) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            besideQueue.async { continuation.resume(with: Result { try body(self.app) }) }
        }
    }
}

/// A provisioner's journal and store steps, run on the engine's queue.
struct EngineSteps: StepQueue {
    let engine: RosterEngine

    func run<T: Sendable>(_ step: @escaping @Sendable () throws -> T) async throws -> T {
        try await engine.run { _ in try step() }
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

    /// Reads the workforce and the feeds' batches from the journal, so the first ingest does not,
    /// and returns when each feed's last batch was recorded, and how many batches wait for a decision.
    public func loadWorkforce() async throws -> (lastBatches: [String: Timestamp], held: Int) {
        try await run { app in
            var history = WorkforceHistory()
            var position = JournalPosition.start
            try app.journal.read { snapshot in
                try snapshot.forEachEvent { event in
                    try history.apply(event)
                    position = event.position
                    return true
                }
            }
            self.workforce.history = history
            self.workforce.position = position
            var last: [String: Timestamp] = [:]
            for batch in history.batches.values where batch.recordedAt > last[batch.receipt.feed, default: .init(rawValue: .min)] {
                last[batch.receipt.feed] = batch.recordedAt
            }
            return (last, history.batches.values.count { $0.state == .held })
        }
    }

    /// On the engine's queue: every ingest waiting, prepared one after another against the
    /// workforce in memory, then journaled in one group commit.
    private func ingestWaiting() {
        let waiting = intake.takeAll()
        guard !waiting.isEmpty else { return }
        var (history, position) = takeWorkforce()
        var prepared: [(waiting: PendingIngest, ingest: Ingestor.PreparedIngest)] = []
        var refused: [Int] = []
        do {
            try bringUpToDate(&history, from: &position)
            for (index, ingest) in waiting.enumerated() {
                do {
                    // A file that cannot be prepared leaves the history as it was.
                    prepared.append((ingest, try app.ingestor.prepare(ingest.bytes, file: ingest.file, feed: ingest.feed, history: &history)))
                } catch {
                    refused.append(index)
                    ingest.continuation.resume(throwing: error)
                }
            }
            let results = try app.ingestor.commit(prepared.map(\.ingest), history: &history)
            groupCommitted(prepared.count)
            if results.allSatisfy({ (try? $0.get()) != nil }) {
                workforce.history = history
                workforce.position = app.journal.head
            }
            // Otherwise the history holds changes the journal refused: the next ingest reads the
            // journal again from the start.
            for ((ingest, _), result) in zip(prepared, results) { ingest.continuation.resume(with: result) }
        } catch {
            for (index, ingest) in waiting.enumerated() where !refused.contains(index) { ingest.continuation.resume(throwing: error) }
        }
    }
}

extension RosterEngine {
    /// On the engine's queue: the workforce kept in memory, brought up to date with what was
    /// journaled since (decisions, another process's appends). It costs the events since, not a
    /// read of the whole journal.
    func currentWorkforce() throws -> WorkforceHistory {
        var (history, position) = takeWorkforce()
        try bringUpToDate(&history, from: &position)
        workforce.history = history
        workforce.position = position
        return history
    }

    /// The workforce kept in memory and the journal position it has folded, taken out of the
    /// cache while it changes, so it is changed in place, never copied (an empty one from the
    /// start when there is none).
    private func takeWorkforce() -> (WorkforceHistory, JournalPosition) {
        defer {
            workforce.history = nil
            workforce.position = .start
        }
        return (workforce.history ?? WorkforceHistory(), workforce.position)
    }

    /// Folds the journal's events after `position` into `history`, moving `position` on.
    private func bringUpToDate(_ history: inout WorkforceHistory, from position: inout JournalPosition) throws {
        try app.journal.read { snapshot in
            try snapshot.forEachEvent(from: position.next) { event in
                try history.apply(event)
                position = event.position
                return true
            }
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
