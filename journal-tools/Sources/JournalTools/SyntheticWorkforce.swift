import FeedGenerator
import Journal
import Workforce

/// Generates realistic HR events for benchmarks and the demo: the mix an HR feed produces,
/// about 80% single-field changes and 20% full worker records, over a varied population.
///
/// Deterministic for a seed. Values are drawn from lists of names, titles, departments and
/// locations and combined with numbers, so no payload repeats verbatim.
public struct SyntheticWorkforce {
    private var random: SplitMix64
    /// How many distinct workers events are drawn from.
    public let population: Int
    private var workers: [Worker] = []
    private var batchNumber = 0

    struct Worker {
        var id: String
        var first: String
        var last: String
        var preferred: String?
        var title: Int
        var department: Int
        var location: Int
        var manager: Int
        var costCenter: Int
        var employment: Int
        var status: Int
        var hireDay: Int
        var emailSuffix: Int
        var hired = false
    }

    /// A generator over `population` workers.
    public init(population: Int = 50_000, seed: UInt64 = 0x5EED_2026) {
        self.random = SplitMix64(seed: seed)
        self.population = max(1, population)
        workers.reserveCapacity(self.population)
        for index in 0..<self.population {
            workers.append(makeWorker(index))
        }
    }

    private mutating func makeWorker(_ index: Int) -> Worker {
        Worker(
            id: "E" + String(100_000 + index * 7 + Int(random.next(below: 7))),
            first: Names.first[random.index(Names.first.count)],
            last: Names.last[random.index(Names.last.count)],
            preferred: random.next(below: 5) == 0 ? Names.first[random.index(Names.first.count)] : nil,
            title: random.index(Names.titles.count),
            department: random.index(Names.departments.count),
            location: random.index(Names.locations.count),
            manager: random.index(population),
            costCenter: 1000 + Int(random.next(below: 8000)),
            employment: random.next(below: 10) < 7 ? 0 : random.index(Names.employmentTypes.count),
            status: 0,
            hireDay: 12_000 + Int(random.next(below: 8_500)),
            emailSuffix: Int(random.next(below: 100))
        )
    }

    /// The next batch of `count` events, as one nightly file would produce.
    public mutating func nextBatch(_ count: Int, source: String = "bamboohr-nightly") -> [ProposedEvent] {
        batchNumber += 1
        let batch = "file-\(String(batchNumber, radix: 10))-\(String(random.next(below: 1 << 32), radix: 16))"
        var events: [ProposedEvent] = []
        events.reserveCapacity(count)
        for line in 0..<count {
            events.append(nextEvent(batch: batch, line: line + 2, source: source))
        }
        return events
    }

    /// One event: a full record one time in five, a field change otherwise.
    public mutating func nextEvent(batch: String, line: Int, source: String) -> ProposedEvent {
        let index = random.index(population)
        let metadata = EventMetadata(source: source, batch: batch, origin: "line \(line)")
        if random.next(below: 5) == 0 {
            return fullRecord(index, metadata: metadata)
        }
        return fieldChange(index, metadata: metadata)
    }

    private func email(_ worker: Worker) -> String {
        let local = (worker.preferred ?? worker.first).lowercased().filter { $0.isASCII && $0.isLetter }
            + "." + worker.last.lowercased().filter { $0.isASCII && $0.isLetter }
        return local + (worker.emailSuffix < 80 ? "" : String(worker.emailSuffix)) + "@northwind-corp.com"
    }

    private func date(_ day: Int) -> String {
        LocalDate(daysSinceEpoch: day).description
    }

