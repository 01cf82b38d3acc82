import CLMDB

/// What read and write transactions share: lookups, cursors and statistics.
///
/// - Important: Byte buffers handed out by a transaction point into the memory map. They are
///   valid until the transaction ends or, in a write transaction, until the next change;
///   copy what must outlive that.
public protocol TransactionReading: ~Copyable {
    /// The underlying `MDB_txn`.
    var txn: OpaquePointer { get }
}

extension TransactionReading where Self: ~Copyable {
    /// The value stored under `key`, or nil. The buffer points into the map (see the type's note).
    public func value(_ database: Database, key: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let code = mdb_get(txn, database.handle, &k, &v)
        if code == MDB_NOTFOUND { return nil }
        try check(code, "get", database.name)
        return UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
    }

    /// A copy of the value stored under `key`, or nil.
    public func value(_ database: Database, key: [UInt8]) throws -> [UInt8]? {
        try key.withUnsafeBytes { key in
            try value(database, key: key).map { Array($0) }
        }
    }

    /// Runs `body` with a cursor over `database`; the cursor closes when `body` returns.
    public func withCursor<T>(_ database: Database, _ body: (borrowing Cursor) throws -> T) throws -> T {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, database.handle, &cursor), "open cursor", database.name)
        let wrapped = Cursor(cursor: cursor!, database: database)
        return try body(wrapped)
    }

    /// Entry count and page use of `database`.
    public func statistics(_ database: Database) throws -> DatabaseStatistics {
        var stat = MDB_stat()
        try check(mdb_stat(txn, database.handle, &stat), "stat", database.name)
        return DatabaseStatistics(
            entries: stat.ms_entries,
            depth: Int(stat.ms_depth),
            branchPages: stat.ms_branch_pages,
            leafPages: stat.ms_leaf_pages,
            overflowPages: stat.ms_overflow_pages,
            pageSize: Int(stat.ms_psize)
        )
    }
}

/// A read-only snapshot of the environment, ended (aborted) when it goes out of scope.
///
/// It cannot be copied, cannot leave the closure of ``Environment/read(_:)`` and, that closure
/// being synchronous, cannot span an `await`.
public struct ReadTransaction: ~Copyable, TransactionReading {
    public let txn: OpaquePointer

    init(txn: OpaquePointer) {
        self.txn = txn
    }

    deinit {
        mdb_txn_abort(txn)
    }
}

/// A write transaction: committed by ``Environment/write(_:)`` when its closure returns,
/// aborted when it throws. Only one is open per environment at any time.
public struct WriteTransaction: ~Copyable, TransactionReading {
    public let txn: OpaquePointer

    init(txn: OpaquePointer) {
        self.txn = txn
    }

    deinit {
        mdb_txn_abort(txn)
    }

    consuming func commit() throws {
        let txn = self.txn
        discard self
        try check(mdb_txn_commit(txn), "commit")
    }

    /// Stores `value` under `key`.
    public mutating func put(
        _ database: Database,
        key: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer,
        flags: PutFlags = []
    ) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_put(txn, database.handle, &k, &v, flags.rawValue), "put", database.name)
    }

    /// Runs `body` with a cursor that writes to `database` in this transaction; it closes when
    /// `body` returns. Many puts through one cursor skip setting one up for each, and appends
    /// (``PutFlags/append``) find the end where the last one left the cursor, instead of
    /// searching the tree from its root again.
    public func withWriteCursor<T>(_ database: Database, _ body: (borrowing WriteCursor) throws -> T) throws -> T {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, database.handle, &cursor), "open cursor", database.name)
        let wrapped = WriteCursor(cursor: cursor!, database: database)
        return try body(wrapped)
    }

    /// Stores `value` under `key`.
    public mutating func put(_ database: Database, key: [UInt8], value: [UInt8], flags: PutFlags = []) throws {
        try key.withUnsafeBytes { key in
            try value.withUnsafeBytes { value in
                try put(database, key: key, value: value, flags: flags)
            }
        }
    }

    /// Reserves `count` bytes under `key` and lets `fill` write them in place (`MDB_RESERVE`),
    /// saving a copy of large values.
    public mutating func put(
        _ database: Database,
        key: UnsafeRawBufferPointer,
        reserving count: Int,
        flags: PutFlags = [],
        fill: (UnsafeMutableRawBufferPointer) throws -> Void
    ) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: count, mv_data: nil)
        try check(
            mdb_put(txn, database.handle, &k, &v, flags.rawValue | UInt32(MDB_RESERVE)),
            "put",
            database.name
        )
        try fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
    }

    /// Deletes `key`; returns false when it was not there.
    @discardableResult
    public mutating func delete(_ database: Database, key: UnsafeRawBufferPointer) throws -> Bool {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let code = mdb_del(txn, database.handle, &k, nil)
        if code == MDB_NOTFOUND { return false }
        try check(code, "delete", database.name)
        return true
    }

    /// Removes every entry of `database`, keeping the database.
    public mutating func clear(_ database: Database) throws {
        try check(mdb_drop(txn, database.handle, 0), "clear", database.name)
    }
}

/// Entry count and page use of a database.
public struct DatabaseStatistics: Sendable {
    public let entries: Int
    public let depth: Int
    public let branchPages: Int
    public let leafPages: Int
    public let overflowPages: Int
    public let pageSize: Int

    /// Bytes of pages the database occupies.
    public var bytes: Int { (branchPages + leafPages + overflowPages) * pageSize }
}

/// A cursor over one database of a write transaction, for putting many entries
/// (``WriteTransaction/withWriteCursor(_:_:)``). Closed when it goes out of scope.
public struct WriteCursor: ~Copyable {
    /// The cursor, which closes it.
    let base: Cursor

    init(cursor: OpaquePointer, database: Database) {
        base = Cursor(cursor: cursor, database: database)
    }

    /// Stores `value` under `key` (`mdb_cursor_put`).
    public func put(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: PutFlags = []) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_cursor_put(base.cursor, &k, &v, flags.rawValue), "put", base.database.name)
    }

    /// Stores `value` under `key`.
    public func put(key: [UInt8], value: [UInt8], flags: PutFlags = []) throws {
        try key.withUnsafeBytes { key in
            try value.withUnsafeBytes { value in try put(key: key, value: value, flags: flags) }
        }
    }
}
