import Foundation
import Ingestion

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Polls any JSON endpoint with a "changed since" parameter for a `json` feed: `GET url?{since}=mark`,
/// the records at the feed's `records_path`, the next mark at its `mark_path`. The answer is the
/// document ingested, byte for byte; the feed's `columns` map its field names.
public struct GenericJSONPoller: FeedPoller {
    /// The endpoint, with any fixed query parameters of its own.
    public let url: URL
    /// The query parameter the mark is sent in.
    public let sinceParameter: String
    /// Where the next mark is in an answer.
    public let markPath: [String]
    /// Where the records are in an answer; empty when the answer is the array.
    public let recordsPath: [String]
    /// The mark of the first poll, before the journal holds one; nil asks without the parameter.
    public let start: String?
    let getter: HTTPGetter

    /// A poller of `url`, sending `bearerToken` (when given) as `Authorization: Bearer`.
    /// `timeout` is one second at least.
    public init(
        url: URL, sinceParameter: String = "since", markPath: [String], recordsPath: [String] = [],
        start: String? = nil,
        bearerToken: String? = nil, timeout: Duration = .seconds(30), session: URLSession? = nil
    ) {
        self.url = url
        self.sinceParameter = sinceParameter
        self.markPath = markPath
        self.recordsPath = recordsPath
        self.start = start
        var headers = ["Accept": "application/json"]
        if let bearerToken { headers["Authorization"] = "Bearer \(bearerToken)" }
        getter = HTTPGetter(session: session ?? HTTPGetter.defaultSession, timeout: timeout, headers: headers)
    }

    /// The answer since `mark` (or ``start``; without the parameter when neither). An answer with
    /// records must carry a mark, or the poll would never move on; one without records keeps
    /// `mark` when it has none.
    public func poll(since mark: String?) async throws -> PollResult {
        let mark = mark ?? start
        guard let request = HTTPGetter.url(url, "", query: mark.map { [(sinceParameter, $0)] } ?? []) else {
            throw HRISError(status: 0, detail: "the poll url \(url) makes no valid URL", method: "GET", path: url.path)
        }
        let answer = try await getter.get(request)
        let path = request.path + (request.query.map { "?" + $0 } ?? "")
        let document: JSONValue
        do {
            document = try JSONValue.parse(answer.body)
        } catch {
            throw HRISError.unreadable("JSON (\(error))", status: answer.status, path: path, underlying: error)
        }
        let place = recordsPath.isEmpty ? "the answer itself" : "`\(recordsPath.joined(separator: "."))`"
        guard let records = (recordsPath.isEmpty ? document : document[path: recordsPath])?.items else {
            throw HRISError.unreadable(
                "an array of records at \(place); check the feed's records_path", status: answer.status, path: path)
        }
        let next = document[path: markPath]?.text.flatMap { $0.isEmpty ? nil : $0 }
        if next == nil, !records.isEmpty {
            throw HRISError.unreadable(
                "carrying a high-water mark at `\(markPath.joined(separator: "."))` beside its records; check the feed's poll.mark_path",
                status: answer.status, path: path)
        }
        return PollResult(document: records.isEmpty ? nil : answer.body, recordCount: records.count, mark: next ?? mark)
    }
}
