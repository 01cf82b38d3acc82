/// Why the SFTP drop server could not be set up, started or reached: what went wrong and what
/// to do about it.
public struct DropServerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and what to do.
    public let description: String

    /// Creates an error with the message `description`.
    public init(_ description: String) {
        self.description = description
    }
}
