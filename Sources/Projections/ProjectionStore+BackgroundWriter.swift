import Foundation

extension ProjectionStore {
    /// Writes a catch-up's saves on a thread of its own, in order, at most two behind the fold,
    /// so compressing snapshots and LMDB's writes overlap with folding. The first failure stops
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

        func enqueue(_ pending: consuming PendingWrite) throws {
            try rethrowFailure()
            slots.wait()
            let handed = Handed(pending)
            queue.async { [self] in
                defer { slots.signal() }
                guard lock.withLock({ failure == nil }), let pending = handed.take() else { return }
                do {
                    try store.write(consume pending)
                } catch {
                    lock.withLock { failure = error }
                }
            }
        }

        /// A write handed to the writer's thread, which takes it out: captured as it is, the
        /// closure kept a reference to its records, and the write had to copy them to sort them.
        private final class Handed: @unchecked Sendable {
            private var pending: PendingWrite?

            init(_ pending: consuming PendingWrite) {
                self.pending = consume pending
            }

            func take() -> PendingWrite? {
                pending.take()
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
