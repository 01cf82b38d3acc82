import Foundation
import Testing
import Yams

/// `docs/openapi.yaml`, the admin API's contract, is read by tools (generators, linters, API
/// browsers): it must be YAML they can read, with a response for every operation.
@Suite struct OpenAPIDocumentTests {
    @Test func theAdminAPIDocumentIsValidYAMLWithAResponseForEveryOperation() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml")
        let document = try #require(try Yams.load(yaml: String(contentsOf: docs, encoding: .utf8)) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(paths.keys.contains("/v1/workers/{id}") && paths.keys.contains("/v1/batches"))
        for (path, item) in paths {
            let operations = try #require(item as? [String: Any], "\(path)")
            for (method, operation) in operations where ["get", "post", "put", "delete"].contains(method) {
                let responses = (operation as? [String: Any])?["responses"] as? [AnyHashable: Any]
                #expect(responses?.isEmpty == false, "\(method.uppercased()) \(path) has no responses")
            }
        }
    }
}
