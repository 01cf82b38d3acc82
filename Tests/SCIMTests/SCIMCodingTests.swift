import Foundation
import SCIM
import Testing

/// The JSON the client writes and reads, without a server: schemas, extensions, unknown
/// attributes, and the Retry-After forms.
@Suite struct SCIMCodingTests {
    func json(_ value: some Encodable) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
    }

    @Test func schemasListTheEnterpriseExtensionOnlyWhenItIsPresent() throws {
        var user = worker("1")
        let withExtension = try json(user)
        #expect(withExtension["schemas"] as? [String] == [SCIMSchema.user, SCIMSchema.enterpriseUser])
        #expect((withExtension[SCIMSchema.enterpriseUser] as? [String: Any])?["department"] as? String == "R&D")

        user.enterprise = nil
        let without = try json(user)
        #expect(without["schemas"] as? [String] == [SCIMSchema.user])
        #expect(without[SCIMSchema.enterpriseUser] == nil)
        #expect(without["id"] == nil)
    }

    @Test func unknownAttributesAndMissingOptionalOnesDoNotBreakDecoding() throws {
        let body = """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:example:custom"],
             "id":"u1","userName":"jdoe","nickName":"JD","phoneNumbers":[{"value":"+1 555","type":"work"}],
             "groups":[{"value":"g1","display":"Sales"}],"urn:example:custom":{"badge":7},
             "emails":[{"value":"j@example.com","display":"J","primary":true}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"organization":"Acme",
               "manager":{"value":"m1","$ref":"../Users/m1","displayName":"Boss"}},
             "meta":{"resourceType":"User","created":"2026-11-29T07:33:07Z","lastModified":"yesterday",
               "version":"W/\\"9\\""}}
            """
        let user = try JSONDecoder().decode(SCIMUser.self, from: Data(body.utf8))
        #expect(user.id == "u1")
        #expect(user.externalId == nil)
        #expect(user.active == nil)
        #expect(user.emails == [SCIMUser.Email(value: "j@example.com", type: nil, primary: true)])
        #expect(user.enterprise?.manager == EnterpriseUser.Manager(value: "m1", displayName: "Boss"))
        #expect(user.meta?.version == #"W/"9""#)
        #expect(user.meta?.created == Date(timeIntervalSince1970: 1_795_937_587))
        #expect(user.meta?.lastModified == nil)
    }

    @Test func patchOperationsWriteTheRFCShape() throws {
        let operation = try json(PatchOperation.add("members", [["value": "u1"]]))
        #expect(operation["op"] as? String == "add")
        #expect(operation["path"] as? String == "members")
        #expect((operation["value"] as? [[String: String]]) == [["value": "u1"]])
        #expect(try json(PatchOperation.remove("title"))["value"] == nil)
    }

    @Test func retryAfterReadsDeltaSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(SCIMError.retryAfter(parsing: "120", now: now) == .seconds(120))
        #expect(SCIMError.retryAfter(parsing: " 0 ", now: now) == .zero)
        #expect(SCIMError.retryAfter(parsing: "Sun, 06 Nov 1994 08:50:07 GMT", now: now) == .seconds(30))
        #expect(SCIMError.retryAfter(parsing: "Sunday, 06-Nov-94 08:50:37 GMT", now: now) == .seconds(60))
        #expect(SCIMError.retryAfter(parsing: "Sun Nov  6 08:51:37 1994", now: now) == .seconds(120))
        #expect(SCIMError.retryAfter(parsing: "Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)
        #expect(SCIMError.retryAfter(parsing: "-5", now: now) == nil)
        #expect(SCIMError.retryAfter(parsing: "soon", now: now) == nil)
    }

    @Test func onlyTransportFailuresThrottlingAndServerErrorsAreTransient() {
        func error(_ status: Int) -> SCIMError { SCIMError(status: status, detail: "", method: "GET", path: "/Users") }
        #expect([0, 429, 500, 502, 503, 504].allSatisfy { error($0).isTransient })
        #expect(![400, 401, 403, 404, 409, 412, 415, 501].contains { error($0).isTransient })
        #expect(error(409).isConflict && !error(412).isConflict)
        #expect(error(412).isPreconditionFailed && !error(409).isPreconditionFailed)
    }
}
