/// How a drop folder tells a finished upload from one still being written.
///
/// SFTP has no "upload complete" signal: `internal-sftp` writes the file in place, so a reader
/// that lists the directory mid-upload sees a partial file under its final name. Each feed's
/// sender agrees on one of these conventions instead.
///
/// Whatever the rule, names that say "in progress" (``isInProgressName(_:)``) and marker files
/// (``isMarkerName(_:)``) are never taken as feed files: a sender that died before its rename
/// leaves a `.part` file behind, and taking it would ingest half a roster.
public enum CompletionRule: Sendable, Equatable {
    /// The sender uploads under a temporary name (`x.csv.part`, `.tmp`, `.filepart`, or a
    /// dot-file) and renames it to its final name when done. A rename is atomic, so any file
    /// under a final name is complete. The best rule when the sender can rename.
    case renamedIntoPlace
    /// The sender uploads `x.csv`, then an empty `x.csv.done` (or `x.csv.ok`). The file is
    /// complete once its marker exists; the marker is removed when the file is claimed. For
    /// senders (EIB-style tools) that cannot rename.
    case doneMarker
    /// The file is complete once its size and modification time stayed the same across scans for
    /// this long. The fallback for senders that can do neither; a sender that stalls longer than
    /// this mid-upload gets a partial file taken, so choose a few polling intervals at least.
    case sizeStable(Duration)

    /// The suffixes of marker files, lower-cased: `x.csv.done` or `x.csv.ok` marks `x.csv` complete.
    static let markerSuffixes = [".done", ".ok"]

    /// The suffixes of names senders upload under before renaming, lower-cased. `.filepart` is
    /// WinSCP's.
    static let inProgressSuffixes = [".part", ".tmp", ".filepart"]

    /// Whether `name` is a temporary upload name: a dot-file, or one ending in `.part`, `.tmp` or
    /// `.filepart` (in any case).
    public static func isInProgressName(_ name: String) -> Bool {
        if name.hasPrefix(".") { return true }
        let lower = name.lowercased()
        return inProgressSuffixes.contains { lower.hasSuffix($0) }
    }

    /// Whether `name` is a marker file (`x.done`, `x.ok`, in any case) rather than a feed file.
    public static func isMarkerName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return markerSuffixes.contains { lower.hasSuffix($0) && lower.count > $0.count }
    }
}
