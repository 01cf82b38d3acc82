import ByteCoding
import LMDBKit

/// The puts one append made, in order: what the journal asked of LMDB, already encoded.
///
/// Benchmarks replay these against a bare LMDB environment to measure liblmdb's own speed on
/// exactly the journal's bytes (`roster-journal bench`).
public struct StoredCommit: Sendable {
    /// One put.
    public struct Put: Sendable {
        public let database: String
        public let key: [UInt8]
        public let value: [UInt8]
        public let append: Bool
    }

    public var puts: [Put] = []
}

extension JournalSnapshot {
    /// The puts of the append that wrote `first...last`, reconstructed from the stored data:
    /// the types and dictionaries it stored first (those not yet in `seenTypes` and
    /// `seenDictionaries`), its event records, the subject heads it left, and its recorded-time
    /// entry. (An idempotency entry is not reconstructed.)
    public func storedCommit(
        first: JournalPosition,
        last: JournalPosition,
        seenTypes: inout Set<UInt32>,
        seenDictionaries: inout Set<UInt32>
    ) throws -> StoredCommit {
        var commit = StoredCommit()
        var heads: [String: [UInt8]] = [:]
        var order: [String] = []
        var recordedAt: Timestamp?
        try txn.withCursor(db.events) { cursor in
            var entry = try cursor.seek(atOrAfter: first.rawValue.bigEndianBytes)
            while let current = entry, UInt64(bigEndianBytes: current.key) <= last.rawValue {
                let position = UInt64(bigEndianBytes: current.key)
                let record = try EventRecord.decode(current.value, position: position)
                recordedAt = record.recordedAt
                if seenTypes.insert(record.typeID).inserted, let name = try txn.value(db.types, key: record.typeID.bigEndianBytes) {
                    commit.puts.append(.init(database: JournalSchema.types, key: record.typeID.bigEndianBytes, value: name, append: false))
                }
                if record.dictionaryID != 0, seenDictionaries.insert(record.dictionaryID).inserted,
                    let stored = try txn.value(db.dictionaries, key: record.dictionaryID.bigEndianBytes)
                {
                    commit.puts.append(
                        .init(database: JournalSchema.dictionaries, key: record.dictionaryID.bigEndianBytes, value: stored, append: false))
                }
                commit.puts.append(.init(database: JournalSchema.events, key: Array(current.key), value: Array(current.value), append: true))
                var head = [UInt8](repeating: 0, count: 12)
                Journal.encodeSubjectHead(version: record.subjectVersion, last: position, into: &head)
                let subject = record.subjectText
                if heads.updateValue(head, forKey: subject) == nil { order.append(subject) }
                entry = try cursor.next()
            }
        }
        // In the order the append put them: first appearance in the batch.
        for subject in order {
            commit.puts.append(.init(database: JournalSchema.subjects, key: Array(subject.utf8), value: heads[subject]!, append: false))
        }
        if let recordedAt, let entry = try txn.value(db.recorded, key: recordedAt.sortableKey) {
            commit.puts.append(.init(database: JournalSchema.recorded, key: recordedAt.sortableKey, value: entry, append: true))
        }
        return commit
    }
}

extension Journal {
    /// The names of the journal's LMDB databases, for environments that mirror its layout.
    public static var databaseNames: [String] { JournalSchema.all }
}
