import Foundation
import Journal

/// The journal's events, read and decoded on a thread of their own while the caller folds them:
/// on two cores, reading and decoding then add nothing to the fold's time.
public enum FoldInputs {
    /// The most events read in one read transaction, by default.
    public static let eventsPerTransaction: UInt64 = 65_536

    /// Calls `body` on this thread with each event from `first` through `last`, decoded on another
    /// thread, in order, until it returns false. Each input is handed over, not lent: the fold
    /// moves a hire's worker into its projection instead of copying it (a retain a string).
    ///
    /// `ahead` is shown each input twice before `body` takes it, ``Lookahead/far`` and then
    /// ``Lookahead/near`` inputs earlier, to bring into the caches what folding it will read.
    /// `prepare` runs on this thread once the reading thread has started, before the first
    /// input: what the fold must do first (making room for the workers) overlaps the first reads.
    /// The journal is read in transactions of at most `eventsPerTransaction` events.
    public static func forEach(
        in journal: Journal, from first: JournalPosition, through last: JournalPosition? = nil,
        eventsPerTransaction: UInt64 = FoldInputs.eventsPerTransaction,
        prepare: () throws -> Void = {},
        ahead: (UnsafePointer<FoldInput>, Lookahead) -> Void = { _, _ in },
        _ body: (consuming FoldInput) throws -> Bool
    ) throws {
        let channel = Channel()
        let reader = Thread {
            var chunk: [FoldInput] = []
            chunk.reserveCapacity(Channel.chunkSize)
            do {
                var routes = FoldInput.Routes()
                // Read in transactions of at most `eventsPerTransaction` events, up to the last
                // event asked for or the head when the reading began: a transaction held for the
                // whole journal (a second or more) would hold up a writer whose map must grow.
                var from = first
                var target: JournalPosition?
                var reading = true
                while reading {
                    try journal.read { snapshot in
                        let head = try snapshot.head
                        let end = target ?? min(last ?? head, head)
                        target = end
                        guard from <= end else {
                            reading = false
                            return
                        }
                        let (sum, overflow) = from.rawValue.addingReportingOverflow(max(1, eventsPerTransaction) - 1)
                        let through = overflow ? end : min(end, JournalPosition(sum))
                        var read = from
                        try snapshot.forEachEventView(from: from, through: through) { view in
                            read = view.position
                            chunk.append(try FoldInput(view, routes: &routes))
                            guard chunk.count == Channel.chunkSize else { return true }
                            guard channel.put(chunk) else {
                                reading = false
                                return false
                            }
                            // A chunk the fold is done with is emptied here, on this thread: the
                            // strings this thread made are freed by it, not by the fold's.
                            chunk = channel.takeFolded() ?? []
                            chunk.removeAll(keepingCapacity: true)
                            chunk.reserveCapacity(Channel.chunkSize)
                            return true
                        }
                        // Nothing more where the journal ends short of `through` (events are
                        // never removed, so this is the end asked for).
                        if read < through { reading = false }
                        from = through.next
                    }
                }
                if !chunk.isEmpty { _ = channel.put(chunk) }
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
        }
        reader.stackSize = 4 << 20
        reader.start()
        defer {
            channel.cancel()
            channel.waitUntilFinished()
        }
        try prepare()
        while var chunk = channel.take() {
            // Moved out, each leaving an input that holds nothing in its place: a `for` loop
            // over the array would copy (retain) each input first, and the fold copy it again.
            let more = try chunk.withUnsafeMutableBufferPointer { inputs in
                let base = UnsafePointer(inputs.baseAddress!)
                let count = inputs.count
                for index in 0..<min(Lookahead.far.rawValue, count) { ahead(base + index, .far) }
                for index in 0..<min(Lookahead.near.rawValue, count) { ahead(base + index, .near) }
                for index in inputs.indices {
                    if index + Lookahead.far.rawValue < count { ahead(base + index + Lookahead.far.rawValue, .far) }
                    if index + Lookahead.near.rawValue < count { ahead(base + index + Lookahead.near.rawValue, .near) }
                    if try !body(inputs.moveOut(at: index)) { return false }
                }
                return true
            }
            if !more { return }
            channel.giveBack(consume chunk)
        }
        if let failure = channel.failure { throw failure }
    }

    /// How many inputs before its turn `forEach` shows an input to its `ahead`.
    public enum Lookahead: Int, Sendable {
        /// Far enough ahead for one load from memory to arrive before the next stage needs it.
        case far = 12
        case near = 6
    }

    /// Chunks of decoded events between the reading thread and the folding one, at most a few
    /// ahead so memory stays bounded.
    final class Channel: @unchecked Sendable {
        static let chunkSize = 2048
        static let capacity = 8
        private let condition = NSCondition()
        private var chunks: [[FoldInput]] = []
        /// Chunks the fold is done with, for the reader to empty and fill again.
        private var folded: [[FoldInput]] = []
        private var finished = false
        private var cancelled = false
        private(set) var failure: (any Error)?

        /// Hands `chunk` over; false when the folding side stopped.
        func put(_ chunk: [FoldInput]) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while chunks.count >= Self.capacity, !cancelled { condition.wait() }
            guard !cancelled else { return false }
            chunks.append(chunk)
            condition.broadcast()
            return true
        }

        /// The next chunk; nil once the reader finished and every chunk was taken.
        func take() -> [FoldInput]? {
            condition.lock()
            defer { condition.unlock() }
            while chunks.isEmpty, !finished { condition.wait() }
            guard !chunks.isEmpty else { return nil }
            condition.broadcast()
            return chunks.removeFirst()
        }

        /// Hands a chunk the fold is done with back to the reader (this side keeps no reference,
        /// so the reader empties it in place).
        func giveBack(_ chunk: consuming [FoldInput]) {
            condition.lock()
            defer { condition.unlock() }
            if folded.count < Self.capacity { folded.append(chunk) }
        }

        /// A chunk the fold is done with, if any.
        func takeFolded() -> [FoldInput]? {
            condition.lock()
            defer { condition.unlock() }
            return folded.popLast()
        }

        func finish(_ error: (any Error)?) {
            condition.lock()
            failure = error
            finished = true
            condition.broadcast()
            condition.unlock()
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }

        func waitUntilFinished() {
            condition.lock()
            while !finished { condition.wait() }
            condition.unlock()
        }
    }
}

extension UnsafeMutableBufferPointer<FoldInput> {
    /// The input at `index`, moved out; an input that holds nothing takes its place.
    fileprivate func moveOut(at index: Int) -> FoldInput {
        let input = (baseAddress! + index).move()
        (baseAddress! + index).initialize(to: FoldInput(position: input.position, recordedAt: input.recordedAt, kind: .other))
        return input
    }
}
