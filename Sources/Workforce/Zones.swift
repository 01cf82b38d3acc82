import Foundation
import Synchronization

/// Time zones by IANA identifier, made once each: Foundation builds a `TimeZone` from its
/// database on every `TimeZone(identifier:)`, and a replay asks millions of times for the same
/// few dozen.
public enum Zones {
    private static let known = Mutex(StringMap<TimeZone>())

    /// The zone named `identifier`, or nil when there is none.
    public static func named(_ identifier: String) -> TimeZone? {
        if let zone = known.withLock({ $0[identifier] }) { return zone }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        known.withLock { $0.insert(zone, for: identifier) }
        return zone
    }

    /// The zone named `identifier`, UTC when there is none.
    public static func namedOrUTC(_ identifier: String) -> TimeZone {
        named(identifier) ?? .gmt
    }
}
