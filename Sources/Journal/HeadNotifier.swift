import Synchronization

/// Tells waiting subscribers when the journal's head moves past the position they have read.
final class HeadNotifier: Sendable {
    private struct State {
        var head: UInt64
        var nextID: UInt64 = 0
        var waiters: [UInt64: (position: UInt64, continuation: CheckedContinuation<Void, any Error>)] = [:]
    }

    private let state: Mutex<State>

    init(head: UInt64) {
        state = Mutex(State(head: head))
    }

    var head: UInt64 { state.withLock { $0.head } }

    /// Records a new head and wakes the waiters it passes.
    func advance(to head: UInt64) {
        let ready: [CheckedContinuation<Void, any Error>] = state.withLock { state in
            guard head > state.head else { return [] }
            state.head = head
            var ready: [CheckedContinuation<Void, any Error>] = []
            for (id, waiter) in state.waiters where waiter.position < head {
                ready.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once the head is beyond `position`; throws `CancellationError` when cancelled.
    func wait(beyond position: UInt64) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = state.withLock { state in
                    if state.head > position { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = (position, continuation)
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}
