import Foundation
import Journal
import Logging
import Projections
import Provisioning
import RosterKit
import ServiceLifecycle
import Workforce

/// Delivers the outbox to the LMS whenever the journal grows or a retry comes due. On shutdown
/// the round in flight finishes (its answers journaled) and no new one starts.
struct DeliveryService: Service {
    let engine: RosterEngine
    let logger: Logger
    let metrics: DaemonMetrics
    var longestWait: Duration = .seconds(60)

    func run() async throws {
        let waker = Waker()
        var provisioner = try await engine.run { try $0.provisioner() }
        // Its appends and catch-ups on the engine's queue, with every other write of the daemon.
        provisioner.steps = EngineSteps(engine: engine)
        await withGracefulShutdownHandler {
            while !waker.isStopped, !Task.isCancelled {
                let head = engine.app.journal.head
                do {
                    let summary = try await provisioner.sync()
                    record(summary)
                } catch {
                    logger.error("delivery round failed", metadata: ["error": "\(error)"])
                }
                let (outbox, oldest) = (try? await engine.run { app -> ([LMSCommand], Timestamp?) in
                    let outbox = try app.plan()
                    let oldest = try outbox.map(\.cause).min().flatMap { try app.journal.event(at: $0) }?.recordedAt
                    return (outbox, oldest)
                }) ?? ([], nil)
                metrics.outbox(outbox, oldestCauseRecordedAt: oldest, now: engine.app.now())
                var wait = longestWait
                let now = engine.app.now()
                let retries = outbox.compactMap { $0.isDead ? nil : $0.lastFailure?.retryAt }
                if let soonest = retries.min() { wait = min(wait, .microseconds(max(0, soonest.rawValue - now.rawValue) + 1_000)) }
                // Beyond the head before this round: an append during it wakes the next one at once.
                await waker.wait(until: .now + wait, journal: engine.app.journal, beyond: head)
            }
        } onGracefulShutdown: {
            waker.stop()
        }
    }

    /// Metrics for every delivery; a line for each failure (warning), for each command sent
    /// (debug: a first provisioning sends tens of thousands), and for each sync that sent
    /// anything (info, with its counts).
    func record(_ summary: Provisioner.Summary) {
        if !summary.deliveries.isEmpty {
            logger.info(
                "delivered",
                metadata: [
                    "acknowledged": "\(summary.acknowledged)", "failed": "\(summary.failed)",
                    "skipped": "\(summary.skipped)", "rounds": "\(summary.rounds)",
                    "waiting": "\(summary.waiting)", "dead": "\(summary.dead)",
                ])
        }
        for delivery in summary.deliveries {
            let result: String
            switch delivery.outcome {
            case .acknowledged: result = "acknowledged"
            case .skipped: result = "skipped"
            case .failed: result = delivery.failure?.dead == true ? "dead" : "failed"
            }
            metrics.delivered(result: result)
            var metadata: Logger.Metadata = ["command": "\(delivery.command.id)", "result": "\(result)", "cause": "\(delivery.command.cause.rawValue)"]
            if case .failed(let error) = delivery.outcome {
                metadata["error"] = "\(error)"
                logger.warning("delivery failed", metadata: metadata)
            } else {
                logger.debug("delivered command", metadata: metadata)
            }
        }
    }
}
