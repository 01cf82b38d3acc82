import ByteCoding
import Digest
import LMDBKit
import ZstdKit

extension Journal {
    /// Trains a new dictionary from the most recent events and makes it the one later appends use.
    ///
    /// Earlier events keep the dictionary they were written with: every dictionary stays stored.
    /// - Throws: ``JournalError`` (`compression`) when there are too few events to train from.
    @available(*, noasync, message: "training reads and writes the journal synchronously")
    @discardableResult
    public func trainDictionary() throws -> DictionaryInfo {
        guard let writer else {
            throw JournalError(.readOnly, "the journal at \(path) was opened read-only; open it for writing to train a dictionary", path: path)
        }
        writer.lock.lock()
        defer { writer.lock.unlock() }
        try writer.dictionaryLock.withLock {
            guard !writer.trainingInFlight else {
                throw JournalError(.compression, "an append is storing a dictionary it trained; retry when it has committed", path: path)
            }
            writer.trainingInFlight = true
        }
        defer { writer.dictionaryLock.withLock { writer.trainingInFlight = false } }
        let pending = try trainDictionary(including: [])
        do {
            try environment.write { txn in
                let id = pending.dictionary.id
                try txn.put(databases.dictionaries, key: id.bigEndianBytes, value: pending.info.encode(), flags: .noOverwrite)
                try txn.put(databases.meta, key: JournalSchema.MetaKey.activeDictionary, value: id.bigEndianBytes)
            }
        } catch let error as LMDBError {
            throw JournalError(.storage, "storing the dictionary in \(path) failed: \(error.lmdbMessage)", path: path, underlying: error)
        }
        dictionaryCache.insert(pending.dictionary)
        writer.dictionaryLock.withLock { writer.activeDictionary = pending.dictionary }
        return DictionaryInfo(
            id: pending.dictionary.id,
            createdAt: pending.info.createdAt,
            sampleCount: pending.info.sampleCount,
            size: pending.info.bytes.count,
            checksum: EventHash(bytes: pending.info.checksum)
        )
    }

    /// Trains a dictionary from the batch being appended and the most recent stored events.
    func trainDictionary(including events: [ProposedEvent]) throws -> PendingDictionary {
        let policy = configuration.dictionaryPolicy
        let shared = CommitEntry.shared(by: events)
        var samples = events.suffix(policy.sampleCount).map { event in
            var body = ByteWriter(capacity: event.payload.count + 64)
            EventBody.encodeStored(metadata: event.metadata, shared: shared, payload: event.payload, into: &body)
            return body.bytes
        }
        let wanted = policy.sampleCount - samples.count
        let (stored, nextID) = try read { snapshot in
            var bodies: [[UInt8]] = []
            var highest: UInt32 = JournalSchema.firstDictionaryID - 1
            try snapshot.txn.withCursor(databases.dictionaries) { cursor in
                if let last = try cursor.last() { highest = UInt32(bigEndianBytes: last.key) }
            }
            if wanted > 0 {
                try snapshot.txn.withCursor(databases.events) { cursor in
                    var entry = try cursor.last()
                    while let current = entry, bodies.count < wanted {
                        let position = UInt64(bigEndianBytes: current.key)
                        let record = try EventRecord.decode(current.value, position: position)
                        bodies.append(try snapshot.withBody(of: record, position: position) { Array($0) })
                        entry = try cursor.previous()
                    }
                }
            }
            return (bodies, highest + 1)
        }
        samples.append(contentsOf: stored)
        let bytes: [UInt8]
        let dictionary: CompressionDictionary
        do {
            bytes = try DictionaryTrainer.train(samples: samples, capacity: policy.capacity, id: nextID)
            dictionary = try CompressionDictionary(id: nextID, bytes: bytes, level: configuration.compressionLevel)
        } catch let error as CompressionError {
            throw JournalError(
                .compression,
                "training a dictionary from \(samples.count) events failed: \(error.message); append more events and retry",
                path: path,
                underlying: error
            )
        }
        let info = StoredDictionary(
            createdAt: configuration.clock.now(),
            sampleCount: samples.count,
            checksum: Array(SHA256.hash(bytes)),
            bytes: bytes
        )
        return PendingDictionary(dictionary: dictionary, info: info)
    }
}
