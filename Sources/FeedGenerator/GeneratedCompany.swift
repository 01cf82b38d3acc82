import CSV
import Foundation
import Ingestion
import Workforce

/// A generated company: a realistic population and its day-to-day HR changes, written as the
/// CSV files an HRIS would send.
///
/// Names come from many locales, with accents and non-Latin scripts; managers form a tree;
/// workers are spread over departments and locations (each with its time zone); about one in ten
/// is a contractor, some are part-time, interns or temporary. Each day brings hires (some
/// future-dated), terminations (some future-dated), promotions, transfers, name and email changes,
/// conversions and rehires. Deterministic for a seed.
public struct GeneratedCompany: Sendable {
    public private(set) var workers: [Worker] = []
    public private(set) var today: LocalDate
    private var random: SplitMix64
    private var nextNumber: Int
    private var usedEmails: Set<String> = []

    /// What one day changed, by kind.
    public struct DayChanges: Sendable, Equatable {
        public var hires = 0
        public var terminations = 0
        public var promotions = 0
        public var transfers = 0
        public var nameChanges = 0
        public var emailChanges = 0
        public var conversions = 0
        public var rehires = 0
        /// The employee IDs whose rows changed.
        public var changed: Set<EmployeeID> = []

        public init() {}
    }

    /// A company of `size` workers on `today`.
    public init(size: Int, today: LocalDate, seed: UInt64 = 2026) {
        self.today = today
        random = SplitMix64(seed: seed)
        nextNumber = 100_000
        for index in 0..<max(1, size) {
            let manager = index == 0 ? nil : workers[random.index(max(1, min(index, index / 6 + 1)))].id
            workers.append(makeWorker(manager: manager, hireDate: today.adding(days: -Int(random.next(below: 5_000)) - 1)))
        }
        // Those with reports get managerial titles.
        let managers = Set(workers.compactMap(\.managerID))
        for index in workers.indices where managers.contains(workers[index].id) {
            workers[index].jobTitle = Self.managerTitles[random.index(Self.managerTitles.count)]
        }
    }

    static let managerTitles = ["Engineering Manager", "Director of Engineering", "Operations Manager", "Marketing Manager", "Store Manager", "Head of Finance"]

    private mutating func makeWorker(manager: EmployeeID?, hireDate: LocalDate) -> Worker {
        nextNumber += 1 + Int(random.next(below: 3))
        let id = EmployeeID(rawValue: "E\(nextNumber)")
        let first: String, last: String, romanFirst: String, romanLast: String
        if random.chance(0.12) {
            let name = Names.nonLatin[random.index(Names.nonLatin.count)]
            (first, last, romanFirst, romanLast) = (name.first, name.last, name.romanFirst, name.romanLast)
        } else {
            first = Names.first[random.index(Names.first.count)]
            last = Names.last[random.index(Names.last.count)]
            (romanFirst, romanLast) = (Self.ascii(first), Self.ascii(last))
        }
        let department = Names.departments[random.index(Names.departments.count)]
        let location = Names.locations[random.index(Names.locations.count)]
        let type: EmploymentType = random.chance(0.1) ? .contractor : random.chance(0.1) ? .partTime : random.chance(0.03) ? .intern : random.chance(0.03) ? .temporary : .fullTime
        return Worker(
            id: id, email: uniqueEmail(romanFirst, romanLast), legalFirstName: first, legalLastName: last,
            preferredFirstName: random.chance(0.15) ? Names.first[random.index(Names.first.count)] : nil,
            jobTitle: Names.titles[random.index(Names.titles.count)], jobCode: "JC-\(1000 + random.index(900))",
            departmentCode: department.code, departmentName: department.name, location: location.code, timeZone: location.zone,
            managerID: manager, managerEmail: manager.flatMap { id in workers.first { $0.id == id }?.email },
            costCenter: "CC-\(1000 + random.index(8000))", employmentType: type, status: hireDate > today ? .pending : .active,
            hireDate: hireDate)
    }

    private mutating func uniqueEmail(_ first: String, _ last: String) -> String {
        var local = "\(first).\(last)"
        var suffix = 1
        while usedEmails.contains(local) {
            suffix += 1
            local = "\(first).\(last)\(suffix)"
        }
        usedEmails.insert(local)
        return local + "@northwind-corp.com"
    }

