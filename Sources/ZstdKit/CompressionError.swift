import CZstd

/// A failure reported by libzstd, with what was being done.
public struct CompressionError: Error, CustomStringConvertible, Sendable {
    /// The zstd error code (`ZSTD_getErrorCode`), or 0 for errors found by this binding.
    public let code: Int
    /// What was being done, e.g. `decompress`.
    public let operation: String
    /// What went wrong, in words.
    public let message: String

    /// Creates an error.
    public init(code: Int = 0, operation: String, message: String) {
        self.code = code
        self.operation = operation
        self.message = message
    }

    public var description: String { "zstd \(operation) failed: \(message)" }
}

@inline(__always)
func checkZstd(_ result: Int, _ operation: @autoclosure () -> String) throws -> Int {
    if ZSTD_isError(result) != 0 {
        throw CompressionError(
            code: Int(ZSTD_getErrorCode(result).rawValue),
            operation: operation(),
            message: String(cString: ZSTD_getErrorName(result))
        )
    }
    return result
}
