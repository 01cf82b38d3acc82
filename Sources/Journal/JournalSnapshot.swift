import ByteCoding
import Digest
import LMDBKit
import ZstdKit

/// A consistent view of the journal for the duration of one ``Journal/read(_:)`` closure.
///
/// It cannot be copied or kept: it lives in a read transaction, which ends with the closure.
public struct JournalSnapshot: ~Copyable {
    let txn: BorrowedTransaction
    let journal: Journal
    let decompressor: Decompressor
    let commits = CommitCache()
    let blocks = BlockCache()

    var db: Journal.Databases { journal.databases }

    /// The position of the last event in this snapshot.
    public var head: JournalPosition {
        get throws { try Journal.readHead(txn, db.events).position }
    }

    /// The event at `position`, or nil when there is none.
    public func event(at position: JournalPosition) throws -> RecordedEvent? {
        guard position.rawValue > 0, let value = try storedRecord(at: position.rawValue) else { return nil }
        return try decodeEvent(value, position: position.rawValue, previousHash: try previousHash(before: position.rawValue))
    }

    /// The stored record at `position`, in place (valid until the read ends).
    func storedRecord(at position: UInt64) throws -> UnsafeRawBufferPointer? {
        try withUnsafeBytes(of: position.bigEndian) { try txn.value(db.events, key: $0) }
    }

    /// Calls `body` with each event from `first` through `last` (both included) in order,
    /// until it returns false.
    public func forEachEvent(
        from first: JournalPosition = JournalPosition(1),
        through last: JournalPosition? = nil,
        _ body: (RecordedEvent) throws -> Bool
    ) throws {
        var previous: EventHash?
        try forEachRecord(from: first, through: last) { position, stored in
            let event = try decodeEvent(stored, position: position, previousHash: try previous ?? previousHash(before: position))
            previous = event.hash
            return try body(event)
        }
    }

    /// Calls `body` with the position and stored bytes (in place) of each record from `first`
    /// through `last` (both included) in order, until it returns false.
    func forEachRecord(
        from first: JournalPosition, through last: JournalPosition?, _ body: (_ position: UInt64, _ stored: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let start = max(first.rawValue, 1)
        let end = last?.rawValue ?? UInt64.max
        guard start <= end else { return }
        try txn.withCursor(db.events) { cursor in
            var entry = try cursor.seek(atOrAfter: start.bigEndianBytes)
            while let current = entry {
                let position = UInt64(bigEndianBytes: current.key)
                if position > end { return }
                if try !body(position, current.value) { return }
                entry = try cursor.next()
            }
        }
    }

    /// Up to `limit` events after `position`, in order.
    public func events(after position: JournalPosition, limit: Int = .max) throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try forEachEvent(from: position.next) { event in
            events.append(event)
            return events.count < limit
        }
        return events
    }

    /// Every event about `subject`, oldest first, found through the subject's chain of
    /// previous positions (see docs/journal-format.md).
    public func events(forSubject subject: String) throws -> [RecordedEvent] {
        guard let head = try Journal.subjectHead(txn, db.subjects, subject) else { return [] }
        var positions: [UInt64] = []
        var position = head.last
        while position != 0 {
            positions.append(position)
            guard let value = try storedRecord(at: position) else {
                throw JournalError(.corrupt, "subject \(subject) refers to event \(position), which is missing; run roster-journal verify")
            }
            let record = try EventRecord.decode(value, position: position)
            guard record.subjectPreviousDelta <= position else {
                throw JournalError(.corrupt, "event \(position) points before the start of the journal; run roster-journal verify")
            }
            position = record.subjectPreviousDelta == 0 ? 0 : position - record.subjectPreviousDelta
        }
        return try positions.reversed().map { position in
            guard let event = try event(at: JournalPosition(position)) else {
                throw JournalError(.corrupt, "event \(position) vanished during a read")
            }
            return event
        }
    }

    /// The subject's version: how many events it has (0 for none).
    public func version(ofSubject subject: String) throws -> UInt32 {
        try Journal.subjectHead(txn, db.subjects, subject)?.version ?? 0
    }

    /// How many distinct subjects the journal's events are about (read from the subject index's
    /// statistics, without a scan): a bound a fold from the start can size its tables by.
    public func subjectCount() throws -> Int {
        try txn.statistics(db.subjects).entries
    }

