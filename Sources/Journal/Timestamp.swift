import Foundation

/// An instant in UTC with microsecond precision, as the journal stores recorded and effective times.
public struct Timestamp: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public let rawValue: Int64

    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// The instant `microseconds` after the Unix epoch.
    public init(microsecondsSinceEpoch microseconds: Int64) {
        self.rawValue = microseconds
    }

    /// The instant of `date`, truncated to the microsecond.
    public init(_ date: Date) {
        self.rawValue = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    /// Microseconds since the Unix epoch.
    public var microsecondsSinceEpoch: Int64 { rawValue }

    /// The instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(rawValue) / 1_000_000) }

    /// The current instant of the system clock.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(rawValue: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }

    /// This instant moved by `microseconds`.
    public func adding(microseconds: Int64) -> Timestamp {
        Timestamp(rawValue: rawValue + microseconds)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// RFC 3339 in UTC with microseconds, e.g. `2026-11-29T03:01:36.123456Z`.
    public var description: String { iso8601 }

    /// RFC 3339 in UTC with microseconds, e.g. `2026-11-29T03:01:36.123456Z`.
    public var iso8601: String {
        let seconds = rawValue >= 0 ? rawValue / 1_000_000 : (rawValue - 999_999) / 1_000_000
        let micros = rawValue - seconds * 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + ".\(pad(Int32(micros), 6))Z"
    }

    /// Parses RFC 3339 (`2026-11-29T03:01:36Z`, with optional fraction and offset) or a bare
    /// date (`2026-11-29`, taken as UTC midnight). Returns nil for anything else.
    public init?(iso8601 text: String) {
        let scalars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= scalars.count else { return nil }
            var value = 0
            for byte in scalars[from..<from + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), scalars.count >= 10, scalars[4] == 45, let month = number(5, 2),
            scalars[7] == 45, let day = number(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var micros = 0
        var offsetSeconds = 0
        var index = 10
        if index < scalars.count {
            guard scalars[index] == 84 || scalars[index] == 116 || scalars[index] == 32,
                let h = number(11, 2), scalars.count > 13, scalars[13] == 58, let m = number(14, 2),
                scalars.count > 16, scalars[16] == 58, let s = number(17, 2),
                h < 24, m < 60, s < 61
            else { return nil }
            hour = h
            minute = m
            second = s
            index = 19
            if index < scalars.count, scalars[index] == 46 {
                index += 1
                var digits = 0
                while index < scalars.count, (48...57).contains(scalars[index]) {
                    if digits < 6 { micros = micros * 10 + Int(scalars[index] - 48) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                for _ in min(digits, 6)..<6 { micros *= 10 }
            }
            guard index < scalars.count else { return nil }
            switch scalars[index] {
            case 90, 122:  // Z z
                index += 1
            case 43, 45:  // + -
                guard let oh = number(index + 1, 2), scalars.count > index + 3, scalars[index + 3] == 58,
                    let om = number(index + 4, 2)
                else { return nil }
                offsetSeconds = (oh * 3600 + om * 60) * (scalars[index] == 45 ? -1 : 1)
                index += 6
            default:
                return nil
            }
            guard index == scalars.count else { return nil }
        }
        // Days from civil (Howard Hinnant's algorithm), valid for the proleptic Gregorian calendar.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        self.rawValue = seconds * 1_000_000 + Int64(micros)
    }
}

/// Where the journal gets the current time; tests inject their own.
public protocol JournalClock: Sendable {
    /// The current instant.
    func now() -> Timestamp
}

/// The system's real-time clock.
public struct SystemClock: JournalClock {
    public init() {}
    public func now() -> Timestamp { Timestamp.now() }
}

extension Timestamp: Codable {
    /// Decodes RFC 3339 text, as ``init(iso8601:)`` reads it.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not an RFC 3339 instant"))
        }
        self = value
    }

    /// Encodes RFC 3339 text in UTC with microseconds.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}
