import Digest

/// The stored form of one event: the value under its sequence number in the `events` database.
///
/// Layout (format 1; see docs/journal-format.md). The head holds what only the write
/// transaction knows; the tail is encoded before it, in parallel:
/// ```
/// u8      flags: bits 0-1 codec (0 raw, 1 zstd, 2 zstd with dictionary), bit 2 has effective time
/// i64     recorded time, µs since epoch  (big-endian)
/// varint  subject version                (1 for the subject's first event)
/// varint  sequence minus the subject's previous sequence (0 for its first event)
/// 32 B    chain hash
/// varint  dictionary id                  (codec 2 only)
/// i64     effective time, µs             (only when bit 2 is set)
/// varint  type id                        (see the `types` database)
/// varint  subject length, subject bytes  (UTF-8)
/// varint  body length, uncompressed
/// ...     stored body: the body, compressed according to the codec
/// ```
/// The header stays uncompressed so scans by type or subject never decompress.
struct EventRecord {
    enum Codec: UInt8 {
        case raw = 0
        case zstd = 1
        case zstdDictionary = 2
    }

    var codec: Codec
    var dictionaryID: UInt32
    var recordedAt: Timestamp
    var effectiveAt: Timestamp?
    var typeID: UInt32
    var subjectVersion: UInt32
    var subjectPreviousDelta: UInt64
    var subject: UnsafeRawBufferPointer
    var bodyLength: Int
    var hash: UnsafeRawBufferPointer
    var storedBody: UnsafeRawBufferPointer

    struct Malformed: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// Decodes a record; the buffers point into `buffer`.
    static func decode(_ buffer: UnsafeRawBufferPointer) throws -> EventRecord {
        var reader = ByteReader(buffer)
        do {
            let flags = try reader.u8()
            guard flags & ~0b111 == 0, let codec = Codec(rawValue: flags & 0b11) else {
                throw Malformed(reason: "unknown record flags \(flags)")
            }
            let recordedAt = Timestamp(rawValue: try reader.i64())
            let version = try reader.varint()
            let delta = try reader.varint()
            guard version <= UInt64(UInt32.max), version > 0 else {
                throw Malformed(reason: "subject version \(version) out of range")
            }
            let hash = try reader.bytes(32)
            var dictionaryID: UInt32 = 0
            if codec == .zstdDictionary {
                let id = try reader.varint()
                guard id <= UInt64(UInt32.max), id != 0 else { throw Malformed(reason: "bad dictionary id \(id)") }
                dictionaryID = UInt32(id)
            }
            let effectiveAt = flags & 0b100 != 0 ? Timestamp(rawValue: try reader.i64()) : nil
            let typeID = try reader.varint()
            guard typeID <= UInt64(UInt32.max), typeID > 0 else { throw Malformed(reason: "type id \(typeID) out of range") }
            let subjectLength = try reader.varint()
            guard subjectLength > 0, subjectLength <= 255 else {
                throw Malformed(reason: "subject length \(subjectLength) out of range")
            }
            let subject = try reader.bytes(Int(subjectLength))
            let bodyLength = try reader.varint()
            guard bodyLength <= UInt64(Int32.max) else { throw Malformed(reason: "body length out of range") }
            let stored = reader.rest()
            if codec == .raw, stored.count != Int(bodyLength) {
                throw Malformed(reason: "raw body holds \(stored.count) bytes where \(bodyLength) were recorded")
            }
            return EventRecord(
                codec: codec,
                dictionaryID: dictionaryID,
                recordedAt: recordedAt,
                effectiveAt: effectiveAt,
                typeID: UInt32(typeID),
                subjectVersion: UInt32(version),
                subjectPreviousDelta: delta,
                subject: subject,
                bodyLength: Int(bodyLength),
                hash: hash,
                storedBody: stored
            )
        } catch is ByteReader.Truncated {
            throw Malformed(reason: "record is truncated")
        }
    }

    /// Decodes the record stored at `position`, reporting damage as a ``JournalError``.
    static func decode(_ buffer: UnsafeRawBufferPointer, position: UInt64) throws -> EventRecord {
        do {
            return try decode(buffer)
        } catch let error as Malformed {
            throw JournalError(.corrupt, "event \(position) is damaged: \(error.reason); run roster-journal verify")
        }
    }

