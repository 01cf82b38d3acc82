/// A place in the journal: the global sequence number of an event.
///
/// Sequence numbers start at 1 and have no gaps; position 0 means "before the first event",
/// so reading or subscribing from ``start`` yields everything.
public struct JournalPosition: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public init(_ value: UInt64) {
        self.rawValue = value
    }

    /// Before the first event.
    public static let start = JournalPosition(0)

    /// The position after this one.
    public var next: JournalPosition { JournalPosition(rawValue + 1) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}
