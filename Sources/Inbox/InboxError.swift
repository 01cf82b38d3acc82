#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a drop folder could not be opened, read or moved in: a code to react to, a message that
/// names the path and the remedy, the `errno` behind it, and where it was thrown.
public struct InboxError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// The inbox (or a file in it) does not exist.
        case notFound = "not-found"
        /// The inbox path names something that is not a directory.
        case notADirectory = "not-a-directory"
        /// The inbox or one of its subfolders cannot be written (or read) by this process.
        case permissionDenied = "permission-denied"
        /// Any other file-system failure (disk full, I/O error, another filesystem mounted inside).
        case io
    }

    /// What kind of failure.
    public let code: Code
    /// What happened and what to do about it.
    public let message: String
    /// The path the failure concerns.
    public let path: String
    /// The `errno` of the failing call, when there was one.
    public let errorNumber: Int32?
    /// The `#fileID` of the throwing code.
    public let file: String
    /// The line of the throwing code.
    public let line: Int

    /// Creates an error.
    public init(
        _ code: Code,
        _ message: String,
        path: String,
        errorNumber: Int32? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.errorNumber = errorNumber
        self.file = file
        self.line = line
    }

    /// An error for a failed `operation` on `path`, its code and remedy chosen from `errorNumber`.
    static func failed(
        _ operation: String,
        path: String,
        errorNumber: Int32,
        file: String = #fileID,
        line: Int = #line
    ) -> InboxError {
        let reason = String(cString: strerror(errorNumber))
        switch errorNumber {
        case ENOENT:
            return InboxError(
                .notFound, "could not \(operation) \(path): it does not exist (\(reason))",
                path: path, errorNumber: errorNumber, file: file, line: line)
        case EACCES, EPERM, EROFS:
            return InboxError(
                .permissionDenied,
                "could not \(operation) \(path): \(reason); give the user running Roster (uid \(geteuid())) "
                    + "read and write access to the inbox and its subfolders",
                path: path, errorNumber: errorNumber, file: file, line: line)
        case ENOTDIR:
            return InboxError(
                .notADirectory, "could not \(operation) \(path): a component of the path is not a directory",
                path: path, errorNumber: errorNumber, file: file, line: line)
        default:
            return InboxError(
                .io, "could not \(operation) \(path): \(reason)",
                path: path, errorNumber: errorNumber, file: file, line: line)
        }
    }

    /// The message, with the place it was thrown from.
    public var description: String { "\(message) [\(code.rawValue), \(file):\(line)]" }
}
