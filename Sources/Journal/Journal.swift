import ByteCoding
import Foundation
import LMDBKit
import ZstdKit

#if canImport(Glibc)
import Glibc
#endif

/// The append-only event log: one durable LMDB environment in a directory.
///
/// Events get a gap-free global sequence, a recorded time that never decreases, a per-subject
/// version and a SHA-256 hash chained to the previous event. Bodies are compressed with zstd,
/// with a trained dictionary once enough events exist. Appends are atomic batches, durable when
/// ``append(_:idempotencyKey:)`` returns. One process writes (a lock file enforces it); any number
/// of processes read.
///
/// - Important: Open a journal directory once per process. Appends are synchronous and block
///   on fsync; from async code use the `async` overload, which runs them on the writer thread.
public final class Journal: @unchecked Sendable {
    /// How to open a journal.
    public struct Configuration: Sendable {
        /// Read and append, or only read.
        public enum Access: Sendable {
            case readWrite
            case readOnly
        }

        /// The journal directory.
        public var path: String
        /// Read and append, or only read.
        public var access: Access = .readWrite
        /// Create the directory and an empty journal when there is none.
        public var createIfMissing: Bool = false
        /// The source of recorded times.
        public var clock: any JournalClock = SystemClock()
        /// zstd level for event bodies.
        public var compressionLevel: Int32 = 3
        /// When and how dictionaries are trained automatically.
        public var dictionaryPolicy = DictionaryPolicy()
        /// The initial memory map size; the map doubles whenever it fills.
        public var initialMapSize: Int = 64 << 20

        /// A configuration for the journal in `path`.
        public init(path: String, access: Access = .readWrite, createIfMissing: Bool = false) {
            self.path = path
            self.access = access
            self.createIfMissing = createIfMissing
        }
    }

    /// The journal directory.
    public let path: String
    /// How the journal was opened.
    public let configuration: Configuration
    let environment: Environment
    let databases: Databases
    private let writerLock: WriterLock?
    let dictionaryCache = DictionaryCache()
    let typeTable = TypeTable()
    let decompressors = DecompressorPool()
    let notifier: HeadNotifier
    let writer: WriterState?

    struct Databases {
        let events: Database
        let subjects: Database
        let recorded: Database
        let idempotency: Database
        let dictionaries: Database
        let types: Database
        let meta: Database
    }

    /// Opens the journal described by `configuration`.
    ///
    /// - Throws: ``JournalError`` with nothing changed on disk when the directory is missing
    ///   (and `createIfMissing` is false), cannot be written, is locked by another writer,
    ///   holds something other than a journal, or holds a journal in an unknown format.
    public init(_ configuration: Configuration) throws {
        self.configuration = configuration
        let path = configuration.path
        self.path = path
        let readOnly = configuration.access == .readOnly
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if !fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard configuration.createIfMissing, !readOnly else {
                throw JournalError(
                    .notFound,
                    "no journal at \(path): the directory does not exist; check the path"
                        + (readOnly ? "" : ", or create a new journal there"),
                    path: path
                )
            }
            do {
                try fileManager.createDirectory(
                    atPath: path,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw JournalError(
                    .permissionDenied,
                    "cannot create the journal directory \(path); check that its parent exists and is writable",
                    path: path,
                    underlying: error as NSError
                )
            }
        } else if !isDirectory.boolValue {
            throw JournalError(.notAJournal, "\(path) is a file, not a journal directory; pass the directory", path: path)
        }
        if access(path, readOnly ? R_OK : (R_OK | W_OK | X_OK)) != 0 {
            throw JournalError(
                .permissionDenied,
                "the journal directory \(path) is not \(readOnly ? "readable" : "writable") by this user; "
                    + "fix its permissions or run as its owner",
                path: path
            )
        }
        writerLock = readOnly ? nil : try WriterLock(directory: path)

        let dataFile = path + "/data.mdb"
        let isNew = !fileManager.fileExists(atPath: dataFile)
        if isNew && !(configuration.createIfMissing && !readOnly) {
            throw JournalError(
                .notFound,
                "no journal in \(path): the directory holds no data.mdb; check the path"
                    + (readOnly ? "" : ", or create a new journal there"),
                path: path
            )
        }

        var environmentConfiguration = Environment.Configuration(path: path)
        environmentConfiguration.readOnly = readOnly
        environmentConfiguration.initialMapSize = configuration.initialMapSize
        environmentConfiguration.databases = JournalSchema.all
        environmentConfiguration.createMissingDatabases = isNew
        do {
            environment = try Environment(environmentConfiguration)
        } catch let error as LMDBError {
            let denied = error.code == EACCES || error.code == EROFS || error.code == EPERM
            throw JournalError(
                denied ? .permissionDenied : .storage,
                "cannot open the journal in \(path): \(error.lmdbMessage)"
                    + (denied ? "; check its permissions" : ""),
                path: path,
                underlying: error
            )
        }
        if isNew {
            try Journal.initialize(environment, clock: configuration.clock)
        }
        let databases = try Journal.checkFormat(environment, path: path)
        self.databases = databases
        let head = try environment.read { txn in try Journal.readHead(txn, databases.events) }
        notifier = HeadNotifier(head: head.position.rawValue)
        let writer = readOnly ? nil : WriterState(configuration: configuration)
        self.writer = writer
        let typeTable = self.typeTable
        let dictionaryCache = self.dictionaryCache
        try environment.read { txn in
            try typeTable.load(txn, databases.types)
            if let writer, let active = try Journal.activeDictionaryID(txn, databases.meta) {
                writer.activeDictionary = try dictionaryCache.dictionary(
                    active, txn, databases.dictionaries, level: configuration.compressionLevel)
            }
        }
    }

