import ByteCoding
import Digest

/// The stored form of one event: the value under its sequence number in the `events` database.
///
/// Layout (format 1; see docs/journal-format.md). The head holds what only the write
/// transaction knows; the tail is encoded before it, in parallel:
/// ```
/// u8      flags: bits 0-1 codec (0 raw, 1 zstd, 2 zstd with dictionary, 3 zstd block),
///         bit 2 has effective time
/// i64     recorded time, µs since epoch  (big-endian)
/// varint  type id                        (see the `types` database)
/// varint  subject version                (1 for the subject's first event)
/// varint  sequence minus the subject's previous sequence (0 for its first event)
/// 32 B    chain hash
/// varint  dictionary id                  (codec 2 only)
/// block   (codec 3 only) varint distance back to the block's leader (0: this is the leader);
///         the leader then has varint dictionary id (0: none) and varint block length;
///         every member has varint offset of its body in the block
/// i64     effective time, µs             (only when bit 2 is set)
/// varint  subject length, subject bytes  (UTF-8)
/// varint  body length, uncompressed
/// ...     stored body: the body compressed according to the codec; for a block, the leader
///         holds the frame of all the block's bodies and members hold nothing
/// u32     CRC-32C of the tail (everything after the chain hash), big-endian
/// ```
/// The header stays uncompressed so scans by type or subject never decompress. The chain hash
/// covers the meaning of the head and the content of the body; the checksum covers the stored
/// bytes of the tail, so damage that leaves the content intact (a zstd window descriptor, an
/// unused header bit) is still found.
struct EventRecord {
    enum Codec: UInt8 {
        case raw = 0
        case zstd = 1
        case zstdDictionary = 2
        case zstdBlock = 3
    }

    /// Where a block member's body lies: the leader holding the frame, and the offset in it.
    struct BlockReference {
        /// How many positions back the leader is; 0 for the leader itself.
        var distance: UInt64
        /// Where this body starts in the block's uncompressed bytes.
        var bodyOffset: Int
        /// The block's uncompressed length (leader only).
        var blockLength: Int
    }

    var codec: Codec
    var dictionaryID: UInt32
    var block: BlockReference?
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

