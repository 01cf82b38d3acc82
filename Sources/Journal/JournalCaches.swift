import ByteCoding
import Foundation
import LMDBKit
import ZstdKit

/// State only the writer uses: compression contexts, the dictionary in force, and under `lock`
/// (held for an append's write transaction) the subject heads.
final class WriterState: @unchecked Sendable {
    /// Held for the write transaction of an append.
    let lock = NSLock()
    /// Zstd contexts for preparing batches, one per preparing thread.
    let compressors: CompressorPool
    /// Guards `activeDictionary` and `trainingInFlight`.
    let dictionaryLock = NSLock()
    /// The dictionary of the last committed training; new batches are compressed with it.
    var activeDictionary: CompressionDictionary?
    /// True while an append carries a dictionary it trained and has not committed yet.
    var trainingInFlight = false
    /// Each subject's version and last position: saves a lookup per event. Only this writer
    /// changes subjects, so the cache is true between appends; an append that fails forgets it,
    /// since its transaction's changes were rolled back.
    var subjectHeads = SubjectHeadTable()
    /// True when `subjectHeads` holds every subject of the journal, so a subject it lacks is new
    /// and needs no lookup in the `subjects` database.
    var subjectHeadsComplete = false
    private var stamp: UInt64 = 0
    static let subjectHeadLimit = 2_000_000

    func forgetSubjectHeads() {
        subjectHeads.removeAll()
        subjectHeadsComplete = false
    }

    /// Fills the cache with every subject head, when there are not too many.
    func loadSubjectHeads(_ txn: borrowing some TransactionReading & ~Copyable, _ database: Database) throws {
        guard try txn.statistics(database).entries <= Self.subjectHeadLimit / 2 else { return }
        var table = SubjectHeadTable()
        try txn.withCursor(database) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                guard current.value.count == 12 else { throw JournalError(.corrupt, "the head of a subject is not 12 bytes") }
                let head = SubjectHead(
                    version: UInt32(bigEndianBytes: UnsafeRawBufferPointer(rebasing: current.value[0..<4])),
                    last: UInt64(bigEndianBytes: UnsafeRawBufferPointer(rebasing: current.value[4..<12])),
                    stamp: 0
                )
                let subject = String(decoding: current.key, as: UTF8.self)
                let hash = SubjectHeadTable.hash(current.key)
                let slot = table.find(subject, hash: hash)
                table.set(head, for: subject, hash: hash, at: slot.index, found: slot.found)
                entry = try cursor.next()
            }
        }
        subjectHeads = table
        subjectHeadsComplete = true
    }

    /// A new stamp for an append attempt, trimming the cache when it has grown too large.
    func nextStamp() -> UInt64 {
        if subjectHeads.count > Self.subjectHeadLimit { forgetSubjectHeads() }
        stamp += 1
        return stamp
    }
    init(configuration: Journal.Configuration) {
        compressors = CompressorPool(level: configuration.compressionLevel)
    }
}

/// Dictionaries by id, loaded from the journal on first use and kept: they never change.
final class DictionaryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: [UInt32: CompressionDictionary] = [:]

    func dictionary(
        _ id: UInt32,
        _ txn: borrowing some TransactionReading & ~Copyable,
        _ database: Database,
        level: Int32
    ) throws -> CompressionDictionary {
        if let cached = lock.withLock({ loaded[id] }) { return cached }
        guard let stored = try txn.value(database, key: id.bigEndianBytes) else {
            throw JournalError(.corrupt, "dictionary \(id) is referenced but not stored")
        }
        let record = try stored.withUnsafeBytes { try StoredDictionary.decode($0) }
        let dictionary: CompressionDictionary
        do {
            dictionary = try CompressionDictionary(id: id, bytes: record.bytes, level: level)
        } catch {
            throw JournalError(.corrupt, "dictionary \(id) does not load", underlying: error as? CompressionError)
        }
        lock.withLock { loaded[id] = dictionary }
        return dictionary
    }

    func insert(_ dictionary: CompressionDictionary) {
        lock.withLock { loaded[dictionary.id] = dictionary }
    }
}

