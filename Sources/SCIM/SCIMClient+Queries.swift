import Foundation

/// What users and groups share: equality filters, listing by pages, PATCH, and versions.
extension SCIMClient {
    /// `attribute eq "value"`, with the value written as a JSON string literal (RFC 7644 §3.4.2.2).
    static func filter(_ attribute: String, equals value: String) -> String {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\(attribute) eq \"\(escaped)\""
    }

    /// The first page of resources at `path` that match `filter`.
    func search<Resource: Decodable>(_ path: String, _ filter: String, as type: Resource.Type) async throws
        -> [Resource]
    {
        try await send("GET", path, query: [("filter", filter)]).decode(ListResponse<Resource>.self).resources
    }

    /// Every resource at `path`, by `startIndex`/`count` paging (RFC 7644 §3.4.2.4) until the index
    /// passes `totalResults`. Index paging shifts when resources are added or removed meanwhile, so
    /// resources are deduplicated by id.
    func list<Resource: Decodable>(
        _ path: String, pageSize: Int, as type: Resource.Type, id: (Resource) -> String?
    ) async throws -> [Resource] {
        precondition(pageSize > 0, "a SCIM page holds at least one resource")
        var resources: [Resource] = []
        var seen: Set<String> = []
        var startIndex = 1
        while true {
            try Task.checkCancellation()
            let page = try await send("GET", path, query: [("startIndex", "\(startIndex)"), ("count", "\(pageSize)")])
                .decode(ListResponse<Resource>.self)
            for resource in page.resources {
                if let key = id(resource), !seen.insert(key).inserted { continue }
                resources.append(resource)
            }
            // An empty page ends the listing whatever the total says, so a miscounting server
            // cannot keep the loop going.
            startIndex += page.resources.count
            if page.resources.isEmpty || startIndex > page.totalResults { return resources }
        }
    }

    /// Sends a PATCH of `operations` to `path`; returns the new version from the answer.
    func patch(_ path: String, _ operations: [PatchOperation], ifMatch: String?) async throws -> String? {
        let response = try await send("PATCH", path, json: PatchRequest(operations: operations), ifMatch: ifMatch)
        // 204 has no body; a 200 carries the resource, whose meta is more precise than the header.
        if response.status != 204, !response.body.isEmpty,
            let resource = try? response.decode(PatchedResource.self), let version = resource.meta?.version
        {
            return version
        }
        return response.entityTag
    }

    /// `resource` with `meta.version` taken from the `ETag` header when the body left it out.
    static func withVersion<Resource: VersionedResource>(_ resource: Resource, _ response: SCIMResponse) -> Resource {
        guard resource.meta?.version == nil, let tag = response.entityTag else { return resource }
        var resource = resource
        resource.meta = resource.meta ?? ResourceMeta()
        resource.meta?.version = tag
        return resource
    }
}

/// Only the meta of whatever resource a PATCH returned.
private struct PatchedResource: Decodable {
    let meta: ResourceMeta?
}
