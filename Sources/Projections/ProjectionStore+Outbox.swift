import ByteCoding
import Journal
import LMDBKit
import Workforce

extension ProjectionStore {
    /// Every command in the outbox as of the store's checkpoint (catch the store up first):
    /// workers by their oldest cause, each worker's commands in the order they must go.
    public func outbox() throws -> [LMSCommand] {
        let lists: [[LMSCommand]] = try environment.read { txn in
            try txn.withCursor(outboxDatabase) { cursor in
                var lists: [[LMSCommand]] = []
                var entry = try cursor.first()
                while let current = entry {
                    lists.append(try Self.decodeCommands(current.value))
                    entry = try cursor.next()
                }
                return lists
            }
        }
        func oldest(_ list: [LMSCommand]) -> JournalPosition { list.map(\.cause).min() ?? .start }
        return lists.sorted { (oldest($0), $0.first?.employeeID.rawValue ?? "") < (oldest($1), $1.first?.employeeID.rawValue ?? "") }.flatMap { $0 }
    }

    static func encode(_ commands: [LMSCommand]) -> [UInt8] {
        var writer = ByteWriter(capacity: 256 * commands.count)
        writer.varint(UInt64(commands.count))
        for command in commands {
            writer.string(command.employeeID.rawValue)
            switch command.action {
            case .create: writer.u8(0)
            case .update: writer.u8(1)
            case .deactivate: writer.u8(2)
            case .reactivate: writer.u8(3)
            case .add(let membership):
                writer.u8(4)
                writer.membership(membership)
            case .remove(let membership):
                writer.u8(5)
                writer.membership(membership)
            }
            writer.profile(command.profile)
            writer.u8(command.active ? 1 : 0)
            writer.optionalString(command.lmsID)
            writer.u64(command.cause.rawValue)
            writer.optional(command.lastFailure) { $0.failure($1) }
        }
        return writer.bytes
    }

    static func decodeCommands(_ buffer: UnsafeRawBufferPointer) throws -> [LMSCommand] {
        var reader = ByteReader(buffer)
        let count = Int(try reader.varint())
        var commands: [LMSCommand] = []
        commands.reserveCapacity(count)
        for _ in 0..<count {
            let id = EmployeeID(rawValue: try reader.string())
            let action: LMSCommand.Action
            switch try reader.u8() {
            case 0: action = .create
            case 1: action = .update
            case 2: action = .deactivate
            case 3: action = .reactivate
            case 4: action = .add(try reader.membership())
            case 5: action = .remove(try reader.membership())
            default: throw ByteReader.Truncated()
            }
            commands.append(
                LMSCommand(
                    employeeID: id, action: action, profile: try reader.profile(), active: try reader.u8() == 1, lmsID: try reader.optionalString(),
                    cause: JournalPosition(try reader.u64()), lastFailure: try reader.optional { try $0.failure() }))
        }
        return commands
    }
}
