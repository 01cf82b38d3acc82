import Foundation

/// The `Retry-After` header (RFC 9110 §10.2.3), as the HTTP clients (SCIM, the HRIS pollers) read it.
public enum RetryAfter {
    /// The wait the header asks for: delta-seconds, or an HTTP-date measured from `now` (a date in
    /// the past means no wait). Nil when the header reads as neither.
    public static func wait(parsing header: String, now: Date = Date()) -> Duration? {
        let text = header.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), let seconds = Int64(text) {
            return .seconds(seconds)
        }
        guard let date = httpDate(text) else { return nil }
        return .milliseconds(Int64((max(0, date.timeIntervalSince(now)) * 1000).rounded()))
    }

    /// Reads the preferred IMF-fixdate form and the two obsolete forms recipients must accept.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
