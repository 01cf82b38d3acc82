import ArgumentParser
import Foundation
import Journal

/// `roster-journal dump`: decoded events as NDJSON.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print decoded events as NDJSON, one event a line."
    )

    @OptionGroup var options: JournalOption

    @Option(help: "The first position to print.")
    var from: UInt64?

    @Option(help: "The last position to print.")
    var to: UInt64?

    @Option(help: "Only events about this subject.")
    var subject: String?

    @Option(help: "Only events of this type (wire name, e.g. worker.hired.v1).")
    var type: String?

    @Option(
        name: .customLong("recorded-before"),
        help: ArgumentHelp(
            "Only events the journal held at this instant (recorded at or before it), RFC 3339.",
            valueName: "INSTANT"
        )
    )
    var recordedBefore: String?

    func validate() throws {
        if let recordedBefore, Timestamp(iso8601: recordedBefore) == nil {
            throw ValidationError("--recorded-before \(recordedBefore) is not an RFC 3339 instant; write e.g. 2026-11-29T03:00:00Z")
        }
        if let from, let to, from > to {
            throw ValidationError("--from \(from) is after --to \(to)")
        }
    }

    func run() throws {
        let output = OutputBuffer()
        defer { output.flush() }
        try reportingErrors {
            let journal = try Journal.openReadOnly(path: options.journal)
            var last = to ?? UInt64.max
            if let recordedBefore, let instant = Timestamp(iso8601: recordedBefore) {
                last = min(last, try journal.position(recordedAtOrBefore: instant).rawValue)
            }
            let first = max(from ?? 1, 1)
            let wantedType = type.map(EventType.init(rawValue:))
            func emit(_ event: RecordedEvent) {
                if let wantedType, event.type != wantedType { return }
                output.write(bytes: EventJSON.line(event))
            }
            if let subject {
                for event in try journal.events(forSubject: subject) where event.position.rawValue >= first && event.position.rawValue <= last {
                    emit(event)
                }
                return
            }
            var position = first
            while position <= last {
                let chunk = try journal.read { snapshot in
                    var events: [RecordedEvent] = []
                    try snapshot.forEachEvent(from: JournalPosition(position), through: JournalPosition(last)) { event in
                        events.append(event)
                        return events.count < 2_000
                    }
                    return events
                }
                guard let end = chunk.last else { break }
                chunk.forEach(emit)
                position = end.position.rawValue + 1
            }
        }
    }
}

/// One event as a line of JSON.
enum EventJSON {
    static func line(_ event: RecordedEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(event.payload.count + 512)
        func key(_ name: String) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            string(name, into: &out)
            out.append(UInt8(ascii: ":"))
        }
        out.append(UInt8(ascii: "{"))
        key("position")
        out += Array(String(event.position.rawValue).utf8)
        key("recorded_at")
        string(event.recordedAt.iso8601, into: &out)
        key("effective_at")
        if let effective = event.effectiveAt { string(effective.iso8601, into: &out) } else { out += Array("null".utf8) }
        key("subject")
        string(event.subject, into: &out)
        key("subject_version")
        out += Array(String(event.subjectVersion).utf8)
        key("type")
        string(event.type.rawValue, into: &out)
        key("metadata")
        out.append(UInt8(ascii: "{"))
        var first = true
        for (name, value) in [
            ("source", event.metadata.source), ("batch", event.metadata.batch), ("origin", event.metadata.origin),
            ("causation_id", event.metadata.causationID), ("correlation_id", event.metadata.correlationID),
        ] {
            guard let value else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            string(name, into: &out)
            out.append(UInt8(ascii: ":"))
            string(value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        if isJSON(event.payload) {
            key("payload")
            // Raw line breaks can only be whitespace in valid JSON: flatten them to keep one line.
            out += event.payload.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
        } else {
            key("payload_base64")
            string(Data(event.payload).base64EncodedString(), into: &out)
        }
        key("previous_hash")
        string(event.previousHash.hex, into: &out)
        key("hash")
        string(event.hash.hex, into: &out)
        out += Array("}\n".utf8)
        return out
    }

    static func isJSON(_ payload: [UInt8]) -> Bool {
        guard let first = payload.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        else { return false }
        return (try? JSONSerialization.jsonObject(with: Data(payload))) != nil
    }

    static func string(_ value: String, into out: inout [UInt8]) {
        JSONText.string(value, into: &out)
    }
}