    /// The ASCII letters of `name`, lower-cased, accents dropped: for email addresses.
    static func ascii(_ name: String) -> String {
        let folded = name.foldingAccents
        let letters = folded.lowercased().unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic) }
        return letters.isEmpty ? "x" : String(String.UnicodeScalarView(letters))
    }

    /// Moves to the next day and makes that day's changes.
    @discardableResult
    public mutating func advanceDay() -> DayChanges {
        today = today.adding(days: 1)
        var changes = DayChanges()
        let population = workers.count
        func count(_ rate: Double) -> Int {
            let expected = Double(population) * rate
            return Int(expected) + (random.chance(expected - Double(Int(expected))) ? 1 : 0)
        }
        // Pending hires whose day has come start.
        for index in workers.indices where workers[index].status == .pending && (workers[index].hireDate ?? today) <= today {
            workers[index].status = .active
            changes.changed.insert(workers[index].id)
        }
        for _ in 0..<count(0.002) {
            let manager = workers[random.index(workers.count)].id
            let start = today.adding(days: random.chance(0.5) ? Int(random.next(below: 30)) + 1 : 0)
            let worker = makeWorker(manager: manager, hireDate: start)
            workers.append(worker)
            changes.hires += 1
            changes.changed.insert(worker.id)
        }
        for _ in 0..<count(0.0015) {
            guard let index = randomIndex(where: { $0.status == .active }) else { break }
            workers[index].status = .terminated
            workers[index].terminationDate = today.adding(days: random.chance(0.4) ? Int(random.next(below: 14)) + 1 : 0)
            changes.terminations += 1
            changes.changed.insert(workers[index].id)
        }
        for _ in 0..<count(0.003) {
            guard let index = randomIndex(where: { $0.status == .active }) else { break }
            workers[index].jobTitle = random.chance(0.3) ? Self.managerTitles[random.index(Self.managerTitles.count)] : Names.titles[random.index(Names.titles.count)]
            workers[index].jobCode = "JC-\(1000 + random.index(900))"
            changes.promotions += 1
            changes.changed.insert(workers[index].id)
        }
        for _ in 0..<count(0.001) {
            guard let index = randomIndex(where: { $0.status == .active }) else { break }
            let location = Names.locations[random.index(Names.locations.count)]
            workers[index].location = location.code
            workers[index].timeZone = location.zone
            changes.transfers += 1
            changes.changed.insert(workers[index].id)
        }
        for _ in 0..<count(0.0005) {
            guard let index = randomIndex(where: { $0.status == .active }) else { break }
            workers[index].legalLastName = Names.last[random.index(Names.last.count)]
            changes.nameChanges += 1
            changes.changed.insert(workers[index].id)
        }
        for _ in 0..<count(0.0005) {
            guard let index = randomIndex(where: { $0.status == .active }) else { break }
            workers[index].email = uniqueEmail(Self.ascii(workers[index].displayFirstName), Self.ascii(workers[index].legalLastName))
            changes.emailChanges += 1
            changes.changed.insert(workers[index].id)
        }
        for _ in 0..<count(0.0005) {
            guard let index = randomIndex(where: { $0.status == .active && $0.employmentType == .contractor }) else { break }
            workers[index].employmentType = .fullTime
            changes.conversions += 1
            changes.changed.insert(workers[index].id)
        }
        let day = today
        for _ in 0..<count(0.0002) {
            guard let index = randomIndex(where: { $0.status == .terminated && ($0.terminationDate ?? day) < day }) else { break }
            workers[index].status = .active
            workers[index].terminationDate = nil
            workers[index].hireDate = today
            changes.rehires += 1
            changes.changed.insert(workers[index].id)
        }
        return changes
    }

    private mutating func randomIndex(where predicate: (Worker) -> Bool) -> Int? {
        for _ in 0..<64 {
            let index = random.index(workers.count)
            if predicate(workers[index]) { return index }
        }
        return workers.indices.first { predicate(workers[$0]) }
    }

    /// Everyone, as a full snapshot in `preset`'s shape.
    public func snapshot(preset: FeedPreset = .generic) -> [UInt8] {
        csv(workers, preset: preset)
    }

    /// Only the workers in `ids`, as a delta file in `preset`'s shape.
    public func delta(_ ids: Set<EmployeeID>, preset: FeedPreset = .generic) -> [UInt8] {
        csv(workers.filter { ids.contains($0.id) }, preset: preset)
    }

    static let columns: [CanonicalColumn] = [
        .employeeID, .legalFirstName, .legalLastName, .preferredFirstName, .email, .jobTitle, .jobCode, .departmentCode, .departmentName,
        .location, .managerID, .costCenter, .employmentType, .status, .hireDate, .terminationDate,
    ]

    func csv(_ workers: [Worker], preset: FeedPreset) -> [UInt8] {
        let columns = Self.columns.filter { preset.columns[$0] != nil }
        var rows: [[String]] = [columns.map { preset.columns[$0]!.first! }]
        rows.reserveCapacity(workers.count + 1)
        let codes = OutputCodes(preset)
        for worker in workers {
            rows.append(columns.map { column in
                switch column {
                case .employeeID: worker.id.rawValue
                case .legalFirstName: worker.legalFirstName
                case .legalLastName: worker.legalLastName
                case .preferredFirstName: worker.preferredFirstName ?? ""
                case .preferredLastName: worker.preferredLastName ?? ""
                case .email: worker.email ?? ""
                case .jobTitle: worker.jobTitle ?? ""
                case .jobCode: worker.jobCode ?? ""
                case .departmentCode: worker.departmentCode ?? ""
                case .departmentName: worker.departmentName ?? ""
                case .location: worker.location ?? ""
                case .managerID: worker.managerID?.rawValue ?? ""
                case .managerEmail: worker.managerEmail ?? ""
                case .costCenter: worker.costCenter ?? ""
                case .employmentType: codes.employmentType[worker.employmentType] ?? worker.employmentType.rawValue
                case .status: codes.status[worker.status] ?? worker.status.rawValue
                case .hireDate: worker.hireDate?.formatted(preset.dateFormat) ?? ""
                case .terminationDate: worker.terminationDate?.formatted(preset.dateFormat) ?? ""
                }
            })
        }
        return CSVWriter.write(rows)
    }

    /// The codes a preset's exports write, for each canonical value.
    struct OutputCodes {
        var status: [WorkerStatus: String] = [:]
        var employmentType: [EmploymentType: String] = [:]

        init(_ preset: FeedPreset) {
            switch preset.name {
            case "bamboohr", "workday":
                status = [.active: "Active", .onLeave: "On Leave", .terminated: "Terminated", .pending: "Pending"]
                employmentType = [.fullTime: "Full-Time", .partTime: "Part-Time", .contractor: "Contractor", .intern: "Intern", .temporary: "Temporary"]
            case "adp", "ukg":
                status = [.active: "A", .onLeave: "L", .terminated: "T", .pending: "Pending"]
                employmentType = preset.name == "adp"
                    ? [.fullTime: "F", .partTime: "P", .contractor: "C", .intern: "Intern", .temporary: "T"]
                    : [.fullTime: "REG", .partTime: "P", .contractor: "CON", .intern: "INT", .temporary: "TMP"]
            case "successfactors":
                status = [.active: "A", .onLeave: "U", .terminated: "T", .pending: "Pending"]
                employmentType = [.fullTime: "1", .partTime: "2", .contractor: "3", .intern: "4", .temporary: "5"]
            default:
                break
            }
        }
    }
}

extension String {
    /// Latin letters with their accents removed (é → e, ł → l): letters that do not decompose are
    /// replaced, the rest decomposed and their combining marks dropped.
    var foldingAccents: String {
        let replacements: [Character: String] = ["ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "ı": "i", "æ": "ae"]
        let replaced = self.map { replacements[$0] ?? String($0) }.joined()
        return String(String.UnicodeScalarView(
            replaced.decomposedStringWithCanonicalMapping.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }))
    }
}

extension GeneratedCompany {
    /// Changes `fraction` of the active workers' rows (new titles, and a transfer for one in five);
    /// returns how many rows changed.
    public mutating func changeRows(fraction: Double, seed: UInt64) -> Int {
        var random = SplitMix64(seed: seed)
        var changed = 0
        for index in workers.indices where workers[index].status == .active && random.chance(fraction) {
            workers[index].jobTitle = Names.titles[random.index(Names.titles.count)] + " II"
            if random.chance(0.2) {
                let location = Names.locations[random.index(Names.locations.count)]
                workers[index].location = location.code
                workers[index].timeZone = location.zone
            }
            changed += 1
        }
        return changed
    }
}
