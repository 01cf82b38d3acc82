import Foundation

/// The server-maintained `meta` of a resource (RFC 7643 §3.1).
public struct ResourceMeta: Sendable, Hashable, Codable {
    /// "User" or "Group".
    public var resourceType: String?
    public var created: Date?
    public var lastModified: Date?
    /// The resource's URL on the server.
    public var location: String?
    /// The resource's version as an entity tag, such as `W/"3"`: send it back in `If-Match` so the
    /// server refuses a change made against a stale read. Compare it only for equality.
    public var version: String?

    public init(
        resourceType: String? = nil, created: Date? = nil, lastModified: Date? = nil, location: String? = nil,
        version: String? = nil
    ) {
        self.resourceType = resourceType
        self.created = created
        self.lastModified = lastModified
        self.location = location
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case resourceType, created, lastModified, location, version
    }

    /// Reads the timestamps leniently: they are informational, and a sync must not stop because a
    /// server writes them in a form the parser does not know. Such a timestamp reads as nil.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        resourceType = try container.decodeIfPresent(String.self, forKey: .resourceType)
        location = try container.decodeIfPresent(String.self, forKey: .location)
        version = try container.decodeIfPresent(String.self, forKey: .version)
        created = (try? container.decodeIfPresent(String.self, forKey: .created)).flatMap(Self.timestamp)
        lastModified = (try? container.decodeIfPresent(String.self, forKey: .lastModified)).flatMap(Self.timestamp)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(resourceType, forKey: .resourceType)
        try container.encodeIfPresent(created.map(Self.timestamp), forKey: .created)
        try container.encodeIfPresent(lastModified.map(Self.timestamp), forKey: .lastModified)
        try container.encodeIfPresent(location, forKey: .location)
        try container.encodeIfPresent(version, forKey: .version)
    }

    /// An RFC 3339 date-time, with or without fractional seconds (servers write both).
    static func timestamp(_ text: String) -> Date? {
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? Date(text, strategy: fractional)) ?? (try? Date(text, strategy: .iso8601))
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// A resource that carries a ``ResourceMeta``: users and groups.
protocol VersionedResource {
    var meta: ResourceMeta? { get set }
}

extension SCIMUser: VersionedResource {}
extension SCIMGroup: VersionedResource {}
