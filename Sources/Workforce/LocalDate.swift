import Foundation
import Journal

/// A calendar date with no time or zone: a hire or termination date as HR records it.
///
/// When it takes effect depends on where the worker is: ``start(in:cutoff:)`` gives the instant
/// that date begins (or reaches its cut-off) in the worker's time zone.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The date, or nil when it does not exist (February 30th, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= LocalDate.days(in: month, of: year) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// ISO 8601: `2026-11-29`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after this one.
    public func adding(days: Int) -> LocalDate {
        LocalDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// The date `days` after 1970-01-01.
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// The instant this date reaches `cutoff` (local midnight by default) in `zone`. When the
    /// zone skips that time (a daylight-saving jump), the same time after the jump (a midnight
    /// skipped becomes 01:00); when it passes it twice (clocks going back), the first time.
    ///
    /// Worked out from the zone's UTC offsets rather than a `Calendar` (which costs more to make
    /// than the rest of a replay's step); ``startByCalendar(in:cutoff:)`` is the oracle in tests.
    public func start(in zone: Zone, cutoff: LocalTime = .midnight) -> Timestamp {
        let local = Int64(daysSinceEpoch) * 86_400 + Int64(cutoff.hour * 3600 + cutoff.minute * 60)
        func offset(_ utc: Int64) -> Int64 { zone.secondsFromGMT(atUTC: utc) }
        // A day either side, the offsets in force around any transition near this time.
        let before = offset(local - 86_400)
        let after = offset(local + 86_400)
        // The same offset a day either side (no transition near, nearly always): this time
        // exists once, at that offset, with no more lookups (a hire asks twice).
        if before == after { return Timestamp(rawValue: (local - before) * 1_000_000) }
        var first: Int64?
        for candidate in [local - before, local - after] where candidate + offset(candidate) == local {
            first = min(first ?? candidate, candidate)
        }
        if let first { return Timestamp(rawValue: first * 1_000_000) }
        // In a gap: read with the offset before the jump, as calendars do (02:30 becomes 03:30).
        return Timestamp(rawValue: (local - before) * 1_000_000)
    }

    /// ``start(in:cutoff:)`` as Foundation's calendar computes it.
    func startByCalendar(in zone: TimeZone, cutoff: LocalTime = .midnight) -> Timestamp {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day, hour: cutoff.hour, minute: cutoff.minute)
        let date = calendar.date(from: components) ?? calendar.startOfDay(for: Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400))
        return Timestamp(date)
    }

    /// The date it is in `zone` at `instant`.
    public static func at(_ instant: Timestamp, in zone: Zone) -> LocalDate {
        let seconds = instant.rawValue >= 0 ? instant.rawValue / 1_000_000 : (instant.rawValue - 999_999) / 1_000_000
        let local = seconds + zone.secondsFromGMT(atUTC: seconds)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return LocalDate(daysSinceEpoch: Int(days))
    }

    /// A date as Roster writes it (`yyyy-MM-dd`) and nothing else: a time or an offset after it is
    /// refused, not dropped (as a feed's ``DateFormat/iso`` drops it). For dates a person types.
    public init?(exactly text: String) {
        guard let date = LocalDate.parse(text, format: .iso), date.description == text else { return nil }
        self = date
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate.parse(text, format: .iso) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not a yyyy-MM-dd date"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A time of day in a worker's zone, such as the cut-off at which a termination takes effect.
public struct LocalTime: Hashable, Sendable, Codable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:mm`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]) else {
            return nil
        }
        self.init(hour: hour, minute: minute)
    }

    public static let midnight = LocalTime(hour: 0, minute: 0)!

    /// The time of day it is in `zone` at `instant`, to the minute.
    public static func at(_ instant: Timestamp, in zone: Zone) -> LocalTime {
        let seconds = instant.rawValue >= 0 ? instant.rawValue / 1_000_000 : (instant.rawValue - 999_999) / 1_000_000
        let local = seconds + zone.secondsFromGMT(atUTC: seconds)
        let minutes = Int(((local % 86_400) + 86_400) % 86_400 / 60)
        return LocalTime(hour: minutes / 60, minute: minutes % 60)!
    }

    public var description: String {
        (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }
}
