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
    /// The puts of every append, reconstructed from the stored data: event records, the subject
    /// heads each append left, the recorded-time entry, and the types and dictionaries first
    /// stored with it. (Idempotency entries are not reconstructed.)
    public func storedCommits() throws -> [StoredCommit] {
        var commits: [StoredCommit] = []
        var commitEnds: [(key: [UInt8], value: [UInt8], last: UInt64)] = []
        try txn.withCursor(db.recorded) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                commitEnds.append((Array(current.key), Array(current.value), UInt64(bigEndianBytes: UnsafeRawBufferPointer(rebasing: current.value[0..<8]))))
                entry = try cursor.next()
            }
        }
        var types: [[UInt8]: [UInt8]] = [:]
        try txn.withCursor(db.types) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                types[Array(current.key)] = Array(current.value)
                entry = try cursor.next()
            }
        }
        var dictionaries: [UInt32: [UInt8]] = [:]
        try txn.withCursor(db.dictionaries) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                dictionaries[UInt32(bigEndianBytes: current.key)] = Array(current.value)
                entry = try cursor.next()
            }
        }
        var seenTypes = Set<UInt32>()
        var seenDictionaries = Set<UInt32>()
        try txn.withCursor(db.events) { cursor in
            var entry = try cursor.first()
            for end in commitEnds {
                var commit = StoredCommit()
                var heads: [String: [UInt8]] = [:]
                while let current = entry, UInt64(bigEndianBytes: current.key) <= end.last {
                    let position = UInt64(bigEndianBytes: current.key)
                    let record = try EventRecord.decode(current.value, position: position)
                    if seenTypes.insert(record.typeID).inserted, let name = types[record.typeID.bigEndianBytes] {
                        commit.puts.append(.init(database: JournalSchema.types, key: record.typeID.bigEndianBytes, value: name, append: false))
                    }
                    if record.codec == .zstdDictionary, seenDictionaries.insert(record.dictionaryID).inserted,
                        let stored = dictionaries[record.dictionaryID]
                    {
                        commit.puts.append(
                            .init(database: JournalSchema.dictionaries, key: record.dictionaryID.bigEndianBytes, value: stored, append: false))
                    }
                    commit.puts.append(.init(database: JournalSchema.events, key: Array(current.key), value: Array(current.value), append: true))
                    var head = [UInt8](repeating: 0, count: 12)
                    Journal.encodeSubjectHead(version: record.subjectVersion, last: position, into: &head)
                    heads[record.subjectText] = head
                    entry = try cursor.next()
                }
                for (subject, head) in heads {
                    commit.puts.append(.init(database: JournalSchema.subjects, key: Array(subject.utf8), value: head, append: false))
                }
                commit.puts.append(.init(database: JournalSchema.recorded, key: end.key, value: end.value, append: true))
                commits.append(commit)
            }
        }
        return commits
    }
}

extension Journal {
    /// The names of the journal's LMDB databases, for environments that mirror its layout.
    public static var databaseNames: [String] { JournalSchema.all }
}
