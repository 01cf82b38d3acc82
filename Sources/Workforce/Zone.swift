import Foundation

/// A time zone with its UTC offsets at hand.
///
/// Foundation answers `secondsFromGMT(for:)` through ICU, a few hundred instructions a call, and
/// a replay asks millions of times (a hire's first moment, a termination's cut-off, the local date
/// of a trigger). A zone's offsets change only at its transitions, so they are read from
/// Foundation once, as a table of every transition from 1970 to 2100, and each answer is a binary
/// search of it. Instants outside those years (a hire in the 1960s) are asked of Foundation.
///
/// Get zones by name from ``Zones``, which makes each table once.
public struct Zone: Sendable, Hashable, CustomStringConvertible {
    /// The zone as Foundation knows it.
    public let timeZone: TimeZone
    private let table: Transitions

    /// `timeZone`, with its table of transitions (up to a millisecond to make: ICU copies a zone's
    /// rules to find each transition).
    public init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
        table = Transitions(of: timeZone)
    }

    /// Coordinated Universal Time.
    public static let utc = Zone(.gmt)

    /// The IANA identifier (`Europe/London`).
    public var identifier: String { timeZone.identifier }
    public var description: String { identifier }

    /// The offset from UTC, in seconds east, in force at `seconds` since 1970-01-01T00:00:00Z.
    public func secondsFromGMT(atUTC seconds: Int64) -> Int64 {
        table.offset(at: seconds) ?? Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
    }

    public static func == (lhs: Zone, rhs: Zone) -> Bool { lhs.timeZone == rhs.timeZone }
    public func hash(into hasher: inout Hasher) { hasher.combine(timeZone) }

    /// The offsets of one zone from 1970 to 2100: `starts[i]` is the UTC second from which
    /// `offsets[i]` is in force, until `starts[i + 1]`.
    private final class Transitions: Sendable {
        /// 1970-01-01T00:00:00Z to 2100-01-01T00:00:00Z.
        static let covered: Range<Int64> = 0..<4_102_444_800
        let starts: [Int64]
        let offsets: [Int64]

        init(of zone: TimeZone) {
            var starts = [Self.covered.lowerBound]
            var offsets = [Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(Self.covered.lowerBound))))]
            var after = Date(timeIntervalSince1970: Double(Self.covered.lowerBound))
            let end = Date(timeIntervalSince1970: Double(Self.covered.upperBound))
            while let next = zone.nextDaylightSavingTimeTransition(after: after), next < end {
                // Foundation names every change of offset a transition, daylight saving or not;
                // one that changes nothing is not kept.
                let offset = Int64(zone.secondsFromGMT(for: next))
                if offset != offsets[offsets.count - 1] {
                    starts.append(Int64(next.timeIntervalSince1970.rounded(.down)))
                    offsets.append(offset)
                }
                after = next
            }
            self.starts = starts
            self.offsets = offsets
        }

        /// The offset at `seconds`, or nil outside the years covered.
        func offset(at seconds: Int64) -> Int64? {
            guard Self.covered.contains(seconds) else { return nil }
            return starts.withUnsafeBufferPointer { starts in
                // The last start at or before `seconds`: starts[0] is the lower bound, so one is.
                var low = 0
                var high = starts.count
                while high - low > 1 {
                    let middle = (low + high) / 2
                    if starts[middle] <= seconds { low = middle } else { high = middle }
                }
                return offsets[low]
            }
        }
    }
}