    /// Opens the journal at `path` for reading and appending, creating it if asked.
    public convenience init(path: String, createIfMissing: Bool = false) throws {
        try self.init(Configuration(path: path, access: .readWrite, createIfMissing: createIfMissing))
    }

    /// Opens the journal at `path` for reading only. Another process may append meanwhile.
    public static func openReadOnly(path: String) throws -> Journal {
        try Journal(Configuration(path: path, access: .readOnly))
    }

    private static func initialize(_ environment: Environment, clock: any JournalClock) throws {
        let meta = environment.database(JournalSchema.meta)
        try environment.write { txn in
            try txn.put(meta, key: JournalSchema.MetaKey.format, value: JournalSchema.formatVersion.bigEndianBytes)
            let id = (0..<16).map { _ in UInt8.random(in: 0...255) }
            try txn.put(meta, key: JournalSchema.MetaKey.journalID, value: id)
            try txn.put(meta, key: JournalSchema.MetaKey.createdAt, value: UInt64(bitPattern: clock.now().rawValue).bigEndianBytes)
        }
    }

    private static func checkFormat(_ environment: Environment, path: String) throws -> Databases {
        guard let meta = environment.database(named: JournalSchema.meta) else {
            throw JournalError(.notAJournal, "\(path) holds an LMDB environment that is not a Roster journal (no meta database)", path: path)
        }
        let format = try environment.read { txn in try txn.value(meta, key: JournalSchema.MetaKey.format) }
        guard let format, format.count == 4 else {
            throw JournalError(.notAJournal, "\(path) holds an LMDB environment that is not a Roster journal (no format version)", path: path)
        }
        let version = format.withUnsafeBytes { UInt32(bigEndianBytes: $0) }
        guard version == JournalSchema.formatVersion else {
            throw JournalError(
                .unsupportedFormat,
                "the journal in \(path) has format version \(version); this build reads version "
                    + "\(JournalSchema.formatVersion); use a Roster release that supports version \(version)",
                path: path
            )
        }
        func handle(_ name: String) throws -> Database {
            guard let database = environment.database(named: name) else {
                throw JournalError(.corrupt, "the journal in \(path) lacks its \(name) database; restore it from a backup", path: path)
            }
            return database
        }
        return Databases(
            events: try handle(JournalSchema.events),
            subjects: try handle(JournalSchema.subjects),
            recorded: try handle(JournalSchema.recorded),
            idempotency: try handle(JournalSchema.idempotency),
            dictionaries: try handle(JournalSchema.dictionaries),
            types: try handle(JournalSchema.types),
            meta: meta
        )
    }

    /// True when the journal was opened read-only.
    public var isReadOnly: Bool { writer == nil }

    /// The position of the last event (``JournalPosition/start`` when empty), as last seen by this process.
    public var head: JournalPosition {
        JournalPosition(notifier.head)
    }
}

extension Journal {
    /// Reader slots of dead processes that were cleared when the journal opened.
    public var staleReadersClearedAtOpen: Int { environment.staleReadersClearedAtOpen }

    /// Where the stored record of the event at `position` lies in `data.mdb`: its byte offset
    /// and length. For forensic tools and damage tests, which need to name the bytes of an event.
    public func storedRecordLocation(at position: JournalPosition) throws -> (offset: Int, length: Int)? {
        try read { snapshot in
            let key = position.rawValue.bigEndianBytes
            guard let value = try key.withUnsafeBytes({ try snapshot.txn.value(snapshot.db.events, key: $0) }),
                let base = environment.dataFileMapAddress(), let start = value.baseAddress
            else { return nil }
            return (Int(UInt(bitPattern: start) - base), value.count)
        }
    }
}
