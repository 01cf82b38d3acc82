import Foundation
import Journal
import Projections
import SCIM
import Workforce

/// Provisions an LMS through its SCIM 2.0 endpoint (RFC 7643, RFC 7644).
///
/// - A user's `externalId` is the employee ID. Before creating, the user is looked up by
///   `externalId` (a create sent before a crash may have landed), then by `userName` (an account
///   made before Roster, adopted); a 409 on create looks again and adopts.
/// - Changes are PATCHes of the attributes Roster owns; a leaver is `active: false`, never a DELETE.
/// - Groups are found by `displayName` (created when missing); a course assignment is membership
///   of the group `<course_group_prefix><course>`, the way LMSs drive enrolment from SCIM groups.
/// - Workers are delivered concurrently (up to ``concurrency`` at once), each worker's commands in
///   order; after a failure the worker's later commands wait for the next sync.
/// - A server that insists on `If-Match` (412) gets the user read again and the PATCH retried with
///   its version, a few times at most.
public struct SCIMConnector: LMSConnector {
    public let client: SCIMClient
    public let courseGroupPrefix: String
    public let concurrency: Int
    let groups: GroupDirectory
    public var target: String { "scim" }

    public init(client: SCIMClient, courseGroupPrefix: String = "course:", concurrency: Int = 8) {
        self.client = client
        self.courseGroupPrefix = courseGroupPrefix
        self.concurrency = max(1, concurrency)
        self.groups = GroupDirectory(client: client)
    }

    public func deliver(_ commands: [LMSCommand]) async -> [DeliveryOutcome] {
        // Each worker's commands, in order, with their places in `commands`.
        var order: [EmployeeID] = []
        var byWorker: [EmployeeID: [Int]] = [:]
        for (index, command) in commands.enumerated() {
            if byWorker[command.employeeID] == nil { order.append(command.employeeID) }
            byWorker[command.employeeID, default: []].append(index)
        }
        var outcomes = [DeliveryOutcome](repeating: .skipped, count: commands.count)
        await withTaskGroup(of: [(Int, DeliveryOutcome)].self) { group in
            var next = 0
            func start() {
                guard next < order.count else { return }
                let indices = byWorker[order[next]]!
                next += 1
                let list = indices.map { commands[$0] }
                group.addTask { Array(zip(indices, await deliver(worker: list))) }
            }
            for _ in 0..<concurrency { start() }
            while let finished = await group.next() {
                for (index, outcome) in finished { outcomes[index] = outcome }
                start()
            }
        }
        return outcomes
    }

    /// One worker's commands, in order; after a failure the rest are skipped.
    func deliver(worker commands: [LMSCommand]) async -> [DeliveryOutcome] {
        var outcomes: [DeliveryOutcome] = []
        var lmsID = commands.first?.lmsID
        for command in commands {
            guard outcomes.allSatisfy({ if case .failed = $0 { false } else { true } }) else {
                outcomes.append(.skipped)
                continue
            }
            do {
                let acknowledgement = try await deliver(command, lmsID: lmsID)
                lmsID = acknowledgement.lmsID ?? lmsID
                outcomes.append(.acknowledged(lmsID: acknowledgement.lmsID, adopted: acknowledgement.adopted, call: acknowledgement.call))
            } catch {
                outcomes.append(.failed(Self.deliveryError(error)))
            }
        }
        return outcomes
    }

    struct Done {
        var lmsID: String?
        var adopted = false
        var call: String
    }

    func deliver(_ command: LMSCommand, lmsID: String?) async throws -> Done {
        switch command.action {
        case .create:
            return try await create(command)
        case .update:
            let id = try await userID(of: command, known: lmsID)
            try await patch(id, operations: try await profileOperations(command.profile, id: command.employeeID))
            return Done(lmsID: id, call: "PATCH /Users/\(id)")
        case .deactivate, .reactivate:
            let id = try await userID(of: command, known: lmsID)
            try await patch(id, operations: [.replace("active", .bool(command.action == .reactivate))])
            return Done(lmsID: id, call: "PATCH /Users/\(id) active=\(command.action == .reactivate)")
        case .add(let membership), .remove(let membership):
            let id = try await userID(of: command, known: lmsID)
            let name = displayName(of: membership)
            if case .add = command.action {
                let group = try await groups.id(of: name, creating: true)!
                try await client.patchGroupMembers(id: group, add: [id])
                return Done(lmsID: id, call: "PATCH /Groups/\(group) add member")
            }
            // A group the LMS no longer has holds nobody: the removal is done.
            guard let group = try await groups.id(of: name, creating: false) else { return Done(lmsID: id, call: "no group \(name)") }
            try await client.patchGroupMembers(id: group, remove: [id])
            return Done(lmsID: id, call: "PATCH /Groups/\(group) remove member")
        }
    }

