import Foundation
import Journal

/// Wakes a service's loop: at a deadline, when this process appends to the journal, or when
/// shutdown begins, whichever comes first.
final class Waker: @unchecked Sendable {
    private let lock = NSLock()
    private var continuations: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var stopped = false

    /// True once ``stop()`` was called: the loop should finish its round and return.
    var isStopped: Bool { lock.withLock { stopped } }

    /// Ends every wait, now and later.
    func stop() {
        let waiting = lock.withLock {
            stopped = true
            defer { continuations.removeAll() }
            return Array(continuations.values)
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Waits until `deadline`, an append beyond `position` (when given), or ``stop()``.
    func wait(until deadline: ContinuousClock.Instant, journal: Journal?, beyond position: JournalPosition?) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            if let journal, let position {
                group.addTask { try? await journal.waitForAppend(beyond: position) }
            }
            group.addTask { await self.stoppedSignal() }
            await group.next()
            group.cancelAll()
        }
    }

    private func stoppedSignal() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = lock.withLock { () -> Bool in
                    if stopped || Task.isCancelled { return true }
                    continuations[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = lock.withLock { continuations.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}
