/// Where an event came from and what it belongs to. Every field is optional.
public struct EventMetadata: Hashable, Sendable {
    /// The feed or component that produced the event, e.g. `bamboohr-nightly`.
    public var source: String?
    /// The batch the event arrived in, e.g. a received file's id.
    public var batch: String?
    /// Where in the source: a file line (`line 42`) or a webhook delivery id.
    public var origin: String?
    /// The id of the event or command that caused this one.
    public var causationID: String?
    /// The id shared by every event of one business transaction.
    public var correlationID: String?

    public init(
        source: String? = nil,
        batch: String? = nil,
        origin: String? = nil,
        causationID: String? = nil,
        correlationID: String? = nil
    ) {
        self.source = source
        self.batch = batch
        self.origin = origin
        self.causationID = causationID
        self.correlationID = correlationID
    }

    /// True when no field is set.
    public var isEmpty: Bool {
        source == nil && batch == nil && origin == nil && causationID == nil && correlationID == nil
    }
}
