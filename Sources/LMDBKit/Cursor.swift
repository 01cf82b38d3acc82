import CLMDB

/// A position in a database, for ordered scans. Closed when it goes out of scope.
///
/// - Important: The buffers of an ``Entry`` point into the memory map and are valid until the
///   transaction ends or changes the database.
public struct Cursor: ~Copyable {
    let cursor: OpaquePointer
    let database: Database

    init(cursor: OpaquePointer, database: Database) {
        self.cursor = cursor
        self.database = database
    }

    deinit {
        mdb_cursor_close(cursor)
    }

    /// A key and its value.
    public struct Entry {
        public let key: UnsafeRawBufferPointer
        public let value: UnsafeRawBufferPointer
    }

    private func move(_ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil) throws -> Entry? {
        var k = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var v = MDB_val()
        let code = mdb_cursor_get(cursor, &k, &v, op)
        if code == MDB_NOTFOUND { return nil }
        try check(code, "cursor get", database.name)
        return Entry(
            key: UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
            value: UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
        )
    }

    /// Moves to the first entry.
    public func first() throws -> Entry? { try move(MDB_FIRST) }
    /// Moves to the last entry.
    public func last() throws -> Entry? { try move(MDB_LAST) }
    /// Moves to the next entry.
    public func next() throws -> Entry? { try move(MDB_NEXT) }
    /// Moves to the previous entry.
    public func previous() throws -> Entry? { try move(MDB_PREV) }
    /// Moves to the first entry whose key is at or after `key`.
    public func seek(atOrAfter key: UnsafeRawBufferPointer) throws -> Entry? { try move(MDB_SET_RANGE, key: key) }
    /// Moves to the first entry whose key is at or after `key`.
    public func seek(atOrAfter key: [UInt8]) throws -> Entry? {
        try key.withUnsafeBytes { try seek(atOrAfter: $0) }
    }

    /// Moves to the last entry whose key is at or before `key`.
    public func seek(atOrBefore key: [UInt8]) throws -> Entry? {
        try key.withUnsafeBytes { key in
            if let entry = try seek(atOrAfter: key) {
                if entry.key.elementsEqual(key) { return entry }
                return try previous()
            }
            return try last()
        }
    }
}
