import Foundation
import Journal
import Testing
@testable import Workforce

/// The catalogue's golden test: wire names, payload shapes and the documentation agree.
@Suite struct EventCatalogueTests {
    @Test func everyExampleDecodesToTheEventItWasWrittenFrom() throws {
        for entry in EventCatalogue.entries {
            #expect(entry.type.validate() == nil, "\(entry.type)")
            if let event = try WorkerEvent.decode(type: entry.type, payload: entry.example) {
                #expect(try event.payload() == entry.example, "\(entry.type)")
                #expect(event.type == entry.type)
            } else if let event = try BatchEvent.decode(type: entry.type, payload: entry.example) {
                #expect(try event.payload() == entry.example, "\(entry.type)")
                #expect(event.type == entry.type)
            } else if let event = try AdminEvent.decode(type: entry.type, payload: entry.example) {
                #expect(try event.payload() == entry.example, "\(entry.type)")
                #expect(event.type == entry.type)
            } else if let event = try ScheduleEvent.decode(type: entry.type, payload: entry.example) {
                #expect(try event.payload() == entry.example, "\(entry.type)")
                #expect(event.type == entry.type)
            } else if let polled = try FeedPolled.decode(type: entry.type, payload: entry.example) {
                #expect(try polled.payload() == entry.example)
            } else if let round = try DeliveryRound.decode(type: entry.type, payload: entry.example) {
                #expect(try round.payload() == entry.example)
            } else if let event = try LMSEvent.decode(type: entry.type, payload: entry.example) {
                #expect(try event.payload() == entry.example, "\(entry.type)")
                #expect(event.type == entry.type)
            } else {
                Issue.record("\(entry.type) decodes as no known event")
            }
        }
        #expect(Set(EventCatalogue.entries.map(\.type)).count == EventCatalogue.entries.count)
    }

    @Test func adminAndScheduleWireFormatsStayAsPublished() throws {
        #expect(String(decoding: try AdminEvent.restored(by: "ops", reason: nil).payload(), as: UTF8.self) == #"{"by":"ops","reason":null}"#)
        let effect = ScheduledEffect(
            kind: .deactivate, dueAt: Timestamp(iso8601: "2026-11-30T00:00:00Z")!, now: Timestamp(iso8601: "2026-11-30T00:00:05Z")!,
            rule: "termination", ruleSet: "abc")
        #expect(String(decoding: try ScheduleEvent.fired(effect).payload(), as: UTF8.self)
            == #"{"due_at":"2026-11-30T00:00:00.000000Z","kind":"deactivate","now":"2026-11-30T00:00:05.000000Z","rule":"termination","rule_set":"abc"}"#)
    }

    @Test func lmsAnswersStayAsPublished() throws {
        let failed = LMSEvent(
            target: "scim", command: "E7 deactivate", cause: JournalPosition(12),
            kind: .deliveryFailed(DeliveryFailure(attempt: 2, status: 429, error: "Too Many Requests", retryAt: nil, dead: true)))
        #expect(String(decoding: try failed.payload(), as: UTF8.self)
            == #"{"cause":12,"command":"E7 deactivate","failure":{"attempt":2,"dead":true,"error":"Too Many Requests","status":429},"target":"scim"}"#)
        let added = LMSEvent(target: "csv-export", command: "E7 add course:Safety", cause: JournalPosition(3), kind: .membershipAdded(LMSMembership(.course, "Safety")))
        #expect(String(decoding: try added.payload(), as: UTF8.self)
            == #"{"cause":3,"command":"E7 add course:Safety","membership":{"kind":"course","name":"Safety"},"target":"csv-export"}"#)
        #expect(try LMSEvent.decode(type: added.type, payload: try added.payload()) == added)
        #expect(throws: DecodingError.self) { try LMSEvent.decode(type: "lms.user-updated.v1", payload: Array(#"{"cause":1,"command":"x","target":"t"}"#.utf8)) }
    }

