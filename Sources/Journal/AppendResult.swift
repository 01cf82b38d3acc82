/// What an append wrote, or, for a repeated idempotency key, what the first append wrote.
public struct AppendResult: Hashable, Sendable {
    /// The first event's position.
    public let first: JournalPosition
    /// The last event's position.
    public let last: JournalPosition
    /// The recorded time shared by every event of the append.
    public let recordedAt: Timestamp
    /// True when the idempotency key had been used: nothing was written this time.
    public let wasDuplicate: Bool

    public init(first: JournalPosition, last: JournalPosition, recordedAt: Timestamp, wasDuplicate: Bool) {
        self.first = first
        self.last = last
        self.recordedAt = recordedAt
        self.wasDuplicate = wasDuplicate
    }

    /// How many events the append holds.
    public var count: Int { Int(last.rawValue - first.rawValue + 1) }
}