    private mutating func fullRecord(_ index: Int, metadata: EventMetadata) -> ProposedEvent {
        let worker = workers[index]
        let location = Names.locations[worker.location]
        let department = Names.departments[worker.department]
        let manager = workers[worker.manager]
        var fields: [(String, String)] = [
            ("employee_id", worker.id),
            ("email", email(worker)),
            ("legal_first_name", worker.first),
            ("legal_last_name", worker.last),
        ]
        if let preferred = worker.preferred { fields.append(("preferred_first_name", preferred)) }
        fields += [
            ("job_title", Names.titles[worker.title]),
            ("job_code", "JC-\(1000 + worker.title * 13 + worker.department)"),
            ("department_code", department.code),
            ("department_name", department.name),
            ("location", location.code),
            ("time_zone", location.zone),
            ("manager_id", manager.id),
            ("manager_email", email(manager)),
            ("cost_center", "CC-\(worker.costCenter)"),
            ("employment_type", Names.employmentTypes[worker.employment]),
            ("status", Names.statuses[worker.status]),
            ("hire_date", date(worker.hireDay)),
        ]
        // A worker's first full record is a hire; a terminated worker's is a rehire; later ones
        // are the record a full snapshot carries.
        let type: EventType = !worker.hired ? "worker.hired.v1" : worker.status == 2 ? "worker.rehired.v1" : "worker.recorded.v1"
        workers[index].hired = true
        if worker.status == 2 { workers[index].status = 0 }
        return ProposedEvent(
            subject: worker.id,
            type: type,
            payload: JSONText.object(fields),
            effectiveAt: Timestamp(microsecondsSinceEpoch: Int64(worker.hireDay) * 86_400_000_000),
            metadata: metadata
        )
    }

    private mutating func fieldChange(_ index: Int, metadata: EventMetadata) -> ProposedEvent {
        var worker = workers[index]
        let field: String
        let old: String
        let new: String
        var type: EventType = "worker.changed.v1"
        switch random.next(below: 10) {
        case 0, 1:
            field = "job_title"
            old = Names.titles[worker.title]
            worker.title = random.index(Names.titles.count)
            new = Names.titles[worker.title]
        case 2:
            field = "department_code"
            old = Names.departments[worker.department].code
            worker.department = random.index(Names.departments.count)
            new = Names.departments[worker.department].code
        case 3:
            field = "location"
            old = Names.locations[worker.location].code
            worker.location = random.index(Names.locations.count)
            new = Names.locations[worker.location].code
        case 4, 5:
            field = "manager_id"
            old = workers[worker.manager].id
            worker.manager = random.index(population)
            new = workers[worker.manager].id
        case 6:
            field = "cost_center"
            old = "CC-\(worker.costCenter)"
            worker.costCenter = 1000 + Int(random.next(below: 8000))
            new = "CC-\(worker.costCenter)"
        case 7:
            field = "email"
            type = "worker.email-changed.v1"
            old = email(worker)
            worker.emailSuffix = Int(random.next(below: 100))
            worker.last = random.next(below: 3) == 0 ? Names.last[random.index(Names.last.count)] : worker.last
            new = email(worker)
        case 8:
            field = "preferred_first_name"
            type = "worker.name-changed.v1"
            old = worker.preferred ?? ""
            worker.preferred = Names.first[random.index(Names.first.count)]
            new = worker.preferred ?? ""
        default:
            field = "status"
            old = Names.statuses[worker.status]
            worker.status = (worker.status + 1 + random.index(Names.statuses.count - 1)) % Names.statuses.count
            new = Names.statuses[worker.status]
            if worker.status == 2 { type = "worker.terminated.v1" }
        }
        workers[index] = worker
        let effectiveDay = 20_400 + Int(random.next(below: 400))
        return ProposedEvent(
            subject: worker.id,
            type: type,
            payload: JSONText.object([
                ("field", field), ("old", old), ("new", new), ("effective_date", date(effectiveDay)),
            ]),
            effectiveAt: Timestamp(microsecondsSinceEpoch: Int64(effectiveDay) * 86_400_000_000),
            metadata: metadata
        )
    }
}

/// Minimal JSON writing for flat string objects.
enum JSONText {
    static func object(_ fields: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(512)
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            string(key, into: &out)
            out.append(UInt8(ascii: ":"))
            string(value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func string(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
