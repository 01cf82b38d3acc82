import CLMDB
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open LMDB environment: one directory holding `data.mdb` and `lock.mdb`, with named databases.
///
/// The environment is opened with `MDB_NOTLS`, so read transactions are tied to their transaction
/// object rather than to a thread, which is what Swift concurrency needs. Write transactions are
/// serialized by the environment itself: ``write(_:)`` takes an in-process lock before it begins one,
/// and the transaction is begun, used and committed inside one synchronous call, on one thread.
///
/// When a write fills the map, the transaction is aborted, the map doubled and the write retried,
/// so the environment grows by itself. When another process grew it, the new size is adopted.
///
/// - Important: Open an environment once per process (LMDB forbids opening the same one twice) and
///   never use it across `fork()`. Do not call ``write(_:)`` from inside ``read(_:)`` on the same thread.
public final class Environment: @unchecked Sendable {
    /// How to open an environment.
    public struct Configuration: Sendable {
        /// The directory holding the environment's files.
        public var path: String
        /// Open for reading only (`MDB_RDONLY`): no write transactions.
        public var readOnly: Bool = false
        /// The initial size of the memory map in bytes; it doubles whenever a write fills it.
        public var initialMapSize: Int = 256 << 20
        /// How many named databases the environment may hold.
        public var maxDatabases: Int = 16
        /// How many concurrent read transactions (across all processes) the lock table holds.
        public var maxReaders: Int = 512
        /// The permission bits of files created for the environment.
        public var fileMode: mode_t = 0o600
        /// Omit the metadata flush at commit (`MDB_NOMETASYNC`): a crash may undo the last commit
        /// but never corrupts. For rebuildable data only, never for a journal.
        public var noMetaSync: Bool = false
        /// The named databases to open.
        public var databases: [String] = []
        /// Create the named databases that do not exist yet (writable environments only).
        /// When false, missing ones are skipped: ``Environment/database(named:)`` returns nil.
        public var createMissingDatabases: Bool = true

        /// A configuration for the environment in `path`.
        public init(path: String) {
            self.path = path
        }
    }

    /// The configuration the environment was opened with.
    public let configuration: Configuration
    let env: OpaquePointer
    private var handles: [String: Database] = [:]
    private let resizeLock = ReadWriteLock()
    /// How many reader slots of dead processes were cleared when the environment opened.
    public let staleReadersClearedAtOpen: Int
    private let writerLock = ReadWriteLock()

