/// An event to append: everything but what the journal assigns (sequence, recorded time,
/// subject version and hashes).
public struct ProposedEvent: Sendable {
    /// What the event is about, e.g. a worker's employee ID. 1 to 255 bytes of UTF-8.
    public var subject: String
    /// The event's wire name.
    public var type: EventType
    /// The event's body, usually JSON; the journal stores bytes and never parses them.
    public var payload: [UInt8]
    /// When the fact is true in the real world (valid time), if it has such a moment.
    public var effectiveAt: Timestamp?
    /// Provenance.
    public var metadata: EventMetadata
    /// What the subject's version must be before this event, for optimistic concurrency.
    public var expectedVersion: ExpectedVersion

    public init(
        subject: String,
        type: EventType,
        payload: [UInt8],
        effectiveAt: Timestamp? = nil,
        metadata: EventMetadata = EventMetadata(),
        expectedVersion: ExpectedVersion = .any
    ) {
        self.subject = subject
        self.type = type
        self.payload = payload
        self.effectiveAt = effectiveAt
        self.metadata = metadata
        self.expectedVersion = expectedVersion
    }

    /// An event whose payload is the UTF-8 of `payload`.
    public init(
        subject: String,
        type: EventType,
        payload: String,
        effectiveAt: Timestamp? = nil,
        metadata: EventMetadata = EventMetadata(),
        expectedVersion: ExpectedVersion = .any
    ) {
        self.init(
            subject: subject,
            type: type,
            payload: Array(payload.utf8),
            effectiveAt: effectiveAt,
            metadata: metadata,
            expectedVersion: expectedVersion
        )
    }
}

/// The version a subject must have before an append, checked in the append's transaction.
public enum ExpectedVersion: Hashable, Sendable {
    /// No check.
    case any
    /// The subject has no events yet.
    case noEvents
    /// The subject's last event has exactly this version (its first event is version 1).
    case exactly(UInt32)
}
