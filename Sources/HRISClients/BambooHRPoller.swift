import Foundation
import Ingestion

/// Polls BambooHR for a `bamboohr-api` feed: the employees changed since the mark, then their
/// records, as one document to ingest.
public struct BambooHRPoller: FeedPoller {
    /// The client the changes and the records are read with.
    public let client: BambooHRClient
    /// The fields each employee is read with.
    public let fields: [String]
    /// The mark asked from before the journal holds one. The epoch reads everyone once: the
    /// first poll is the initial load.
    public let start: String

    /// A poller reading `fields` of each changed employee, from `start` (the epoch when nil) on its first poll.
    public init(client: BambooHRClient, fields: [String] = BambooHRClient.standardFields, start: String? = nil) {
        self.client = client
        self.fields = fields
        self.start = start ?? "1970-01-01T00:00:00Z"
    }

    /// The employees changed since `mark`, read into one document; BambooHR's `latest` as the next mark.
    public func poll(since mark: String?) async throws -> PollResult {
        let changes = try await client.changed(since: mark ?? start)
        guard !changes.employees.isEmpty else { return PollResult(document: nil, recordCount: 0, mark: changes.latest) }
        let read = try await client.read(changes.employees, fields: fields)
        return PollResult(document: read.document, recordCount: read.count, mark: changes.latest)
    }
}
