import Workforce

/// The duplicate-user audit to run on a feed's file before turning sync on: what would make two
/// LMS accounts for one person, or one account for two.
public struct FeedAudit: Sendable {
    /// Several employee IDs share one email.
    public struct SharedEmail: Sendable, Equatable {
        public var email: String
        public var ids: [String]
        public var lines: [Int]
    }

    /// Different IDs that look like one person: the same full name and the same manager, title or location.
    public struct LikelyDuplicate: Sendable, Equatable {
        public var name: String
        public var ids: [String]
        public var lines: [Int]
        /// What else they share.
        public var sharing: [String]
    }

    public var rows: Int
    public var usable: Int
    /// IDs that appear more than once.
    public var duplicateIDs: [RowError] = []
    public var sharedEmails: [SharedEmail] = []
    public var likelyDuplicates: [LikelyDuplicate] = []
    /// Empty required fields.
    public var missingFields: [RowError] = []
    public var invalidEmails: [RowError] = []
    /// Every other row problem (dates, codes, field counts).
    public var otherProblems: [RowError] = []

    /// True when nothing was found.
    public var isClean: Bool {
        duplicateIDs.isEmpty && sharedEmails.isEmpty && likelyDuplicates.isEmpty && missingFields.isEmpty && invalidEmails.isEmpty
            && otherProblems.isEmpty
    }

    /// Audits a file `read` by ``FeedReader``.
    public init(_ read: FeedReader.Result) {
        rows = read.rowCount
        usable = read.records.count
        for problem in read.quarantined {
            if problem.reason.contains("appears more than once") {
                duplicateIDs.append(problem)
            } else if problem.reason.contains("is empty") {
                missingFields.append(problem)
            } else if problem.reason.contains("is not an email address") {
                invalidEmails.append(problem)
            } else {
                otherProblems.append(problem)
            }
        }
        var byEmail: [String: [WorkerRecord]] = [:]
        var byName: [String: [WorkerRecord]] = [:]
        for record in read.records {
            if let email = record.email { byEmail[email, default: []].append(record) }
            let name = [record.legalFirstName ?? "", record.legalLastName ?? ""].joined(separator: " ")
            byName[name.lowercased(), default: []].append(record)
        }
        sharedEmails = byEmail.filter { $0.value.count > 1 }.map { email, records in
            SharedEmail(email: email, ids: records.map(\.id.rawValue), lines: records.map(\.line))
        }.sorted { $0.lines[0] < $1.lines[0] }
        for (_, records) in byName where records.count > 1 {
            for (index, first) in records.enumerated() {
                for second in records[(index + 1)...] {
                    var sharing: [String] = []
                    if let manager = first.managerID, manager == second.managerID { sharing.append("manager \(manager)") }
                    if let title = first.jobTitle, title == second.jobTitle { sharing.append("title \(title)") }
                    if let location = first.location, location == second.location { sharing.append("location \(location)") }
                    guard !sharing.isEmpty else { continue }
                    likelyDuplicates.append(
                        LikelyDuplicate(
                            name: "\(first.legalFirstName ?? "") \(first.legalLastName ?? "")", ids: [first.id.rawValue, second.id.rawValue],
                            lines: [first.line, second.line], sharing: sharing))
                }
            }
        }
        likelyDuplicates.sort { $0.lines[0] < $1.lines[0] }
    }
}
