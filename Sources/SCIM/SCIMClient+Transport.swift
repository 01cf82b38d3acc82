import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One answer from the server, kept with the request it answers so that a body that does not
/// decode still produces an error naming the request.
struct SCIMResponse {
    let method: String
    let path: String
    let status: Int
    let headers: HTTPURLResponse
    let body: Data

    /// The resource's version from the `ETag` header, which servers send even with an empty 204.
    var entityTag: String? { headers.value(forHTTPHeaderField: "ETag") }

    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw SCIMError(
                status: status, detail: "the server's answer is not a valid \(type): \(error)", method: method,
                path: path, underlying: error)
        }
    }
}

extension SCIMClient {
    /// Sends a request with no body.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], ifMatch: String? = nil
    ) async throws -> SCIMResponse {
        try await send(method, path, query: query, body: Data?.none, ifMatch: ifMatch)
    }

    /// Sends a request with `body` as JSON.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], json body: some Encodable,
        ifMatch: String? = nil
    ) async throws -> SCIMResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try await send(method, path, query: query, body: try encoder.encode(body), ifMatch: ifMatch)
    }

    /// Sends one request and returns a 2xx answer; anything else throws a ``SCIMError``.
    private func send(
        _ method: String, _ path: String, query: [(String, String)], body: Data?, ifMatch: String?
    ) async throws -> SCIMResponse {
        var request = URLRequest(url: try url(method, path, query: query))
        request.httpMethod = method
        request.timeoutInterval = timeout.seconds
        request.setValue(Self.mediaType, forHTTPHeaderField: "Accept")
        if let bearerToken { request.setValue("Bearer \(bearerToken)", forHTTPHeaderField: "Authorization") }
        if let ifMatch { request.setValue(ifMatch, forHTTPHeaderField: "If-Match") }
        if let body {
            request.setValue(Self.mediaType, forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }

        let data: Data
        let answer: URLResponse
        do {
            (data, answer) = try await session.data(for: request)
        } catch {
            try Task.checkCancellation()
            throw SCIMError(
                status: 0, detail: transportDetail(error), method: method, path: path, underlying: error)
        }
        guard let headers = answer as? HTTPURLResponse else {
            throw SCIMError(status: 0, detail: "the answer is not HTTP", method: method, path: path)
        }
        let response = SCIMResponse(
            method: method, path: path, status: headers.statusCode, headers: headers, body: data)
        guard (200..<300).contains(response.status) else { throw failure(response) }
        return response
    }

    /// The base URL with `path` and `query` appended, every query value percent-encoded so that
    /// `+`, `&` and quotes in a filter reach the server as written.
    private func url(_ method: String, _ path: String, query: [(String, String)]) throws -> URL {
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += path
        if !query.isEmpty {
            text += "?" + query.map { "\(Self.percentEncoded($0))=\(Self.percentEncoded($1))" }.joined(separator: "&")
        }
        guard let url = URL(string: text) else {
            throw SCIMError(status: 0, detail: "'\(text)' is not a valid URL", method: method, path: path)
        }
        return url
    }

    /// `text` with everything but RFC 3986's unreserved characters percent-encoded: safe as a path
    /// segment and as a query value.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The error for a non-2xx answer, from the RFC 7644 §3.12 error body when there is one.
    private func failure(_ response: SCIMResponse) -> SCIMError {
        struct ErrorBody: Decodable {
            let scimType: String?
            let detail: String?
        }
        let body = try? JSONDecoder().decode(ErrorBody.self, from: response.body)
        let text = String(decoding: response.body.prefix(500), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let detail =
            body?.detail ?? (text.isEmpty ? HTTPURLResponse.localizedString(forStatusCode: response.status) : text)
        return SCIMError(
            status: response.status, scimType: body?.scimType, detail: detail,
            retryAfter: response.headers.value(forHTTPHeaderField: "Retry-After").flatMap {
                SCIMError.retryAfter(parsing: $0)
            },
            method: response.method, path: response.path)
    }

    /// A short account of a transport failure, naming the timeout when that was it.
    private func transportDetail(_ error: any Error) -> String {
        guard let error = error as? URLError else { return "\(error)" }
        switch error.code {
        case .timedOut: return "no answer within \(timeout)"
        case .networkConnectionLost: return "the connection closed before the server answered"
        case .cannotConnectToHost: return "the connection was refused"
        case .badServerResponse, .zeroByteResource: return "the connection closed without an answer"
        default: return error.localizedDescription
        }
    }
}

extension Duration {
    /// The duration in seconds, as Foundation's timeouts take it.
    fileprivate var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