        /// What a reader reports for the event at `position`: corrupt, naming the event and the remedy.
        func journalError(at position: UInt64) -> JournalError {
            JournalError(.corrupt, "event \(position) is damaged: \(reason); run roster-journal verify")
        }
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
            let typeID = try reader.varint()
            guard typeID <= UInt64(UInt32.max), typeID > 0 else { throw Malformed(reason: "type id \(typeID) out of range") }
            let version = try reader.varint()
            let delta = try reader.varint()
            guard version <= UInt64(UInt32.max), version > 0 else {
                throw Malformed(reason: "subject version \(version) out of range")
            }
            let hash = try reader.bytes(32)
            let tailStart = reader.offset
            guard buffer.count - tailStart >= 4 else { throw Malformed(reason: "record is truncated") }
            let tail = UnsafeRawBufferPointer(rebasing: buffer[tailStart..<buffer.count - 4])
            let checksum = UInt32(bigEndianBytes: UnsafeRawBufferPointer(rebasing: buffer[(buffer.count - 4)...]))
            guard CRC32C.checksum(tail) == checksum else {
                throw Malformed(reason: "the record's checksum does not match its bytes")
            }
            reader = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[0..<buffer.count - 4]))
            reader.offset = tailStart
            var dictionaryID: UInt32 = 0
            var block: BlockReference?
            switch codec {
            case .zstdDictionary:
                let id = try reader.varint()
                guard id <= UInt64(UInt32.max), id != 0 else { throw Malformed(reason: "bad dictionary id \(id)") }
                dictionaryID = UInt32(id)
            case .zstdBlock:
                let distance = try reader.varint()
                var blockLength = 0
                if distance == 0 {
                    let id = try reader.varint()
                    let length = try reader.varint()
                    guard id <= UInt64(UInt32.max), length <= UInt64(Int32.max) else { throw Malformed(reason: "bad block leader fields") }
                    dictionaryID = UInt32(id)
                    blockLength = Int(length)
                }
                let offset = try reader.varint()
                guard offset <= UInt64(Int32.max) else { throw Malformed(reason: "body offset out of range") }
                block = BlockReference(distance: distance, bodyOffset: Int(offset), blockLength: blockLength)
            case .raw, .zstd:
                break
            }
            let effectiveAt = flags & 0b100 != 0 ? Timestamp(rawValue: try reader.i64()) : nil
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
            if let block {
                if block.distance != 0, !stored.isEmpty { throw Malformed(reason: "a block member holds a frame") }
                if block.distance == 0, stored.isEmpty { throw Malformed(reason: "a block leader holds no frame") }
                if block.distance == 0, block.bodyOffset + Int(bodyLength) > block.blockLength {
                    throw Malformed(reason: "the leader's body lies outside its block")
                }
            }
            return EventRecord(
                codec: codec,
                dictionaryID: dictionaryID,
                block: block,
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
            throw error.journalError(at: position)
        }
    }

    /// Encodes the tail: everything after the chain hash, ending with its checksum.
    static func encodeTail(
        into writer: inout ByteWriter,
        codec: Codec,
        dictionaryID: UInt32,
        block: BlockReference? = nil,
        effectiveAt: Timestamp?,
        subject: UnsafeRawBufferPointer,
        bodyLength: Int,
        storedBody: UnsafeRawBufferPointer
    ) {
        let start = writer.bytes.count
        switch codec {
        case .zstdDictionary:
            writer.varint(UInt64(dictionaryID))
        case .zstdBlock:
            let block = block!
            writer.varint(block.distance)
            if block.distance == 0 {
                writer.varint(UInt64(dictionaryID))
                writer.varint(UInt64(block.blockLength))
            }
            writer.varint(UInt64(block.bodyOffset))
        case .raw, .zstd:
            break
        }
        if let effectiveAt { writer.i64(effectiveAt.rawValue) }
        writer.varint(UInt64(subject.count))
        writer.raw(subject)
        writer.varint(UInt64(bodyLength))
        writer.raw(storedBody)
        let checksum = writer.bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        writer.u32(checksum)
    }

    static func flags(codec: Codec, hasEffectiveTime: Bool) -> UInt8 {
        codec.rawValue | (hasEffectiveTime ? 0b100 : 0)
    }

    /// The largest head: flags, recorded time, three varints and the hash.
    static let maxHeadSize = 1 + 8 + 5 + 5 + 10 + 32

    /// Writes the head into `buffer` and returns its size.
    static func encodeHead(
        into buffer: UnsafeMutableRawBufferPointer,
        flags: UInt8,
        recordedAt: Timestamp,
        typeID: UInt32,
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
        varint(UInt64(typeID))
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

/// The uncompressed body of an event: its own metadata, then its payload.
///
/// Metadata fields that every event of an append shares (source, batch, correlation id) are
/// stored once with the append, in its `recorded` entry, and marked here as inherited:
/// ```
/// u8      mask: bits 0-4 fields stored here (source, batch, origin, causation, correlation);
///         bits 5-7 fields inherited from the append (source, batch, correlation)
/// ...     each field stored here: varint length, UTF-8 bytes
/// ...     payload, to the end
/// ```
/// The hash covers the canonical body instead: every field inline (bits 0-4 only), so where a
/// field is stored never changes an event's hash.
enum EventBody {
    static let inheritedSource: UInt8 = 1 << 5
    static let inheritedBatch: UInt8 = 1 << 6
    static let inheritedCorrelation: UInt8 = 1 << 7

    /// The canonical body, as hashed.
    static func encode(metadata: EventMetadata, payload: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: payload.count + 64)
        encodeStored(metadata: metadata, shared: EventMetadata(), payload: payload, into: &writer)
        return writer.bytes
    }

    /// Appends the canonical metadata (mask and every field) to `writer`, without the payload.
    static func encodeCanonicalMetadata(_ metadata: EventMetadata, into writer: inout ByteWriter) {
        encodeStoredMetadata(metadata, shared: EventMetadata(), into: &writer)
    }

    /// Appends the stored body: fields equal to the append's `shared` ones are left out.
    static func encodeStored(metadata: EventMetadata, shared: EventMetadata, payload: [UInt8], into writer: inout ByteWriter) {
        encodeStoredMetadata(metadata, shared: shared, into: &writer)
        writer.raw(payload)
    }

    private static func encodeStoredMetadata(_ metadata: EventMetadata, shared: EventMetadata, into writer: inout ByteWriter) {
        let inheritSource = metadata.source != nil && metadata.source == shared.source
        let inheritBatch = metadata.batch != nil && metadata.batch == shared.batch
        let inheritCorrelation = metadata.correlationID != nil && metadata.correlationID == shared.correlationID
        var mask: UInt8 = 0
        if inheritSource { mask |= inheritedSource } else if metadata.source != nil { mask |= 1 }
        if inheritBatch { mask |= inheritedBatch } else if metadata.batch != nil { mask |= 2 }
        if metadata.origin != nil { mask |= 4 }
        if metadata.causationID != nil { mask |= 8 }
        if inheritCorrelation { mask |= inheritedCorrelation } else if metadata.correlationID != nil { mask |= 16 }
        writer.u8(mask)
        if mask & 1 != 0, let field = metadata.source { writer.string(field) }
        if mask & 2 != 0, let field = metadata.batch { writer.string(field) }
        if let field = metadata.origin { writer.string(field) }
        if let field = metadata.causationID { writer.string(field) }
        if mask & 16 != 0, let field = metadata.correlationID { writer.string(field) }
    }

    /// Decodes a stored body, taking inherited fields from the append's `shared` metadata.
    /// Returns the metadata and the payload's range in `body`.
    static func decode(_ body: UnsafeRawBufferPointer, shared: EventMetadata) throws -> (EventMetadata, Range<Int>) {
        var reader = ByteReader(body)
        var fields = [String?](repeating: nil, count: 5)
        let mask = try readFields(&reader) { index, reader in fields[index] = try reader.string() }
        if mask & inheritedSource != 0 {
            guard let source = shared.source else { throw EventRecord.Malformed(reason: "inherits a source its append lacks") }
            fields[0] = source
        }
        if mask & inheritedBatch != 0 {
            guard let batch = shared.batch else { throw EventRecord.Malformed(reason: "inherits a batch its append lacks") }
            fields[1] = batch
        }
        if mask & inheritedCorrelation != 0 {
            guard let correlation = shared.correlationID else {
                throw EventRecord.Malformed(reason: "inherits a correlation id its append lacks")
            }
            fields[4] = correlation
        }
        let metadata = EventMetadata(
            source: fields[0],
            batch: fields[1],
            origin: fields[2],
            causationID: fields[3],
            correlationID: fields[4]
        )
        return (metadata, reader.offset..<body.count)
    }

    /// The payload's range in a stored body, its metadata fields skipped unread: for readers that
    /// need no provenance (a replay), so they neither make its strings nor look up its append.
    /// Refuses the same truncated fields as ``decode(_:shared:)``.
    static func payloadRange(_ body: UnsafeRawBufferPointer) throws -> Range<Int> {
        var reader = ByteReader(body)
        _ = try readFields(&reader) { _, reader in
            let length = try reader.varint()
            guard length <= UInt64(reader.remaining) else { throw ByteReader.Truncated() }
            reader.offset += Int(length)
        }
        return reader.offset..<body.count
    }

    /// Reads the mask, then hands each field stored here to `field` (its index: 0 source, 1 batch,
    /// 2 origin, 3 causation, 4 correlation) with `reader` at its length, which `field` must read
    /// past. Leaves `reader` at the payload and returns the mask. The one walk of the layout, so
    /// the decode and the skipping read agree on where the payload starts.
    private static func readFields(_ reader: inout ByteReader, _ field: (Int, inout ByteReader) throws -> Void) throws -> UInt8 {
        do {
            let mask = try reader.u8()
            // An inherited field is not stored too (source, batch and correlation: bits 0, 1 and 4).
            let inherited = (mask >> 5) & 0b011 | (mask >> 3) & 0b10000
            guard mask & inherited == 0 else { throw EventRecord.Malformed(reason: "stores a metadata field it also inherits") }
            for index in 0..<5 where mask & (1 << UInt8(index)) != 0 {
                try field(index, &reader)
            }
            return mask
        } catch is ByteReader.Truncated {
            throw EventRecord.Malformed(reason: "event body is truncated")
        }
    }
}

