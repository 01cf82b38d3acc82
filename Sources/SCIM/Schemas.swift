/// The schema and message URNs of RFC 7643 and RFC 7644 that the client reads and writes.
///
/// A resource's `schemas` array and the key of an extension object must spell these exactly;
/// servers reject an extension whose URN they do not know.
public enum SCIMSchema {
    /// The core User schema (RFC 7643 §4.1).
    public static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    /// The Enterprise User extension (RFC 7643 §4.3). Also the prefix of its attribute paths in
    /// filters and PATCH operations: `"\(SCIMSchema.enterpriseUser):department"`.
    public static let enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    /// The core Group schema (RFC 7643 §4.2).
    public static let group = "urn:ietf:params:scim:schemas:core:2.0:Group"
    /// The body of a PATCH request (RFC 7644 §3.5.2).
    public static let patchOperation = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    /// The answer to a query (RFC 7644 §3.4.2).
    public static let listResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    /// The body of an error answer (RFC 7644 §3.12).
    public static let error = "urn:ietf:params:scim:api:messages:2.0:Error"
}
