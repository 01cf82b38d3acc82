import Foundation

/// What is wrong with `roster.yml`: the file, the line and column, the key, and what to do.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let line: Int?
    public let column: Int?
    /// Where in the document, e.g. `feeds[0].columns.employee_id`.
    public let key: String?
    public let message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return place + ": " + (key.map { "\($0): " } ?? "") + message
    }
}

extension ConfigurationError {
    /// The UTF-8 text of the file at `path`; the errors say what is wrong in the given words.
    static func text(of path: String, unreadable: String, notUTF8: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError(file: path, unreadable) }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigurationError(file: path, notUTF8) }
        return text
    }
}
