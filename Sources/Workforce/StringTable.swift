import Digest
import Foundation

/// Strings already made, found again by their bytes: HR values (titles, departments, locations,
/// time zones) repeat across a workforce and across the million events of a replay, and making a
/// new string for each was an allocation on the reading thread and a free on the folding one.
/// A value found here is the same string object, shared (a retain), by every worker holding it.
///
/// Confined to one thread (a replay's reader). Bounded: past ``capacity`` strings it starts
/// again. Short strings (15 bytes of UTF-8 or fewer) are held inline by Swift and never pass
/// through it; nor do long ones, which rarely repeat.
public final class StringTable {
    /// At most this many strings; then the table starts again.
    public static let capacity = 1 << 15
    /// Strings longer than this are made each time.
    static let longest = 64

    /// Open addressing, twice the capacity: each slot the hash of a string's bytes and the string.
    /// Unchecked: one thread uses a table (checking each access at run time was a tenth of its cost).
    @exclusivity(unchecked) private var hashes: [UInt64]
    @exclusivity(unchecked) private var strings: [String?]
    @exclusivity(unchecked) private var count = 0
    private let mask: Int

    public init() {
        let slots = Self.capacity * 2
        hashes = Array(repeating: 0, count: slots)
        strings = Array(repeating: nil, count: slots)
        mask = slots - 1
    }

    /// The string of the UTF-8 `bytes` (valid UTF-8, as a JSON reader found them): one made
    /// before for the same bytes, or a new one, kept.
    public func string(_ bytes: UnsafeRawBufferPointer) -> String {
        guard bytes.count > 15, bytes.count <= Self.longest else { return String(utf8: bytes) }
        let hash = TableHash.of(bytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while let found = strings[slot] {
            if hashes[slot] == hash, Self.equal(found, bytes) { return found }
            slot = (slot + 1) & mask
        }
        let made = String(decoding: bytes, as: UTF8.self)
        // Bytes that are not UTF-8 were repaired: the string is not their text, and is not kept.
        guard made.utf8.count == bytes.count else { return made }
        if count == Self.capacity {
            for index in strings.indices { strings[index] = nil }
            count = 0
            slot = Int(truncatingIfNeeded: hash) & mask
        }
        hashes[slot] = hash
        strings[slot] = made
        count += 1
        return made
    }

    private static func equal(_ string: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        string.utf8.withContiguousStorageIfAvailable { utf8 in
            utf8.count == bytes.count && memcmp(utf8.baseAddress!, bytes.baseAddress!, bytes.count) == 0
        } ?? false
    }
}
