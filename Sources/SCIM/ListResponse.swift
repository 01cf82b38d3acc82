/// One page of a query's answer (RFC 7644 §3.4.2).
struct ListResponse<Resource: Decodable>: Decodable {
    let totalResults: Int
    /// The 1-based index of the first resource on this page.
    let startIndex: Int?
    let itemsPerPage: Int?
    /// Absent, on some servers, when nothing matched.
    let resources: [Resource]

    enum CodingKeys: String, CodingKey {
        case totalResults, startIndex, itemsPerPage
        case resources = "Resources"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        totalResults = try container.decode(Int.self, forKey: .totalResults)
        startIndex = try container.decodeIfPresent(Int.self, forKey: .startIndex)
        itemsPerPage = try container.decodeIfPresent(Int.self, forKey: .itemsPerPage)
        resources = try container.decodeIfPresent([Resource].self, forKey: .resources) ?? []
    }
}
