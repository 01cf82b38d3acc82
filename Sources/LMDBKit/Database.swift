import CLMDB

/// A handle on a named database inside an ``Environment``.
///
/// Handles are opened once, when the environment opens, and stay valid for its lifetime;
/// they are plain values and may be shared across threads.
public struct Database: Sendable, Hashable {
    /// The database's name in the environment.
    public let name: String
    let handle: MDB_dbi

    init(name: String, handle: MDB_dbi) {
        self.name = name
        self.handle = handle
    }
}

/// Flags for a put.
public struct PutFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Fail with `MDB_KEYEXIST` instead of overwriting.
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// The key sorts after every key in the database: LMDB fills pages fully and skips the search.
    /// A key out of order fails with `MDB_KEYEXIST`.
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
}