    /// The group a membership is: the group itself, or the course's assignment group.
    func displayName(of membership: LMSMembership) -> String {
        membership.kind == .group ? membership.name : courseGroupPrefix + membership.name
    }

    /// Creates the user, or adopts the LMS's account for them (by external ID, then user name).
    func create(_ command: LMSCommand) async throws -> Done {
        let externalID = command.employeeID.rawValue
        if let existing = try await client.findUser(externalId: externalID), let id = existing.id {
            // Created by an earlier attempt whose answer was lost: bring it to the profile.
            try await patch(id, operations: try await profileOperations(command.profile, id: command.employeeID) + [.replace("active", true)])
            return Done(lmsID: id, call: "found /Users/\(id) by externalId")
        }
        if let adopted = try await adopt(command) { return adopted }
        do {
            let created = try await client.createUser(try await user(for: command))
            return Done(lmsID: created.id, call: "POST /Users 201")
        } catch let error as SCIMError where error.isConflict {
            // Someone made the account meanwhile (or the user name is taken): adopt it.
            if let adopted = try await adopt(command) { return adopted }
            throw error
        }
    }

    /// Adopts the account the LMS has under the user's name: sets its external ID and profile.
    func adopt(_ command: LMSCommand) async throws -> Done? {
        guard let existing = try await client.findUser(userName: command.profile.userName), let id = existing.id else { return nil }
        if let other = existing.externalId, !other.isEmpty, other != command.employeeID.rawValue {
            throw DeliveryError(
                status: 409, message: "the LMS user \(command.profile.userName) belongs to \(other), not \(command.employeeID); "
                    + "resolve the clash in the HRIS or the LMS, then `roster outbox retry`", permanent: true)
        }
        try await patch(
            id, operations: [.replace("externalId", .string(command.employeeID.rawValue)), .replace("active", true)]
                + (try await profileOperations(command.profile, id: command.employeeID)))
        return Done(lmsID: id, adopted: true, call: "adopted /Users/\(id) by userName")
    }

    /// The LMS's ID for the command's user: known from its answers, or looked up by external ID.
    func userID(of command: LMSCommand, known: String?) async throws -> String {
        if let known { return known }
        guard let user = try await client.findUser(externalId: command.employeeID.rawValue), let id = user.id else {
            throw DeliveryError(
                status: 404, message: "the LMS has no user with externalId \(command.employeeID) (removed by hand?); `roster reconcile` shows the drift")
        }
        return id
    }

    /// A PATCH of user `id`; on 412 (the server wants `If-Match`) the user is read again and the
    /// PATCH sent with its version, three times at most.
    func patch(_ id: String, operations: [PatchOperation]) async throws {
        var version: String?
        for attempt in 1...3 {
            do {
                _ = try await client.patchUser(id: id, operations: operations, ifMatch: version)
                return
            } catch let error as SCIMError where error.isPreconditionFailed && attempt < 3 {
                version = try await client.user(id: id).meta?.version
            }
        }
    }

    /// The user as created: the profile, the external ID and the enterprise attributes.
    func user(for command: LMSCommand) async throws -> SCIMUser {
        let profile = command.profile
        return SCIMUser(
            externalId: command.employeeID.rawValue, userName: profile.userName,
            name: SCIMUser.Name(givenName: profile.givenName, familyName: profile.familyName, formatted: "\(profile.givenName) \(profile.familyName)"),
            displayName: "\(profile.givenName) \(profile.familyName)", title: profile.title,
            emails: profile.email.map { [SCIMUser.Email(value: $0)] } ?? [], active: true,
            enterprise: EnterpriseUser(
                employeeNumber: command.employeeID.rawValue, costCenter: profile.costCenter, department: profile.department,
                manager: try await manager(profile.manager)))
    }

    /// PATCH operations that bring a user to `profile`: replaced when set, removed when not.
    func profileOperations(_ profile: LMSProfile, id: EmployeeID) async throws -> [PatchOperation] {
        let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
        var operations: [PatchOperation] = [
            .replace("userName", .string(profile.userName)),
            .replace("name", .object(["givenName": .string(profile.givenName), "familyName": .string(profile.familyName), "formatted": .string("\(profile.givenName) \(profile.familyName)")])),
            .replace("displayName", .string("\(profile.givenName) \(profile.familyName)")),
            .replace(enterprise + "employeeNumber", .string(id.rawValue)),
        ]
        func set(_ path: String, _ value: String?) {
            operations.append(value.map { .replace(path, .string($0)) } ?? .remove(path))
        }
        if let email = profile.email {
            operations.append(.replace("emails", .array([.object(["value": .string(email), "type": "work", "primary": true])])))
        } else {
            operations.append(.remove("emails"))
        }
        set("title", profile.title)
        set(enterprise + "department", profile.department)
        set(enterprise + "costCenter", profile.costCenter)
        if let manager = try await manager(profile.manager), let value = manager.value {
            operations.append(.replace(enterprise + "manager", .object(["value": .string(value)])))
        }
        return operations
    }