    /// Encodes the tail: everything after the chain hash.
    static func encodeTail(
        into writer: inout ByteWriter,
        codec: Codec,
        dictionaryID: UInt32,
        effectiveAt: Timestamp?,
        typeID: UInt32,
        subject: UnsafeRawBufferPointer,
        bodyLength: Int,
        storedBody: UnsafeRawBufferPointer
    ) {
        if codec == .zstdDictionary { writer.varint(UInt64(dictionaryID)) }
        if let effectiveAt { writer.i64(effectiveAt.rawValue) }
        writer.varint(UInt64(typeID))
        writer.varint(UInt64(subject.count))
        writer.raw(subject)
        writer.varint(UInt64(bodyLength))
        writer.raw(storedBody)
    }

    static func flags(codec: Codec, hasEffectiveTime: Bool) -> UInt8 {
        codec.rawValue | (hasEffectiveTime ? 0b100 : 0)
    }

    /// The largest head: flags, recorded time, two varints and the hash.
    static let maxHeadSize = 1 + 8 + 5 + 10 + 32

    /// Writes the head into `buffer` and returns its size.
    static func encodeHead(
        into buffer: UnsafeMutableRawBufferPointer,
        flags: UInt8,
        recordedAt: Timestamp,
        subjectVersion: UInt32,
        subjectPreviousDelta: UInt64,
        hash: SHA256Digest
    ) -> Int {
        var offset = 0
        buffer[offset] = flags
        offset += 1
        buffer.storeBytes(of: UInt64(bitPattern: recordedAt.rawValue).bigEndian, toByteOffset: offset, as: UInt64.self)
        offset += 8
        func varint(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                buffer[offset] = UInt8(truncatingIfNeeded: value) | 0x80
                offset += 1
                value >>= 7
            }
            buffer[offset] = UInt8(value)
            offset += 1
        }
        varint(UInt64(subjectVersion))
        varint(subjectPreviousDelta)
        hash.withUnsafeBytes { hash in
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + 32]).copyMemory(from: hash)
        }
        return offset + 32
    }

    /// The subject as text.
    var subjectText: String { String(decoding: subject, as: UTF8.self) }
}

/// The uncompressed body of an event: its metadata, then its payload.
///
/// ```
/// u8      mask of metadata fields present: source, batch, origin, causation, correlation
/// ...     each present field: varint length, UTF-8 bytes
/// ...     payload, to the end
/// ```
enum EventBody {
    static func encode(metadata: EventMetadata, payload: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: payload.count + 64)
        encode(metadata: metadata, payload: payload, into: &writer)
        return writer.bytes
    }

    /// Appends the body to `writer`.
    static func encode(metadata: EventMetadata, payload: [UInt8], into writer: inout ByteWriter) {
        var mask: UInt8 = 0
        if metadata.source != nil { mask |= 1 }
        if metadata.batch != nil { mask |= 2 }
        if metadata.origin != nil { mask |= 4 }
        if metadata.causationID != nil { mask |= 8 }
        if metadata.correlationID != nil { mask |= 16 }
        writer.u8(mask)
        if let field = metadata.source { writer.string(field) }
        if let field = metadata.batch { writer.string(field) }
        if let field = metadata.origin { writer.string(field) }
        if let field = metadata.causationID { writer.string(field) }
        if let field = metadata.correlationID { writer.string(field) }
        writer.raw(payload)
    }

    static func decode(_ body: UnsafeRawBufferPointer) throws -> (EventMetadata, [UInt8]) {
        var reader = ByteReader(body)
        do {
            let mask = try reader.u8()
            guard mask & ~0b11111 == 0 else { throw EventRecord.Malformed(reason: "unknown metadata fields \(mask)") }
            var fields = [String?](repeating: nil, count: 5)
            for index in 0..<5 where mask & (1 << UInt8(index)) != 0 {
                fields[index] = try reader.string()
            }
            let metadata = EventMetadata(
                source: fields[0],
                batch: fields[1],
                origin: fields[2],
                causationID: fields[3],
                correlationID: fields[4]
            )
            return (metadata, Array(reader.rest()))
        } catch is ByteReader.Truncated {
            throw EventRecord.Malformed(reason: "event body is truncated")
        }
    }
}
