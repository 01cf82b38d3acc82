/// A SCIM Group (RFC 7643 §4.2): Roster's department and cost-center groups in the LMS.
///
/// Membership changes go through ``SCIMClient/patchGroupMembers(id:add:remove:)``, never by
/// rewriting the whole list, so concurrent changes by others are not lost.
public struct SCIMGroup: Sendable, Hashable, Codable {
    /// The server's id; nil until the server created the group.
    public var id: String?
    public var externalId: String?
    public var displayName: String
    public var members: [Member]
    public var meta: ResourceMeta?

    public init(
        id: String? = nil, externalId: String? = nil, displayName: String, members: [Member] = [],
        meta: ResourceMeta? = nil
    ) {
        self.id = id
        self.externalId = externalId
        self.displayName = displayName
        self.members = members
        self.meta = meta
    }

    /// One member of a group.
    public struct Member: Sendable, Hashable, Codable {
        /// The member's SCIM id.
        public var value: String
        /// The member's name, when the server fills it in.
        public var display: String?
        /// "User" or "Group", when the server says.
        public var type: String?

        public init(value: String, display: String? = nil, type: String? = nil) {
            self.value = value
            self.display = display
            self.type = type
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemas, id, externalId, displayName, members, meta
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        externalId = try container.decodeIfPresent(String.self, forKey: .externalId)
        displayName = try container.decode(String.self, forKey: .displayName)
        members = try container.decodeIfPresent([Member].self, forKey: .members) ?? []
        meta = try container.decodeIfPresent(ResourceMeta.self, forKey: .meta)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([SCIMSchema.group], forKey: .schemas)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(externalId, forKey: .externalId)
        try container.encode(displayName, forKey: .displayName)
        if !members.isEmpty { try container.encode(members, forKey: .members) }
        try container.encodeIfPresent(meta, forKey: .meta)
    }
}
