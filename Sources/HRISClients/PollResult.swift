/// What one poll of an HRIS brought: a document to ingest, and the high-water mark to ask from
/// next time.
///
/// The caller ingests ``document`` (``Ingestor/ingest(_:file:feed:history:)``) and journals
/// ``mark`` with the batch; only a mark that is journaled is ever asked from again, so a crash
/// between the poll and the journal asks for the same changes again, which the ingest then
/// finds to be a duplicate or to change nothing.
public struct PollResult: Sendable, Equatable {
    /// The JSON document of the changed employees, for the feed's kind; nil when nothing changed.
    public var document: [UInt8]?
    /// How many records the document holds (deletion notices included).
    public var recordCount: Int
    /// The next high-water mark: the one to ask from once this result is journaled.
    public var mark: String?

    /// A poll's outcome.
    public init(document: [UInt8]?, recordCount: Int, mark: String?) {
        self.document = document
        self.recordCount = recordCount
        self.mark = mark
    }
}

/// Something the daemon polls for a feed's changes: ``BambooHRPoller`` or ``GenericJSONPoller``.
public protocol FeedPoller: Sendable {
    /// The changes since `mark` (the last journaled high-water mark; nil before the first poll).
    /// Every failure is an ``HRISError``.
    func poll(since mark: String?) async throws -> PollResult
}
