/// A complete upload in the inbox, not yet claimed. Claim it with ``DropFolder/claim(_:)``
/// before reading it: until then another process may take it.
public struct ReadyFile: Sendable, Equatable {
    /// The file's name in the inbox, as the sender gave it.
    public let name: String
    /// The file's full path in the inbox.
    public let path: String
    /// The size in bytes when the inbox was scanned.
    public let size: Int64
    /// The modification time when the inbox was scanned, in nanoseconds since the epoch.
    public let modifiedNanoseconds: Int64
    /// The marker files (`x.csv.done`, `x.csv.ok`) beside it, removed when it is claimed.
    public let markers: [String]

    /// Creates a description of a complete upload.
    public init(name: String, path: String, size: Int64, modifiedNanoseconds: Int64, markers: [String]) {
        self.name = name
        self.path = path
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.markers = markers
    }
}
