import ByteCoding
import Foundation
import Testing

/// The raw-memory writer the projection store's records are encoded with writes exactly the
/// bytes the array-backed one does.
@Suite struct BufferWriterTests {
    /// The same writes to both kinds of sink.
    func write<Sink: ByteSink & ~Copyable>(to sink: inout Sink, strings: [String]) {
        for value: UInt64 in [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, UInt64(UInt32.max), UInt64.max] {
            sink.varint(value)
            sink.u64(value)
            sink.u8(UInt8(truncatingIfNeeded: value))
        }
        sink.i64(-1)
        sink.i64(Int64.min)
        for text in strings { sink.string(text) }
    }

    @Test func writesWhatTheArrayWriterWrites() {
        let strings = [
            "", "E1", "exactly fifteen", "a string longer than fifteen bytes", "Zoë Información Técnica",
            String(repeating: "long ", count: 400),
            // Bridged from Foundation: not contiguous UTF-8 of its own.
            NSString(string: "bridged text, not native").description,
        ]
        var array = ByteWriter(capacity: 4)
        write(to: &array, strings: strings)
        // A small first capacity: the buffer grows several times on the way.
        var buffer = BufferWriter(capacity: 8)
        write(to: &buffer, strings: strings)
        #expect(buffer.count == array.bytes.count)
        #expect(buffer.finish() == array.bytes)
    }

    @Test func anEmptyWriterFinishesEmpty() {
        let writer = BufferWriter()
        #expect(writer.finish().isEmpty)
    }
}
