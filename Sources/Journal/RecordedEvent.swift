/// An event as the journal holds it.
public struct RecordedEvent: Hashable, Sendable {
    /// Its place in the journal's global order.
    public let position: JournalPosition
    /// When the journal recorded it (transaction time): the same for every event of one append.
    public let recordedAt: Timestamp
    /// When the fact is true in the real world (valid time), if the producer said.
    public let effectiveAt: Timestamp?
    /// What the event is about.
    public let subject: String
    /// The subject's version after this event: 1 for its first event.
    public let subjectVersion: UInt32
    /// The position of the subject's previous event, or ``JournalPosition/start`` for its first.
    public let subjectPrevious: JournalPosition
    /// The event's wire name.
    public let type: EventType
    /// The event's body.
    public let payload: [UInt8]
    /// Provenance.
    public let metadata: EventMetadata
    /// The hash of the event before it (all zeros for the first event).
    public let previousHash: EventHash
    /// This event's hash, chained over the previous hash, the header and the payload.
    public let hash: EventHash

    /// The payload as UTF-8 text.
    public var payloadText: String { String(decoding: payload, as: UTF8.self) }
}
