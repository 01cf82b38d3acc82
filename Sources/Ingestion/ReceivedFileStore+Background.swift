import Digest
import Foundation

extension ReceivedFileStore {
    /// A file being kept on another thread, so writing and syncing it overlaps reading it.
    public final class PendingKeep: @unchecked Sendable {
        /// The file's SHA-256, hex: known at once.
        public let digest: String
        private let group = DispatchGroup()
        private var failure: (any Error)?

        init(digest: String) {
            self.digest = digest
        }

        /// Returns once the file is durably kept; throws if keeping it failed.
        public func wait() throws {
            group.wait()
            if let failure { throw failure }
        }

        fileprivate func start(_ work: @escaping @Sendable () throws -> Void) {
            group.enter()
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                do { try work() } catch { failure = error }
                group.leave()
            }
        }
    }

    /// Starts keeping `bytes`; ``PendingKeep/wait()`` before relying on the file being kept.
    public func keepInBackground(_ bytes: [UInt8]) -> PendingKeep {
        let digest = SHA256.hash(bytes).hex
        let pending = PendingKeep(digest: digest)
        let store = self
        pending.start { try store.keep(bytes, digest: digest) }
        return pending
    }
}
