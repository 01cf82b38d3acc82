import Crypto
import Foundation
import LMDBKit
import ZstdKit

extension Journal {
    /// Appends `events` as one atomic batch: all are written or none, durably, when this returns.
    ///
    /// Events get consecutive positions, the same recorded time (the commit's, never earlier than
    /// the previous append's) and, per subject, the next version. Each event's ``ExpectedVersion``
    /// is checked against its subject's version within the same transaction.
    ///
    /// - Parameter idempotencyKey: when given and already used, nothing is written and the first
    ///   append's result is returned with ``AppendResult/wasDuplicate`` set.
    /// - Throws: ``JournalError`` (`invalidEvent`, `wrongExpectedVersion`, `readOnly`, `storage`),
    ///   and then nothing was written.
    @available(*, noasync, message: "appends block on fsync; use the async overload from async code")
    @discardableResult
    public func append(_ events: [ProposedEvent], idempotencyKey: String? = nil) throws -> AppendResult {
        guard let writer else {
            throw JournalError(.readOnly, "the journal at \(path) was opened read-only; open it for writing to append", path: path)
        }
        try Journal.validate(events, idempotencyKey: idempotencyKey)
        writer.lock.lock()
        defer { writer.lock.unlock() }
        var pendingDictionary: PendingDictionary?
        if configuration.dictionaryPolicy.automatic, writer.activeDictionary == nil,
            Int(head.rawValue) + events.count >= configuration.dictionaryPolicy.trainAfterEvents
        {
            // Training may fail when the data gives zstd nothing to learn; the batch goes on without.
            pendingDictionary = try? trainDictionary(including: events)
        }
        let dictionary = pendingDictionary?.dictionary ?? writer.activeDictionary
        let prepared = prepare(events, dictionary: dictionary, compressors: writer.compressors)
        let result: AppendResult
        var newTypes: [(EventType, UInt32)] = []
        do {
            result = try environment.write { txn in
                newTypes = []
                return try self.write(events, prepared, pendingDictionary, idempotencyKey, &newTypes, &txn)
            }
        } catch let error as LMDBError {
            throw JournalError(.storage, "appending to the journal in \(path) failed: \(error.lmdbMessage)", path: path, underlying: error)
        }
        if !result.wasDuplicate {
            for (type, id) in newTypes { typeTable.register(type, id: id) }
            if let pendingDictionary {
                dictionaryCache.insert(pendingDictionary.dictionary)
                writer.activeDictionary = pendingDictionary.dictionary
            }
            notifier.advance(to: result.last.rawValue)
        }
        return result
    }

    /// Appends `events` on the journal's writer thread; see the synchronous overload.
    @discardableResult
    public func append(_ events: [ProposedEvent], idempotencyKey: String? = nil) async throws -> AppendResult {
        guard let writer else {
            throw JournalError(.readOnly, "the journal at \(path) was opened read-only; open it for writing to append", path: path)
        }
        return try await withCheckedThrowingContinuation { continuation in
            writer.queue.async {
                continuation.resume(with: Result { try self.appendOnWriter(events, idempotencyKey: idempotencyKey) })
            }
        }
    }

    private func appendOnWriter(_ events: [ProposedEvent], idempotencyKey: String?) throws -> AppendResult {
        try append(events, idempotencyKey: idempotencyKey)
    }

    static func validate(_ events: [ProposedEvent], idempotencyKey: String?) throws {
        guard !events.isEmpty else {
            throw JournalError(.invalidEvent, "an append needs at least one event")
        }
        if let idempotencyKey, idempotencyKey.isEmpty || idempotencyKey.utf8.count > 1024 {
            throw JournalError(.invalidEvent, "an idempotency key is 1 to 1024 bytes")
        }
        for (index, event) in events.enumerated() {
            let subjectBytes = event.subject.utf8.count
            guard subjectBytes > 0, subjectBytes <= JournalSchema.maxSubjectBytes else {
                throw JournalError(
                    .invalidEvent,
                    "event \(index + 1) of the batch: the subject is \(subjectBytes) bytes; give 1 to \(JournalSchema.maxSubjectBytes)"
                )
            }
            if let problem = event.type.validate() {
                throw JournalError(.invalidEvent, "event \(index + 1) of the batch: \(problem)")
            }
            guard event.payload.count <= JournalSchema.maxPayloadBytes else {
                throw JournalError(
                    .invalidEvent,
                    "event \(index + 1) of the batch: the payload is \(event.payload.count) bytes; the limit is \(JournalSchema.maxPayloadBytes)"
                )
            }
        }
    }

