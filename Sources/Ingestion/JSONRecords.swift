/// A JSON feed's document as rows: each record flattened into field name → text, over a "header"
/// of every field name the records have between them, so that ``RowMapper`` validates JSON
/// exactly as it validates CSV and quarantine reasons name the JSON field at fault. A record's
/// "line" is its 1-based position in the array.
struct JSONRecords {
    /// One element of the records array.
    struct Record {
        /// 1-based position in the array: what errors call its line.
        var number: Int
        /// The flattened fields, aligned with ``JSONRecords/header``; empty text when absent or null.
        var fields: [String]
        /// Indices into the header of the fields the record has (null counts: it clears the field).
        var present: Set<Int>
        /// Why the record is set aside before it is read: not an object, or a deletion notice.
        var notice: (column: String?, employeeID: String?, reason: String)?
    }

    var header: [String] = []
    var records: [Record] = []

    /// Dates BambooHR writes for "no date"; read as empty.
    static let bambooNoDate = "0000-00-00"

    init(_ bytes: [UInt8], feed: FeedConfiguration, file: String) throws(FeedFileError) {
        guard !bytes.isEmpty else {
            throw FeedFileError(
                .empty, file: file,
                "the document is empty; an HRIS answer always has a JSON value, so check the request")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw FeedFileError(
                .malformedJSON, file: file, line: error.line, column: error.column,
                "not valid JSON: \(error.message); the HRIS sent something other than the JSON it documents, so nothing of it is applied"
            )
        }
        let items = try Self.items(of: document, feed: feed, file: file)
        var flattened: [(number: Int, fields: [(String, String?)])] = []
        var position: [String: Int] = [:]
        for (offset, item) in items.enumerated() {
            let number = offset + 1
            guard var members = item.members else {
                records.append(
                    Record(
                        number: number, fields: [], present: [],
                        notice: (nil, nil, "record \(number) is not a JSON object")))
                continue
            }
            if feed.kind == .bamboohrAPI { members = Self.bambooMembers(members) }
            var fields: [(String, String?)] = []
            Self.flatten(members, prefix: "", into: &fields)
            if feed.kind == .bamboohrAPI, let deletion = Self.deletion(members, fields: fields, feed: feed) {
                records.append(Record(number: number, fields: [], present: [], notice: deletion))
                continue
            }
            for (name, _) in fields where position[name] == nil {
                position[name] = header.count
                header.append(name)
            }
            records.append(Record(number: number, fields: [], present: [], notice: nil))
            flattened.append((number, fields))
        }
        for (number, fields) in flattened {
            var row = [String](repeating: "", count: header.count)
            var present = Set<Int>()
            for (name, value) in fields {
                let index = position[name]!
                guard !present.contains(index) else { continue }
                present.insert(index)
                row[index] = value ?? ""
            }
            records[number - 1].fields = row
            records[number - 1].present = present
        }
    }

    /// The array of records: at the feed's `records_path`, or the document itself, or (for
    /// BambooHR) its `employees` member, as field-based webhooks and Roster's API reads write it.
    static func items(
        of document: JSONValue, feed: FeedConfiguration, file: String
    ) throws(FeedFileError) -> [JSONValue] {
        let found: [JSONValue]?
        let place: String
        if !feed.recordsPath.isEmpty {
            found = document[path: feed.recordsPath]?.items
            place = "at `\(feed.recordsPath.joined(separator: "."))` (the feed's records_path)"
        } else if let items = document.items {
            found = items
            place = "in the document"
        } else {
            found = feed.kind == .bamboohrAPI ? document["employees"]?.items : nil
            place =
                feed.kind == .bamboohrAPI
                ? "in the document or its `employees` member"
                : "in the document; set the feed's records_path to where the records are"
        }
        guard let found else {
            throw FeedFileError(.noRecords, file: file, "there is no array of records \(place)")
        }
        guard !found.isEmpty else {
            throw FeedFileError(
                .noRecords, file: file,
                "the array of records \(place) is empty; an answer without changes is not ingested")
        }
        return found
    }

    /// A BambooHR record's members with a field-based webhook's `fields` lifted beside `id` and
    /// `action` (each field's `{"value": …}` unwrapped), and its "no date" dates emptied.
    static func bambooMembers(_ members: [(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)] {
        var result: [(key: String, value: JSONValue)] = []
        for (key, value) in members {
            if key == "fields", let fields = value.members {
                for (name, field) in fields {
                    result.append((name, field["value"] ?? field))
                }
            } else {
                result.append((key, value))
            }
        }
        return result.map { member in
            member.value == .string(bambooNoDate) ? (member.key, JSONValue.null) : member
        }
    }

    /// The notice for a record BambooHR reports deleted (`"action": "Deleted"`), or nil.
    ///
    /// A deletion is not a termination: BambooHR keeps leavers with status Inactive, and deletes
    /// records entered by mistake. So a deleted employee is set aside for a person to look at,
    /// and the worker (if there is one) keeps their state until HR records a termination.
    static func deletion(
        _ members: [(key: String, value: JSONValue)], fields: [(String, String?)], feed: FeedConfiguration
    ) -> (column: String?, employeeID: String?, reason: String)? {
        guard let action = members.first(where: { $0.key == "action" })?.value.text, action.lowercased() == "deleted"
        else { return nil }
        let idNames = Set(feed.headerNames(for: .employeeID).map(HeaderName.normalise))
        let employeeID = fields.first { idNames.contains(HeaderName.normalise($0.0)) && !($0.1 ?? "").isEmpty }?.1
        let bambooID = members.first { $0.key == "id" }?.value.text.map { " (BambooHR id \($0))" } ?? ""
        return (
            "action", employeeID,
            "BambooHR reports this employee\(bambooID) deleted; a deletion is not a termination, so the worker keeps "
                + "their state: if they left, record the termination in BambooHR; if the record was a mistake, "
                + "deactivate the LMS account by hand"
        )
    }

    /// Adds `members` to `fields` as dotted names: `{"a": {"b": 1}}` is `a.b`, and an array's
    /// items are numbered from 0 (`assignments.0.title`). Null is present with no text.
    static func flatten(
        _ members: [(key: String, value: JSONValue)], prefix: String, into fields: inout [(String, String?)]
    ) {
        for (key, value) in members {
            let name = prefix + key
            switch value {
            case .object(let inner): flatten(inner, prefix: name + ".", into: &fields)
            case .array(let items):
                flatten(items.enumerated().map { (String($0.offset), $0.element) }, prefix: name + ".", into: &fields)
            case .null: fields.append((name, nil))
            case .bool, .number, .string: fields.append((name, value.text))
            }
        }
    }
}
