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

    public var attribute: WorkerAttribute {
        didSet { typeAnswers = Self.typeAnswers(of: attribute, folded: folded, matcher: matcher) }
    }
    public var matcher: Matcher {
        didSet {
            folded = Self.foldedValues(of: matcher)
            typeAnswers = Self.typeAnswers(of: attribute, folded: folded, matcher: matcher)
        }
    }
    /// The values of a `oneOf` matcher as comparisons see them, made once.
    private var folded: Set<String>
    /// For a condition on the employment type, its answer for each type, as bits: scope rules
    /// are asked on every event of a replay, and there are only a few types.
    private var typeAnswers: UInt8?

    public init(_ attribute: WorkerAttribute, _ matcher: Matcher) {
        self.attribute = attribute
        self.matcher = matcher
        self.folded = Self.foldedValues(of: matcher)
        self.typeAnswers = Self.typeAnswers(of: attribute, folded: folded, matcher: matcher)
    }

    private static func typeAnswers(of attribute: WorkerAttribute, folded: Set<String>, matcher: Matcher) -> UInt8? {
        guard case .employmentType = attribute else { return nil }
        var answers: UInt8 = 0
        for type in EmploymentType.allCases where holds(forValue: type.rawValue, folded: folded, matcher: matcher) { answers |= bit(type) }
        return answers
    }

    private static func bit(_ type: EmploymentType) -> UInt8 {
        switch type {
        case .fullTime: 1 << 0
        case .partTime: 1 << 1
        case .contractor: 1 << 2
        case .intern: 1 << 3
        case .temporary: 1 << 4
        }
    }

    private static func foldedValues(of matcher: Matcher) -> Set<String> {
        guard case .oneOf(let values) = matcher else { return [] }
        return Set(values.map(fold))
    }

    /// True when `worker`'s attribute passes the test. An empty value passes no test.
    public func holds(for worker: Worker) -> Bool {
        if let typeAnswers { return typeAnswers & Self.bit(worker.employmentType) != 0 }
        return holds(forValue: attribute.value(in: worker))
    }

    /// True when `value` passes the test.
    public func holds(forValue value: String?) -> Bool {
        guard let value else { return false }
        return Self.holds(forValue: value, folded: folded, matcher: matcher)
    }

    private static func holds(forValue value: String, folded: Set<String>, matcher: Matcher) -> Bool {
        switch matcher {
        case .oneOf:
            return folded.contains(fold(value))
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
        // Most HR codes, titles and places are ASCII: when there is nothing to trim or lower, no
        // copy; otherwise trimmed and lowered byte by byte, as the Unicode way would for ASCII.
        var ascii = true
        var plain = true
        for byte in text.utf8 {
            if byte >= 0x80 {
                ascii = false
                break
            }
            if (0x41...0x5A).contains(byte) { plain = false }
        }
        if ascii {
            if plain, let first = text.utf8.first, let last = text.utf8.last, first > 0x20, last > 0x20 { return text }
            return foldASCII(text)
        }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end]).lowercased()
    }

    /// Whether `first` and `second` are the same once folded (``fold(_:)``), found without
    /// making either: ASCII text is compared byte by byte, trimmed and lowered as it goes (a
    /// transfer trigger asks it of every location change, and folding both sides made two new
    /// strings each time); other text is folded.
    public static func sameFolded(_ first: String, _ second: String) -> Bool {
        var (first, second) = (first, second)
        let answer: Bool? = first.withUTF8 { a in
            second.withUTF8 { b in
                guard !a.contains(where: { $0 >= 0x80 }), !b.contains(where: { $0 >= 0x80 }) else { return nil }
                let (a, b) = (trimmedASCII(a), trimmedASCII(b))
                return a.count == b.count && zip(a, b).allSatisfy { loweredASCII($0) == loweredASCII($1) }
            }
        }
        return answer ?? (fold(first) == fold(second))
    }

    /// `utf8` without the whitespace of Unicode's definition among ASCII (tab, line feed,
    /// vertical tab, form feed, carriage return, space) at either end.
    private static func trimmedASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }), let end = utf8.lastIndex(where: { !isSpace($0) }) else { return utf8[0..<0] }
        return utf8[start...end]
    }

    /// An ASCII byte, A to Z lowered.
    private static func loweredASCII(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }

    /// ``fold(_:)`` of ASCII `text`: the whitespace of Unicode's definition among ASCII (tab, line
    /// feed, vertical tab, form feed, carriage return, space) trimmed, A to Z lowered.
    private static func foldASCII(_ text: String) -> String {
        var text = text
        return text.withUTF8 { utf8 in
            let trimmed = trimmedASCII(utf8)
            return String(unsafeUninitializedCapacity: trimmed.count) { buffer in
                for (offset, byte) in trimmed.enumerated() { buffer[offset] = loweredASCII(byte) }
                return trimmed.count
            }
        }
    }
}

/// A compiled, case-insensitive regular expression.
///
/// - Important: `NSRegularExpression` is immutable once made and safe to match from several
///   threads, which is why this wrapper may be shared.
public final class ValuePattern: @unchecked Sendable, Equatable {
    public let source: String
    private let expression: NSRegularExpression
    private let answers = Memo<Bool>()

    /// Compiles `source`; throws when it is not a valid regular expression.
    public init(_ source: String) throws {
        self.source = source
        self.expression = try NSRegularExpression(pattern: source, options: [.caseInsensitive])
    }

    public func matches(_ text: String) -> Bool {
        answers.answer(for: text) { expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil }
    }


    public static func == (lhs: ValuePattern, rhs: ValuePattern) -> Bool { lhs.source == rhs.source }
}
