import CSV
import DurableFiles
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Journal
import Projections
import Workforce

/// The embedded LMS connector: every sync writes the files LMSs take in bulk, one folder per
/// run, with a manifest of what it holds. The acknowledgement is the files' successful write.
///
/// - Moodle's user upload (`moodle/users.csv`, for tool_uploaduser): username, email, firstname,
///   lastname, idnumber, department, suspended, then `cohortN` for groups joined and
///   `courseN`/`roleN` for courses assigned. Moodle's upload cannot take anyone out of a cohort
///   or a course: those removals are listed in the manifest for an admin (the Canvas files carry them).
/// - Canvas SIS import (`canvas/users.csv`, `groups.csv`, `group_memberships.csv`,
///   `enrollments.csv`): users active or suspended, memberships accepted or deleted,
///   enrollments active or deleted.
///
/// A folder is written under a temporary name, synced, then renamed: an importer watching the
/// directory never sees half a run. Every row is an upsert, so a run delivered twice (after a
/// crash before its answers were journaled) imports to the same state.
public struct CSVExportConnector: LMSConnector {
    public enum Format: String, Sendable, CaseIterable {
        case moodle, canvas
    }

    public let directory: String
    public let formats: [Format]
    /// The instant a run is named after (injected in tests).
    public var now: @Sendable () -> Timestamp
    public var target: String { "csv-export" }

    public init(directory: String, formats: [Format] = Format.allCases, now: @escaping @Sendable () -> Timestamp = { .now() }) {
        self.directory = directory
        self.formats = formats
        self.now = now
    }

    public func deliver(_ commands: [LMSCommand]) async -> [DeliveryOutcome] {
        do {
            let run = try write(commands)
            let call = "export " + (run.path as NSString).lastPathComponent
            return commands.map { _ in .acknowledged(lmsID: nil, adopted: false, call: call) }
        } catch {
            let failure = DeliveryError(status: 0, message: "the export could not be written in \(directory): \(Self.describe(error))")
            return commands.map { _ in .failed(failure) }
        }
    }

    /// What a run wrote.
    public struct Run: Sendable, Equatable {
        /// The run's folder.
        public var path: String
        /// Rows per file, by path within the folder.
        public var rows: [String: Int]
    }

    /// Writes one run's folder for `commands` and returns it.
    public func write(_ commands: [LMSCommand]) throws -> Run {
        let files = Self.files(for: commands, formats: formats)
        let name = try freshName()
        let partial = directory + "/.partial-" + name
        let final = directory + "/" + name
        let manager = FileManager.default
        try? manager.removeItem(atPath: partial)
        var rows: [String: Int] = [:]
        for file in files {
            let path = partial + "/" + file.path
            try Self.makeDirectory((path as NSString).deletingLastPathComponent)
            try Self.writeSynced(CSVWriter.write([file.header] + file.rows), to: path)
            rows[file.path] = file.rows.count
        }
        let manifest = Self.manifest(commands, name: name, rows: rows, at: now())
        try Self.writeSynced(manifest, to: partial + "/manifest.json")
        try Self.syncDirectory(partial)
        guard rename(partial, final) == 0 else {
            throw DeliveryError(status: 0, message: "cannot rename \(partial) to \(final): \(String(cString: strerror(errno)))")
        }
        try Self.syncDirectory(directory)
        return Run(path: final, rows: rows)
    }

    /// `20270104T000100Z`, with `-2`, `-3`… when a run of the same second exists.
    func freshName() throws -> String {
        try Self.makeDirectory(directory)
        let stamp = now().description.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        let base = String(stamp.prefix(15)) + "Z"
        var name = base
        var suffix = 2
        while FileManager.default.fileExists(atPath: directory + "/" + name) {
            name = "\(base)-\(suffix)"
            suffix += 1
        }
        return name
    }

    struct File {
        var path: String
        var header: [String]
        var rows: [[String]]
    }

