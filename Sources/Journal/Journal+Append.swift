import ByteCoding
import Digest
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
        guard writer != nil else {
            throw JournalError(.readOnly, "the journal at \(path) was opened read-only; open it for writing to append", path: path)
        }
        try Journal.validate(events, idempotencyKey: idempotencyKey)
        return try commit([AppendRequest(events, idempotencyKey: idempotencyKey)])[0].get()
    }

    /// Appends several batches in one durable commit (group commit): each batch stays atomic,
    /// with its own positions, recorded time (one microsecond after the previous batch's) and
    /// idempotency key, but the group pays for one LMDB commit and its fsyncs instead of one each.
    ///
    /// A batch that cannot be written (invalid, a wrong expected version) fails alone: the group
    /// is written again without it. A key used earlier in the group makes a later batch a
    /// duplicate of the earlier one. When the storage fails, every batch fails and nothing is written.
    ///
    /// - Returns: one result per request, in order.
    @available(*, noasync, message: "appends block on fsync; use the async overload from async code")
    public func append(group requests: [AppendRequest]) throws -> [Result<AppendResult, JournalError>] {
        guard writer != nil else {
            throw JournalError(.readOnly, "the journal at \(path) was opened read-only; open it for writing to append", path: path)
        }
        var results = [Result<AppendResult, JournalError>?](repeating: nil, count: requests.count)
        var valid: [Int] = []
        for index in requests.indices {
            do {
                try Journal.validate(requests[index].events, idempotencyKey: requests[index].idempotencyKey)
                valid.append(index)
            } catch let error as JournalError {
                results[index] = .failure(error)
            }
        }
        if !valid.isEmpty {
            let written = try commit(valid.map { requests[$0] })
            for (index, result) in zip(valid, written) { results[index] = result }
        }
        return results.map { $0! }
    }

    /// Writes validated `requests` in one transaction: prepares every batch (compression and
    /// hashing on all cores), takes the writer lock, and commits. A batch refused inside the
    /// transaction is dropped and the rest written again.
    private func commit(_ requests: [AppendRequest]) throws -> [Result<AppendResult, JournalError>] {
        let writer = writer!
        // Choose the dictionary, training the first one when enough events exist. Only one
        // append at a time carries a dictionary it trained; others use the committed one.
        let eventCount = requests.reduce(0) { $0 + $1.events.count }
        var pendingDictionary: PendingDictionary?
        writer.dictionaryLock.lock()
        if configuration.dictionaryPolicy.automatic, writer.activeDictionary == nil, !writer.trainingInFlight,
            Int(head.rawValue) + eventCount >= configuration.dictionaryPolicy.trainAfterEvents
        {
            // Training may fail when the data gives zstd nothing to learn; the batch goes on without.
            pendingDictionary = try? trainDictionary(including: requests.count == 1 ? requests[0].events : requests.flatMap(\.events))
            writer.trainingInFlight = pendingDictionary != nil
        }
        let dictionary = pendingDictionary?.dictionary ?? writer.activeDictionary
        writer.dictionaryLock.unlock()
        defer {
            if pendingDictionary != nil { writer.dictionaryLock.withLock { writer.trainingInFlight = false } }
        }

        // Prepare the batches, and help while another append holds the writer lock.
        let prepared = requests.map { request in
            let shared = CommitEntry.shared(by: request.events)
            let pipeline = PreparePipeline(events: request.events, shared: shared, dictionary: dictionary, compressors: writer.compressors)
            pipeline.start()
            return (shared: shared, pipeline: pipeline)
        }
        var helping = prepared.startIndex
        while !writer.lock.try() {
            while helping < prepared.endIndex, !prepared[helping].pipeline.prepareNext() { helping += 1 }
            if helping == prepared.endIndex {
                writer.lock.lock()
                break
            }
        }
        defer { writer.lock.unlock() }
        if !writer.subjectHeadsComplete {
            // After an open or a failed append: the next append does one scan instead of a lookup per subject.
            try read { snapshot in try writer.loadSubjectHeads(snapshot.txn, snapshot.db.subjects) }
        }

        // Type ids: known names keep theirs; new ones get the next free ids, stored with the group.
        var newTypes: [(EventType, UInt32)] = []
        var typeIDs: [EventType: UInt32] = [:]
        var nextTypeID = UInt32(typeTable.count) + 1
        for request in requests {
            var lastType: EventType?
            for index in request.events.indices where request.events[index].type != lastType {
                let type = request.events[index].type
                lastType = type
                guard typeIDs[type] == nil else { continue }
                if let known = typeTable.id(of: type) {
                    typeIDs[type] = known
                } else {
                    typeIDs[type] = nextTypeID
                    newTypes.append((type, nextTypeID))
                    nextTypeID += 1
                }
            }
        }

        var results = [Result<AppendResult, JournalError>?](repeating: nil, count: requests.count)
        var pending = Array(requests.indices)
        while !pending.isEmpty {
            var attempt = 0
            do {
                let written = try environment.write { txn in
                    attempt += 1
                    if attempt > 1 { writer.forgetSubjectHeads() }
                    try self.putShared(pendingDictionary, newTypes, &txn)
                    var written: [AppendResult] = []
                    for index in pending {
                        do {
                            written.append(try self.write(
                                requests[index].events, prepared[index].shared, prepared[index].pipeline, typeIDs,
                                requests[index].idempotencyKey, writer, &txn))
                        } catch let error as JournalError where error.code == .wrongExpectedVersion || error.code == .invalidEvent {
                            throw RefusedBatch(index: index, error: error)
                        }
                    }
                    return written
                }
                for (index, result) in zip(pending, written) { results[index] = .success(result) }
                pending = []
            } catch let refused as RefusedBatch {
                writer.forgetSubjectHeads()
                results[refused.index] = .failure(refused.error)
                pending.removeAll { $0 == refused.index }
            } catch let error as LMDBError {
                writer.forgetSubjectHeads()
                throw JournalError(.storage, "appending to the journal in \(path) failed: \(error.lmdbMessage)", path: path, underlying: error)
            } catch {
                writer.forgetSubjectHeads()
                throw error
            }
        }
        let last = results.compactMap { try? $0?.get() }.filter { !$0.wasDuplicate }.map(\.last).max()
        if let last {
            for (type, id) in newTypes { typeTable.register(type, id: id) }
            if let pendingDictionary {
                dictionaryCache.insert(pendingDictionary.dictionary)
                writer.dictionaryLock.withLock { writer.activeDictionary = pendingDictionary.dictionary }
            }
            notifier.advance(to: last.rawValue)
        }
        return results.map { $0! }
    }

    /// A batch of a group refused inside the transaction, which is then aborted.
    private struct RefusedBatch: Error {
        let index: Int
        let error: JournalError
    }

    /// What a group's batches share in the transaction: the dictionary it trained, its new event types.
    private func putShared(_ pendingDictionary: PendingDictionary?, _ newTypes: [(EventType, UInt32)], _ txn: inout WriteTransaction) throws {
        let db = databases
        if let pendingDictionary {
            let id = pendingDictionary.dictionary.id
            try txn.put(db.dictionaries, key: id.bigEndianBytes, value: pendingDictionary.info.encode(), flags: .noOverwrite)
            try txn.put(db.meta, key: JournalSchema.MetaKey.activeDictionary, value: id.bigEndianBytes)
        }
        for (type, id) in newTypes {
            try txn.put(db.types, key: id.bigEndianBytes, value: Array(type.rawValue.utf8), flags: .noOverwrite)
        }
    }

    /// Appends `events` from async code: the append runs on a thread of its own, since it blocks
    /// on fsync; see the synchronous overload. Concurrent appends prepare in parallel and commit
    /// one after another.
    @discardableResult
    public func append(_ events: [ProposedEvent], idempotencyKey: String? = nil) async throws -> AppendResult {
        guard writer != nil else {
            throw JournalError(.readOnly, "the journal at \(path) was opened read-only; open it for writing to append", path: path)
        }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
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
        var checkedTypes = Set<EventType>()
        for index in events.indices {
            let subjectBytes = events[index].subject.utf8.count
            guard subjectBytes > 0, subjectBytes <= JournalSchema.maxSubjectBytes else {
                throw JournalError(
                    .invalidEvent,
                    "event \(index + 1) of the batch: the subject is \(subjectBytes) bytes; give 1 to \(JournalSchema.maxSubjectBytes)"
                )
            }
            if index == 0 || events[index].type != events[index - 1].type, !checkedTypes.contains(events[index].type) {
                if let problem = events[index].type.validate() {
                    throw JournalError(.invalidEvent, "event \(index + 1) of the batch: \(problem)")
                }
                checkedTypes.insert(events[index].type)
            }
            let payloadBytes = events[index].payload.count
            guard payloadBytes <= JournalSchema.maxPayloadBytes else {
                throw JournalError(
                    .invalidEvent,
                    "event \(index + 1) of the batch: the payload is \(payloadBytes) bytes; the limit is \(JournalSchema.maxPayloadBytes)"
                )
            }
        }
    }

    struct PendingDictionary {
        let dictionary: CompressionDictionary
        let info: StoredDictionary
    }

    /// The write transaction of an append. Runs again from the start when the map had to grow.
    private func write(
        _ events: [ProposedEvent],
        _ shared: EventMetadata,
        _ pipeline: PreparePipeline,
        _ typeIDs: [EventType: UInt32],
        _ idempotencyKey: String?,
        _ writer: WriterState,
        _ txn: inout WriteTransaction
    ) throws -> AppendResult {
        let db = databases
        var idempotencyDigest: SHA256Digest?
        if let idempotencyKey {
            let digest = SHA256.hash(Array(idempotencyKey.utf8))
            idempotencyDigest = digest
            if let stored = try digest.withUnsafeBytes({ try txn.value(db.idempotency, key: $0) }) {
                return try Journal.decodeIdempotency(stored)
            }
        }
        let head = try Journal.readHead(txn, db.events)
        let lastRecorded = try Journal.lastRecordedTime(txn, db.recorded)
        var recordedAt = configuration.clock.now()
        if let lastRecorded, recordedAt <= lastRecorded {
            recordedAt = lastRecorded.adding(microseconds: 1)
        }
        let stamp = writer.nextStamp()
        var touched: [(String, UInt64)] = []
        var previousHash = head.hash
        var position = head.position.rawValue
        var headBuffer = [UInt8](repeating: 0, count: EventRecord.maxHeadSize)
        var lastType: EventType?
        var typeID: UInt32 = 0
        for chunkIndex in 0..<pipeline.chunkCount {
            let chunk = pipeline.waitFor(chunk: chunkIndex)
            let range = pipeline.range(of: chunkIndex)
            try chunk.tails.bytes.withUnsafeBytes { tails in
                var tailStart = 0
                for (offset, index) in range.enumerated() {
                    position += 1
                    let subject = events[index].subject
                    var current: SubjectHead
                    let subjectHash = chunk.subjectHashes[offset]
                    let slot = writer.subjectHeads.find(subject, hash: subjectHash)
                    if slot.found {
                        current = writer.subjectHeads.head(at: slot.index)
                    } else if writer.subjectHeadsComplete {
                        current = SubjectHead(version: 0, last: 0, stamp: 0)
                    } else if let stored = try Journal.subjectHead(txn, db.subjects, subject) {
                        current = SubjectHead(version: stored.version, last: stored.last, stamp: 0)
                    } else {
                        current = SubjectHead(version: 0, last: 0, stamp: 0)
                    }
                    try Journal.check(events[index].expectedVersion, current.version, subject: subject, index: index, path: path)
                    if events[index].type != lastType {
                        lastType = events[index].type
                        typeID = typeIDs[events[index].type]!
                    }
                    let version = current.version + 1
                    let hash = previousHash.withUnsafeBytes { previous in
                        chunk.digests[offset].withUnsafeBytes { digest in
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
                    let headSize = headBuffer.withUnsafeMutableBytes { buffer in
                        EventRecord.encodeHead(
                            into: buffer,
                            flags: chunk.flags[offset],
                            recordedAt: recordedAt,
                            typeID: typeID,
                            subjectVersion: version,
                            subjectPreviousDelta: current.last == 0 ? 0 : position - current.last,
                            hash: hash
                        )
                    }
                    let tail = UnsafeRawBufferPointer(rebasing: tails[tailStart..<chunk.ends[offset]])
                    tailStart = chunk.ends[offset]
                    try withUnsafeBytes(of: position.bigEndian) { key in
                        try txn.put(db.events, key: key, reserving: headSize + tail.count, flags: .append) { value in
                            headBuffer.withUnsafeBytes { head in
                                UnsafeMutableRawBufferPointer(rebasing: value[0..<headSize]).copyMemory(
                                    from: UnsafeRawBufferPointer(rebasing: head[0..<headSize]))
                            }
                            UnsafeMutableRawBufferPointer(rebasing: value[headSize...]).copyMemory(from: tail)
                        }
                    }
                    if current.stamp != stamp {
                        touched.append((subject, subjectHash))
                        current.stamp = stamp
                    }
                    current.version = version
                    current.last = position
                    writer.subjectHeads.set(current, for: subject, hash: subjectHash, at: slot.index, found: slot.found)
                    previousHash = hash
                }
            }
        }

        // Subject heads: one put per subject the batch touched.
        var headValue = [UInt8](repeating: 0, count: 12)
        for (subject, subjectHash) in touched {
            let current = writer.subjectHeads.head(at: writer.subjectHeads.find(subject, hash: subjectHash).index)
            Journal.encodeSubjectHead(version: current.version, last: current.last, into: &headValue)
            try txn.put(db.subjects, key: Array(subject.utf8), value: headValue)
        }

        let first = JournalPosition(head.position.rawValue + 1)
        let last = JournalPosition(position)
        try txn.put(db.recorded, key: recordedAt.sortableKey, value: CommitEntry.encode(last: position, shared: shared), flags: .append)
        if let idempotencyDigest, let idempotencyKey {
            var value = ByteWriter(capacity: 24 + idempotencyKey.utf8.count)
            value.u64(first.rawValue)
            value.u64(last.rawValue)
            value.i64(recordedAt.rawValue)
            value.raw(idempotencyKey.utf8)
            try txn.put(db.idempotency, key: idempotencyDigest.bytes, value: value.bytes, flags: .noOverwrite)
        }
        return AppendResult(first: first, last: last, recordedAt: recordedAt, wasDuplicate: false)
    }

    static func check(_ expected: ExpectedVersion, _ actual: UInt32, subject: String, index: Int, path: String) throws {
        switch expected {
        case .any:
            return
        case .noEvents where actual != 0:
            throw JournalError(
                .wrongExpectedVersion,
                "event \(index + 1) of the batch expected subject \(subject) to have no events, "
                    + "but it is at version \(actual); re-read the subject and retry",
                path: path
            )
        case .exactly(let version) where version != actual:
            throw JournalError(
                .wrongExpectedVersion,
                "event \(index + 1) of the batch expected subject \(subject) at version \(version), "
                    + "but it is at version \(actual); re-read the subject and retry",
                path: path
            )
        case .noEvents, .exactly:
            return
        }
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
        var hash: SHA256Digest
    }

    static func readHead(_ txn: borrowing some TransactionReading & ~Copyable, _ events: Database) throws -> Head {
        try txn.withCursor(events) { cursor in
            guard let last = try cursor.last() else { return Head(position: .start, hash: SHA256Digest()) }
            guard last.key.count == 8 else { throw JournalError(.corrupt, "an event key is not 8 bytes") }
            let position = UInt64(bigEndianBytes: last.key)
            let record = try EventRecord.decode(last.value, position: position)
            return Head(position: JournalPosition(position), hash: SHA256Digest(bytes: record.hash)!)
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

/// A subject's version and last position as the writer knows them, stamped with the last
/// append that touched it.
struct SubjectHead {
    var version: UInt32
    var last: UInt64
    var stamp: UInt64
}
