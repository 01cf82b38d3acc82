/// A SCIM User (RFC 7643 §4.1) with the Enterprise User extension (§4.3): the attributes an
/// HRIS-to-LMS sync writes and reads back.
///
/// Attributes the server adds that are not modelled here are ignored when decoding. Everything the
/// server may leave out is optional, so a user created by someone else (without an `externalId`,
/// say) still reads.
public struct SCIMUser: Sendable, Hashable, Codable {
    /// The server's id; nil until the server created the user.
    public var id: String?
    /// The client's id for the user: Roster puts the HR employee id here. Matched case-exactly.
    public var externalId: String?
    /// The login, unique on the server and matched case-insensitively.
    public var userName: String
    public var name: Name?
    public var displayName: String?
    /// The job title.
    public var title: String?
    public var emails: [Email]
    /// False suspends the user: the SCIM way to process a leaver without deleting history.
    public var active: Bool?
    /// The Enterprise User extension; nil when the server holds none for the user.
    public var enterprise: EnterpriseUser?
    /// Set by the server; ignored when creating.
    public var meta: ResourceMeta?

    public init(
        id: String? = nil, externalId: String? = nil, userName: String, name: Name? = nil, displayName: String? = nil,
        title: String? = nil, emails: [Email] = [], active: Bool? = true, enterprise: EnterpriseUser? = nil,
        meta: ResourceMeta? = nil
    ) {
        self.id = id
        self.externalId = externalId
        self.userName = userName
        self.name = name
        self.displayName = displayName
        self.title = title
        self.emails = emails
        self.active = active
        self.enterprise = enterprise
        self.meta = meta
    }

    /// The user's name parts.
    public struct Name: Sendable, Hashable, Codable {
        public var givenName: String?
        public var familyName: String?
        /// The full name for display, when the server or client sets one.
        public var formatted: String?

        public init(givenName: String?, familyName: String?, formatted: String? = nil) {
            self.givenName = givenName
            self.familyName = familyName
            self.formatted = formatted
        }
    }

    /// One e-mail address.
    public struct Email: Sendable, Hashable, Codable {
        public var value: String
        /// "work", "home" or "other".
        public var type: String?
        /// Whether this is the address to write to.
        public var primary: Bool?

        public init(value: String, type: String? = "work", primary: Bool? = true) {
            self.value = value
            self.type = type
            self.primary = primary
        }
    }

    /// The schemas the user's JSON declares: the core schema, plus the extension's when present,
    /// as RFC 7643 §3 requires.
    public var schemas: [String] {
        enterprise == nil ? [SCIMSchema.user] : [SCIMSchema.user, SCIMSchema.enterpriseUser]
    }

    enum CodingKeys: String, CodingKey {
        case schemas, id, externalId, userName, name, displayName, title, emails, active, meta
        case enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        externalId = try container.decodeIfPresent(String.self, forKey: .externalId)
        userName = try container.decode(String.self, forKey: .userName)
        name = try container.decodeIfPresent(Name.self, forKey: .name)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        emails = try container.decodeIfPresent([Email].self, forKey: .emails) ?? []
        active = try container.decodeIfPresent(Bool.self, forKey: .active)
        enterprise = try container.decodeIfPresent(EnterpriseUser.self, forKey: .enterprise)
        meta = try container.decodeIfPresent(ResourceMeta.self, forKey: .meta)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schemas, forKey: .schemas)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(externalId, forKey: .externalId)
        try container.encode(userName, forKey: .userName)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(displayName, forKey: .displayName)
        try container.encodeIfPresent(title, forKey: .title)
        if !emails.isEmpty { try container.encode(emails, forKey: .emails) }
        try container.encodeIfPresent(active, forKey: .active)
        try container.encodeIfPresent(enterprise, forKey: .enterprise)
        try container.encodeIfPresent(meta, forKey: .meta)
    }
}
