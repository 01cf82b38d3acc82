import FeedGenerator
import Ingestion
import Testing
import Workforce

@Suite struct GeneratedCompanyTests {
    let start = LocalDate(year: 2026, month: 11, day: 2)!

    @Test func aCompanyIsVariedAndItsManagersFormATree() {
        let company = GeneratedCompany(size: 2_000, today: start)
        let ids = Set(company.workers.map(\.id))
        #expect(ids.count == 2_000)
        #expect(company.workers.filter { $0.managerID == nil }.count == 1)
        // Every manager is an earlier worker, so following managers always ends at the top.
        var position: [EmployeeID: Int] = [:]
        for (index, worker) in company.workers.enumerated() { position[worker.id] = index }
        #expect(company.workers.allSatisfy { worker in worker.managerID.map { position[$0]! < position[worker.id]! } ?? true })
        #expect(company.workers.contains { $0.legalLastName.unicodeScalars.contains { $0.value > 0x2FF } })
        #expect(company.workers.contains { $0.legalFirstName.contains("é") || $0.legalFirstName.contains("ñ") || $0.legalFirstName.contains("ø") || $0.legalLastName.contains("á") })
        let contractors = company.workers.filter { $0.employmentType == .contractor }.count
        #expect((100...300).contains(contractors))
        #expect(Set(company.workers.compactMap(\.location)).count > 10)
        #expect(company.workers.allSatisfy { $0.email?.allSatisfy(\.isASCII) == true })
        #expect(Set(company.workers.compactMap(\.email)).count == 2_000)
    }

    @Test func daysBringEveryKindOfChange() {
        var company = GeneratedCompany(size: 5_000, today: start)
        var total = GeneratedCompany.DayChanges()
        for _ in 0..<20 {
            let day = company.advanceDay()
            total.hires += day.hires
            total.terminations += day.terminations
            total.promotions += day.promotions
            total.transfers += day.transfers
            total.nameChanges += day.nameChanges
            total.emailChanges += day.emailChanges
            total.conversions += day.conversions
            total.rehires += day.rehires
        }
        #expect(total.hires > 0 && total.terminations > 0 && total.promotions > 0 && total.transfers > 0)
        #expect(total.nameChanges > 0 && total.emailChanges > 0 && total.conversions > 0 && total.rehires > 0)
        #expect(company.today == start.adding(days: 20))
    }

    @Test(arguments: ["generic", "bamboohr", "workday", "adp", "successfactors", "ukg"])
    func filesReadBackThroughTheirPresetWithoutAProblem(preset name: String) throws {
        let preset = FeedPreset.all[name]!
        var company = GeneratedCompany(size: 300, today: start)
        let changes = company.advanceDay()
        let feed = FeedConfiguration(name: name, kind: .csvSnapshot, preset: preset)
        let snapshot = try FeedReader(feed: feed).read(company.snapshot(preset: preset), file: "day-001.csv")
        #expect(snapshot.quarantined.isEmpty, "\(snapshot.quarantined.prefix(3))")
        #expect(snapshot.records.count == company.workers.count)
        let delta = try FeedReader(feed: feed).read(company.delta(changes.changed, preset: preset), file: "changes-001.csv")
        #expect(delta.records.count == changes.changed.count)
    }

    @Test func theSameSeedWritesTheSameFiles() {
        #expect(GeneratedCompany(size: 500, today: start, seed: 7).snapshot() == GeneratedCompany(size: 500, today: start, seed: 7).snapshot())
        #expect(GeneratedCompany(size: 500, today: start, seed: 7).snapshot() != GeneratedCompany(size: 500, today: start, seed: 8).snapshot())
    }
}
