import Journal
import Workforce

/// A journal event as the fold reads it: decoded, so decoding can run on another thread than the
/// fold (see ``FoldInputs``).
public struct FoldInput: Sendable {
    public enum Kind: Sendable {
        case worker(EmployeeID, WorkerEvent, effectiveAt: Timestamp?)
        case batchReceived(batch: String, feed: String)
        case batchApplied(batch: String)
        case restored(EmployeeID)
        case scheduleFired(now: Timestamp)
        /// An answer of the LMS about a worker's account.
        case lms(EmployeeID, LMSEvent)
        /// Nothing the fold acts on (a rule adoption, a quarantined row, a future event type).
        case other
    }

    public var position: JournalPosition
    public var recordedAt: Timestamp
    public var kind: Kind

    /// `event`, decoded.
    public init(_ event: RecordedEvent) throws {
        position = event.position
        recordedAt = event.recordedAt
        let type = event.type.rawValue
        if type.hasPrefix("worker.") {
            kind = try WorkerEvent.decode(type: event.type, payload: event.payload).map {
                .worker(EmployeeID(rawValue: event.subject), $0, effectiveAt: event.effectiveAt)
            } ?? .other
        } else if type.hasPrefix("batch.") {
            let batch = String(event.subject.dropFirst("batch:".count))
            switch try BatchEvent.decode(type: event.type, payload: event.payload) {
            case .received(let receipt): kind = .batchReceived(batch: batch, feed: receipt.feed)
            case .applied: kind = .batchApplied(batch: batch)
            default: kind = .other
            }
        } else if type.hasPrefix("admin."), case .restored = try AdminEvent.decode(type: event.type, payload: event.payload) {
            kind = .restored(EmployeeID(rawValue: event.subject))
        } else if type.hasPrefix("lms."), let answer = try LMSEvent.decode(type: event.type, payload: event.payload) {
            kind = .lms(EmployeeID(rawValue: event.subject), answer)
        } else if type.hasPrefix("schedule."), case .fired(let effect) = try ScheduleEvent.decode(type: event.type, payload: event.payload) {
            kind = .scheduleFired(now: effect.now)
        } else {
            kind = .other
        }
    }
}
