import Foundation
import Journal

/// A poll of an HRIS's "changed since" API finished: the high-water mark to ask from next time,
/// journaled after the batch it brought (if any), so a restart polls on from where it stopped.
/// Subject: ``FeedPolled/subject(of:)``.
public struct FeedPolled: Hashable, Sendable, Codable {
    public var feed: String
    /// The mark the next poll asks from (the HRIS's own, e.g. BambooHR's `latest`).
    public var mark: String
    /// Records the poll brought.
    public var records: Int
    /// The batch they were ingested as, when there were any.
    public var batch: String?

    public init(feed: String, mark: String, records: Int, batch: String?) {
        self.feed = feed
        self.mark = mark
        self.records = records
        self.batch = batch
    }

    public static let type: EventType = "feed.polled.v1"

    public static func subject(of feed: String) -> String { "poll:" + feed }

    public func payload() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    public static func decode(type: EventType, payload: [UInt8]) throws -> FeedPolled? {
        guard type == Self.type else { return nil }
        return try JSONDecoder().decode(FeedPolled.self, from: Data(payload))
    }
}
