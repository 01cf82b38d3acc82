/// A worker's employee ID: the immutable key every record is matched by. Never an email, never a name.
public struct EmployeeID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// The ID as given, unchecked; ``init(validating:)`` checks it.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The ID in `text` with surrounding spaces removed, or nil when it is empty, longer than
    /// 64 characters, or holds control characters.
    public init?(validating text: String) {
        // Most IDs are short ASCII without spaces: check those byte by byte.
        var plain = true
        var count = 0
        for byte in text.utf8 {
            count += 1
            if byte <= 0x20 || byte >= 0x7F || count > 64 {
                plain = false
                break
            }
        }
        if plain, count > 0 {
            rawValue = text
            return
        }
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.count <= 64, !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        rawValue = trimmed
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and no-break spaces.
    public var trimmingSpaces: String {
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return self }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
