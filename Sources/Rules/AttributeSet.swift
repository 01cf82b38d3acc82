import Workforce

/// A set of worker attributes, asked on every event of a replay whether a change touches it: the
/// fields as bits, so the common question costs no hashing.
public struct AttributeSet: Sendable, Equatable {
    private var fields: UInt32 = 0
    private var employmentType = false
    private var custom: Set<String> = []

    public init(_ attributes: some Sequence<WorkerAttribute>) {
        for attribute in attributes { insert(attribute) }
    }

    public mutating func insert(_ attribute: WorkerAttribute) {
        switch attribute {
        case .field(let field): fields |= Self.bit(field)
        case .employmentType: employmentType = true
        case .custom(let name): custom.insert(name)
        }
    }

    public func contains(_ attribute: WorkerAttribute) -> Bool {
        switch attribute {
        case .field(let field): fields & Self.bit(field) != 0
        case .employmentType: employmentType
        case .custom(let name): !custom.isEmpty && custom.contains(name)
        }
    }

    private static func bit(_ field: WorkerField) -> UInt32 {
        switch field {
        case .jobTitle: 1 << 0
        case .jobCode: 1 << 1
        case .departmentCode: 1 << 2
        case .departmentName: 1 << 3
        case .location: 1 << 4
        case .timeZone: 1 << 5
        case .managerID: 1 << 6
        case .managerEmail: 1 << 7
        case .costCenter: 1 << 8
        case .hireDate: 1 << 9
        case .terminationDate: 1 << 10
        case .status: 1 << 11
        }
    }
}
