extension SCIMClient {
    /// The user whose `externalId` is exactly `externalId` (Roster's HR employee id), or nil.
    ///
    /// When several users share the id, which the server does not forbid, the first one the server
    /// lists is returned.
    public func findUser(externalId: String) async throws -> SCIMUser? {
        try await search("/Users", Self.filter("externalId", equals: externalId), as: SCIMUser.self).first
    }

    /// The user whose `userName` is `userName` (compared case-insensitively by the server), or nil:
    /// how a sync adopts an account that existed before it.
    public func findUser(userName: String) async throws -> SCIMUser? {
        try await search("/Users", Self.filter("userName", equals: userName), as: SCIMUser.self).first
    }

    /// The user with the server id `id`; a missing user throws a 404 ``SCIMError``.
    public func user(id: String) async throws -> SCIMUser {
        let response = try await send("GET", "/Users/\(Self.percentEncoded(id))")
        return try Self.withVersion(response.decode(SCIMUser.self), response)
    }

    /// Creates `user` (its `id` and `meta` are not sent) and returns it as the server stored it,
    /// with its `id` and `meta.version`. A taken `userName` throws a 409 ``SCIMError``.
    @discardableResult
    public func createUser(_ user: SCIMUser) async throws -> SCIMUser {
        var body = user
        body.id = nil
        body.meta = nil
        let response = try await send("POST", "/Users", json: body)
        return try Self.withVersion(response.decode(SCIMUser.self), response)
    }

    /// Applies `operations` to the user `id` in one atomic PATCH, and returns the user's new
    /// version when the server told it.
    ///
    /// With `ifMatch` (a ``ResourceMeta/version`` read earlier) the server refuses the change with a
    /// 412 ``SCIMError`` if the user changed since.
    @discardableResult
    public func patchUser(id: String, operations: [PatchOperation], ifMatch: String? = nil) async throws -> String? {
        try await patch("/Users/\(Self.percentEncoded(id))", operations, ifMatch: ifMatch)
    }

    /// Every user on the server, read `pageSize` at a time; a user that moves between pages while
    /// the listing runs appears once.
    public func listUsers(pageSize: Int = 100) async throws -> [SCIMUser] {
        try await list("/Users", pageSize: pageSize, as: SCIMUser.self, id: \.id)
    }
}
