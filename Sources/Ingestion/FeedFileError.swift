/// Why a whole file was refused: nothing in it takes effect. Names the file, the line and
/// column when there is one, and what to do.
public struct FeedFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case undecodable
        case malformedCSV = "malformed-csv"
        case missingColumns = "missing-columns"
        case ambiguousColumns = "ambiguous-columns"
        case empty
        case headerOnly = "header-only"
        /// A JSON feed's document is not JSON.
        case malformedJSON = "malformed-json"
        /// A JSON feed's document has no array of records where the feed looks, or an empty one.
        case noRecords = "no-records"
    }

    public let code: Code
    public let file: String
    public let line: Int?
    public let column: Int?
    public let message: String

    public init(_ code: Code, file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ", line \(line)" }
        if let column { place += ", column \(column)" }
        return "\(place): \(message)"
    }
}

/// Why one row could not be used. The other rows go on; this one is quarantined and journaled.
public struct RowError: Error, CustomStringConvertible, Sendable, Equatable {
    public let line: Int
    /// The header name of the column at fault, when one is.
    public let column: String?
    /// The row's employee ID, when it had a usable one.
    public let employeeID: String?
    public let reason: String

    public init(line: Int, column: String?, employeeID: String?, reason: String) {
        self.line = line
        self.column = column
        self.employeeID = employeeID
        self.reason = reason
    }

    public var description: String {
        "line \(line)" + (column.map { ", column \"\($0)\"" } ?? "") + ": " + reason
    }
}
