import Ingestion
import Journal
import JournalTestSupport

/// A real journal and received-file store in a fresh directory, for tests that ingest what a
/// client fetched.
final class JournalFixture {
    let directory = TestDirectory()
    let journal: Journal
    let ingestor: Ingestor
    var history = WorkforceHistory()

    init() throws {
        journal = try Journal(path: directory.child("journal"), createIfMissing: true)
        ingestor = Ingestor(journal: journal, store: ReceivedFileStore(directory: directory.child("received")))
    }

    /// Ingests `bytes` for `feed`. Synchronous, as the journal's appends are: async tests call
    /// it as the daemon's ingest thread would.
    func ingest(_ bytes: [UInt8], file: String, feed: FeedConfiguration) throws -> Ingestor.Outcome {
        try ingestor.ingest(bytes, file: file, feed: feed, history: &history)
    }
}
