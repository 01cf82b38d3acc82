/// A JSON document as HR systems' APIs and webhooks send it, read with the places of its parts
/// kept for error messages: objects keep their keys in the order written, and numbers keep the
/// text they were written with (an employee number `00123` sent as a string and `5` sent as a
/// number both reach the feed as written).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, as its text in the document.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// An object's members in the order written.
    case object([(key: String, value: JSONValue)])

    /// Equal values, objects comparing their members in order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)), (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.elementsEqual(b) { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// The value of member `key` of an object (the first, when a key is written twice); nil for
    /// anything else.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The value at `path`, a member name at each step (or an index, for an array).
    public subscript(path path: [String]) -> JSONValue? {
        var value = self
        for step in path {
            switch value {
            case .object: guard let next = value[step] else { return nil }; value = next
            case .array(let items):
                guard let index = Int(step), items.indices.contains(index) else { return nil }; value = items[index]
            default: return nil
            }
        }
        return value
    }

    /// A scalar as text: a string as it is, a number as written, `true`/`false`; nil for null,
    /// arrays and objects.
    public var text: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let value): value ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    /// The members of an object, or nil.
    public var members: [(key: String, value: JSONValue)]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    /// The items of an array, or nil.
    public var items: [JSONValue]? {
        guard case .array(let items) = self else { return nil }
        return items
    }

    /// Reads `bytes`, UTF-8 with or without a byte order mark, as one JSON value (RFC 8259).
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        return try parser.document()
    }
}

/// Where and why bytes are not JSON.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line and column (in bytes) of the problem.
    public let line: Int
    public let column: Int
    /// What was expected there.
    public let message: String

    /// An error at `line` and `column`.
    public init(line: Int, column: Int, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line L, column C: message`.
    public var description: String { "line \(line), column \(column): \(message)" }
}
