/// Why a CSV file could not be read: what is wrong, where (line and column, 1-based), and what
/// to do. The line is the physical line in the file, counting every line break, so a field
/// with embedded newlines does not shift the numbers of later lines.
public struct CSVError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem.
    public enum Code: String, Sendable {
        /// The bytes are not valid in the file's encoding.
        case undecodable
        /// A quoted field is never closed.
        case unterminatedQuote = "unterminated-quote"
        /// A quote appears inside an unquoted field, or text follows a closing quote.
        case strayQuote = "stray-quote"
        /// The file holds no header line.
        case empty
    }

    public let code: Code
    /// The physical line, 1-based.
    public let line: Int
    /// The column on that line, 1-based, in characters.
    public let column: Int
    /// What is wrong and what to do.
    public let message: String

    public init(_ code: Code, line: Int, column: Int, _ message: String) {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
