import Journal
import Workforce

/// A journal event as the fold reads it: decoded, so decoding can run on another thread than the
/// fold (see ``FoldInputs``).
public struct FoldInput: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case worker(EmployeeID, WorkerEvent, effectiveAt: Timestamp?)
        /// A `worker.hired.v1` event: its worker, held so the fold moves it into the projection.
        case hire(EmployeeID, HiredWorker, effectiveAt: Timestamp?)
        case batchReceived(batch: String, feed: String)
        case batchApplied(batch: String)
        case restored(EmployeeID)
        case scheduleFired(now: Timestamp)
        /// An answer of the LMS about a worker's account. Indirect, as rare and several times the
        /// size of the other cases: every input would otherwise be as wide, and a replay moves
        /// millions of them between threads.
        indirect case lms(EmployeeID, LMSEvent)
        /// Nothing the fold acts on (a rule adoption, a quarantined row, a future event type).
        case other
    }

    public var position: JournalPosition
    public var recordedAt: Timestamp
    public let kind: Kind
    /// For an input about one worker, the ``StringMap`` hash of their ID (0 for others, and for
    /// the fold to work out): worked out by the reading thread, so the fold finds the worker's
    /// slot without hashing, and can fetch it into the caches inputs ahead without reading the
    /// ID. Set with ``kind`` and only then, so the two cannot disagree.
    public private(set) var workerHash: UInt64 = 0

    init(position: JournalPosition, recordedAt: Timestamp, kind: Kind) {
        self.position = position
        self.recordedAt = recordedAt
        self.kind = kind
    }

    /// What it is, moved out of it.
    consuming func intoKind() -> Kind { kind }

    /// `event`, decoded.
    public init(_ event: RecordedEvent) throws {
        self = try event.payload.withUnsafeBytes { payload in
            try FoldInput(
                position: event.position, recordedAt: event.recordedAt, effectiveAt: event.effectiveAt, subject: event.subject,
                type: event.type, route: Route(event.type), payload: payload)
        }
    }

    /// The event `view` lends, decoded; `routes` remembers what each type of its journal means,
    /// so a read of millions compares type names once per type rather than once per event.
    public init(_ view: EventView, routes: inout Routes) throws {
        let route = routes.route(for: view)
        guard case .worker(let wireType) = route else {
            try self.init(
                position: view.position, recordedAt: view.recordedAt, effectiveAt: view.effectiveAt,
                subject: String(utf8: view.subjectBytes), type: view.type, route: route, payload: view.payload,
                strings: routes.strings)
            return
        }
        // Nine events in ten: decoded without the view's type name (a string retained and
        // released) or a copy of the view, the worker's hash worked out from the subject's bytes.
        let subject = view.subjectBytes
        self.init(
            position: view.position, recordedAt: view.recordedAt,
            kind: try Self.workerKind(
                wireType, of: EmployeeID(rawValue: String(utf8: subject)), payload: view.payload, strings: routes.strings,
                effectiveAt: view.effectiveAt),
            workerHash: StringMap<Int>.hash(utf8: subject))
    }

    /// A worker event's kind: a hire's worker apart (``HiredWorker``), any other as its event.
    private static func workerKind(
        _ wireType: WorkerEvent.WireType, of id: EmployeeID, payload: UnsafeRawBufferPointer, strings: StringTable?, effectiveAt: Timestamp?
    ) throws -> Kind {
        if wireType == .hired {
            return .hire(id, HiredWorker(try WorkerEvent.decodeWorker(ofHire: payload, strings: strings)), effectiveAt: effectiveAt)
        }
        return .worker(id, try WorkerEvent.decode(wireType, payload: payload, strings: strings), effectiveAt: effectiveAt)
    }

    private init(position: JournalPosition, recordedAt: Timestamp, kind: Kind, workerHash: UInt64) {
        self.position = position
        self.recordedAt = recordedAt
        self.kind = kind
        self.workerHash = workerHash
    }

    /// Decodes by `route`. The subject is made only for the kinds that keep it.
    private init(
        position: JournalPosition, recordedAt: Timestamp, effectiveAt: Timestamp?, subject: @autoclosure () -> String,
        type: EventType, route: Route, payload: UnsafeRawBufferPointer, strings: StringTable? = nil
    ) throws {
        self.position = position
        self.recordedAt = recordedAt
        switch route {
        case .worker(let wireType):
            let id = EmployeeID(rawValue: subject())
            workerHash = StringMap<Int>.hash(id.rawValue)
            kind = try Self.workerKind(wireType, of: id, payload: payload, strings: strings, effectiveAt: effectiveAt)
        case .batch:
            // One batch event per file: the Foundation decoders and a payload copy cost nothing here.
            switch try BatchEvent.decode(type: type, payload: Array(payload)) {
            case .received(let receipt): kind = .batchReceived(batch: String(subject().dropFirst("batch:".count)), feed: receipt.feed)
            case .applied: kind = .batchApplied(batch: String(subject().dropFirst("batch:".count)))
            default: kind = .other
            }
        case .admin:
            guard case .restored = try AdminEvent.decode(type: type, payload: Array(payload)) else {
                kind = .other
                return
            }
            let id = EmployeeID(rawValue: subject())
            workerHash = StringMap<Int>.hash(id.rawValue)
            kind = .restored(id)
        case .lms:
            guard let answer = try LMSEvent.decode(type: type, payload: Array(payload)) else {
                kind = .other
                return
            }
            let id = EmployeeID(rawValue: subject())
            workerHash = StringMap<Int>.hash(id.rawValue)
            kind = .lms(id, answer)
        case .schedule:
            guard case .fired(let effect) = try ScheduleEvent.decode(type: type, payload: Array(payload)) else {
                kind = .other
                return
            }
            kind = .scheduleFired(now: effect.now)
        case .other:
            kind = .other
        }
    }

    /// Which decoder an event type goes to, from its name's family.
    enum Route {
        case worker(WorkerEvent.WireType)
        case batch
        case admin
        case lms
        case schedule
        case other

        init(_ type: EventType) {
            let name = type.rawValue
            if name.hasPrefix("worker.") {
                self = WorkerEvent.WireType(type).map(Route.worker) ?? .other
            } else if name.hasPrefix("batch.") {
                self = .batch
            } else if name.hasPrefix("admin.") {
                self = .admin
            } else if name.hasPrefix("lms.") {
                self = .lms
            } else if name.hasPrefix("schedule.") {
                self = .schedule
            } else {
                self = .other
            }
        }
    }

    /// The route of each event type of one journal, by the journal's type id, worked out the
    /// first time the type is met. Keep one per read: ids belong to their journal.
    public struct Routes {
        private var routes = TypeIDTable<Route>()
        /// The HR values read so far, shared rather than made again (see ``StringTable``).
        let strings = StringTable()

        public init() {}

        mutating func route(for view: EventView) -> Route {
            routes.value(for: view.typeID) { Route(view.type) }
        }
    }
}

/// The worker of a hire, on its way from the reading thread to the fold, which takes it out
/// (``take()``) and moves it into the worker's projection: an input is folded once (the fold
/// consumes it), and copies of an input share this holder. Bound out of a ``WorkerEvent``'s
/// `indirect` `hired` case, a worker is a copy, every string of it retained, and the event's box
/// then destroyed, every string released: a tenth of a hire's fold.
///
/// Handed between threads with its input, used by one at a time.
public final class HiredWorker: @unchecked Sendable, Equatable {
    private var worker: Worker?

    init(_ worker: consuming Worker) {
        self.worker = consume worker
    }

    /// The worker, moved out; nil once taken.
    func take() -> Worker? {
        worker.take()
    }

    /// The worker's time zone, read in place (nil once taken).
    var timeZone: String? { worker?.timeZone }

    public static func == (lhs: HiredWorker, rhs: HiredWorker) -> Bool {
        lhs.worker == rhs.worker
    }
}
