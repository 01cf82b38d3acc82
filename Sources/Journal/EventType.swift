/// An event's stable, versioned wire name, e.g. `worker.hired.v1`.
///
/// Lower-case dotted words ending in a version `v<N>`: the name never changes once events carry it;
/// a new shape gets a new version. The journal stores each name once and refers to it by number.
public struct EventType: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    /// The name, unchecked; ``validate()`` reports what is wrong with it.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public var description: String { rawValue }

    /// Nil when the name is well formed, otherwise what is wrong with it.
    public func validate() -> String? {
        let bytes = Array(rawValue.utf8)
        guard !bytes.isEmpty, bytes.count <= 128 else {
            return "an event type is 1 to 128 characters"
        }
        for byte in bytes {
            let allowed = (97...122).contains(byte) || (48...57).contains(byte) || byte == 46 || byte == 95 || byte == 45
            if !allowed {
                return "event type \"\(rawValue)\" may hold only a-z, 0-9, '.', '_' and '-'"
            }
        }
        let parts = rawValue.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }), let version = parts.last,
            version.first == "v", version.count > 1, version.dropFirst().allSatisfy(\.isNumber)
        else {
            return "event type \"\(rawValue)\" must be dotted words ending in a version, like worker.hired.v1"
        }
        return nil
    }
}
