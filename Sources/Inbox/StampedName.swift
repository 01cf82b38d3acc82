#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File names behind a UTC timestamp, `20250314T101502.123456Z-workers.csv`: what claimed,
/// archived and rejected files are called, so that every day's `workers.csv` keeps its own
/// copy and a listing sorts in the order files were taken.
enum StampedName {
    /// The length of the prefix: `YYYYMMDDTHHMMSS.ffffffZ-`.
    static let prefixLength = 24

    /// `name` after the timestamp of `microseconds` since the epoch.
    static func make(_ name: String, microseconds: Int64) -> String {
        var seconds = time_t(microseconds / 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let fraction = String(microseconds % 1_000_000)
        return digits(parts.tm_year + 1900, 4) + digits(parts.tm_mon + 1, 2) + digits(parts.tm_mday, 2) + "T"
            + digits(parts.tm_hour, 2) + digits(parts.tm_min, 2) + digits(parts.tm_sec, 2) + "."
            + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z-" + name
    }

    /// The name without its timestamp, or `name` itself when it has none (a file an operator put
    /// into `processing/` by hand).
    static func original(of name: String) -> String {
        let characters = Array(name.utf8)
        guard characters.count > prefixLength else { return name }
        let shape = Array("ddddddddTdddddd.ddddddZ-".utf8)
        for index in 0..<prefixLength {
            let expected = shape[index]
            let actual = characters[index]
            if expected == UInt8(ascii: "d") {
                guard actual >= UInt8(ascii: "0"), actual <= UInt8(ascii: "9") else { return name }
            } else if actual != expected {
                return name
            }
        }
        return String(decoding: characters[prefixLength...], as: UTF8.self)
    }

    /// The current time in microseconds since the epoch.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000
    }
}
