import Digest
import Foundation
import Journal
import Workforce

/// Takes a received file of a feed to the journal: keeps it, reads it, compares it with what is
/// known, and journals what changed as one atomic append, unless a safety threshold holds it.
public struct Ingestor: Sendable {
    public let journal: Journal
    public let store: ReceivedFileStore
    public let thresholds: SafetyThresholds

    public init(journal: Journal, store: ReceivedFileStore, thresholds: SafetyThresholds = SafetyThresholds()) {
        self.journal = journal
        self.store = store
        self.thresholds = thresholds
    }

    /// What became of a file.
    public enum Outcome: Sendable {
        /// Journaled. Rows that could not be used are in `quarantined`.
        case applied(batch: String, counts: BatchCounts, quarantined: [RowError])
        /// Held by safety thresholds: nothing took effect; an admin approves or rejects it.
        case held(batch: String, reasons: [String], counts: BatchCounts)
        /// Refused whole: nothing took effect.
        case rejected(batch: String, error: FeedFileError)
        /// The same content was ingested before for this feed: nothing happened again.
        case duplicate(batch: String, earlier: WorkforceHistory.Batch.State?)

        public var batch: String {
            switch self {
            case .applied(let batch, _, _), .held(let batch, _, _), .rejected(let batch, _), .duplicate(let batch, _): batch
            }
        }
    }

    /// Ingests `bytes`, received as `file`, for `feed`, against the workforce as the journal tells it.
    @available(*, noasync, message: "ingest appends to the journal synchronously")
    public func ingest(_ bytes: [UInt8], file: String, feed: FeedConfiguration) throws -> Outcome {
        var history = try WorkforceHistory.load(journal)
        return try ingest(bytes, file: file, feed: feed, history: &history)
    }

    /// Ingests `bytes` against `history`, kept in memory by a long-running caller and brought up to
    /// date here. Rows unchanged since the feed's last applied file (by fingerprint) are not read
    /// field by field again.
    ///
    /// For a JSON feed (`bamboohr-api`, `json`) `bytes` is the document as the HRIS sent it (an
    /// API read, a poll's answer, a field-based webhook's body): kept byte for byte, and its
    /// records validated, quarantined, compared and held by thresholds exactly like CSV rows.
    @available(*, noasync, message: "ingest appends to the journal synchronously")
    ///
    /// When it throws after reading the file, `history` may hold changes the journal does not:
    /// load it again.
    public func ingest(_ bytes: [UInt8], file: String, feed: FeedConfiguration, history: inout WorkforceHistory) throws -> Outcome {
        let prepared = try prepare(bytes, file: file, feed: feed, history: &history)
        return try commit([prepared], history: &history)[0].get()
    }

    /// An ingest worked out against the workforce and waiting for its append: its events, and
    /// what it will have been once they are journaled.
    public struct PreparedIngest: Sendable {
        /// What the ingest is, once journaled.
        public let outcome: Outcome
        let key: String
        let keeping: ReceivedFileStore.PendingKeep
        /// Nothing for a duplicate.
        let events: [ProposedEvent]
    }