/// Event type names by id and ids by name.
final class TypeTable: @unchecked Sendable {
    private let lock = NSLock()
    private var names: [UInt32: EventType] = [:]
    private var ids: [EventType: UInt32] = [:]

    func load(_ txn: borrowing some TransactionReading & ~Copyable, _ database: Database) throws {
        var found: [(UInt32, EventType)] = []
        try txn.withCursor(database) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                guard current.key.count == 4 else { throw JournalError(.corrupt, "a type id key is not 4 bytes") }
                found.append((UInt32(bigEndianBytes: current.key), EventType(rawValue: String(decoding: current.value, as: UTF8.self))))
                entry = try cursor.next()
            }
        }
        lock.withLock {
            for (id, name) in found {
                names[id] = name
                ids[name] = id
            }
        }
    }

    var count: Int { lock.withLock { names.count } }

    func id(of type: EventType) -> UInt32? { lock.withLock { ids[type] } }

    func register(_ type: EventType, id: UInt32) {
        lock.withLock {
            names[id] = type
            ids[type] = id
        }
    }

    /// The name for `id`, reloading the table when another process added types since.
    func name(_ id: UInt32, _ txn: borrowing some TransactionReading & ~Copyable, _ database: Database) throws -> EventType {
        if let name = lock.withLock({ names[id] }) { return name }
        try load(txn, database)
        guard let name = lock.withLock({ names[id] }) else {
            throw JournalError(.corrupt, "event type id \(id) is not in the types database")
        }
        return name
    }

}

/// Reusable zstd compression contexts, one taken per chunk being prepared.
final class CompressorPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Compressor] = []
    let level: Int32

    init(level: Int32) {
        self.level = level
    }

    /// Runs `body` with a context; nil when zstd cannot allocate one, and then events are stored raw.
    func withCompressor<T>(_ body: (Compressor?) -> T) -> T {
        var compressor = lock.withLock({ idle.popLast() })
        if compressor == nil { compressor = try? Compressor(level: level) }
        defer {
            if let compressor { lock.withLock { if idle.count < 8 { idle.append(compressor) } } }
        }
        return body(compressor)
    }
}

/// Reusable zstd decompression contexts, one taken per read.
final class DecompressorPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Decompressor] = []

    func withDecompressor<T>(_ body: (Decompressor) throws -> T) throws -> T {
        let decompressor = try lock.withLock({ idle.popLast() }) ?? Decompressor()
        defer { lock.withLock { if idle.count < 16 { idle.append(decompressor) } } }
        return try body(decompressor)
    }
}

/// The stored form of a dictionary: `u8 format ‖ i64 created ‖ u32 samples ‖ 32 B SHA-256 ‖ bytes`.
struct StoredDictionary {
    var createdAt: Timestamp
    var sampleCount: Int
    var checksum: [UInt8]
    var bytes: [UInt8]

    static func decode(_ buffer: UnsafeRawBufferPointer) throws -> StoredDictionary {
        var reader = ByteReader(buffer)
        do {
            guard try reader.u8() == 1 else { throw JournalError(.corrupt, "unknown dictionary record format") }
            let created = Timestamp(rawValue: try reader.i64())
            let samples = Int(try reader.u32())
            let checksum = Array(try reader.bytes(32))
            return StoredDictionary(createdAt: created, sampleCount: samples, checksum: checksum, bytes: Array(reader.rest()))
        } catch is ByteReader.Truncated {
            throw JournalError(.corrupt, "a dictionary record is truncated")
        }
    }

    func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: 45 + bytes.count)
        writer.u8(1)
        writer.i64(createdAt.rawValue)
        writer.u32(UInt32(sampleCount))
        writer.raw(checksum)
        writer.raw(bytes)
        return writer.bytes
    }
}
