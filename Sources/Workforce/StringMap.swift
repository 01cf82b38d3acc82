import CPrefetch
import Digest

/// A map keyed by strings for the replay's hot paths (a worker's slot by ID, memoised rule
/// answers, time zones by name): open addressing keyed by ``TableHash`` of the key's UTF-8.
/// A dictionary hashes every key with Swift's SipHash, several times the work for the short
/// keys of HR data.
///
/// Each entry keeps its key beside its hash and value, so a probe reads one place, and a key of
/// 15 bytes or fewer (held inline by Swift) is compared without following a pointer. Not for
/// keys an attacker picks to collide (``TableHash`` is unseeded); HR values are not.
public struct StringMap<Value> {
    @usableFromInline
    struct Entry {
        /// The key's hash, never 0; 0 marks an empty entry.
        @usableFromInline var hash: UInt64 = 0
        @usableFromInline var key = ""
        @usableFromInline var value: Value?

        @inlinable init() {}

        @inlinable init(hash: UInt64, key: String, value: Value) {
            self.hash = hash
            self.key = key
            self.value = value
        }
    }

    @usableFromInline var entries: [Entry]
    @usableFromInline var stored = 0
    /// How many keys are stored.
    public var count: Int { stored }

    @inlinable
    public init() {
        entries = [Entry](repeating: Entry(), count: 16)
    }

    /// The hash a map keeps `key` by (never 0): worked out once, it can be passed to the forms
    /// that take it, on another thread or ahead of time.
    @inlinable
    public static func hash(_ key: String) -> UInt64 {
        TableHash.of(key) | 1
    }

    /// ``hash(_:)`` of the key whose UTF-8 is `utf8`, before a string is made of it.
    @inlinable
    public static func hash(utf8: UnsafeRawBufferPointer) -> UInt64 {
        TableHash.of(utf8) | 1
    }

    /// The value for `key`, or nil; setting stores it (nil is not stored: use ``removeAll(keepingCapacity:)``).
    @inlinable
    public subscript(key: String) -> Value? {
        get { self[key, hash: Self.hash(key)] }
        set {
            guard let newValue else { return }
            insert(newValue, for: key)
        }
    }

    /// The value for `key`, whose ``hash(_:)`` is `hash`, or nil.
    @inlinable
    public subscript(key: String, hash hash: UInt64) -> Value? {
        firstValue(hash: hash, key: key)
    }

    /// Brings the entry a look-up of the key hashed `hash` reads first into the caches, so a
    /// look-up a little later finds it there (see `CPrefetch`).
    @inlinable
    public func prefetch(hash: UInt64) {
        entries.withUnsafeBufferPointer { entries in
            roster_prefetch(entries.baseAddress! + (Int(truncatingIfNeeded: hash) & (entries.count - 1)), MemoryLayout<Entry>.stride)
        }
    }

    /// The value of the first key stored with `hash`, keys not compared: a guess (two keys
    /// rarely share 64 bits of hash), for what may be read as well as for prefetching.
    @inlinable
    public func probableValue(hash: UInt64) -> Value? {
        firstValue(hash: hash, key: nil)
    }

    /// The value of the first entry stored with `hash` whose key is `key` (any key when nil).
    @inlinable
    func firstValue(hash: UInt64, key: String?) -> Value? {
        entries.withUnsafeBufferPointer { entries in
            let mask = entries.count - 1
            var index = Int(truncatingIfNeeded: hash) & mask
            while true {
                let stored = entries[index].hash
                if stored == 0 { return nil }
                if stored == hash {
                    guard let key else { return entries[index].value }
                    if entries[index].key == key { return entries[index].value }
                }
                index = (index + 1) & mask
            }
        }
    }

    /// Stores `value` for `key`, replacing any value it had.
    @inlinable
    public mutating func insert(_ value: Value, for key: String) {
        insert(value, for: key, hash: Self.hash(key))
    }

    /// Stores `value` for `key`, whose ``hash(_:)`` is `hash`, replacing any value it had.
    @inlinable
    public mutating func insert(_ value: Value, for key: String, hash: UInt64) {
        let mask = entries.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while entries[index].hash != 0 {
            if entries[index].hash == hash, entries[index].key == key {
                entries[index].value = value
                return
            }
            index = (index + 1) & mask
        }
        entries[index] = Entry(hash: hash, key: key, value: value)
        stored += 1
        if stored * 2 > entries.count { resize(to: entries.count * 2) }
    }

    /// Makes room for `capacity` keys without growing again.
    @inlinable
    public mutating func reserveCapacity(_ capacity: Int) {
        var size = entries.count
        while size < capacity * 2 { size *= 2 }
        if size > entries.count { resize(to: size) }
    }

    /// Forgets every key.
    @inlinable
    public mutating func removeAll(keepingCapacity: Bool = false) {
        entries = [Entry](repeating: Entry(), count: keepingCapacity ? entries.count : 16)
        stored = 0
    }

    @inlinable
    mutating func resize(to size: Int) {
        var old = [Entry](unsafeUninitializedCapacity: size) { entries, initialized in
            // A table of a hundred thousand workers' slots is probed at random: in huge pages,
            // its probes miss the translation caches far less (advised before it is touched).
            if size * MemoryLayout<Entry>.stride >= 4 << 20 {
                roster_advise_huge_pages(UnsafeRawPointer(entries.baseAddress!), size * MemoryLayout<Entry>.stride)
            }
            entries.initialize(repeating: Entry())
            initialized = size
        }
        swap(&old, &entries)
        let mask = size - 1
        entries.withUnsafeMutableBufferPointer { entries in
            for index in old.indices where old[index].hash != 0 {
                var place = Int(truncatingIfNeeded: old[index].hash) & mask
                while entries[place].hash != 0 { place = (place + 1) & mask }
                swap(&entries[place], &old[index])
            }
        }
    }
}

extension StringMap: Sendable where Value: Sendable {}
extension StringMap.Entry: Sendable where Value: Sendable {}
