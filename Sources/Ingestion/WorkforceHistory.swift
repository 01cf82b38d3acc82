import Journal
import Workforce

/// What the journal says about the workforce and the feeds' batches: the state folded from
/// every worker event, and each batch's fate.
///
/// Rebuilt by reading the journal; the projections to come keep it in their own store.
public struct WorkforceHistory: Sendable {
    /// A batch as its events tell it.
    public struct Batch: Sendable, Equatable {
        public enum State: String, Sendable {
            case received, applied, held, rejected
        }

        public var id: String
        public var receipt: BatchReceipt
        public var state: State
        public var counts: BatchCounts?
        public var reasons: [String]
        public var recordedAt: Timestamp
    }

    public private(set) var state = WorkforceState()
    /// Per feed, the fingerprint of each worker's row in the feed's last applied file. Kept in
    /// memory by a long-running ingestor; a history loaded from the journal starts without.
    public private(set) var fingerprints: [String: [UInt64: RowFingerprint]] = [:]
    public private(set) var batches: [String: Batch] = [:]
    /// Batch IDs in the order they were received.
    public private(set) var order: [String] = []

    public init() {}

    /// Folds every event of `journal`.
    public static func load(_ journal: Journal) throws -> WorkforceHistory {
        var history = WorkforceHistory()
        try journal.read { snapshot in
            try snapshot.forEachEvent { event in
                try history.apply(event)
                return true
            }
        }
        return history
    }

    /// Folds one recorded event.
    public mutating func apply(_ event: RecordedEvent) throws {
        if event.type.rawValue.hasPrefix("worker.") {
            guard let workerEvent = try WorkerEvent.decode(type: event.type, payload: event.payload) else { return }
            state.apply(workerEvent, to: EmployeeID(rawValue: event.subject), feed: event.metadata.source)
            return
        }
        guard event.type.rawValue.hasPrefix("batch."), let batchEvent = try BatchEvent.decode(type: event.type, payload: event.payload)
        else { return }
        let id = String(event.subject.dropFirst(Self.batchSubjectPrefix.count))
        switch batchEvent {
        case .received(let receipt):
            if let complete = receipt.complete { state.reports(completely: complete, feed: receipt.feed) }
            batches[id] = Batch(id: id, receipt: receipt, state: .received, counts: nil, reasons: [], recordedAt: event.recordedAt)
            order.append(id)
        case .applied(let counts):
            batches[id]?.state = .applied
            batches[id]?.counts = counts
        case .held(let hold):
            batches[id]?.state = .held
            batches[id]?.counts = hold.counts
            batches[id]?.reasons = hold.reasons
        case .rejected(let rejection):
            // A held batch a person rejected keeps why it was held, then says who rejected it.
            let held = batches[id]?.state == .held ? batches[id]?.reasons ?? [] : []
            batches[id]?.state = .rejected
            batches[id]?.reasons = held + [rejection.reason]
        case .approved, .rowQuarantined:
            break
        }
    }

    /// Applies the changes of an applied batch of `feed`, and keeps the fingerprints of its rows.
    mutating func apply(_ changes: FeedChanges, feed: FeedConfiguration, fingerprints rows: [UInt64: RowFingerprint]) {
        state.reports(completely: feed.kind.isComplete, feed: feed.name)
        for (id, event) in changes.events {
            state.apply(event, to: id, feed: feed.name)
            // Another feed's fingerprint of this worker no longer describes it.
            for other in fingerprints.keys where other != feed.name { fingerprints[other]?[RowKey.hash(id)] = nil }
        }
        if feed.kind.isComplete {
            fingerprints[feed.name] = rows
        } else {
            fingerprints[feed.name, default: [:]].merge(rows) { _, new in new }
        }
    }

    /// Records a batch's outcome.
    mutating func record(batch id: String, receipt: BatchReceipt, state batchState: Batch.State, counts: BatchCounts?, reasons: [String], at time: Timestamp) {
        batches[id] = Batch(id: id, receipt: receipt, state: batchState, counts: counts, reasons: reasons, recordedAt: time)
        order.append(id)
    }

    /// Sets the recorded time of a batch recorded before its append said when.
    mutating func stamp(batch id: String, at time: Timestamp) {
        batches[id]?.recordedAt = time
    }

    /// Rows of the last applied snapshot of `feed`.
    public func previousRows(of feed: String) -> Int? {
        order.reversed().lazy.compactMap { batches[$0] }.first { $0.receipt.feed == feed && $0.state == .applied }?.receipt.rows
    }

    /// Workers `feed` reported last who are not terminated.
    public func population(of feed: String) -> Int {
        state.population[feed] ?? 0
    }

    /// Workers any feed reports who are not terminated.
    public var population: Int {
        state.population.values.reduce(0, +)
    }

    /// The journal subject of a batch's events.
    public static let batchSubjectPrefix = "batch:"
}
