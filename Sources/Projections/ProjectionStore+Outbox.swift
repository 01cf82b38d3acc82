import Journal
import LMDBKit
import Workforce

extension ProjectionStore {
    /// Every command in the outbox as of the store's checkpoint (catch the store up first):
    /// workers by their oldest cause, each worker's commands in the order they must go. Read in
    /// one transaction: the index and the records it names are the same save's.
    public func outbox() throws -> [LMSCommand] {
        let lists: [[LMSCommand]] = try environment.read { txn in
            var ids: [[UInt8]] = []
            try txn.withCursor(outboxDatabase) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    ids.append(Array(current.key))
                    entry = try cursor.next()
                }
            }
            return try ids.compactMap { id in
                try id.withUnsafeBytes { key in
                    try txn.value(workers, key: key).map { try WorkerProjection(decoding: $0, references: references).commands }
                }
            }
        }
        func oldest(_ list: [LMSCommand]) -> JournalPosition { list.map(\.cause).min() ?? .start }
        return lists.filter { !$0.isEmpty }
            .sorted { (oldest($0), $0[0].employeeID.rawValue) < (oldest($1), $1[0].employeeID.rawValue) }
            .flatMap { $0 }
    }
}
