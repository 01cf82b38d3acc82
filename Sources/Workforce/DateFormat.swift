/// How a feed writes dates. HR exports differ by vendor and by the exporting user's locale.
public enum DateFormat: String, Sendable, CaseIterable, Codable {
    /// `2026-11-29` (ISO 8601; BambooHR, Workday, SuccessFactors, UKG). Also accepts a time or an
    /// offset after the date (`2026-11-29T00:00:00`, Workday's `2026-11-29-08:00`) and ignores it.
    case iso = "yyyy-MM-dd"
    /// `11/29/2026` or `1/5/2026` (US exports; ADP Workforce Now).
    case us = "MM/dd/yyyy"
    /// `29/11/2026` (UK and most of Europe).
    case european = "dd/MM/yyyy"
    /// `29.11.2026` (Germany, Switzerland, much of Central Europe).
    case dotted = "dd.MM.yyyy"
    /// `20261129` (SAP and fixed-width heritage exports).
    case compact = "yyyyMMdd"
}

extension LocalDate {
    /// Parses `text` in `format`; nil when it is not a real date in that format. Surrounding
    /// spaces are ignored; an empty string is not a date.
    public static func parse(_ text: String, format: DateFormat) -> LocalDate? {
        var text = text.trimmingSpaces
        return text.withUTF8 { bytes in parse(bytes, format: format) }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, format: DateFormat) -> LocalDate? {
        func number(_ slice: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
            guard !slice.isEmpty, slice.count <= 4, slice.allSatisfy({ (48...57).contains($0) }) else { return nil }
            return slice.reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        func split(_ separator: UInt8) -> [Slice<UnsafeBufferPointer<UInt8>>] {
            bytes.split(separator: separator, omittingEmptySubsequences: false)
        }
        switch format {
        case .iso:
            // `yyyy-MM-dd`, which a time or an offset may follow (`2024-01-15T00:00:00`, Workday's
            // `2024-01-15-08:00`). Read in place: a journal replay reads two dates a hire.
            guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            if bytes.count > 10 {
                switch bytes[10] {
                case UInt8(ascii: "T"), UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "Z"): break
                default: return nil
                }
            }
            guard let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]) else { return nil }
            return LocalDate(year: year, month: month, day: day)
        case .us, .european:
            let parts = split(UInt8(ascii: "/"))
            guard parts.count == 3, parts[2].count == 4, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
                let first = number(parts[0]), let second = number(parts[1]), let year = number(parts[2])
            else { return nil }
            return format == .us ? LocalDate(year: year, month: first, day: second) : LocalDate(year: year, month: second, day: first)
        case .dotted:
            let parts = split(UInt8(ascii: "."))
            guard parts.count == 3, parts[2].count == 4, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
                let day = number(parts[0]), let month = number(parts[1]), let year = number(parts[2])
            else { return nil }
            return LocalDate(year: year, month: month, day: day)
        case .compact:
            guard bytes.count == 8, let year = number(bytes[0..<4]), let month = number(bytes[4..<6]), let day = number(bytes[6..<8]) else {
                return nil
            }
            return LocalDate(year: year, month: month, day: day)
        }
    }
}

extension LocalDate {
    /// The date written in `format`.
    public func formatted(_ format: DateFormat) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        switch format {
        case .iso: return description
        case .us: return "\(pad(month, 2))/\(pad(day, 2))/\(pad(year, 4))"
        case .european: return "\(pad(day, 2))/\(pad(month, 2))/\(pad(year, 4))"
        case .dotted: return "\(pad(day, 2)).\(pad(month, 2)).\(pad(year, 4))"
        case .compact: return "\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))"
        }
    }
}
