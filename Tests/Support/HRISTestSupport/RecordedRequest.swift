import Foundation

/// A request the ``RecordedHTTPServer`` received, as it came.
public struct RecordedRequest: Sendable, Equatable {
    public let method: String
    /// The path without the query, percent-decoded.
    public let path: String
    /// The query's parameters, percent-decoded, in the order sent.
    public let query: [(name: String, value: String)]
    /// Headers by lower-cased name.
    public let headers: [String: String]
    public let body: [UInt8]

    public static func == (lhs: RecordedRequest, rhs: RecordedRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.headers == rhs.headers && lhs.body == rhs.body
            && lhs.query.elementsEqual(rhs.query) { $0 == $1 }
    }

    /// The value of query parameter `name`.
    public func parameter(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The user name and password of HTTP Basic authentication, when the request carries it.
    public var basicCredentials: (user: String, password: String)? {
        guard let value = headers["authorization"], value.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(value.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        else { return nil }
        return (String(decoded[..<colon]), String(decoded[decoded.index(after: colon)...]))
    }

    /// Reads `target` (`/path?a=1&b=2`) into its decoded path and parameters.
    static func split(_ target: String) -> (path: String, query: [(name: String, value: String)]) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        guard parts.count == 2, !parts[1].isEmpty else { return (path, []) }
        let query = parts[1].split(separator: "&").map { pair -> (name: String, value: String) in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(halves[0]), halves.count == 2 ? decode(halves[1]) : "")
        }
        return (path, query)
    }
}