    /// Works out what ingesting `bytes` would journal, and applies it to `history` at once, so the
    /// next file prepared against `history` sees this one's changes (as the batches of one group
    /// commit do). Nothing is journaled until ``commit(_:history:)``; the file is being kept
    /// meanwhile. When the commit fails, `history` is ahead of the journal: read it again. When
    /// this throws, `history` is as it was.
    public func prepare(_ bytes: [UInt8], file: String, feed: FeedConfiguration, history: inout WorkforceHistory) throws -> PreparedIngest {
        // The file is written and synced while it is read; nothing is journaled before it is kept.
        let keeping = store.keepInBackground(bytes)
        var waitForKeeping = true
        defer { if waitForKeeping { try? keeping.wait() } }
        let digest = keeping.digest
        let batch = "\(feed.name)-\(digest.prefix(16))"
        let key = "ingest:\(feed.name):\(digest)"
        func prepared(_ outcome: Outcome, _ events: [ProposedEvent]) -> PreparedIngest {
            waitForKeeping = false
            return PreparedIngest(outcome: outcome, key: key, keeping: keeping, events: events)
        }
        // Journaled before, or earlier in the same group.
        let journaled = try journal.read { try $0.append(withIdempotencyKey: key) } != nil
        if journaled || history.batches[batch]?.receipt.sha256 == digest {
            return prepared(.duplicate(batch: batch, earlier: history.batches[batch]?.state), [])
        }
        let subject = WorkforceHistory.batchSubjectPrefix + batch
        let metadata = EventMetadata(source: feed.name, batch: batch, origin: file, correlationID: batch)
        func batchEvent(_ event: BatchEvent) throws -> ProposedEvent {
            ProposedEvent(subject: subject, type: event.type, payload: try event.payload(), metadata: metadata)
        }
        // Until the commit says when, a batch is stamped with the time it was prepared.
        let provisional = journal.configuration.clock.now()

        let read: FeedReader.ScanResult
        do {
            read = try FeedReader(feed: feed).scan(bytes, file: file, known: history.fingerprints[feed.name] ?? [:])
        } catch {
            let receipt = BatchReceipt(feed: feed.name, file: file, sha256: digest, bytes: bytes.count, rows: 0, complete: feed.kind.isComplete)
            let events = [
                try batchEvent(.received(receipt)),
                try batchEvent(.rejected(BatchRejection(reason: error.message, line: error.line, column: error.column))),
            ]
            history.record(batch: batch, receipt: receipt, state: .rejected, counts: nil, reasons: [error.message], at: provisional)
            return prepared(.rejected(batch: batch, error: error), events)
        }
        let receipt = BatchReceipt(feed: feed.name, file: file, sha256: digest, bytes: bytes.count, rows: read.rowCount, complete: feed.kind.isComplete)
        var changes = FeedDiff.changes(
            read.changed, against: history.state, feed: feed, batch: batch, now: provisional, isPresent: read.isPresent)
        changes.counts.quarantined = read.quarantined.count
        var events = [try batchEvent(.received(receipt))]
        events += try read.quarantined.map { row in
            try batchEvent(.rowQuarantined(QuarantinedRow(file: file, line: row.line, column: row.column, employeeID: row.employeeID, reason: row.reason)))
        }
        let reasons = thresholds.crossed(
            // A snapshot's percentages are of the workers it reports; a feed of changes may touch anyone.
            by: changes.counts, population: feed.kind.isComplete ? history.population(of: feed.name) : history.population, rows: read.rowCount,
            previousRows: feed.kind.isComplete ? history.previousRows(of: feed.name) : nil, departed: changes.departed)
        if !reasons.isEmpty {
            events.append(try batchEvent(.held(BatchHold(reasons: reasons, counts: changes.counts))))
            history.record(batch: batch, receipt: receipt, state: .held, counts: changes.counts, reasons: reasons, at: provisional)
            return prepared(.held(batch: batch, reasons: reasons, counts: changes.counts), events)
        }
        let lines = Dictionary(read.changed.map { ($0.id, $0.line) }, uniquingKeysWith: { first, _ in first })
        events += try workerEvents(changes, lines: lines, file: file, metadata: metadata, state: history.state, feed: feed)
        events.append(try batchEvent(.applied(changes.counts)))
        history.apply(changes, feed: feed, fingerprints: read.fingerprints)
        history.record(batch: batch, receipt: receipt, state: .applied, counts: changes.counts, reasons: [], at: provisional)
        return prepared(.applied(batch: batch, counts: changes.counts, quarantined: read.quarantined), events)
    }

    /// Journals prepared ingests in one group commit, each its own atomic batch, once its file is
    /// durably kept, and stamps each batch in `history` with its recorded time.
    ///
    /// - Returns: each ingest's outcome, or why it was not journaled. When any failed, `history`
    ///   holds changes the journal does not: read it again.
    @available(*, noasync, message: "commit appends to the journal synchronously")
    public func commit(_ prepared: [PreparedIngest], history: inout WorkforceHistory) throws -> [Result<Outcome, any Error>] {
        var results = [Result<Outcome, any Error>?](repeating: nil, count: prepared.count)
        var requests: [(index: Int, request: AppendRequest)] = []
        for (index, ingest) in prepared.enumerated() {
            do {
                try ingest.keeping.wait()
            } catch {
                results[index] = .failure(error)
                continue
            }
            if ingest.events.isEmpty {
                results[index] = .success(ingest.outcome)
            } else {
                requests.append((index, AppendRequest(ingest.events, idempotencyKey: ingest.key)))
            }
        }
        if !requests.isEmpty {
            let appended = try journal.append(group: requests.map(\.request))
            for ((index, _), result) in zip(requests, appended) {
                switch result {
                case .success(let append):
                    history.stamp(batch: prepared[index].outcome.batch, at: append.recordedAt)
                    results[index] = .success(prepared[index].outcome)
                case .failure(let error):
                    results[index] = .failure(error)
                }
            }
        }
        return results.map { $0! }
    }

