import Foundation
import Ingestion

extension BambooHRClient {
    /// The document a `bamboohr-api` feed ingests for `changes`: each inserted or updated employee
    /// read with `GET /v1/employees/{id}?fields=…` (``concurrency`` at a time) and kept exactly
    /// as BambooHR answered, in the order of `changes`; a deleted employee, or one BambooHR no
    /// longer finds (404), as a deletion notice the ingest sets aside for a person.
    ///
    /// An employee listed twice is read once, with the last action given for it.
    public func read(_ changes: [ChangedEmployee], fields: [String]) async throws -> (document: [UInt8], count: Int) {
        var order: [String] = []
        var latest: [String: ChangedEmployee] = [:]
        for change in changes {
            if latest[change.id] == nil { order.append(change.id) }
            latest[change.id] = change
        }
        let unique = order.map { latest[$0]! }
        let reads = try await records(of: unique.filter { $0.action != .deleted }.map(\.id), fields: fields)
        var records: [[UInt8]] = []
        for change in unique {
            if change.action != .deleted, let record = reads[change.id] ?? nil {
                records.append(record)
            } else {
                records.append(Self.deletionNotice(change))
            }
        }
        return (Self.document(records), records.count)
    }

    /// The document of the employees `ids`, as ``read(_:fields:)`` makes it for updates.
    public func employees(ids: [String], fields: [String]) async throws -> [UInt8] {
        try await read(ids.map { ChangedEmployee(id: $0, action: .updated) }, fields: fields).document
    }

    /// Each employee's answer, or nil when BambooHR does not find them; at most ``concurrency`` in flight.
    ///
    /// After a failure no more reads start, and those in flight finish before it is thrown: the
    /// group is never cancelled with requests in flight. (Cancelling URLSession's async calls on
    /// Linux can deadlock against a request completing at the same moment; a test run hung so.)
    func records(of ids: [String], fields: [String]) async throws -> [String: [UInt8]?] {
        let fieldList = fields.map(HTTPGetter.percentEncoded).joined(separator: ",")
        var results: [String: [UInt8]?] = [:]
        var failure: (any Error)?
        await withTaskGroup(of: (String, Result<[UInt8]?, any Error>).self) { group in
            var pending = ids[...]
            func startNext() {
                guard failure == nil, let id = pending.popFirst() else { return }
                group.addTask {
                    do { return (id, .success(try await self.record(id, fieldList: fieldList))) } catch { return (id, .failure(error)) }
                }
            }
            for _ in 0..<concurrency { startNext() }
            while let (id, result) = await group.next() {
                switch result {
                case .success(let record): results[id] = record
                case .failure(let error): failure = failure ?? error
                }
                startNext()
            }
        }
        if let failure { throw failure }
        return results
    }

    /// One employee's record as BambooHR sent it, checked to be a JSON object; nil on 404.
    func record(_ id: String, fieldList: String) async throws -> [UInt8]? {
        let path = "/v1/employees/" + HTTPGetter.percentEncoded(id)
        guard let url = HTTPGetter.url(baseURL, path, rawQuery: ["fields=" + fieldList]) else {
            throw HRISError(status: 0, detail: "the poll url \(baseURL) makes no valid URL", method: "GET", path: path)
        }
        let answer = try await getter.get(url, accepting: [404])
        guard answer.status != 404 else { return nil }
        do {
            guard try JSONValue.parse(answer.body).members != nil else {
                throw HRISError.unreadable("a JSON object for employee \(id)", status: answer.status, path: path)
            }
        } catch let error as JSONSyntaxError {
            throw HRISError.unreadable(
                "JSON for employee \(id) (\(error))", status: answer.status, path: path, underlying: error)
        }
        return answer.body
    }

    /// `{"employees":[…]}` around records that are each a JSON object's bytes.
    static func document(_ records: [[UInt8]]) -> [UInt8] {
        var bytes = Array(#"{"employees":["#.utf8)
        for (index, record) in records.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += record
        }
        bytes += Array("]}\n".utf8)
        return bytes
    }

    /// `{"id":"5","action":"Deleted","lastChanged":"…"}`: what the ingest sets aside as a deletion.
    static func deletionNotice(_ change: ChangedEmployee) -> [UInt8] {
        var text = #"{"id":"# + JSONText.quoted(change.id) + #","action":"Deleted""#
        if let lastChanged = change.lastChanged { text += #","lastChanged":"# + JSONText.quoted(lastChanged) }
        return Array((text + "}").utf8)
    }
}

/// JSON text for the few values the clients write themselves.
enum JSONText {
    /// `text` as a JSON string, with quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
