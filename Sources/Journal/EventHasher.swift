import Crypto

/// The journal's hash chain.
///
/// Two steps, so the costly part runs before the write transaction, in parallel:
/// - content digest = SHA-256(0x01 ‖ type ‖ subject ‖ effective time ‖ uncompressed body), where
///   strings are varint-length-prefixed and the effective time is a presence byte then 8 bytes;
/// - chain hash = SHA-256(0x02 ‖ previous chain hash ‖ sequence ‖ recorded time ‖ subject version
///   ‖ subject's previous sequence ‖ content digest), integers big-endian.
///
/// The hash covers the uncompressed body, never the stored bytes, so events can be re-encoded
/// (a new dictionary) without breaking the chain, and a flipped stored byte shows as a mismatch.
enum EventHasher {
    static func contentDigest(
        type: String,
        subject: UnsafeRawBufferPointer,
        effectiveAt: Timestamp?,
        body: UnsafeRawBufferPointer
    ) -> [UInt8] {
        var prefix = ByteWriter(capacity: 64 + type.utf8.count + subject.count)
        prefix.u8(0x01)
        prefix.string(type)
        prefix.varint(UInt64(subject.count))
        prefix.raw(subject)
        if let effectiveAt {
            prefix.u8(1)
            prefix.i64(effectiveAt.rawValue)
        } else {
            prefix.u8(0)
        }
        var hasher = SHA256()
        prefix.bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: body)
        return Array(hasher.finalize())
    }

    static func chainHash(
        previous: UnsafeRawBufferPointer,
        position: UInt64,
        recordedAt: Timestamp,
        subjectVersion: UInt32,
        subjectPrevious: UInt64,
        contentDigest: UnsafeRawBufferPointer
    ) -> [UInt8] {
        var input = ByteWriter(capacity: 1 + 32 + 8 + 8 + 4 + 8 + 32)
        input.u8(0x02)
        input.raw(previous)
        input.u64(position)
        input.i64(recordedAt.rawValue)
        input.u32(subjectVersion)
        input.u64(subjectPrevious)
        input.raw(contentDigest)
        return input.bytes.withUnsafeBytes { Array(SHA256.hash(data: $0)) }
    }
}