    /// The last position committed at or before `instant` (``JournalPosition/start`` when none was):
    /// what the journal held then.
    public func position(recordedAtOrBefore instant: Timestamp) throws -> JournalPosition {
        try txn.withCursor(db.recorded) { cursor in
            guard let entry = try cursor.seek(atOrBefore: instant.sortableKey) else { return .start }
            guard entry.value.count >= 8 else { throw JournalError(.corrupt, "a recorded-time entry is shorter than 8 bytes") }
            return JournalPosition(UInt64(bigEndianBytes: UnsafeRawBufferPointer(rebasing: entry.value[0..<8])))
        }
    }

    /// The result of the append that used `idempotencyKey`, if any did.
    public func append(withIdempotencyKey key: String) throws -> AppendResult? {
        let digest = Array(SHA256.hash(Array(key.utf8)))
        guard let stored = try txn.value(db.idempotency, key: digest) else { return nil }
        return try stored.withUnsafeBytes { try Journal.decodeIdempotency($0) }
    }

    /// Every stored dictionary, oldest first.
    public func dictionaries() throws -> [DictionaryInfo] {
        var found: [DictionaryInfo] = []
        try txn.withCursor(db.dictionaries) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                let stored = try StoredDictionary.decode(current.value)
                found.append(
                    DictionaryInfo(
                        id: UInt32(bigEndianBytes: current.key),
                        createdAt: stored.createdAt,
                        sampleCount: stored.sampleCount,
                        size: stored.bytes.count,
                        checksum: EventHash(bytes: stored.checksum)
                    )
                )
                entry = try cursor.next()
            }
        }
        return found
    }

    /// The dictionary new events are compressed with, if any.
    public func activeDictionaryID() throws -> UInt32? {
        try Journal.activeDictionaryID(txn, db.meta)
    }

    // MARK: Decoding

    func previousHash(before position: UInt64) throws -> EventHash {
        guard position > 1 else { return .genesis }
        guard let value = try storedRecord(at: position - 1) else {
            throw JournalError(.corrupt, "event \(position - 1) is missing; run roster-journal verify")
        }
        return EventHash(stored: try EventRecord.decode(value, position: position - 1).hash)
    }

    func decodeEvent(_ value: UnsafeRawBufferPointer, position: UInt64, previousHash: EventHash) throws -> RecordedEvent {
        let record = try EventRecord.decode(value, position: position)
        let type = try journal.typeTable.name(record.typeID, txn, db.types)
        let shared = try sharedMetadata(recordedAt: record.recordedAt, position: position)
        let (metadata, payload) = try withBody(of: record, position: position) { body in
            do {
                let (metadata, range) = try EventBody.decode(body, shared: shared)
                return (metadata, Array(body[range]))
            } catch let error as EventRecord.Malformed {
                throw error.journalError(at: position)
            }
        }
        return RecordedEvent(
            position: JournalPosition(position),
            recordedAt: record.recordedAt,
            effectiveAt: record.effectiveAt,
            subject: record.subjectText,
            subjectVersion: record.subjectVersion,
            subjectPrevious: JournalPosition(record.subjectPreviousDelta == 0 ? 0 : position &- record.subjectPreviousDelta),
            type: type,
            payload: payload,
            metadata: metadata,
            previousHash: previousHash,
            hash: EventHash(stored: record.hash)
        )
    }

    /// The metadata shared by the events of the append recorded at `recordedAt`.
    func sharedMetadata(recordedAt: Timestamp, position: UInt64) throws -> EventMetadata {
        if let cached = commits.entry, cached.time == recordedAt { return cached.shared }
        guard let value = try txn.value(db.recorded, key: recordedAt.sortableKey) else {
            throw JournalError(.corrupt, "event \(position) belongs to no append in the recorded-time index; run roster-journal verify")
        }
        do {
            let entry = try value.withUnsafeBytes { try CommitEntry.decode($0) }
            commits.entry = (recordedAt, entry.shared)
            return entry.shared
        } catch let error as EventRecord.Malformed {
            throw JournalError(.corrupt, "the append of event \(position) is damaged: \(error.reason); run roster-journal verify")
        }
    }

    /// Runs `body` with the record's uncompressed body.
    func withBody<T>(of record: EventRecord, position: UInt64, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        switch record.codec {
        case .raw:
            return try body(record.storedBody)
        case .zstd, .zstdDictionary:
            let output = try decompress(record.storedBody, length: record.bodyLength, dictionaryID: record.codec == .zstdDictionary ? record.dictionaryID : 0, position: position)
            return try output.withUnsafeBytes(body)
        case .zstdBlock:
            let reference = record.block!
            let leader = position &- reference.distance
            let bytes: [UInt8]
            if let cached = blocks.leader, cached == leader {
                bytes = blocks.bytes
            } else {
                bytes = try decompressBlock(leader: leader, record: reference.distance == 0 ? record : nil, member: position)
                blocks.leader = leader
                blocks.bytes = bytes
            }
            guard reference.bodyOffset + record.bodyLength <= bytes.count else {
                throw JournalError(.corrupt, "event \(position) lies outside its block; run roster-journal verify")
            }
            return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[reference.bodyOffset..<reference.bodyOffset + record.bodyLength])) }
        }
    }

    /// The uncompressed bytes of the block led by the event at `leader`.
    private func decompressBlock(leader: UInt64, record: EventRecord?, member: UInt64) throws -> [UInt8] {
        if let record {
            guard let block = record.block, block.distance == 0 else {
                throw JournalError(.corrupt, "event \(member) names event \(leader) as its block leader, which it is not")
            }
            return try decompress(record.storedBody, length: block.blockLength, dictionaryID: record.dictionaryID, position: leader)
        }
        guard leader > 0, let value = try storedRecord(at: leader) else {
            throw JournalError(.corrupt, "event \(member) names event \(leader) as its block leader, which is missing; run roster-journal verify")
        }
        let leaderRecord = try EventRecord.decode(value, position: leader)
        guard leaderRecord.codec == .zstdBlock, let block = leaderRecord.block, block.distance == 0 else {
            throw JournalError(.corrupt, "event \(member) names event \(leader) as its block leader, which it is not")
        }
        return try decompress(leaderRecord.storedBody, length: block.blockLength, dictionaryID: leaderRecord.dictionaryID, position: leader)
    }

    private func decompress(_ frame: UnsafeRawBufferPointer, length: Int, dictionaryID: UInt32, position: UInt64) throws -> [UInt8] {
        var dictionary: CompressionDictionary?
        if dictionaryID != 0 {
            dictionary = try journal.dictionaryCache.dictionary(dictionaryID, txn, db.dictionaries, level: journal.configuration.compressionLevel)
        }
        do {
            return try decompressor.decompress(frame, originalSize: length, dictionary: dictionary)
        } catch let error as CompressionError {
            throw JournalError(.corrupt, "event \(position) does not decompress: \(error.message); run roster-journal verify", underlying: error)
        }
    }
}