    /// The files of a run, for the chosen formats; files without rows are left out.
    static func files(for commands: [LMSCommand], formats: [Format]) -> [File] {
        // Users in the order first met, each with their latest desired profile and status.
        var order: [EmployeeID] = []
        var users: [EmployeeID: LMSCommand] = [:]
        var added: [EmployeeID: [LMSMembership]] = [:]
        var memberships: [(command: LMSCommand, membership: LMSMembership, add: Bool)] = []
        for command in commands {
            if users[command.employeeID] == nil { order.append(command.employeeID) }
            users[command.employeeID] = command
            switch command.action {
            case .add(let membership):
                added[command.employeeID, default: []].append(membership)
                memberships.append((command, membership, true))
            case .remove(let membership):
                memberships.append((command, membership, false))
            default: break
            }
        }
        var files: [File] = []
        if formats.contains(.moodle) {
            let widest = order.map { id in added[id, default: []].filter { $0.kind == .group }.count }.max() ?? 0
            let courses = order.map { id in added[id, default: []].filter { $0.kind == .course }.count }.max() ?? 0
            var header = ["username", "email", "firstname", "lastname", "idnumber", "department", "suspended"]
            header += (0..<widest).map { "cohort\($0 + 1)" }
            for index in 0..<courses { header += ["course\(index + 1)", "role\(index + 1)"] }
            let rows = order.map { id -> [String] in
                let command = users[id]!
                let joined = added[id, default: []]
                let cohorts = joined.filter { $0.kind == .group }.map(\.name)
                let enrolled = joined.filter { $0.kind == .course }.map(\.name)
                var row = [
                    command.profile.userName, command.profile.email ?? "", command.profile.givenName, command.profile.familyName, id.rawValue,
                    command.profile.department ?? "", command.active ? "0" : "1",
                ]
                row += cohorts + Array(repeating: "", count: widest - cohorts.count)
                for index in 0..<courses { row += index < enrolled.count ? [enrolled[index], "student"] : ["", ""] }
                return row
            }
            files.append(File(path: "moodle/users.csv", header: header, rows: rows))
        }
        if formats.contains(.canvas) {
            files.append(
                File(
                    path: "canvas/users.csv", header: ["user_id", "login_id", "first_name", "last_name", "email", "status"],
                    rows: order.map { id in
                        let command = users[id]!
                        return [
                            id.rawValue, command.profile.userName, command.profile.givenName, command.profile.familyName,
                            command.profile.email ?? "", command.active ? "active" : "suspended",
                        ]
                    }))
            let groups = memberships.filter { $0.membership.kind == .group }
            let groupNames = Array(Set(groups.filter(\.add).map(\.membership.name))).sorted()
            files.append(File(path: "canvas/groups.csv", header: ["group_id", "name", "status"], rows: groupNames.map { [$0, $0, "available"] }))
            files.append(
                File(
                    path: "canvas/group_memberships.csv", header: ["group_id", "user_id", "status"],
                    rows: groups.map { [$0.membership.name, $0.command.employeeID.rawValue, $0.add ? "accepted" : "deleted"] }))
            files.append(
                File(
                    path: "canvas/enrollments.csv", header: ["course_id", "user_id", "role", "status"],
                    rows: memberships.filter { $0.membership.kind == .course }.map {
                        [$0.membership.name, $0.command.employeeID.rawValue, "student", $0.add ? "active" : "deleted"]
                    }))
        }
        return files.filter { !$0.rows.isEmpty }
    }

    /// The manifest: the run, its counts by command and by file, and what Moodle's upload cannot say.
    static func manifest(_ commands: [LMSCommand], name: String, rows: [String: Int], at instant: Timestamp) -> [UInt8] {
        var counts: [String: Int] = [:]
        var removals: [[String: String]] = []
        for command in commands {
            let action: String
            switch command.action {
            case .create: action = "created"
            case .update: action = "updated"
            case .deactivate: action = "deactivated"
            case .reactivate: action = "reactivated"
            case .add: action = "memberships_added"
            case .remove(let membership):
                action = "memberships_removed"
                removals.append(["user": command.employeeID.rawValue, "username": command.profile.userName, "membership": membership.description])
            }
            counts[action, default: 0] += 1
        }
        let object: [String: Any] = [
            "run": name, "written_at": instant.description, "commands": commands.count, "counts": counts, "files": rows,
            "moodle_removals_to_apply_by_hand": removals,
        ]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data())
    }

    /// Creates `path` and its parents, with an error that says what is in the way.
    static func makeDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DeliveryError(status: 0, message: "\(path) exists and is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw DeliveryError(status: 0, message: "cannot create \(path): \((error as NSError).localizedDescription)")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DeliveryError { return error.message }
        return (error as NSError).localizedDescription
    }

    static func writeSynced(_ bytes: [UInt8], to path: String) throws {
        do {
            try DurableFile.writeSynced(bytes, to: path, permissions: 0o640)
        } catch {
            throw DeliveryError(status: 0, message: error.description)
        }
    }

    static func syncDirectory(_ path: String) throws {
        do {
            try DurableFile.syncDirectory(path)
        } catch {
            throw DeliveryError(status: 0, message: error.description)
        }
    }
}
