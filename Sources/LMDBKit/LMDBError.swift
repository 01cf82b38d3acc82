import CLMDB

/// An error reported by liblmdb, with the operation and resource it concerned.
///
/// `code` is the raw LMDB or `errno` value (`MDB_MAP_FULL`, `EACCES`, ...), so callers can react
/// to the conditions they handle (a full map, a missing key) and report the rest.
public struct LMDBError: Error, CustomStringConvertible, Sendable {
    /// The LMDB return code or errno.
    public let code: Int32
    /// What was being done, e.g. `open environment` or `put`.
    public let operation: String
    /// The path or database the operation concerned, when there is one.
    public let resource: String?
    /// Where the error was thrown.
    public let location: SourceLocation

    /// Creates an error for `code`, thrown by `operation` on `resource`.
    public init(
        code: Int32,
        operation: String,
        resource: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.operation = operation
        self.resource = resource
        self.location = SourceLocation(file: file, line: line)
    }

    /// LMDB's own text for the code (`mdb_strerror`, which also covers errno values).
    public var lmdbMessage: String {
        String(cString: mdb_strerror(code))
    }

    /// True when the memory map is full and the environment must grow.
    public var isMapFull: Bool { code == MDB_MAP_FULL }
    /// True when another process grew the map and this one must adopt the new size.
    public var isMapResized: Bool { code == MDB_MAP_RESIZED }
    /// True when a key was not found.
    public var isNotFound: Bool { code == MDB_NOTFOUND }
    /// True when a put with `noOverwrite` met an existing key.
    public var isKeyExists: Bool { code == MDB_KEYEXIST }

    public var description: String {
        var text = "LMDB \(operation) failed"
        if let resource { text += " for \(resource)" }
        text += ": \(lmdbMessage) (code \(code))"
        return text
    }
}

/// Where an error was thrown, for logs and bug reports.
public struct SourceLocation: Sendable, CustomStringConvertible {
    /// The `#fileID` of the throwing code.
    public let file: String
    /// The line of the throwing code.
    public let line: Int

    /// Creates a location.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String, _ resource: @autoclosure () -> String? = nil) throws {
    if code != 0 {
        throw LMDBError(code: code, operation: operation(), resource: resource())
    }
}
