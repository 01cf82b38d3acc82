import CZstd

/// A trained zstd dictionary, digested once for compression and decompression.
///
/// Immutable and shareable across threads (zstd documents CDict and DDict as read-only).
public final class CompressionDictionary: @unchecked Sendable {
    /// The dictionary's id, as the journal records it per event.
    public let id: UInt32
    /// The dictionary's bytes, as stored.
    public let bytes: [UInt8]
    /// The compression level the dictionary was digested for.
    public let level: Int32
    let compressionDictionary: OpaquePointer
    let decompressionDictionary: OpaquePointer

    /// Digests `bytes` for compression at `level` and for decompression.
    /// - Throws: ``CompressionError`` when zstd cannot load the dictionary.
    public init(id: UInt32, bytes: [UInt8], level: Int32 = 3) throws {
        self.id = id
        self.bytes = bytes
        self.level = level
        let loaded: (OpaquePointer?, OpaquePointer?) = bytes.withUnsafeBytes { raw in
            (
                ZSTD_createCDict(raw.baseAddress, raw.count, level),
                ZSTD_createDDict(raw.baseAddress, raw.count)
            )
        }
        guard let c = loaded.0, let d = loaded.1 else {
            ZSTD_freeCDict(loaded.0)
            ZSTD_freeDDict(loaded.1)
            throw CompressionError(operation: "load dictionary \(id)", message: "zstd rejected the dictionary bytes")
        }
        compressionDictionary = c
        decompressionDictionary = d
    }

    deinit {
        ZSTD_freeCDict(compressionDictionary)
        ZSTD_freeDDict(decompressionDictionary)
    }

    /// The id written inside the dictionary bytes by the trainer (0 for raw-content dictionaries).
    public var embeddedID: UInt32 {
        UInt32(ZSTD_getDictID_fromDict(bytes, bytes.count))
    }
}
