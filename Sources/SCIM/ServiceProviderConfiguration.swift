/// What a SCIM server says it supports (RFC 7643 §5), read once before syncing so the client
/// uses only what the server offers: PATCH or PUT, `If-Match`, filters, Bulk.
public struct ServiceProviderConfiguration: Sendable, Hashable, Decodable {
    /// Whether the server accepts PATCH.
    public var patchSupported: Bool
    /// Whether the server answers `filter=` queries.
    public var filterSupported: Bool
    /// The most resources a filtered query returns, when the server says.
    public var filterMaxResults: Int?
    /// Whether the server versions resources and honours `If-Match`.
    public var etagSupported: Bool
    /// Whether the server accepts `/Bulk`.
    public var bulkSupported: Bool
    /// The most operations one Bulk request may carry, when the server says.
    public var bulkMaxOperations: Int?
    /// The largest Bulk request in bytes, when the server says.
    public var bulkMaxPayloadSize: Int?
    /// Whether the server sorts with `sortBy`.
    public var sortSupported: Bool

    public init(
        patchSupported: Bool, filterSupported: Bool, filterMaxResults: Int? = nil, etagSupported: Bool,
        bulkSupported: Bool, bulkMaxOperations: Int? = nil, bulkMaxPayloadSize: Int? = nil, sortSupported: Bool
    ) {
        self.patchSupported = patchSupported
        self.filterSupported = filterSupported
        self.filterMaxResults = filterMaxResults
        self.etagSupported = etagSupported
        self.bulkSupported = bulkSupported
        self.bulkMaxOperations = bulkMaxOperations
        self.bulkMaxPayloadSize = bulkMaxPayloadSize
        self.sortSupported = sortSupported
    }

    private struct Feature: Decodable {
        var supported: Bool?
        var maxResults: Int?
        var maxOperations: Int?
        var maxPayloadSize: Int?
    }

    private enum CodingKeys: String, CodingKey {
        case patch, filter, etag, bulk, sort
    }

    /// A feature the server does not mention counts as unsupported.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func feature(_ key: CodingKeys) throws -> Feature? { try container.decodeIfPresent(Feature.self, forKey: key) }
        let filter = try feature(.filter)
        let bulk = try feature(.bulk)
        patchSupported = try feature(.patch)?.supported ?? false
        filterSupported = filter?.supported ?? false
        filterMaxResults = filter?.maxResults
        etagSupported = try feature(.etag)?.supported ?? false
        bulkSupported = bulk?.supported ?? false
        bulkMaxOperations = bulk?.maxOperations
        bulkMaxPayloadSize = bulk?.maxPayloadSize
        sortSupported = try feature(.sort)?.supported ?? false
    }
}