    @Test func wireFormatsStayAsPublished() throws {
        #expect(String(decoding: try WorkerEvent.changed(.jobTitle, old: "Analyst", new: nil).payload(), as: UTF8.self)
            == #"{"field":"job_title","new":null,"old":"Analyst"}"#)
        #expect(String(decoding: try WorkerEvent.terminated(date: LocalDate(year: 2027, month: 3, day: 31), previousStatus: .onLeave).payload(), as: UTF8.self)
            == #"{"previous_status":"on_leave","termination_date":"2027-03-31"}"#)
        #expect(String(decoding: try WorkerEvent.converted(from: .contractor, to: .fullTime).payload(), as: UTF8.self)
            == #"{"from":"contractor","to":"full_time"}"#)
        let hired = String(decoding: try WorkerEvent.hired(EventCatalogue.exampleWorker).payload(), as: UTF8.self)
        #expect(hired.hasPrefix(#"{"worker":{"cost_center":"CC-4120","custom":{},"department_code":"IT-200""#))
        #expect(hired.contains(#""employee_id":"E1001""#) && hired.contains(#""hire_date":"2027-01-04""#))
        #expect(!hired.contains("termination_date"))
    }

    @Test func theDocumentationIsTheCatalogue() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/event-catalogue.md")
        // ROSTER_RECORD_GOLDEN=1 swift test --filter EventCatalogueTests rewrites it after a deliberate change.
        if ProcessInfo.processInfo.environment["ROSTER_RECORD_GOLDEN"] == "1" {
            try EventCatalogue.markdown().write(to: docs, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOf: docs, encoding: .utf8)
        #expect(text == EventCatalogue.markdown(), "run ROSTER_RECORD_GOLDEN=1 swift test --filter EventCatalogueTests after a deliberate change")
    }
}

extension EventCatalogueTests {
    /// The hand-written payloads are byte for byte what Foundation's encoder writes.
    @Test func handWrittenPayloadsEqualTheEncoders() throws {
        var worker = EventCatalogue.exampleWorker
        worker.custom = ["union": "yes", "badge": "A\"7\\\n/é"]
        worker.terminationDate = LocalDate(year: 2027, month: 5, day: 1)
        worker.preferredLastName = "O'Neil\t"
        var minimal = Worker(id: EmployeeID(rawValue: "E9"), legalFirstName: "Zoë", legalLastName: "\u{01}")
        minimal.status = .pending
        let events: [WorkerEvent] = [
            .hired(worker), .rehired(minimal), .changed(.location, old: nil, new: "NYC"), .changed(.managerID, old: "E\"1", new: nil),
            .attributeChanged(name: "union", old: "no", new: nil), .terminated(date: nil, previousStatus: .onLeave),
            .converted(from: .intern, to: .partTime), .emailChanged(old: nil, new: "a/b@example.com"),
            .nameChanged(old: PersonName(of: worker), new: PersonName(of: minimal)), .absent(feed: "hr", batch: "b"),
            .returned(feed: "hr", batch: "c"), .emailConflict(email: "x@example.com", heldBy: EmployeeID(rawValue: "E2")),
        ]
        for event in events {
            #expect(String(decoding: try event.payload(), as: UTF8.self) == String(decoding: try event.encodedPayload(), as: UTF8.self))
            #expect(try WorkerEvent.decode(type: event.type, payload: try event.payload()) == event)
        }
    }
}

