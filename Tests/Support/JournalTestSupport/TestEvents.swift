import Foundation
import Journal
import Synchronization

/// A clock the test sets by hand.
public final class ManualClock: JournalClock {
    private let current: Mutex<Timestamp>

    /// A clock showing `start`.
    public init(_ start: Timestamp = Timestamp(iso8601: "2026-11-29T03:00:00Z")!) {
        current = Mutex(start)
    }

    public func now() -> Timestamp { current.withLock { $0 } }

    /// Sets the time, forwards or backwards.
    public func set(_ instant: Timestamp) { current.withLock { $0 = instant } }

    /// Moves the time by `seconds`.
    public func advance(seconds: Int64) { current.withLock { $0 = $0.adding(microseconds: seconds * 1_000_000) } }
}

/// Small, readable events for journal tests.
public enum TestEvents {
    /// `count` events about `subjects` workers in turn, tagged with `batch`.
    public static func batch(_ count: Int, batch: String = "batch-1", subjects: Int = 10, type: EventType = "worker.changed.v1") -> [ProposedEvent] {
        (0..<count).map { index in
            ProposedEvent(
                subject: "E\(1000 + index % subjects)",
                type: type,
                payload: "{\"field\":\"job_title\",\"old\":\"Analyst \(index)\",\"new\":\"Senior Analyst \(index)\",\"batch\":\"\(batch)\"}",
                effectiveAt: Timestamp(iso8601: "2026-12-01"),
                metadata: EventMetadata(source: "test-feed", batch: batch, origin: "line \(index + 2)")
            )
        }
    }

    /// One event about `subject`.
    public static func one(_ subject: String, _ type: EventType = "worker.hired.v1", expected: ExpectedVersion = .any, note: String = "") -> ProposedEvent {
        ProposedEvent(
            subject: subject,
            type: type,
            payload: "{\"employee_id\":\"\(subject)\",\"note\":\"\(note)\"}",
            metadata: EventMetadata(source: "test"),
            expectedVersion: expected
        )
    }
}
