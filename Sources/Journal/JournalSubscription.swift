/// The journal's events from a position on: first those already stored, then each new one as
/// it is committed, for as long as the consuming task runs.
///
/// Reads happen in short transactions of up to `batchSize` events; between them no transaction
/// is held, so a slow consumer never pins the journal. Iteration ends (returns nil) when the
/// task is cancelled.
/// - Important: New events are announced by appends made through the same ``Journal`` object;
///   events appended by another process are seen at the next announcement.
public struct JournalSubscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let journal: Journal
    let after: JournalPosition
    let batchSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(journal: journal, position: after, batchSize: batchSize)
    }

    /// Yields events in journal order.
    public struct Iterator: AsyncIteratorProtocol {
        let journal: Journal
        var position: JournalPosition
        let batchSize: Int
        var buffer: [RecordedEvent] = []
        var index = 0

        public mutating func next() async throws -> RecordedEvent? {
            while index == buffer.count {
                if Task.isCancelled { return nil }
                buffer = try journal.events(after: position, limit: batchSize)
                index = 0
                if buffer.isEmpty {
                    do {
                        try await journal.notifier.wait(beyond: position.rawValue)
                    } catch is CancellationError {
                        return nil
                    }
                }
            }
            let event = buffer[index]
            index += 1
            position = event.position
            return event
        }
    }
}

extension Journal {
    /// The events after `position`, then every new one as it is appended.
    public func subscribe(after position: JournalPosition = .start, batchSize: Int = 512) -> JournalSubscription {
        JournalSubscription(journal: self, after: position, batchSize: max(1, batchSize))
    }
}