    /// The worker events of `changes`, with their sources and effective times.
    func workerEvents(
        _ changes: FeedChanges, lines: [EmployeeID: Int], file: String, metadata: EventMetadata, state: WorkforceState,
        feed: FeedConfiguration
    ) throws -> [ProposedEvent] {
        let events = changes.events
        let zones = Self.zones(of: events, state: state)
        @Sendable func proposed(_ index: Int) throws -> ProposedEvent {
            let (id, event) = events[index]
            var eventMetadata = metadata
            // A JSON feed's "line" is the record's position in its array.
            eventMetadata.origin = lines[id].map { feed.kind.isJSON ? "\(file) record \($0)" : "\(file) line \($0)" } ?? file
            return ProposedEvent(
                subject: id.rawValue, type: event.type, payload: try event.payload(),
                effectiveAt: Self.effectiveTime(of: event, zone: zones[index], feed: feed), metadata: eventMetadata)
        }
        let parts = events.count >= 2_000 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
        guard parts > 1 else { return try events.indices.map(proposed) }
        // Each event's payload stands alone: a night's thousands are written on every core.
        let size = (events.count + parts - 1) / parts
        var results = [Result<ProposedEvent, any Error>?](repeating: nil, count: events.count)
        results.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                for index in (part * size)..<min(events.count, (part + 1) * size) {
                    output[index] = Result { try proposed(index) }
                }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// The time zone each of `events` happens in: the worker's as the events before it in the
    /// batch leave it (a hire's, or a transfer's new one), else as `state` knows it.
    static func zones(of events: [(id: EmployeeID, event: WorkerEvent)], state: WorkforceState) -> [String?] {
        var moved: [EmployeeID: String] = [:]
        return events.map { id, event in
            if let zone = event.newTimeZone { moved[id] = zone }
            return moved[id] ?? state.workers[id]?.timeZone
        }
    }

    /// When an event is true in HR: a hire at the start of its hire date, a termination (or a
    /// termination date set or moved) at its termination date's cut-off, in the worker's time
    /// zone. Other changes carry none.
    static func effectiveTime(of event: WorkerEvent, zone: String?, feed: FeedConfiguration) -> Timestamp? {
        switch event {
        case .hired(let worker), .rehired(let worker):
            guard let date = worker.hireDate, let zone = zone.flatMap(Zones.named) else { return nil }
            return date.start(in: zone, cutoff: feed.hireCutoff)
        case .terminated(let date?, _):
            return feed.terminationMoment(of: date, zone: zone)
        case .changed(.terminationDate, _, let new?):
            return LocalDate.parse(new, format: .iso).flatMap { feed.terminationMoment(of: $0, zone: zone) }
        default:
            return nil
        }
    }
}

extension Ingestor {
    /// Why a decision on a batch could not be taken.
    public struct DecisionError: Error, CustomStringConvertible, Sendable {
        public let message: String
        /// No such batch (rather than one that cannot be decided).
        public var notFound = false
        public var description: String { message }
    }

    /// Approves the held batch `id`: its kept file is read again and compared with what is known
    /// now, and the changes are journaled with the approval, as one append.
    @available(*, noasync, message: "approving appends to the journal synchronously")
    ///
    /// `history` is the workforce as the journal tells it now, when the caller keeps one up to
    /// date (the daemon); it is read from the journal otherwise.
    public func approve(batch id: String, by person: String, feeds: [FeedConfiguration], history: WorkforceHistory? = nil) throws -> BatchCounts {
        let history = try history ?? WorkforceHistory.load(journal)
        let batch = try heldBatch(id, in: history)
        guard let feed = feeds.first(where: { $0.name == batch.receipt.feed }) else {
            throw DecisionError(message: "batch \(id) came from feed \"\(batch.receipt.feed)\", which is no longer configured")
        }
        let bytes = try store.bytes(of: batch.receipt.sha256)
        let read = try FeedReader(feed: feed).scan(bytes, file: batch.receipt.file, known: [:])
        var changes = FeedDiff.changes(read.changed, against: history.state, feed: feed, batch: id, isPresent: read.isPresent)
        changes.counts.quarantined = read.quarantined.count
        let subject = WorkforceHistory.batchSubjectPrefix + id
        let metadata = EventMetadata(source: feed.name, batch: id, origin: batch.receipt.file, correlationID: id)
        var events = [ProposedEvent(subject: subject, type: BatchEvent.approved(by: person).type, payload: try BatchEvent.approved(by: person).payload(), metadata: metadata)]
        let lines = Dictionary(read.changed.map { ($0.id, $0.line) }, uniquingKeysWith: { first, _ in first })
        events += try workerEvents(changes, lines: lines, file: batch.receipt.file, metadata: metadata, state: history.state, feed: feed)
        let applied = BatchEvent.applied(changes.counts)
        events.append(ProposedEvent(subject: subject, type: applied.type, payload: try applied.payload(), metadata: metadata))
        try journal.append(events, idempotencyKey: "decision:\(id)")
        return changes.counts
    }

    /// Rejects the held batch `id`: nothing of it ever takes effect.
    @available(*, noasync, message: "rejecting appends to the journal synchronously")
    public func reject(batch id: String, by person: String, history: WorkforceHistory? = nil) throws {
        let history = try history ?? WorkforceHistory.load(journal)
        let batch = try heldBatch(id, in: history)
        let rejection = BatchEvent.rejected(BatchRejection(reason: "rejected by \(person)", by: person))
        let metadata = EventMetadata(source: batch.receipt.feed, batch: id, origin: batch.receipt.file, correlationID: id)
        try journal.append(
            [ProposedEvent(subject: WorkforceHistory.batchSubjectPrefix + id, type: rejection.type, payload: try rejection.payload(), metadata: metadata)],
            idempotencyKey: "decision:\(id)")
    }

    private func heldBatch(_ id: String, in history: WorkforceHistory) throws -> WorkforceHistory.Batch {
        guard let batch = history.batches[id] else {
            throw DecisionError(message: "there is no batch \(id); `roster batches` lists them", notFound: true)
        }
        guard batch.state == .held else {
            throw DecisionError(message: "batch \(id) is \(batch.state.rawValue), not held; only held batches wait for a decision")
        }
        return batch
    }
}
