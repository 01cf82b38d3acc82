/// One batch of a group commit (``Journal/append(group:)``): events written all or none, under
/// an optional idempotency key.
public struct AppendRequest: Sendable {
    public var events: [ProposedEvent]
    public var idempotencyKey: String?

    public init(_ events: [ProposedEvent], idempotencyKey: String? = nil) {
        self.events = events
        self.idempotencyKey = idempotencyKey
    }
}
