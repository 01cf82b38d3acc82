import Configuration
import Ingestion
import Journal
import Workforce

extension RosterApp {
    /// The ingestor for the configured feeds: received files kept under the data directory,
    /// the configured safety thresholds.
    public var ingestor: Ingestor {
        Ingestor(journal: journal, store: ReceivedFileStore(directory: configuration.receivedPath), thresholds: configuration.safety)
    }

    /// The workforce and every batch, as the journal tells them.
    @available(*, noasync, message: "reads the journal synchronously")
    public func workforceHistory() throws -> WorkforceHistory {
        try WorkforceHistory.load(journal)
    }

    /// Approves the held batch `id`; returns what it changed. `history`: the workforce up to
    /// date with the journal, when the caller keeps one (read from the journal otherwise).
    @available(*, noasync, message: "appends to the journal synchronously")
    public func approve(batch id: String, by person: String, history: WorkforceHistory? = nil) throws -> BatchCounts {
        try ingestor.approve(batch: id, by: person, feeds: configuration.feeds, history: history)
    }

    /// Rejects the held batch `id`: nothing of it takes effect.
    @available(*, noasync, message: "appends to the journal synchronously")
    public func reject(batch id: String, by person: String, history: WorkforceHistory? = nil) throws {
        try ingestor.reject(batch: id, by: person, history: history)
    }
}
