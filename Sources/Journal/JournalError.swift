import LMDBKit

/// Why a journal operation failed: a code to react to, a message that names the resource and
/// the remedy, the underlying cause, and where it was thrown.
public struct JournalError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// The journal directory does not exist.
        case notFound = "not-found"
        /// The directory cannot be written (or read).
        case permissionDenied = "permission-denied"
        /// Another process holds the journal's writer lock.
        case locked
        /// The journal was written in a format this build does not know.
        case unsupportedFormat = "unsupported-format"
        /// The directory holds something that is not a Roster journal.
        case notAJournal = "not-a-journal"
        /// Stored data does not decode or does not match its hash.
        case corrupt
        /// A subject's version was not the one the append expected.
        case wrongExpectedVersion = "wrong-expected-version"
        /// The event or batch to append is malformed.
        case invalidEvent = "invalid-event"
        /// The journal was opened read-only.
        case readOnly = "read-only"
        /// The storage engine failed (disk full, I/O error, ...).
        case storage
        /// Compression or dictionary training failed.
        case compression
    }

    /// What kind of failure.
    public let code: Code
    /// What happened and what to do about it.
    public let message: String
    /// The journal directory, when the failure concerns one.
    public let path: String?
    /// The lower-level error, if any.
    public let underlying: (any Error & Sendable)?
    /// Where the error was thrown.
    public let location: SourceLocation

    public init(
        _ code: Code,
        _ message: String,
        path: String? = nil,
        underlying: (any Error & Sendable)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.underlying = underlying
        self.location = SourceLocation(file: file, line: line)
    }

    public var description: String {
        var text = message
        if let underlying { text += " (\(underlying))" }
        return text
    }
}
