import Foundation
import HTTPHeaderValues

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP GET at a time, with the answer kept whole and every failure an ``HRISError``: the
/// transport the HRIS clients share.
struct HTTPGetter: Sendable {
    let session: URLSession
    let timeout: Duration
    /// Sent with every request: `Accept`, `Authorization`.
    let headers: [String: String]

    /// An answer, 2xx or one of the statuses the caller accepts.
    struct Answer {
        let status: Int
        let body: [UInt8]
    }

    /// `timeout` is one second at least: Foundation on Linux hands timeouts to libcurl in whole
    /// seconds, and a shorter one fails every later request of the session at once.
    init(session: URLSession, timeout: Duration, headers: [String: String]) {
        self.session = session
        self.timeout = max(timeout, .seconds(1))
        self.headers = headers
    }

    /// GETs `url`; a status outside 2xx and `accepting` throws, with the HRIS's `Retry-After`.
    func get(_ url: URL, accepting: Set<Int> = []) async throws -> Answer {
        let path = url.path + (url.query.map { "?" + $0 } ?? "")
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        request.timeoutInterval = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            try Task.checkCancellation()
            throw HRISError(
                status: 0, detail: Self.transportDetail(error, timeout: timeout), method: "GET", path: path,
                underlying: error)
        }
        guard let http = response as? HTTPURLResponse else {
            throw HRISError(status: 0, detail: "the answer is not HTTP", method: "GET", path: path)
        }
        let answer = Answer(status: http.statusCode, body: Array(data))
        guard (200..<300).contains(answer.status) || accepting.contains(answer.status) else {
            let text = String(decoding: answer.body.prefix(300), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
            throw HRISError(
                status: answer.status,
                detail: text.isEmpty ? HTTPURLResponse.localizedString(forStatusCode: answer.status) : text,
                retryAfter: http.value(forHTTPHeaderField: "Retry-After").flatMap { RetryAfter.wait(parsing: $0) },
                method: "GET", path: path)
        }
        return answer
    }

    /// A short account of a transport failure, naming the timeout when that was it.
    static func transportDetail(_ error: any Error, timeout: Duration) -> String {
        guard let error = error as? URLError else { return "\(error)" }
        switch error.code {
        case .timedOut: return "no answer within \(timeout)"
        case .networkConnectionLost: return "the connection closed before the HRIS answered"
        case .cannotConnectToHost: return "the connection was refused"
        case .badServerResponse, .zeroByteResource: return "the connection closed without an answer"
        default: return error.localizedDescription
        }
    }

    /// `text` with everything but RFC 3986's unreserved characters percent-encoded: a `+` in an
    /// ISO 8601 offset must reach the server as `%2B`, not as a space.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The session HRIS clients share by default: nothing cached and no cookies kept, since every
    /// answer must come from the HRIS.
    static let defaultSession: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()
}

extension HTTPGetter {
    /// `base` with `path` appended and `query` percent-encoded (names and values); `rawQuery`
    /// is appended as it is, for values the caller encoded itself.
    static func url(_ base: URL, _ path: String, query: [(String, String)] = [], rawQuery: [String] = []) -> URL? {
        var text = base.absoluteString
        if !path.isEmpty {
            while text.hasSuffix("/") { text.removeLast() }
            text += path
        }
        let parts = query.map { "\(percentEncoded($0))=\(percentEncoded($1))" } + rawQuery
        if !parts.isEmpty { text += (text.contains("?") ? "&" : "?") + parts.joined(separator: "&") }
        return URL(string: text)
    }
}
