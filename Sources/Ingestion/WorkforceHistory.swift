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
            batches[id]?.state = .rejected
            batches[id]?.reasons = [rejection.reason]
        case .approved, .rowQuarantined:
            break
        }
    }

    /// Rows of the last applied snapshot of `feed`.
    public func previousRows(of feed: String) -> Int? {
        order.reversed().lazy.compactMap { batches[$0] }.first { $0.receipt.feed == feed && $0.state == .applied }?.receipt.rows
    }

    /// Workers `feed` reported last who are not terminated.
    public func population(of feed: String) -> Int {
        state.workers.values.lazy.filter { state.feeds[$0.id] == feed && $0.status != .terminated }.count
    }

    /// The journal subject of a batch's events.
    public static let batchSubjectPrefix = "batch:"
}