extension EventCatalogueTests {
    /// The payload reader agrees with Foundation's decoder, on Roster's own payloads and on the
    /// same JSON as other encoders may write it (keys in another order, spaces, escaped slashes,
    /// `\u` escapes with surrogate pairs, unknown keys).
    @Test func thePayloadReaderAgreesWithFoundation() throws {
        var worker = EventCatalogue.exampleWorker
        worker.custom = ["union": "yes", "badge": "A\"7\\\n/é", "emoji": "🧑🏽‍💻"]
        worker.preferredLastName = "Ō'Neil\t李"
        let events: [WorkerEvent] = [
            .hired(worker), .changed(.location, old: nil, new: "NYC"), .terminated(date: LocalDate(year: 2027, month: 3, day: 31), previousStatus: .active),
            .converted(from: .contractor, to: .fullTime), .nameChanged(old: PersonName(of: worker), new: PersonName(legalFirst: "Ana", legalLast: "Ñúñez")),
            .attributeChanged(name: "union", old: nil, new: "no"), .emailChanged(old: "a@x.com", new: nil), .absent(feed: "hr", batch: "b1"),
            .emailConflict(email: "j@x.com", heldBy: EmployeeID(rawValue: "E2")),
        ]
        for event in events {
            let payload = try event.payload()
            #expect(try WorkerEvent.decode(type: event.type, payload: payload) == WorkerEvent.decodeWithFoundation(type: event.type, payload: payload))
        }
        let foreign = #"""
            { "worker" : { "time_zone":"Europe\/London", "status":"active", "employment_type":"part_time", "legal_last_name":"\u00d1\u00fa\u00f1ez",
              "legal_first_name":"Ana \ud83d\ude00", "employee_id":"E7", "custom": {"a": "1"}, "email": null, "extra": [1, {"b": true}, -2.5e3] },
              "note": "ignored" }
            """#
        let decoded = try WorkerEvent.decode(type: "worker.hired.v1", payload: Array(foreign.utf8))
        #expect(decoded == (try WorkerEvent.decodeWithFoundation(type: "worker.hired.v1", payload: Array(foreign.utf8))))
        guard case .hired(let read)? = decoded else { Issue.record("not a hire"); return }
        #expect(read.legalFirstName == "Ana 😀" && read.legalLastName == "Ñúñez" && read.timeZone == "Europe/London")
        #expect(throws: (any Error).self) { try WorkerEvent.decode(type: "worker.changed.v1", payload: Array(#"{"field":"job_title","old":"a""#.utf8)) }
        #expect(throws: (any Error).self) { try WorkerEvent.decode(type: "worker.hired.v1", payload: Array(#"{"worker":{"employee_id":"E1"}}"#.utf8)) }
    }

    /// A change as Roster writes it is read by a shortcut; the same change in any other form
    /// (spaces, keys in another order, escapes, an unknown key, a null) by the general reading,
    /// and both agree with Foundation. A change naming no known field is refused either way.
    @Test func changesReadTheSameInEveryForm() throws {
        let forms = [
            #"{"field":"job_title","new":"Head of Sales","old":"Sales Manager II"}"#,
            #"{"field":"job_title","new":null,"old":"Sales Manager II"}"#,
            #"{"field":"hire_date","new":"2027-01-04","old":null}"#,
            #"{"field":"job_title","old":"Sales Manager II","new":"Head of Sales"}"#,
            #"{ "field" : "job_title", "new" : "Head of Sales", "old" : "Sales Manager II" }"#,
            #"{"field":"job\u005ftitle","new":"Head of Sales","old":"Sales Manager II"}"#,
            #"{"field":"job_title","new":"Head \"of\" Sales","old":"Sales Manager II"}"#,
            #"{"field":"job_title","new":"Head of Sales","note":1,"old":"Sales Manager II"}"#,
            #"{"new":"Head of Sales","old":"Sales Manager II","field":"job_title"}"#,
            #"{"field":"location","new":"NYC","old":"LON"} "#,
        ]
        for form in forms {
            let payload = Array(form.utf8)
            let read = try WorkerEvent.decode(type: "worker.changed.v1", payload: payload)
            #expect(read == (try WorkerEvent.decodeWithFoundation(type: "worker.changed.v1", payload: payload)), "\(form)")
        }
        #expect(try WorkerEvent.decode(type: "worker.changed.v1", payload: Array(forms[6].utf8)) == .changed(.jobTitle, old: "Sales Manager II", new: #"Head "of" Sales"#))
        // The shortcut takes Roster's forms (the first three, an escaped value or field name,
        // trailing space), and leaves the others to the general reading, where it found them.
        for (index, form) in forms.enumerated() {
            let taken = try Array(form.utf8).withUnsafeBytes { bytes in
                var reader = JSONReader(bytes)
                let change = try WorkerEvent.canonicalChange(from: &reader)
                #expect(change != nil || reader.index == 0, "\(form)")
                return change != nil
            }
            #expect(taken == [0, 1, 2, 5, 6, 9].contains(index), "\(form)")
        }
        #expect(throws: (any Error).self) { try WorkerEvent.decode(type: "worker.changed.v1", payload: Array(#"{"field":"shoe_size","new":"9","old":"8"}"#.utf8)) }
        #expect(throws: (any Error).self) { try WorkerEvent.decode(type: "worker.changed.v1", payload: Array(#"{"field":"job_title","new":"a","old":"b"}x"#.utf8)) }
        #expect(throws: (any Error).self) { try WorkerEvent.decode(type: "worker.changed.v1", payload: Array(#"{"field":"job_title","new":"a","old":"b"#.utf8)) }
    }

    /// A hire as Roster writes it is read by trying each key where it would come; with a key
    /// unknown, out of order or missing, by the general reading; both agree with Foundation.
    @Test func hiresReadTheSameInEveryForm() throws {
        var worker = EventCatalogue.exampleWorker
        worker.custom = ["union": "yes", "badge": "A\"7"]
        worker.terminationDate = LocalDate(year: 2027, month: 5, day: 1)
        worker.preferredLastName = "O'Neil"
        let canonical = String(decoding: try WorkerEvent.hired(worker).payload(), as: UTF8.self)
        let forms = [
            canonical,
            canonical.replacingOccurrences(of: #""email":"#, with: #""extra":[1,2],"email":"#),
            canonical.replacingOccurrences(of: #","time_zone":"#, with: #","zzz":true,"time_zone":"#),
            canonical.replacingOccurrences(of: #""custom":{"badge":"A\"7","union":"yes"}"#, with: #""custom":{}"#),
            canonical.replacingOccurrences(of: #"{"worker":{"#, with: #"{"worker":{"status":"active","#)
                .replacingOccurrences(of: #","status":"active","#, with: ","),
            #"{"worker":{"custom":{},"employee_id":"E1","employment_type":"full_time","legal_first_name":"A","legal_last_name":"B","status":"active","time_zone":"UTC"}}"#,
        ]
        #expect(Set(forms).count == forms.count, "each form differs from the canonical one")
        for form in forms {
            let payload = Array(form.utf8)
            let read = try WorkerEvent.decode(type: "worker.hired.v1", payload: payload)
            #expect(read == (try WorkerEvent.decodeWithFoundation(type: "worker.hired.v1", payload: payload)), "\(form)")
        }
        #expect(try WorkerEvent.decode(type: "worker.hired.v1", payload: Array(canonical.utf8)) == .hired(worker))
        // The shortcut takes Roster's own forms (with custom attributes, with none, and a minimal
        // worker) and no other.
        for (index, form) in forms.enumerated() {
            let worker = try Array(form.utf8).withUnsafeBytes { bytes in
                var reader = JSONReader(bytes)
                guard reader.consume(#"{"worker":"#) else { return nil as Worker? }
                return try Worker.readCanonical(from: &reader)
            }
            #expect((worker != nil) == [0, 3, 5].contains(index), "\(form)")
        }
        let noZone = #"{"worker":{"employee_id":"E1","employment_type":"full_time","legal_first_name":"A","legal_last_name":"B","status":"active"}}"#
        #expect(throws: (any Error).self) { try WorkerEvent.decode(type: "worker.hired.v1", payload: Array(noZone.utf8)) }
        let unknownType = #"{"worker":{"employee_id":"E1","employment_type":"robot","status":"active","time_zone":"UTC"}}"#
        #expect(throws: (any Error).self) { try WorkerEvent.decode(type: "worker.hired.v1", payload: Array(unknownType.utf8)) }
    }
}
