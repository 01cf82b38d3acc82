import Digest
import Foundation
import ZstdKit

/// Prepares a batch for the write transaction: encodes each body, hashes it and compresses it,
/// and encodes the part of its record that does not depend on the transaction.
///
/// The batch is cut into chunks. A helper thread and the writer claim chunks in order; the
/// writer writes chunk *k* while the helper prepares later ones, and prepares chunks itself
/// when it catches up, so both cores work for the whole append.
final class PreparePipeline: @unchecked Sendable {
    /// An event ready for the write transaction.
    struct PreparedEvent {
        var flags: UInt8 = 0
        var tail: [UInt8] = []
        var contentDigest = SHA256Digest()
    }

    static let chunkSize = 512

    let events: [ProposedEvent]
    let shared: EventMetadata
    let dictionary: CompressionDictionary?
    let typeIDs: [EventType: UInt32]
    let compressors: [Compressor]
    let chunkCount: Int
    private var output: [PreparedEvent]
    private let condition = NSCondition()
    private var claimed = 0
    private var done: [Bool]

    init(events: [ProposedEvent], shared: EventMetadata, dictionary: CompressionDictionary?, typeIDs: [EventType: UInt32], compressors: [Compressor]) {
        self.events = events
        self.shared = shared
        self.dictionary = dictionary
        self.typeIDs = typeIDs
        self.compressors = compressors
        chunkCount = (events.count + Self.chunkSize - 1) / Self.chunkSize
        output = [PreparedEvent](repeating: PreparedEvent(), count: events.count)
        done = [Bool](repeating: false, count: chunkCount)
    }

    func range(of chunk: Int) -> Range<Int> {
        chunk * Self.chunkSize..<min(events.count, (chunk + 1) * Self.chunkSize)
    }

    /// Starts the helper when the batch has more than one chunk and there is a core for it.
    func start() {
        guard chunkCount > 1, compressors.count > 1 else { return }
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            while let chunk = claim() { run(chunk, compressor: compressors[1]) }
        }
    }

    /// Returns once `chunk` is prepared, preparing it (and any unclaimed chunk) meanwhile.
    func waitFor(chunk: Int) {
        while true {
            condition.lock()
            if done[chunk] {
                condition.unlock()
                return
            }
            condition.unlock()
            if let next = claim() {
                run(next, compressor: compressors[0])
            } else {
                condition.lock()
                while !done[chunk] { condition.wait() }
                condition.unlock()
                return
            }
        }
    }

    /// The prepared event at `index`; its chunk must be done.
    func prepared(_ index: Int) -> PreparedEvent {
        output[index]
    }

    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard claimed < chunkCount else { return nil }
        claimed += 1
        return claimed - 1
    }

    private func run(_ chunk: Int, compressor: Compressor) {
        var body = ByteWriter(capacity: 1024)
        var metadata = ByteWriter(capacity: 256)
        var scratch = [UInt8](repeating: 0, count: 2048)
        var tail = ByteWriter(capacity: 1024)
        let range = range(of: chunk)
        var results: [PreparedEvent] = []
        results.reserveCapacity(range.count)
        for index in range {
            results.append(prepare(events[index], metadata: &metadata, body: &body, scratch: &scratch, tail: &tail, compressor: compressor))
        }
        condition.lock()
        output.withUnsafeMutableBufferPointer { output in
            for (offset, result) in results.enumerated() { output[range.lowerBound + offset] = result }
        }
        done[chunk] = true
        condition.broadcast()
        condition.unlock()
    }

    private func prepare(
        _ event: ProposedEvent,
        metadata: inout ByteWriter,
        body: inout ByteWriter,
        scratch: inout [UInt8],
        tail: inout ByteWriter,
        compressor: Compressor
    ) -> PreparedEvent {
        metadata.bytes.removeAll(keepingCapacity: true)
        EventBody.encodeCanonicalMetadata(event.metadata, into: &metadata)
        body.bytes.removeAll(keepingCapacity: true)
        EventBody.encodeStored(metadata: event.metadata, shared: shared, payload: event.payload, into: &body)
        var subject = event.subject
        return subject.withUTF8 { subjectBytes in
            let subject = UnsafeRawBufferPointer(subjectBytes)
            let digest = metadata.bytes.withUnsafeBytes { metadata in
                event.payload.withUnsafeBytes { payload in
                    EventHasher.contentDigest(
                        type: event.type.rawValue, subject: subject, effectiveAt: event.effectiveAt,
                        metadata: metadata, payload: payload)
                }
            }
            return body.bytes.withUnsafeBytes { body in
                let bound = Compressor.bound(body.count)
                if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
                let compressed: Int? = scratch.withUnsafeMutableBytes { output in
                    try? compressor.compress(body, into: output, dictionary: dictionary)
                }
                var codec = EventRecord.Codec.raw
                if let compressed, compressed < body.count {
                    codec = dictionary == nil ? .zstd : .zstdDictionary
                }
                tail.bytes.removeAll(keepingCapacity: true)
                let typeID = typeIDs[event.type]!
                if codec == .raw {
                    EventRecord.encodeTail(
                        into: &tail, codec: codec, dictionaryID: 0, effectiveAt: event.effectiveAt, typeID: typeID,
                        subject: subject, bodyLength: body.count, storedBody: body)
                } else {
                    scratch.withUnsafeBytes { stored in
                        EventRecord.encodeTail(
                            into: &tail, codec: codec, dictionaryID: dictionary?.id ?? 0, effectiveAt: event.effectiveAt,
                            typeID: typeID, subject: subject, bodyLength: body.count,
                            storedBody: UnsafeRawBufferPointer(rebasing: stored[0..<compressed!]))
                    }
                }
                return PreparedEvent(
                    flags: EventRecord.flags(codec: codec, hasEffectiveTime: event.effectiveAt != nil),
                    tail: Array(tail.bytes),
                    contentDigest: digest
                )
            }
        }
    }
}
