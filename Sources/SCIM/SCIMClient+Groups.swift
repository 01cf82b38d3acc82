extension SCIMClient {
    /// The group named `displayName`, or nil.
    public func findGroup(displayName: String) async throws -> SCIMGroup? {
        try await search("/Groups", Self.filter("displayName", equals: displayName), as: SCIMGroup.self).first
    }

    /// The group whose `externalId` is exactly `externalId`, or nil.
    public func findGroup(externalId: String) async throws -> SCIMGroup? {
        try await search("/Groups", Self.filter("externalId", equals: externalId), as: SCIMGroup.self).first
    }

    /// The group with the server id `id`, with its members; a missing group throws a 404 ``SCIMError``.
    public func group(id: String) async throws -> SCIMGroup {
        let response = try await send("GET", "/Groups/\(Self.percentEncoded(id))")
        return try Self.withVersion(response.decode(SCIMGroup.self), response)
    }

    /// Creates an empty group and returns it as the server stored it, with its `id`.
    @discardableResult
    public func createGroup(displayName: String, externalId: String? = nil) async throws -> SCIMGroup {
        let response = try await send(
            "POST", "/Groups", json: SCIMGroup(externalId: externalId, displayName: displayName))
        return try Self.withVersion(response.decode(SCIMGroup.self), response)
    }

    /// Adds the users `add` to the group `id` and removes the users `remove`, by SCIM id, in one
    /// atomic PATCH, leaving other members alone. Returns the group's new version when the server
    /// told it; sends nothing and returns nil when both lists are empty.
    @discardableResult
    public func patchGroupMembers(
        id: String, add: [String] = [], remove: [String] = [], ifMatch: String? = nil
    ) async throws -> String? {
        var operations: [PatchOperation] = []
        if !add.isEmpty {
            operations.append(.add("members", .array(add.map { .object(["value": .string($0)]) })))
        }
        for member in remove {
            operations.append(.remove("members[\(Self.filter("value", equals: member))]"))
        }
        if operations.isEmpty { return nil }
        return try await patch("/Groups/\(Self.percentEncoded(id))", operations, ifMatch: ifMatch)
    }

    /// Every group on the server with its members, read `pageSize` at a time.
    public func listGroups(pageSize: Int = 100) async throws -> [SCIMGroup] {
        try await list("/Groups", pageSize: pageSize, as: SCIMGroup.self, id: \.id)
    }
}
