import Foundation
import Journal
import JournalTestSupport
import Projections
import Testing
import Workforce

/// Fold inputs decoded from the journal's lending read are the ones decoded from full events.
@Suite struct FoldInputViewTests {
    let directory = TestDirectory()

    /// Every type of the catalogue with its example payload, one append each (stored alone) and
    /// all in one append (stored in blocks), and a hire whose payload has escapes and non-ASCII text.
    func makeJournal() throws -> Journal {
        let journal = try Journal(path: directory.child("journal"), createIfMissing: true)
        let events = EventCatalogue.entries.enumerated().map { index, entry in
            let subject =
                switch entry.subject {
                case "employee ID": "E\(1001 + index)"
                case "batch ID": "batch:b-\(index)"
                default: "subject-\(index)"
                }
            return ProposedEvent(subject: subject, type: entry.type, payload: entry.example, effectiveAt: Timestamp(iso8601: "2027-01-04"))
        }
        for event in events { try journal.append([event]) }
        try journal.append(events)
        let foreign = #"""
            { "worker" : { "time_zone":"Europe\/London", "status":"active", "employment_type":"part_time", "legal_last_name":"\u00d1\u00fa\u00f1ez",
              "legal_first_name":"Ana \ud83d\ude00", "employee_id":"E7", "custom": {"a\"b": "1"}, "email": null, "extra": [1, {"b": true}, -2.5e3] },
              "note": "ignored" }
            """#
        try journal.append([
            ProposedEvent(subject: "E7", type: "worker.hired.v1", payload: Array(foreign.utf8)),
            ProposedEvent(subject: "E7", type: "worker.future.v9", payload: Array("{}".utf8)),
        ])
        return journal
    }

    @Test func inputsFromViewsEqualInputsFromEventsForEveryType() throws {
        let journal = try makeJournal()
        let expected = try journal.events().map { try FoldInput($0) }
        #expect(expected.count == 2 * EventCatalogue.entries.count + 2)
        var routes = FoldInput.Routes()
        let fromViews = try journal.read { snapshot in
            var inputs: [FoldInput] = []
            try snapshot.forEachEventView { view in
                inputs.append(try FoldInput(view, routes: &routes))
                return true
            }
            return inputs
        }
        #expect(fromViews == expected)
        // The inputs the fold acts on were all decoded, not passed over as `other`.
        let kinds = expected.map { input in
            switch input.kind {
            case .worker: "worker"
            case .hire: "hire"
            case .batchReceived: "batchReceived"
            case .batchApplied: "batchApplied"
            case .restored: "restored"
            case .scheduleFired: "scheduleFired"
            case .lms: "lms"
            case .other: "other"
            }
        }
        #expect(Set(kinds) == ["worker", "hire", "batchReceived", "batchApplied", "restored", "scheduleFired", "lms", "other"])
        // A hire's worker comes apart from its event, for the fold to move it into the projection.
        #expect(kinds.filter { $0 == "worker" || $0 == "hire" }.count == 2 * 11 + 1)
        #expect(kinds.filter { $0 == "hire" }.count >= 2)
    }

    @Test func theReaderThreadDeliversTheSameInputs() throws {
        let journal = try makeJournal()
        let expected = try journal.events(after: JournalPosition(3)).prefix(20).map { try FoldInput($0) }
        var delivered: [FoldInput] = []
        try FoldInputs.forEach(in: journal, from: JournalPosition(4), through: JournalPosition(23)) { input in
            delivered.append(input)
            return true
        }
        #expect(delivered == expected)
    }
}
