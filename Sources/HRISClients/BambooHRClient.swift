import Foundation
import Ingestion

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A client of BambooHR's REST API for one company: which employees changed since a mark, and
/// their records, as a `bamboohr-api` feed's document.
///
/// Every failure is an ``HRISError``; the client does not retry by itself, so the poll schedule
/// sees each attempt.
///
/// - Important: The client holds no state between requests and may be shared between tasks.
public struct BambooHRClient: Sendable {
    /// The company's API base, such as `https://api.bamboohr.com/api/gateway.php/acme`; `/v1/…`
    /// is appended to it.
    public let baseURL: URL
    /// How many employee reads may be in flight at once.
    public let concurrency: Int
    let getter: HTTPGetter

    /// A client authenticating with `apiKey` (HTTP Basic, the key as user name, as BambooHR
    /// asks) and asking for JSON (BambooHR answers XML otherwise). `timeout` is one second at least.
    public init(
        baseURL: URL, apiKey: String, timeout: Duration = .seconds(30), concurrency: Int = 4, session: URLSession? = nil
    ) {
        self.baseURL = baseURL
        self.concurrency = max(1, concurrency)
        let credential = Data("\(apiKey):x".utf8).base64EncodedString()
        getter = HTTPGetter(
            session: session ?? HTTPGetter.defaultSession, timeout: timeout,
            headers: ["Accept": "application/json", "Authorization": "Basic \(credential)"])
    }

    /// The fields a `bamboohr-api` feed reads by default: every one the `bamboohr` preset maps.
    public static let standardFields = [
        "employeeNumber", "firstName", "lastName", "preferredName", "workEmail", "jobTitle", "department", "division",
        "location", "supervisorEId", "status", "employmentHistoryStatus", "hireDate", "terminationDate",
    ]

    /// The fields to read for `feed`: the standard ones, with the feed's `columns` overrides and
    /// `custom_columns` (which for this kind are BambooHR field names).
    public static func fields(for feed: FeedConfiguration) -> [String] {
        var fields = standardFields
        for name in feed.columns.sorted(by: { $0.key.rawValue < $1.key.rawValue }).map(\.value)
            + feed.customColumns.values.sorted()
        where !fields.contains(name) {
            fields.append(name)
        }
        return fields
    }

    /// The employees changed since `since` (ISO 8601, `Z` or an offset): `GET /v1/employees/changed`.
    /// The answer's `latest` is the next mark; when BambooHR sends none, `since` stays the mark.
    public func changed(since: String) async throws -> ChangedEmployees {
        guard let url = HTTPGetter.url(baseURL, "/v1/employees/changed", query: [("since", since)]) else {
            throw HRISError(
                status: 0, detail: "the poll url \(baseURL) makes no valid URL", method: "GET",
                path: "/v1/employees/changed")
        }
        let answer = try await getter.get(url)
        let path = url.path + "?" + (url.query ?? "")
        let document: JSONValue
        do {
            document = try JSONValue.parse(answer.body)
        } catch {
            throw HRISError.unreadable(
                "JSON (\(error)); check that the url is BambooHR's API", status: answer.status, path: path,
                underlying: error)
        }
        guard document.members != nil else {
            throw HRISError.unreadable("a JSON object", status: answer.status, path: path)
        }
        // BambooHR keys the employees by id; an array of them is read as well.
        let entries: [JSONValue] = document["employees"]?.members?.map(\.value) ?? document["employees"]?.items ?? []
        var employees: [ChangedEmployee] = []
        for entry in entries {
            guard let id = entry["id"]?.text, !id.isEmpty else {
                throw HRISError.unreadable(
                    "the changed-since JSON documented: an employee has no id", status: answer.status, path: path)
            }
            employees.append(
                ChangedEmployee(
                    id: id, action: ChangedEmployee.Action(bambooHR: entry["action"]?.text ?? ""),
                    lastChanged: entry["lastChanged"]?.text))
        }
        let latest = document["latest"]?.text.flatMap { $0.isEmpty ? nil : $0 } ?? since
        return ChangedEmployees(latest: latest, employees: employees)
    }
}
