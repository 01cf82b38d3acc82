/// Something worked out once per event type of one journal, kept by the journal's type id: a
/// read of millions of events meets the same few dozen types over and over. Keep one per read:
/// ids belong to their journal.
public struct TypeIDTable<Value> {
    /// Ids are numbered from 1 in order of first use, so an array indexed by id stays small.
    @usableFromInline var values: [Value?] = []
    /// Ids at or above this are worked out each time rather than kept (a damaged record can name any).
    @usableFromInline static var limit: UInt32 { 4096 }

    @inlinable public init() {}

    /// The value for `id`, from `make` the first time.
    /// Inlinable, so each reader gets it specialized: it runs once an event.
    @inlinable public mutating func value(for id: UInt32, _ make: () throws -> Value) rethrows -> Value {
        let index = Int(id)
        if index < values.count, let value = values[index] { return value }
        let value = try make()
        if id < Self.limit {
            if values.count <= index { values.append(contentsOf: repeatElement(nil, count: index + 1 - values.count)) }
            values[index] = value
        }
        return value
    }
}
