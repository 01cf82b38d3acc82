import Foundation
import Journal
import Metrics
import Projections
import Prometheus
import Synchronization
import Workforce

/// The daemon's metrics, made through swift-metrics with a Prometheus factory of their own (no
/// process-wide bootstrap) and exposed in the Prometheus text format at `/metrics`: events
/// journaled by type, batches by outcome, the outbox's depth and the age of its oldest command,
/// deliveries by result, each feed's lag, the journal's size.
public final class DaemonMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// Batches held by a safety threshold and not yet decided, journaled by any process.
    private let held = Mutex(0)

    public init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// The exposition text.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    func journaled(_ event: RecordedEvent) {
        Counter(label: "roster_events_journaled_total", dimensions: [("type", event.type.rawValue)], factory: factory).increment()
        switch event.type.rawValue {
        case "batch.applied.v1", "batch.held.v1", "batch.rejected.v1", "batch.approved.v1":
            let outcome = String(event.type.rawValue.dropFirst("batch.".count).dropLast(".v1".count))
            Counter(label: "roster_batches_total", dimensions: [("outcome", outcome)], factory: factory).increment()
            if let feed = event.metadata.source { lastBatch(feed: feed, at: event.recordedAt) }
            // A held batch waits until approved or rejected by a person (a rejection with `by`;
            // a file refused whole is rejected without one, and was never held).
            switch try? BatchEvent.decode(type: event.type, payload: event.payload) {
            case .held?: heldChanged(by: 1)
            case .approved?: heldChanged(by: -1)
            case .rejected(let rejection)? where rejection.by != nil: heldChanged(by: -1)
            default: break
            }
        default:
            break
        }
    }

    /// The batches waiting for a decision: a gauge, so an alert on it holds across restarts.
    func batchesHeld(_ count: Int) {
        recordHeld(held.withLock { held in
            held = max(0, count)
            return held
        })
    }

    private func heldChanged(by delta: Int) {
        recordHeld(held.withLock { held in
            held = max(0, held + delta)
            return held
        })
    }

    private func recordHeld(_ count: Int) {
        Gauge(label: "roster_batches_held", factory: factory).record(Double(count))
    }

    func lastBatch(feed: String, at time: Timestamp) {
        Gauge(label: "roster_feed_last_batch_timestamp_seconds", dimensions: [("feed", feed)], factory: factory).record(Double(time.rawValue) / 1_000_000)
    }

    /// One group commit of `ingests` webhooks and files: their mean is ingests over commits.
    @Sendable func groupCommitted(_ ingests: Int) {
        Counter(label: "roster_ingest_commits_total", factory: factory).increment()
        Counter(label: "roster_ingests_total", factory: factory).increment(by: Int64(ingests))
    }

    func delivered(result: String) {
        Counter(label: "roster_deliveries_total", dimensions: [("result", result)], factory: factory).increment()
    }

    func scheduled(_ count: Int) {
        Counter(label: "roster_scheduled_effects_total", factory: factory).increment(by: Int64(count))
    }

    /// The outbox after a round, and when the event behind its oldest command was recorded.
    func outbox(_ commands: [LMSCommand], oldestCauseRecordedAt: Timestamp?, now: Timestamp) {
        Gauge(label: "roster_outbox_depth", factory: factory).record(Double(commands.count))
        Gauge(label: "roster_outbox_dead_letters", factory: factory).record(Double(commands.count { $0.isDead }))
        let age = oldestCauseRecordedAt.map { Double(now.rawValue - $0.rawValue) / 1_000_000 } ?? 0
        Gauge(label: "roster_outbox_oldest_age_seconds", factory: factory).record(max(0, age))
    }

    func journalSize(bytes: Int, head: JournalPosition) {
        Gauge(label: "roster_journal_bytes", factory: factory).record(Double(bytes))
        Gauge(label: "roster_journal_head_position", factory: factory).record(Double(head.rawValue))
    }

    func feedLag(_ feed: String, seconds: Double) {
        Gauge(label: "roster_feed_lag_seconds", dimensions: [("feed", feed)], factory: factory).record(seconds)
    }

    func request(route: String, status: Int) {
        Counter(label: "roster_http_requests_total", dimensions: [("route", route), ("status", String(status))], factory: factory).increment()
    }
}