/// The last block a snapshot decompressed: consecutive events usually share it.
final class BlockCache {
    var leader: UInt64?
    var bytes: [UInt8] = []
}

/// A read transaction seen through its pointer, valid inside ``Journal/read(_:)`` only.
struct BorrowedTransaction: TransactionReading {
    let txn: OpaquePointer
}

extension Journal {
    /// Runs `body` with a consistent snapshot of the journal. Keep it short: a long read
    /// keeps LMDB from reusing pages.
    public func read<T>(_ body: (borrowing JournalSnapshot) throws -> T) throws -> T {
        do {
            return try decompressors.withDecompressor { decompressor in
                try environment.read { txn in
                    let snapshot = JournalSnapshot(txn: BorrowedTransaction(txn: txn.txn), journal: self, decompressor: decompressor)
                    return try body(snapshot)
                }
            }
        } catch let error as LMDBError {
            throw JournalError(.storage, "reading the journal in \(path) failed: \(error.lmdbMessage)", path: path, underlying: error)
        } catch let error as CompressionError {
            throw JournalError(.compression, "cannot create a zstd context: \(error.message)", path: path, underlying: error)
        }
    }

    /// The event at `position`, or nil.
    public func event(at position: JournalPosition) throws -> RecordedEvent? {
        try read { try $0.event(at: position) }
    }

    /// Up to `limit` events after `position`, in order.
    public func events(after position: JournalPosition = .start, limit: Int = .max) throws -> [RecordedEvent] {
        try read { try $0.events(after: position, limit: limit) }
    }

    /// Every event about `subject`, oldest first.
    public func events(forSubject subject: String) throws -> [RecordedEvent] {
        try read { try $0.events(forSubject: subject) }
    }

    /// The last position committed at or before `instant`.
    public func position(recordedAtOrBefore instant: Timestamp) throws -> JournalPosition {
        try read { try $0.position(recordedAtOrBefore: instant) }
    }
}

/// The last append entry a snapshot decoded: consecutive events usually share it.
final class CommitCache {
    var entry: (time: Timestamp, shared: EventMetadata)?
}
