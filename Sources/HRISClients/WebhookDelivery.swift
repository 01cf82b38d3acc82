import Foundation

/// A verified webhook delivery: who changed, and what the daemon does with it.
public struct WebhookDelivery: Sendable, Equatable {
    /// The two payloads BambooHR sends.
    public enum Shape: Sendable, Equatable {
        /// `{"type":"employee.updated","data":{"employeeId":…}}`: a trigger; the employees are read
        /// through the API (``BambooHRClient/read(_:fields:)``).
        case eventBased(type: String)
        /// `{"employees":[{"id":…,"action":…,"fields":{…}}]}`: the records themselves, in ``records``.
        case fieldBased
    }

    /// Names the delivery for replay detection: the sender's delivery-ID header when the feed
    /// configures one, else the SHA-256 (hex) of the signature, the timestamp and the body.
    /// The daemon journals it with what the delivery caused; one seen before is acknowledged and
    /// ignored.
    public var id: String
    /// When the sender signed it (the timestamp header).
    public var sentAt: Date
    /// Event-based or field-based.
    public var shape: Shape
    /// The employees it names, in order: what to read for an event-based delivery.
    public var changes: [ChangedEmployee]
    /// For a field-based delivery, the body: a `bamboohr-api` feed ingests it as it is (its
    /// `fields` lifted into each record, deletions set aside). Nil for an event-based one.
    public var records: [UInt8]?

    /// A delivery as ``BambooHRWebhook/receive(body:headers:now:)`` reads it.
    public init(id: String, sentAt: Date, shape: Shape, changes: [ChangedEmployee], records: [UInt8]?) {
        self.id = id
        self.sentAt = sentAt
        self.shape = shape
        self.changes = changes
        self.records = records
    }
}
