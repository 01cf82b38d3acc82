/// What the binary encodings are written to: ``ByteWriter`` (an array) or ``BufferWriter`` (raw
/// memory), so one encoder serves both.
public protocol ByteSink: ~Copyable {
    mutating func u8(_ value: UInt8)
    mutating func u64(_ value: UInt64)
    mutating func i64(_ value: Int64)
    mutating func varint(_ value: UInt64)
    mutating func string(_ value: String)
}

extension ByteWriter: ByteSink {}

/// Appends the same encodings as ``ByteWriter`` into memory of its own, grown as needed, and
/// hands the bytes over once, as an array, at the end (``finish()``). An array checks that it is
/// unique and has room on every append, and copies a string's bytes through a generic path: for
/// the projection store's records, written by the hundred thousand, that was half their cost.
public struct BufferWriter: ~Copyable, ByteSink {
    @usableFromInline var start: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    /// The bytes written so far.
    @usableFromInline var written = 0
    public var count: Int { written }

    @inlinable public init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        start = .allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { start.deallocate() }

    /// Makes room for `more` bytes after those written.
    @inlinable mutating func reserve(_ more: Int) {
        if written + more > capacity { grow(toHold: written + more) }
    }

    @usableFromInline mutating func grow(toHold needed: Int) {
        let larger = max(needed, capacity * 2)
        let moved = UnsafeMutableRawPointer.allocate(byteCount: larger, alignment: 8)
        moved.copyMemory(from: start, byteCount: written)
        start.deallocate()
        start = moved
        capacity = larger
    }

    @inlinable public mutating func u8(_ value: UInt8) {
        reserve(1)
        start.storeBytes(of: value, toByteOffset: written, as: UInt8.self)
        written += 1
    }

    @inlinable public mutating func u64(_ value: UInt64) {
        reserve(8)
        start.storeBytes(of: value.bigEndian, toByteOffset: written, as: UInt64.self)
        written += 8
    }

    @inlinable public mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    /// LEB128: 7 bits a byte, low first.
    @inlinable public mutating func varint(_ value: UInt64) {
        reserve(10)
        var value = value
        while value >= 0x80 {
            start.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: written, as: UInt8.self)
            written += 1
            value >>= 7
        }
        start.storeBytes(of: UInt8(value), toByteOffset: written, as: UInt8.self)
        written += 1
    }

    /// A varint length, then the bytes.
    @inlinable public mutating func string(_ value: String) {
        let lent: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in raw(UnsafeRawBufferPointer(utf8), prefixedWithCount: true) }
        guard lent == nil else { return }
        var value = value
        value.withUTF8 { raw(UnsafeRawBufferPointer($0), prefixedWithCount: true) }
    }

    /// `bytes` as they are, after their count as a varint when `prefixedWithCount`.
    @inlinable public mutating func raw(_ bytes: UnsafeRawBufferPointer, prefixedWithCount: Bool = false) {
        reserve(bytes.count + 10)
        if prefixedWithCount { varint(UInt64(bytes.count)) }
        if let source = bytes.baseAddress { (start + written).copyMemory(from: source, byteCount: bytes.count) }
        written += bytes.count
    }

    /// The bytes written, as an array; the writer's memory is freed.
    @inlinable public consuming func finish() -> [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: start, count: written))
    }
}
