import Foundation
import Synchronization

/// Time zones by IANA identifier, made once each: Foundation builds a `TimeZone` from its
/// database on every `TimeZone(identifier:)`, a ``Zone`` reads its transitions, and a replay asks
/// millions of times for the same few dozen.
public enum Zones {
    private static let known = Mutex(StringMap<Zone>())

    /// The zone named `identifier`, or nil when there is none.
    public static func named(_ identifier: String) -> Zone? {
        if let zone = known.withLock({ $0[identifier] }) { return zone }
        guard let timeZone = TimeZone(identifier: identifier) else { return nil }
        let zone = Zone(timeZone)
        known.withLock { $0.insert(zone, for: identifier) }
        return zone
    }

    /// The zone named `identifier`, UTC when there is none.
    public static func namedOrUTC(_ identifier: String) -> Zone {
        named(identifier) ?? .utc
    }
}
