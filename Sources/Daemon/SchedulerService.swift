import Foundation
import Journal
import Logging
import Projections
import RosterKit
import ServiceLifecycle
import Workforce

/// Fires time-driven effects at their moment: a first day at local midnight, a termination
/// taking effect, a grace period's end. Each wake-up runs `roster tick` at the wall clock, so a
/// restart fires what came due while the daemon was down, at its own due time (no drift).
struct SchedulerService: Service {
    let engine: RosterEngine
    let logger: Logger
    let metrics: DaemonMetrics
    /// The longest sleep: appends by other processes (the CLI) do not wake the scheduler.
    var longestWait: Duration = .seconds(60)

    func run() async throws {
        let waker = Waker()
        try await withGracefulShutdownHandler {
            while !waker.isStopped, !Task.isCancelled {
                let (fired, next, head) = try await engine.run { app -> ([(id: EmployeeID, effect: ScheduledEffect)], Timestamp?, JournalPosition) in
                    let now = app.now()
                    let fired = try app.tick(at: now)
                    let rules = try app.rulesInForce()
                    let state = try app.store(for: rules.rules).catchUp(app.journal)
                    return (fired, state.nextMoment, app.journal.head)
                }
                for (id, effect) in fired {
                    logger.info("fired", metadata: ["employee_id": "\(id)", "effect": "\(effect.kind.rawValue)", "due_at": "\(effect.dueAt)"])
                }
                metrics.scheduled(fired.count)
                var wait = longestWait
                if let next {
                    let micros = next.rawValue - Timestamp.now().rawValue
                    wait = min(wait, .microseconds(max(0, micros) + 1_000))
                }
                await waker.wait(until: .now + wait, journal: engine.app.journal, beyond: head)
            }
        } onGracefulShutdown: {
            waker.stop()
        }
    }
}
