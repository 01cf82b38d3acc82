/// One operation of a SCIM PATCH request (RFC 7644 §3.5.2).
///
/// Paths follow the RFC grammar: `active`, `name.givenName`, `emails[type eq "work"].value`,
/// `members[value eq "2819c223"]`, or an extension attribute with its URN prefix,
/// `"\(SCIMSchema.enterpriseUser):department"`. The server applies a request's operations in order
/// and all or none of them.
public struct PatchOperation: Sendable, Hashable, Codable {
    /// What the operation does to its target.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Sets a single-valued attribute, or appends to a multi-valued one.
        case add
        /// Removes the target, or the values of a multi-valued attribute that match a filter.
        case remove
        /// Sets the target, replacing what was there.
        case replace
    }

    public var op: Kind
    /// The target; nil means the resource itself, and `value` is then an object of attributes.
    public var path: String?
    /// The value to add or replace with; nil for `remove`.
    public var value: JSONValue?

    public init(_ op: Kind, path: String?, value: JSONValue?) {
        self.op = op
        self.path = path
        self.value = value
    }

    /// Adds `value` at `path`; on a multi-valued attribute the values are appended.
    public static func add(_ path: String, _ value: JSONValue) -> PatchOperation {
        PatchOperation(.add, path: path, value: value)
    }

    /// Replaces what is at `path` with `value`.
    public static func replace(_ path: String, _ value: JSONValue) -> PatchOperation {
        PatchOperation(.replace, path: path, value: value)
    }

    /// Removes what is at `path`.
    public static func remove(_ path: String) -> PatchOperation {
        PatchOperation(.remove, path: path, value: nil)
    }
}

/// The body of a PATCH request: the PatchOp message wrapping its operations.
struct PatchRequest: Encodable {
    let schemas = [SCIMSchema.patchOperation]
    let operations: [PatchOperation]

    enum CodingKeys: String, CodingKey {
        case schemas
        case operations = "Operations"
    }
}