/// What the `recorded` database holds per append: its last position and the metadata its
/// events share. `u64 last ‖ u8 mask (bit 0 source, 1 batch, 4 correlation) ‖ fields`.
enum CommitEntry {
    static func encode(last: UInt64, shared: EventMetadata) -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        writer.u64(last)
        var mask: UInt8 = 0
        if shared.source != nil { mask |= 1 }
        if shared.batch != nil { mask |= 2 }
        if shared.correlationID != nil { mask |= 16 }
        writer.u8(mask)
        if let field = shared.source { writer.string(field) }
        if let field = shared.batch { writer.string(field) }
        if let field = shared.correlationID { writer.string(field) }
        return writer.bytes
    }

    static func decode(_ buffer: UnsafeRawBufferPointer) throws -> (last: UInt64, shared: EventMetadata) {
        var reader = ByteReader(buffer)
        do {
            let last = try reader.u64()
            let mask = try reader.u8()
            guard mask & ~0b10011 == 0 else { throw EventRecord.Malformed(reason: "unknown append metadata fields \(mask)") }
            var shared = EventMetadata()
            if mask & 1 != 0 { shared.source = try reader.string() }
            if mask & 2 != 0 { shared.batch = try reader.string() }
            if mask & 16 != 0 { shared.correlationID = try reader.string() }
            guard reader.remaining == 0 else { throw EventRecord.Malformed(reason: "an append entry has trailing bytes") }
            return (last, shared)
        } catch is ByteReader.Truncated {
            throw EventRecord.Malformed(reason: "an append entry is truncated")
        }
    }

    /// The metadata every event of `events` shares: source, batch and correlation id.
    static func shared(by events: [ProposedEvent]) -> EventMetadata {
        guard !events.isEmpty else { return EventMetadata() }
        var shared = EventMetadata(
            source: events[0].metadata.source, batch: events[0].metadata.batch, correlationID: events[0].metadata.correlationID)
        for index in events.indices.dropFirst() {
            if shared.source != nil, events[index].metadata.source != shared.source { shared.source = nil }
            if shared.batch != nil, events[index].metadata.batch != shared.batch { shared.batch = nil }
            if shared.correlationID != nil, events[index].metadata.correlationID != shared.correlationID { shared.correlationID = nil }
            if shared.isEmpty { break }
        }
        return shared
    }
}
