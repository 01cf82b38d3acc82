import Foundation
import RosterKit

/// The daemon's one place for blocking work on the journal and the projection store: a serial
/// queue of its own, so LMDB write transactions never run on the concurrency pool, never span an
/// `await`, and never race each other inside the process.
public final class RosterEngine: Sendable {
    public let app: RosterApp
    private let queue = DispatchQueue(label: "roster.engine")

    public init(app: RosterApp) {
        self.app = app
    }

    /// Runs `body` on the engine's queue and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable (RosterApp) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(self.app) }) }
        }
    }
}
