/// A quick hash of bytes for in-memory hash tables that compare every candidate's key after a
/// hash matches: FNV-1a eight bytes a step, then mixed so the low bits (which tables index by)
/// depend on all of them.
///
/// Not for anything stored (its values may change between versions) nor for keys an attacker
/// chooses to collide; for those, Swift's seeded `Hasher`.
public enum TableHash {
    /// The hash of `bytes`.
    @inlinable
    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var index = 0
        while index + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x100_0000_01b3
            index += 8
        }
        while index < bytes.count {
            hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3
            index += 1
        }
        hash ^= hash >> 29
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        return hash ^ (hash >> 32)
    }

    /// The hash of `text`'s UTF-8.
    @inlinable
    public static func of(_ text: String) -> UInt64 {
        if let hash = text.utf8.withContiguousStorageIfAvailable({ of(UnsafeRawBufferPointer($0)) }) { return hash }
        var text = text
        return text.withUTF8 { of(UnsafeRawBufferPointer($0)) }
    }
}
