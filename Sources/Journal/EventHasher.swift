import Digest

/// The journal's hash chain.
///
/// Two steps, so the costly part runs before the write transaction, in parallel:
/// - content digest = SHA-256(0x01 ‖ type ‖ subject ‖ effective time ‖ canonical body), where
///   strings are varint-length-prefixed, the effective time is a presence byte then 8 bytes, and
///   the canonical body is the metadata with every field inline, then the payload;
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
        metadata: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer
    ) -> SHA256Digest {
        var hasher = SHA256()
        var type = type
        type.withUTF8 { type in
            // The prefix fits on the stack: type ≤ 128 bytes, subject ≤ 255, plus 24 bytes of framing.
            withUnsafeTemporaryAllocation(byteCount: 24 + type.count + subject.count, alignment: 1) { buffer in
                var offset = 0
                func put(_ byte: UInt8) {
                    buffer[offset] = byte
                    offset += 1
                }
                func putVarint(_ value: Int) {
                    var value = UInt64(value)
                    while value >= 0x80 {
                        put(UInt8(truncatingIfNeeded: value) | 0x80)
                        value >>= 7
                    }
                    put(UInt8(value))
                }
                put(0x01)
                putVarint(type.count)
                for byte in type { put(byte) }
                putVarint(subject.count)
                for byte in subject { put(byte) }
                if let effectiveAt {
                    put(1)
                    let bits = UInt64(bitPattern: effectiveAt.rawValue)
                    for shift in stride(from: 56, through: 0, by: -8) { put(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
                } else {
                    put(0)
                }
                hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<offset]))
            }
        }
        hasher.update(metadata)
        hasher.update(payload)
        return hasher.finalize()
    }

    static func chainHash(
        previous: UnsafeRawBufferPointer,
        position: UInt64,
        recordedAt: Timestamp,
        subjectVersion: UInt32,
        subjectPrevious: UInt64,
        contentDigest: UnsafeRawBufferPointer
    ) -> SHA256Digest {
        withUnsafeTemporaryAllocation(byteCount: 93, alignment: 8) { buffer in
            buffer[0] = 0x02
            buffer.baseAddress!.advanced(by: 1).copyMemory(from: previous.baseAddress!, byteCount: 32)
            buffer.storeBytes(of: position.bigEndian, toByteOffset: 33, as: UInt64.self)
            buffer.storeBytes(of: UInt64(bitPattern: recordedAt.rawValue).bigEndian, toByteOffset: 41, as: UInt64.self)
            buffer.storeBytes(of: subjectVersion.bigEndian, toByteOffset: 49, as: UInt32.self)
            buffer.storeBytes(of: subjectPrevious.bigEndian, toByteOffset: 53, as: UInt64.self)
            buffer.baseAddress!.advanced(by: 61).copyMemory(from: contentDigest.baseAddress!, byteCount: 32)
            var hasher = SHA256()
            hasher.update(UnsafeRawBufferPointer(buffer))
            return hasher.finalize()
        }
    }
}
