import Foundation
import Workforce

/// A test of one attribute of a worker: its value is one of a list, or matches a pattern.
/// Comparisons ignore case and surrounding spaces, as HR systems are loose about both.
public struct WorkerCondition: Sendable, Equatable, CustomStringConvertible {
    public enum Matcher: Sendable, Equatable {
        /// The value is one of these (compared case-insensitively).
        case oneOf([String])
        /// The value matches this regular expression somewhere (case-insensitively).
        case pattern(ValuePattern)
    }

    public var attribute: WorkerAttribute
    public var matcher: Matcher

    public init(_ attribute: WorkerAttribute, _ matcher: Matcher) {
        self.attribute = attribute
        self.matcher = matcher
    }

    /// True when `worker`'s attribute passes the test. An empty value passes no test.
    public func holds(for worker: Worker) -> Bool {
        holds(forValue: attribute.value(in: worker))
    }

    /// True when `value` passes the test.
    public func holds(forValue value: String?) -> Bool {
        guard let value else { return false }
        switch matcher {
        case .oneOf(let values):
            let folded = Self.fold(value)
            return values.contains { Self.fold($0) == folded }
        case .pattern(let pattern):
            return pattern.matches(value)
        }
    }

    public var description: String {
        switch matcher {
        case .oneOf(let values): "\(attribute) in [\(values.joined(separator: ", "))]"
        case .pattern(let pattern): "\(attribute) matches /\(pattern.source)/"
        }
    }

    /// `text` as comparisons see it: trimmed and lower-cased.
    public static func fold(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

/// A compiled, case-insensitive regular expression.
///
/// - Important: `NSRegularExpression` is immutable once made and safe to match from several
///   threads, which is why this wrapper may be shared.
public final class ValuePattern: @unchecked Sendable, Equatable {
    public let source: String
    private let expression: NSRegularExpression

    /// Compiles `source`; throws when it is not a valid regular expression.
    public init(_ source: String) throws {
        self.source = source
        self.expression = try NSRegularExpression(pattern: source, options: [.caseInsensitive])
    }

    public func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    public static func == (lhs: ValuePattern, rhs: ValuePattern) -> Bool { lhs.source == rhs.source }
}