    /// Opens the environment described by `configuration`, creating its files when writable.
    ///
    /// Stale reader slots left by dead processes are cleared on open.
    /// - Throws: ``LMDBError`` naming the path when it cannot be opened.
    public init(_ configuration: Configuration) throws {
        self.configuration = configuration
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "create environment", configuration.path)
        guard let env else { throw LMDBError(code: ENOMEM, operation: "create environment") }
        self.env = env
        do {
            try check(mdb_env_set_maxdbs(env, MDB_dbi(configuration.maxDatabases)), "set max databases")
            try check(mdb_env_set_maxreaders(env, UInt32(configuration.maxReaders)), "set max readers")
            try check(mdb_env_set_mapsize(env, configuration.initialMapSize), "set map size")
            var flags = UInt32(MDB_NOTLS)
            if configuration.readOnly { flags |= UInt32(MDB_RDONLY) }
            if configuration.noMetaSync { flags |= UInt32(MDB_NOMETASYNC) }
            try check(
                mdb_env_open(env, configuration.path, flags, configuration.fileMode),
                "open environment",
                configuration.path
            )
            // A map grown by another process is adopted here; ours is never smaller than the file.
            try check(mdb_env_set_mapsize(env, 0), "adopt map size")
            var dead: Int32 = 0
            try check(mdb_reader_check(env, &dead), "clear stale readers", configuration.path)
            staleReadersClearedAtOpen = Int(dead)
            try openDatabases(configuration.databases)
        } catch {
            mdb_env_close(env)
            throw error
        }
    }

    deinit {
        mdb_env_close(env)
    }

    private func openDatabases(_ names: [String]) throws {
        guard !names.isEmpty else { return }
        var txn: OpaquePointer?
        let readOnly = configuration.readOnly
        try check(mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn), "begin transaction")
        do {
            for name in names {
                var dbi: MDB_dbi = 0
                let create = !readOnly && configuration.createMissingDatabases
                let code = mdb_dbi_open(txn, name, create ? UInt32(MDB_CREATE) : 0, &dbi)
                if code == MDB_NOTFOUND && !create { continue }
                try check(code, "open database", "\(name) in \(configuration.path)")
                handles[name] = Database(name: name, handle: dbi)
            }
            try check(mdb_txn_commit(txn), "commit transaction", configuration.path)
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
    }

    /// The handle of a database named in the configuration.
    /// - Precondition: `name` was listed in ``Configuration/databases``.
    public func database(_ name: String) -> Database {
        guard let database = handles[name] else {
            preconditionFailure("database \(name) was not opened with the environment")
        }
        return database
    }

    /// The handle of a database, or nil when it was not opened (missing and not created).
    public func database(named name: String) -> Database? {
        handles[name]
    }

    /// Runs `body` in a read transaction: a consistent snapshot of every database.
    ///
    /// - Important: Keep read transactions short: an open reader keeps pages from being reused,
    ///   and a resize of the map waits for it. The transaction cannot escape `body`.
    public func read<T>(_ body: (borrowing ReadTransaction) throws -> T) throws -> T {
        while true {
            let outcome: T? = try resizeLock.withShared {
                guard let txn = try beginTransaction(flags: UInt32(MDB_RDONLY)) else { return nil }
                let transaction = ReadTransaction(txn: txn)
                return .some(try body(transaction))
            }
            if let outcome { return outcome }
            try adoptMapSize()
        }
    }

    /// Runs `body` in a write transaction and commits it when `body` returns; aborts when it throws.
    ///
    /// The commit is durable (two fsyncs) unless the environment was opened with `noMetaSync`.
    /// When the map is full, the transaction is aborted, the map grows and `body` runs again,
    /// so `body` must only change the database through the transaction it is given.
    @available(*, noasync, message: "LMDB transactions must not span an await")
    public func write<T>(_ body: (inout WriteTransaction) throws -> T) throws -> T {
        precondition(!configuration.readOnly, "write transaction on a read-only environment")
        return try writerLock.withExclusive {
            while true {
                do {
                    let outcome: T? = try resizeLock.withShared {
                        guard let txn = try beginTransaction(flags: 0) else { return nil }
                        var transaction = WriteTransaction(txn: txn)
                        let result = try body(&transaction)
                        try transaction.commit()
                        return .some(result)
                    }
                    if let outcome { return outcome }
                    try adoptMapSize()
                } catch let error as LMDBError where error.isMapFull {
                    try grow()
                }
            }
        }
    }

    /// Begins a transaction, or returns nil when another process grew the map: adopting its
    /// size needs no transaction of ours open, so the caller releases its shared lock and retries.
    private func beginTransaction(flags: UInt32) throws -> OpaquePointer? {
        var txn: OpaquePointer?
        let code = mdb_txn_begin(env, nil, flags, &txn)
        if code == MDB_MAP_RESIZED { return nil }
        try check(code, "begin transaction", configuration.path)
        return txn
    }

    /// Doubles the memory map. Waits until no transaction of this process is open.
    public func grow() throws {
        try resizeLock.withExclusive {
            let newSize = mapSize * 2
            try check(mdb_env_set_mapsize(env, newSize), "grow map", configuration.path)
        }
    }

    /// Adopts a map size set by another process.
    func adoptMapSize() throws {
        try resizeLock.withExclusive {
            try check(mdb_env_set_mapsize(env, 0), "adopt map size", configuration.path)
        }
    }

    /// The current size of the memory map, in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_mapsize
    }

    /// Facts about the environment's size and use.
    public func info() -> EnvironmentInfo {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        var stat = MDB_stat()
        mdb_env_stat(env, &stat)
        return EnvironmentInfo(
            mapSize: info.me_mapsize,
            pageSize: Int(stat.ms_psize),
            lastPageNumber: info.me_last_pgno,
            lastTransactionID: info.me_last_txnid,
            readersInUse: Int(info.me_numreaders),
            maxReaders: Int(info.me_maxreaders)
        )
    }

    /// Clears reader slots left by processes that died; returns how many were cleared.
    @discardableResult
    public func clearStaleReaders() throws -> Int {
        var dead: Int32 = 0
        try check(mdb_reader_check(env, &dead), "clear stale readers", configuration.path)
        return Int(dead)
    }

    /// Writes a consistent copy of the environment into the existing, empty directory `path`,
    /// compacted (free pages omitted) when `compact` is true. Writers may go on meanwhile.
    public func copy(to path: String, compact: Bool) throws {
        try check(
            mdb_env_copy2(env, path, compact ? UInt32(MDB_CP_COMPACT) : 0),
            "copy environment",
            path
        )
    }

    /// Where `data.mdb` is mapped in this process, read from `/proc/self/maps`: a value's address
    /// minus this is its offset in the file. For tools and tests that inspect the file itself.
    public func dataFileMapAddress() -> UInt? {
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return nil }
        let dataFile = URL(fileURLWithPath: configuration.path + "/data.mdb").resolvingSymlinksInPath().path
        for line in maps.split(separator: "\n") where line.hasSuffix(" " + dataFile) || line.hasSuffix("\t" + dataFile) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[2].allSatisfy({ $0 == "0" }),
                let start = fields[0].split(separator: "-").first, let address = UInt(start, radix: 16)
            else { continue }
            return address
        }
        return nil
    }

    /// Flushes buffers to disk, for environments opened with `noMetaSync`.
    public func sync() throws {
        try check(mdb_env_sync(env, 1), "sync", configuration.path)
    }
}

/// Size and use figures of an ``Environment``.
public struct EnvironmentInfo: Sendable {
    /// The memory map size in bytes.
    public let mapSize: Int
    /// The page size in bytes.
    public let pageSize: Int
    /// The last page in use; `(lastPageNumber + 1) * pageSize` is the used part of the file.
    public let lastPageNumber: Int
    /// The id of the last committed transaction.
    public let lastTransactionID: Int
    /// Reader slots in use.
    public let readersInUse: Int
    /// Reader slots available.
    public let maxReaders: Int

    /// The bytes of the data file in use.
    public var usedBytes: Int { (lastPageNumber + 1) * pageSize }
}
