/// A few entries keyed by strings, kept in key order: a user's groups, course assignments and
/// unmapped values, two or three of each.
///
/// A `Dictionary` hashed its key with SipHash at every lookup, made a table of its own for
/// each user, and had to be sorted whenever it was written (records are deterministic, and a
/// dictionary's order changes from one process to the next). Here a lookup compares a few keys,
/// the entries are one array (none while empty), and they come out in key order as they are.
/// Keys are ordered as `String` orders them.
public struct SortedMap<Value> {
    public typealias Element = (key: String, value: Value)

    /// One entry. A struct, not a tuple: arrays of tuples of a generic value were copied and
    /// destroyed through the runtime's generic tuple functions.
    struct Entry {
        var key: String
        var value: Value
    }

    /// The entries, their keys in increasing order, none twice.
    private var entries: [Entry]

    public init() {
        entries = []
    }

    /// Entries already in increasing key order, each key once (as a record lists them); nil
    /// when they are not.
    init?(ordered: [Entry]) {
        for index in ordered.indices.dropFirst() where !(ordered[index - 1].key < ordered[index].key) { return nil }
        entries = ordered
    }

    /// Maps this small are searched one key after another, comparing for equality (cheaper
    /// than ordering two strings); larger ones by halving.
    private static var scanned: Int { 8 }

    /// The index of `key`, or where it would go (and false).
    private func place(of key: String) -> (index: Int, found: Bool) {
        if entries.isEmpty { return (0, false) }
        if entries.count <= Self.scanned {
            for index in entries.indices where entries[index].key == key { return (index, true) }
            // After the last key, where a map built in order puts each (one comparison).
            if entries[entries.count - 1].key < key { return (entries.count, false) }
            var index = 0
            while entries[index].key < key { index += 1 }
            return (index, false)
        }
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return (low, low < entries.count && entries[low].key == key)
    }

    /// The value under `key`; setting nil removes it.
    public subscript(key: String) -> Value? {
        get {
            if entries.count <= Self.scanned {
                for index in entries.indices where entries[index].key == key { return entries[index].value }
                return nil
            }
            let (index, found) = place(of: key)
            return found ? entries[index].value : nil
        }
        set {
            let (index, found) = place(of: key)
            if let newValue {
                if found {
                    entries[index].value = newValue
                } else if index == entries.count {
                    entries.append(Entry(key: key, value: newValue))
                } else {
                    entries.insert(Entry(key: key, value: newValue), at: index)
                }
            } else if found {
                entries.remove(at: index)
            }
        }
    }

    /// The keys, in order.
    public var keys: [String] { entries.map(\.key) }

    /// The values, in their keys' order.
    public var values: [Value] { entries.map(\.value) }

    /// The same entries as a dictionary.
    public var dictionary: [String: Value] {
        Dictionary(uniqueKeysWithValues: entries.lazy.map { ($0.key, $0.value) })
    }

    /// Adds `value()` under `key` unless the key is there already (one search, where asking
    /// whether it is there and then setting it searched twice).
    public mutating func insertIfAbsent(_ key: String, _ value: () -> Value) {
        let (index, found) = place(of: key)
        guard !found else { return }
        if index == entries.count {
            entries.append(Entry(key: key, value: value()))
        } else {
            entries.insert(Entry(key: key, value: value()), at: index)
        }
    }

    /// Makes room for `count` entries: a map filled one entry after another grew its array at
    /// each (a new allocation, the entries moved), the second of every hire's two groups.
    public mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    /// Removes the entries whose key `shouldRemove` says to.
    public mutating func removeAll(where shouldRemove: (String) -> Bool) {
        entries.removeAll { shouldRemove($0.key) }
    }

}

extension SortedMap: RandomAccessCollection {
    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Element { (entries[position].key, entries[position].value) }
}

extension SortedMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }
}

extension SortedMap: Equatable where Value: Equatable {
    public static func == (lhs: SortedMap, rhs: SortedMap) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension SortedMap: Sendable where Value: Sendable {}
extension SortedMap.Entry: Sendable where Value: Sendable {}

extension SortedMap: CustomStringConvertible {
    public var description: String { dictionary.description }
}
