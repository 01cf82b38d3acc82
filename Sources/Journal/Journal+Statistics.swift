import ByteCoding
import Foundation
import LMDBKit

/// Sizes and counts of a journal, as `roster-journal stats` prints them.
public struct JournalStatistics: Sendable {
    /// Per dictionary: its facts and how many events use it.
    public struct DictionaryUse: Sendable {
        public let info: DictionaryInfo
        public let events: Int
        public let rawBytes: Int
        public let storedBytes: Int
    }

    /// Events in the journal.
    public internal(set) var events = 0
    /// Events by type wire name.
    public internal(set) var eventsByType: [String: Int] = [:]
    /// Uncompressed bodies (metadata and payload), in bytes.
    public internal(set) var rawBodyBytes = 0
    /// Stored bodies, compressed where it helped, in bytes.
    public internal(set) var storedBodyBytes = 0
    /// Whole records (header, hash and stored body), in bytes.
    public internal(set) var recordBytes = 0
    /// Events stored raw, compressed without and with a dictionary.
    public internal(set) var eventsByCodec: [String: Int] = [:]
    /// Distinct subjects.
    public internal(set) var subjects = 0
    /// Appends (commits).
    public internal(set) var commits = 0
    /// Idempotency keys recorded.
    public internal(set) var idempotencyKeys = 0
    /// The dictionaries and their use.
    public internal(set) var dictionaries: [DictionaryUse] = []
    /// The dictionary new events use.
    public internal(set) var activeDictionary: UInt32?
    /// The size of `data.mdb` on disk.
    public internal(set) var fileBytes = 0
    /// The part of the map in use.
    public internal(set) var usedBytes = 0
    /// First and last recorded times.
    public internal(set) var firstRecordedAt: Timestamp?
    public internal(set) var lastRecordedAt: Timestamp?

    /// Average uncompressed body size.
    public var rawBytesPerEvent: Double { events == 0 ? 0 : Double(rawBodyBytes) / Double(events) }
    /// Average stored body size.
    public var storedBytesPerEvent: Double { events == 0 ? 0 : Double(storedBodyBytes) / Double(events) }
    /// Journal file bytes per event.
    public var diskBytesPerEvent: Double { events == 0 ? 0 : Double(fileBytes) / Double(events) }
    /// Uncompressed over stored body bytes.
    public var compressionRatio: Double { storedBodyBytes == 0 ? 0 : Double(rawBodyBytes) / Double(storedBodyBytes) }
}

extension Journal {
    /// Counts events by type and codec and sums their sizes, without decompressing anything.
    public func statistics() throws -> JournalStatistics {
        var statistics = JournalStatistics()
        var byType: [UInt32: Int] = [:]
        var byDictionary: [UInt32: (events: Int, raw: Int, stored: Int)] = [:]
        var codecs: [EventRecord.Codec: Int] = [:]
        var blockDictionary: UInt32 = 0
        var next: UInt64 = 1
        var done = false
        while !done {
            done = try read { snapshot in
                let db = snapshot.db
                var count = 0
                var reachedEnd = false
                try snapshot.txn.withCursor(db.events) { cursor in
                    var entry = try cursor.seek(atOrAfter: next.bigEndianBytes)
                    while let current = entry, count < 200_000 {
                        let position = UInt64(bigEndianBytes: current.key)
                        let record = try EventRecord.decode(current.value, position: position)
                        statistics.events += 1
                        statistics.rawBodyBytes += record.bodyLength
                        statistics.storedBodyBytes += record.storedBody.count
                        statistics.recordBytes += current.value.count
                        if statistics.firstRecordedAt == nil { statistics.firstRecordedAt = record.recordedAt }
                        statistics.lastRecordedAt = record.recordedAt
                        byType[record.typeID, default: 0] += 1
                        codecs[record.codec, default: 0] += 1
                        // A block's members use the dictionary of its leader, which comes first.
                        if record.codec == .zstdBlock, record.block?.distance == 0 { blockDictionary = record.dictionaryID }
                        let dictionary = record.codec == .zstdBlock ? blockDictionary : record.dictionaryID
                        if dictionary != 0 {
                            var use = byDictionary[dictionary] ?? (0, 0, 0)
                            use.events += 1
                            use.raw += record.bodyLength
                            use.stored += record.storedBody.count
                            byDictionary[dictionary] = use
                        }
                        next = position + 1
                        count += 1
                        entry = try cursor.next()
                    }
                    reachedEnd = entry == nil
                }
                guard reachedEnd else { return false }
                statistics.subjects = try snapshot.subjectCount()
                statistics.commits = try snapshot.txn.statistics(db.recorded).entries
                statistics.idempotencyKeys = try snapshot.txn.statistics(db.idempotency).entries
                statistics.activeDictionary = try snapshot.activeDictionaryID()
                statistics.dictionaries = try snapshot.dictionaries().map { info in
                    let use = byDictionary[info.id] ?? (0, 0, 0)
                    return JournalStatistics.DictionaryUse(info: info, events: use.events, rawBytes: use.raw, storedBytes: use.stored)
                }
                for (id, count) in byType {
                    let name = try typeTable.name(id, snapshot.txn, db.types)
                    statistics.eventsByType[name.rawValue, default: 0] += count
                }
                return true
            }
        }
        statistics.eventsByCodec = [
            "raw": codecs[.raw] ?? 0,
            "zstd": codecs[.zstd] ?? 0,
            "zstd-dictionary": codecs[.zstdDictionary] ?? 0,
            "zstd-block": codecs[.zstdBlock] ?? 0,
        ]
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/data.mdb")
        statistics.fileBytes = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        statistics.usedBytes = environment.info().usedBytes
        return statistics
    }
}
