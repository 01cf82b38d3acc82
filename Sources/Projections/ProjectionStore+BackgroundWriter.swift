import Foundation

extension ProjectionStore {
    /// Writes a catch-up's snapshots on a thread of its own, in order, at most two behind the fold,
    /// so compressing them and LMDB's writes overlap with folding (its last save is written on
    /// the catch-up's own thread). The first failure stops
    /// the writes after it and is thrown by the next ``enqueue(_:)`` or by ``finish()``.
    final class BackgroundWriter: @unchecked Sendable {
        private let store: ProjectionStore
        private let queue = DispatchQueue(label: "roster.projection-store.writer")
        private let slots = DispatchSemaphore(value: 2)
        private let lock = NSLock()
        private var failure: (any Error)?

        init(store: ProjectionStore) {
            self.store = store
        }

        func enqueue(_ pending: PendingWrite) throws {
            try rethrowFailure()
            slots.wait()
            queue.async { [self] in
                defer { slots.signal() }
                guard lock.withLock({ failure == nil }) else { return }
                do {
                    try store.write(pending)
                } catch {
                    lock.withLock { failure = error }
                }
            }
        }

        /// Waits for every write; throws the first failure.
        func finish() throws {
            queue.sync {}
            try rethrowFailure()
        }

        private func rethrowFailure() throws {
            if let failure = lock.withLock({ failure }) { throw failure }
        }
    }
}
