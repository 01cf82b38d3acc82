/// A file this process took from the inbox, now in `processing/` under a name only it knows.
/// Read it from ``path``, then hand it to ``DropFolder/archive(_:)`` or
/// ``DropFolder/reject(_:reason:)``.
public struct ClaimedFile: Sendable, Equatable {
    /// The name the sender gave the file.
    public let originalName: String
    /// The file's name in `processing/`: the original name after a UTC timestamp of the claim,
    /// so a second upload under the same name never overwrites the first.
    public let name: String
    /// The file's full path in `processing/`.
    public let path: String

    /// Creates a description of a claimed file.
    public init(originalName: String, name: String, path: String) {
        self.originalName = originalName
        self.name = name
        self.path = path
    }
}
