@testable import Journal
import Testing

@Suite struct SubjectHeadTableTests {
    func hash(_ subject: String) -> UInt64 {
        var subject = subject
        return subject.withUTF8 { SubjectHeadTable.hash(UnsafeRawBufferPointer($0)) }
    }

    @Test func findsEverySubjectItStoredAcrossGrowth() {
        var table = SubjectHeadTable(capacity: 16)
        for index in 0..<50_000 {
            let subject = "E\(index)"
            let slot = table.find(subject, hash: hash(subject))
            #expect(!slot.found)
            table.set(SubjectHead(version: UInt32(index % 7 + 1), last: UInt64(index), stamp: 0), for: subject, hash: hash(subject), at: slot.index, found: false)
        }
        #expect(table.count == 50_000)
        for index in stride(from: 0, to: 50_000, by: 97) {
            let subject = "E\(index)"
            let slot = table.find(subject, hash: hash(subject))
            #expect(slot.found)
            #expect(table.head(at: slot.index).last == UInt64(index))
        }
        #expect(!table.find("E50000", hash: hash("E50000")).found)
    }

    @Test func subjectsWithTheSameHashStayApart() {
        var table = SubjectHeadTable(capacity: 16)
        // Force a collision: two subjects stored under one hash must still be told apart.
        for (index, subject) in ["E1", "E2"].enumerated() {
            let slot = table.find(subject, hash: 42)
            table.set(SubjectHead(version: UInt32(index + 1), last: UInt64(index + 10), stamp: 0), for: subject, hash: 42, at: slot.index, found: slot.found)
        }
        #expect(table.head(at: table.find("E1", hash: 42).index).version == 1)
        #expect(table.head(at: table.find("E2", hash: 42).index).version == 2)
        #expect(table.count == 2)
    }
}