    /// An event made ready outside the write transaction: body compressed, content hashed.
    struct PreparedEvent {
        var codec: EventRecord.Codec
        var bodyLength: Int
        var stored: [UInt8]
        var contentDigest: [UInt8]
    }

    struct PendingDictionary {
        let dictionary: CompressionDictionary
        let info: StoredDictionary
    }

    /// Compresses and hashes the batch, in parallel over the writer's compressors.
    func prepare(_ events: [ProposedEvent], dictionary: CompressionDictionary?, compressors: [Compressor]) -> [PreparedEvent] {
        let count = events.count
        let empty = PreparedEvent(codec: .raw, bodyLength: 0, stored: [], contentDigest: [])
        var prepared = [PreparedEvent](repeating: empty, count: count)
        let workers = count >= 512 ? compressors.count : 1
        prepared.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            nonisolated(unsafe) let compressors = compressors
            let chunk = (count + workers - 1) / workers
            let work: @Sendable (Int) -> Void = { worker in
                let compressor = compressors[worker]
                var scratch = [UInt8](repeating: 0, count: 1024)
                for index in stride(from: worker * chunk, to: min(count, (worker + 1) * chunk), by: 1) {
                    output[index] = Journal.prepare(events[index], dictionary: dictionary, compressor: compressor, scratch: &scratch)
                }
            }
            if workers == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: workers, execute: work)
            }
        }
        return prepared
    }

    private static func prepare(
        _ event: ProposedEvent,
        dictionary: CompressionDictionary?,
        compressor: Compressor,
        scratch: inout [UInt8]
    ) -> PreparedEvent {
        let body = EventBody.encode(metadata: event.metadata, payload: event.payload)
        let digest = body.withUnsafeBytes { body in
            var subject = event.subject
            return subject.withUTF8 { subject in
                EventHasher.contentDigest(
                    type: event.type.rawValue,
                    subject: UnsafeRawBufferPointer(subject),
                    effectiveAt: event.effectiveAt,
                    body: body
                )
            }
        }
        let bound = Compressor.bound(body.count)
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
        let compressedSize: Int? = body.withUnsafeBytes { input in
            scratch.withUnsafeMutableBytes { output in
                try? compressor.compress(input, into: output, dictionary: dictionary)
            }
        }
        if let compressedSize, compressedSize < body.count {
            return PreparedEvent(
                codec: dictionary == nil ? .zstd : .zstdDictionary,
                bodyLength: body.count,
                stored: Array(scratch[0..<compressedSize]),
                contentDigest: digest
            )
        }
        return PreparedEvent(codec: .raw, bodyLength: body.count, stored: body, contentDigest: digest)
    }

    /// The write transaction of an append. Runs again from the start when the map had to grow.
    private func write(
        _ events: [ProposedEvent],
        _ prepared: [PreparedEvent],
        _ pendingDictionary: PendingDictionary?,
        _ idempotencyKey: String?,
        _ newTypes: inout [(EventType, UInt32)],
        _ txn: inout WriteTransaction
    ) throws -> AppendResult {
        let db = databases
        var idempotencyDigest: [UInt8]?
        if let idempotencyKey {
            let digest = Array(SHA256.hash(data: Array(idempotencyKey.utf8)))
            idempotencyDigest = digest
            if let stored = try txn.value(db.idempotency, key: digest) {
                return try stored.withUnsafeBytes { try Journal.decodeIdempotency($0) }
            }
        }
        let head = try Journal.readHead(txn, db.events)
        let lastRecorded = try Journal.lastRecordedTime(txn, db.recorded)
        var recordedAt = configuration.clock.now()
        if let lastRecorded, recordedAt <= lastRecorded {
            recordedAt = lastRecorded.adding(microseconds: 1)
        }

        var dictionaryID: UInt32 = 0
        if let pendingDictionary {
            dictionaryID = pendingDictionary.dictionary.id
            try txn.put(db.dictionaries, key: dictionaryID.bigEndianBytes, value: pendingDictionary.info.encode(), flags: .noOverwrite)
            try txn.put(db.meta, key: JournalSchema.MetaKey.activeDictionary, value: dictionaryID.bigEndianBytes)
        } else if let active = writer?.activeDictionary {
            dictionaryID = active.id
        }

        // Type ids: new names get the next id, stored in this transaction.
        var typeIDs: [EventType: UInt32] = [:]
        var nextTypeID = UInt32(try txn.statistics(db.types).entries) + 1
        for event in events where typeIDs[event.type] == nil {
            if let known = typeTable.id(of: event.type) {
                typeIDs[event.type] = known
            } else {
                try txn.put(db.types, key: nextTypeID.bigEndianBytes, value: Array(event.type.rawValue.utf8), flags: .noOverwrite)
                typeIDs[event.type] = nextTypeID
                newTypes.append((event.type, nextTypeID))
                nextTypeID += 1
            }
        }

        var subjectHeads: [String: (version: UInt32, last: UInt64)] = [:]
        var previousHash = head.hash
        var position = head.position.rawValue
        var writer = ByteWriter(capacity: 512)
        for (index, event) in events.enumerated() {
            position += 1
            let current: (version: UInt32, last: UInt64)
            if let known = subjectHeads[event.subject] {
                current = known
            } else if let stored = try Journal.subjectHead(txn, db.subjects, event.subject) {
                current = stored
            } else {
                current = (0, 0)
            }
            switch event.expectedVersion {
            case .any:
                break
            case .noEvents:
                if current.version != 0 {
                    throw JournalError(
                        .wrongExpectedVersion,
                        "event \(index + 1) of the batch expected subject \(event.subject) to have no events, "
                            + "but it is at version \(current.version); re-read the subject and retry",
                        path: path
                    )
                }
            case .exactly(let expected):
                if expected != current.version {
                    throw JournalError(
                        .wrongExpectedVersion,
                        "event \(index + 1) of the batch expected subject \(event.subject) at version \(expected), "
                            + "but it is at version \(current.version); re-read the subject and retry",
                        path: path
                    )
                }
            }
            let version = current.version + 1
            let item = prepared[index]
            let hash = previousHash.withUnsafeBytes { previous in
                item.contentDigest.withUnsafeBytes { digest in
                    EventHasher.chainHash(
                        previous: previous,
                        position: position,
                        recordedAt: recordedAt,
                        subjectVersion: version,
                        subjectPrevious: current.last,
                        contentDigest: digest
                    )
                }
            }
            writer.bytes.removeAll(keepingCapacity: true)
            EventRecord.encodeHeader(
                into: &writer,
                codec: item.codec,
                dictionaryID: item.codec == .zstdDictionary ? dictionaryID : 0,
                recordedAt: recordedAt,
                effectiveAt: event.effectiveAt,
                typeID: typeIDs[event.type]!,
                subjectVersion: version,
                subjectPreviousDelta: current.last == 0 ? 0 : position - current.last,
                subject: event.subject,
                bodyLength: item.bodyLength,
                hash: hash
            )
            writer.raw(item.stored)
            let key = position.bigEndianBytes
            try key.withUnsafeBytes { key in
                try writer.bytes.withUnsafeBytes { value in
                    try txn.put(db.events, key: key, value: value, flags: .append)
                }
            }
            subjectHeads[event.subject] = (version, position)
            previousHash = hash
        }

        // Subject heads, in key order: neighbouring keys share pages.
        var headValue = [UInt8](repeating: 0, count: 12)
        for (subject, head) in subjectHeads.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            Journal.encodeSubjectHead(version: head.version, last: head.last, into: &headValue)
            try txn.put(db.subjects, key: Array(subject.utf8), value: headValue)
        }

        let first = JournalPosition(head.position.rawValue + 1)
        let last = JournalPosition(position)
        try txn.put(db.recorded, key: recordedAt.sortableKey, value: position.bigEndianBytes, flags: .append)
        if let idempotencyDigest, let idempotencyKey {
            var value = ByteWriter(capacity: 24 + idempotencyKey.utf8.count)
            value.u64(first.rawValue)
            value.u64(last.rawValue)
            value.i64(recordedAt.rawValue)
            value.raw(idempotencyKey.utf8)
            try txn.put(db.idempotency, key: idempotencyDigest, value: value.bytes, flags: .noOverwrite)
        }
        return AppendResult(first: first, last: last, recordedAt: recordedAt, wasDuplicate: false)
    }

    static func decodeIdempotency(_ buffer: UnsafeRawBufferPointer) throws -> AppendResult {
        var reader = ByteReader(buffer)
        do {
            let first = try reader.u64()
            let last = try reader.u64()
            let recorded = try reader.i64()
            return AppendResult(
                first: JournalPosition(first),
                last: JournalPosition(last),
                recordedAt: Timestamp(rawValue: recorded),
                wasDuplicate: true
            )
        } catch {
            throw JournalError(.corrupt, "an idempotency record is truncated")
        }
    }

    static func encodeSubjectHead(version: UInt32, last: UInt64, into value: inout [UInt8]) {
        for byte in 0..<4 { value[byte] = UInt8(truncatingIfNeeded: version >> (8 * UInt32(3 - byte))) }
        for byte in 0..<8 { value[4 + byte] = UInt8(truncatingIfNeeded: last >> (8 * UInt64(7 - byte))) }
    }

    static func subjectHead(
        _ txn: borrowing some TransactionReading & ~Copyable,
        _ database: Database,
        _ subject: String
    ) throws -> (version: UInt32, last: UInt64)? {
        var subject = subject
        return try subject.withUTF8 { key in
            guard let value = try txn.value(database, key: UnsafeRawBufferPointer(key)) else { return nil }
            guard value.count == 12 else { throw JournalError(.corrupt, "the head of a subject is not 12 bytes") }
            return (
                UInt32(bigEndianBytes: UnsafeRawBufferPointer(rebasing: value[0..<4])),
                UInt64(bigEndianBytes: UnsafeRawBufferPointer(rebasing: value[4..<12]))
            )
        }
    }

    struct Head {
        var position: JournalPosition
        var hash: [UInt8]
    }

    static func readHead(_ txn: borrowing some TransactionReading & ~Copyable, _ events: Database) throws -> Head {
        try txn.withCursor(events) { cursor in
            guard let last = try cursor.last() else { return Head(position: .start, hash: EventHash.genesis.bytes) }
            guard last.key.count == 8 else { throw JournalError(.corrupt, "an event key is not 8 bytes") }
            let position = UInt64(bigEndianBytes: last.key)
            let record = try EventRecord.decode(last.value, position: position)
            return Head(position: JournalPosition(position), hash: Array(record.hash))
        }
    }

    static func lastRecordedTime(_ txn: borrowing some TransactionReading & ~Copyable, _ recorded: Database) throws -> Timestamp? {
        try txn.withCursor(recorded) { cursor in
            guard let last = try cursor.last() else { return nil }
            guard last.key.count == 8 else { throw JournalError(.corrupt, "a recorded-time key is not 8 bytes") }
            return Timestamp(sortableKey: last.key)
        }
    }

    static func activeDictionaryID(_ txn: borrowing some TransactionReading & ~Copyable, _ meta: Database) throws -> UInt32? {
        guard let value = try txn.value(meta, key: JournalSchema.MetaKey.activeDictionary) else { return nil }
        guard value.count == 4 else { throw JournalError(.corrupt, "the active dictionary id is not 4 bytes") }
        return value.withUnsafeBytes { UInt32(bigEndianBytes: $0) }
    }
}
