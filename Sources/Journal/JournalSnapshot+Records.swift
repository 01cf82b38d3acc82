import ByteCoding
import LMDBKit

/// One event lent by ``JournalSnapshot/forEachEventView(from:through:_:)``: its header and its
/// payload in place, without the provenance and the hashes a ``RecordedEvent`` carries.
///
/// - Important: `subjectBytes` and `payload` point into the read transaction or the snapshot's
///   last decompressed block. They are valid only during the call the view is lent to: copy what
///   outlives it.
public struct EventView {
    /// Its place in the journal's global order.
    public let position: JournalPosition
    /// When the journal recorded it.
    public let recordedAt: Timestamp
    /// When the fact is true in the real world, if the producer said.
    public let effectiveAt: Timestamp?
    /// The journal's number for ``type``: the same for every event of that type in this journal,
    /// so a reader can work out what a type means once and find it again by number.
    public let typeID: UInt32
    /// The event's wire name.
    public let type: EventType
    /// What the event is about, as UTF-8.
    public let subjectBytes: UnsafeRawBufferPointer
    /// The event's body (JSON), uncompressed.
    public let payload: UnsafeRawBufferPointer

    /// What the event is about.
    public var subject: String { String(decoding: subjectBytes, as: UTF8.self) }
}

extension JournalSnapshot {
    /// Calls `body` with each event from `first` through `last` (both included) in order, until
    /// it returns false, lending each in place: the cheapest full read, for replays of millions.
    ///
    /// Every record's checksum is checked and its body's layout walked, as ``forEachEvent(from:through:_:)``
    /// does, but the metadata is skipped, the payload not copied, and neither the append's shared
    /// metadata looked up nor the chain hash read. A damaged record throws a ``JournalError`` with
    /// code `corrupt` naming its position.
    public func forEachEventView(
        from first: JournalPosition = JournalPosition(1),
        through last: JournalPosition? = nil,
        _ body: (EventView) throws -> Bool
    ) throws {
        // The journal's type table takes a lock per lookup.
        var types = TypeIDTable<EventType>()
        try forEachRecord(from: first, through: last) { position, stored in
            let record = try EventRecord.decode(stored, position: position)
            let type = try types.value(for: record.typeID) { try journal.typeTable.name(record.typeID, txn, db.types) }
            return try withBody(of: record, position: position) { bytes in
                let payload: Range<Int>
                do {
                    payload = try EventBody.payloadRange(bytes)
                } catch let error as EventRecord.Malformed {
                    throw error.journalError(at: position)
                }
                return try body(
                    EventView(
                        position: JournalPosition(position),
                        recordedAt: record.recordedAt,
                        effectiveAt: record.effectiveAt,
                        typeID: record.typeID,
                        type: type,
                        subjectBytes: record.subject,
                        payload: UnsafeRawBufferPointer(rebasing: bytes[payload])
                    ))
            }
        }
    }
}