    /// The manager's SCIM reference, when the LMS has their account (a manager provisioned later
    /// is linked at the worker's next profile update).
    func manager(_ id: EmployeeID?) async throws -> EnterpriseUser.Manager? {
        guard let id, let user = try await client.findUser(externalId: id.rawValue), let managerID = user.id else { return nil }
        return EnterpriseUser.Manager(value: managerID)
    }

    /// A failure as the outbox records it: transient ones retried, 409/412 after the re-reads
    /// above, and the rest of 4xx refused for good.
    static func deliveryError(_ error: any Error) -> DeliveryError {
        if let error = error as? DeliveryError { return error }
        guard let error = error as? SCIMError else { return DeliveryError(status: 0, message: "\(error)") }
        let retryAfter = error.retryAfter.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        let permanent = (400..<500).contains(error.status) && ![408, 409, 412, 429].contains(error.status)
        return DeliveryError(status: error.status, message: error.description, retryAfterSeconds: retryAfter, permanent: permanent)
    }
}

/// The LMS's group IDs by display name, found or created once per sync even when many workers
/// join a new group at the same time.
actor GroupDirectory {
    let client: SCIMClient
    private var known: [String: String] = [:]
    private var pending: [String: Task<String?, any Error>] = [:]

    init(client: SCIMClient) {
        self.client = client
    }

    /// The ID of the group `name`; created when missing and `creating`, nil otherwise.
    func id(of name: String, creating: Bool) async throws -> String? {
        if let id = known[name] { return id }
        if let task = pending[name] {
            if let id = try await task.value { return id }
            if !creating { return nil }
        }
        let client = self.client
        let task = Task<String?, any Error> {
            if let group = try await client.findGroup(displayName: name), let id = group.id { return id }
            guard creating else { return nil }
            do {
                return try await client.createGroup(displayName: name, externalId: "roster:" + name).id
            } catch let error as SCIMError where error.isConflict {
                return try await client.findGroup(displayName: name)?.id
            }
        }
        pending[name] = task
        defer { pending[name] = nil }
        let id = try await task.value
        if let id { known[name] = id }
        return id
    }
}

extension SCIMConnector: LMSReading {
    /// Every user and group on the server: accounts by `externalId`, memberships from the groups
    /// (a group named with the course prefix is a course assignment), managers by their `externalId`.
    public func readAccounts() async throws -> LMSSnapshot {
        let users = try await client.listUsers()
        let groups = try await client.listGroups()
        var employeeBySCIMID: [String: EmployeeID] = [:]
        for user in users { if let id = user.id, let external = user.externalId, !external.isEmpty { employeeBySCIMID[id] = EmployeeID(rawValue: external) } }
        var memberships: [String: Set<LMSMembership>] = [:]
        for group in groups {
            let membership = group.displayName.hasPrefix(courseGroupPrefix)
                ? LMSMembership(.course, String(group.displayName.dropFirst(courseGroupPrefix.count))) : LMSMembership(.group, group.displayName)
            for member in group.members { memberships[member.value, default: []].insert(membership) }
        }
        var accounts: [EmployeeID: LMSSnapshot.Account] = [:]
        var unmanaged: [String] = []
        for user in users {
            guard let external = user.externalId, !external.isEmpty else {
                unmanaged.append(user.userName)
                continue
            }
            let profile = LMSProfile(
                userName: user.userName, givenName: user.name?.givenName ?? "", familyName: user.name?.familyName ?? "",
                email: user.emails.first { $0.primary == true }?.value ?? user.emails.first?.value, title: user.title,
                department: user.enterprise?.department, costCenter: user.enterprise?.costCenter,
                manager: user.enterprise?.manager?.value.flatMap { employeeBySCIMID[$0] })
            accounts[EmployeeID(rawValue: external)] = LMSSnapshot.Account(
                lmsID: user.id, profile: profile, active: user.active ?? true, memberships: user.id.map { memberships[$0] ?? [] } ?? [])
        }
        return LMSSnapshot(accounts: accounts, unmanaged: unmanaged)
    }
}
