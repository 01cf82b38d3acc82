import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One feed's inbox: the directory an HRIS uploads into (for SFTP, the chroot's `incoming/`).
///
/// The life of a file: ``scan()`` reports complete uploads under the feed's ``CompletionRule``;
/// ``claim(_:)`` takes one by an atomic rename into `processing/`, so that of several daemons
/// exactly one gets it; the claimer reads it, then ``archive(_:)`` moves it to `archive/` or
/// ``reject(_:reason:)`` moves it to `rejected/` with a `.reason.txt` beside it. A crash between
/// claim and archive leaves the file in `processing/`, where ``abandoned()`` finds it on the
/// next start; ingest is idempotent by content, so processing it again is safe.
///
/// Nothing is synced to disk: after a power cut a move may be undone, which puts a file back in
/// the inbox or in `processing/`, and it is processed again, harmlessly.
///
/// The process needs write access to the inbox itself, since claiming renames files out of it:
/// for an SFTP chroot, whose `incoming/` belongs to the sender's account, make `incoming/`
/// group-writable (`chmod 2770`) by a group the daemon's user is in.
///
/// - Important: A `DropFolder` may be used from any thread. Several processes may share an
///   inbox for ``scan()`` and ``claim(_:)``; ``abandoned()`` assumes no other process is working
///   on the inbox, so call it once at start-up, before claiming.
public final class DropFolder: Sendable {
    /// The subfolders the drop folder keeps its files in. Never taken as feed files.
    public static let subfolders = ["processing", "archive", "rejected"]

    /// The inbox directory, without a trailing slash.
    public let path: String
    /// How a complete upload is recognised.
    public let rule: CompletionRule
    /// `<inbox>/processing`: claimed files.
    public var processingPath: String { path + "/processing" }
    /// `<inbox>/archive`: files processed successfully.
    public var archivePath: String { path + "/archive" }
    /// `<inbox>/rejected`: files refused, each with a `.reason.txt`.
    public var rejectedPath: String { path + "/rejected" }

    /// Time since the drop folder was opened, on the injected clock.
    private let elapsed: @Sendable () -> Duration
    /// What the `.sizeStable` rule has seen so far; nil under the other rules.
    private let stability: Mutex<SizeStability?>
    #if os(Linux)
        /// The inotify watch ``wait(timeout:)`` sleeps on; nil when inotify is unavailable.
        let watch: InboxWatch?
    #endif

    /// Opens the inbox at `path`, creating `processing/`, `archive/` and `rejected/` (mode 0750)
    /// when missing. `clock` times the `.sizeStable` rule; tests pass a manual one.
    ///
    /// - Throws: ``InboxError`` when the inbox is missing, is not a directory, or cannot be
    ///   written, or a subfolder name is taken by something that is not a directory.
    public init<C: Clock>(
        path: String,
        rule: CompletionRule,
        clock: C = ContinuousClock()
    ) throws where C.Duration == Duration {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed
        self.rule = rule
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        if case .sizeStable(let period) = rule {
            stability = Mutex(SizeStability(period: period))
        } else {
            stability = Mutex(nil)
        }
        try Self.prepare(trimmed)
        #if os(Linux)
            // After the subfolders exist, so that creating them does not count as something landing.
            watch = InboxWatch(path: trimmed)
        #endif
    }

    /// Checks the inbox and creates its subfolders.
    private static func prepare(_ path: String) throws {
        guard let status = try FileStatus.of(path) else {
            throw InboxError(
                .notFound,
                "the inbox \(path) does not exist; create it (for an SFTP drop, the incoming/ directory inside the "
                    + "sender's chroot) or correct the feed's inbox path",
                path: path, errorNumber: ENOENT)
        }
        guard status.isDirectory else {
            throw InboxError(
                .notADirectory,
                "the inbox \(path) is not a directory; point the feed at the directory files are dropped into",
                path: path, errorNumber: ENOTDIR)
        }
        for folder in [path] + subfolders.map({ path + "/" + $0 }) {
            if folder != path, mkdir(folder, 0o750) != 0, errno != EEXIST {
                throw InboxError.failed("create the inbox subfolder", path: folder, errorNumber: errno)
            }
            guard try FileStatus.of(folder)?.isDirectory == true else {
                throw InboxError(
                    .notADirectory,
                    "\(folder) is not a directory, but the inbox keeps its files there; move it out of the inbox",
                    path: folder, errorNumber: ENOTDIR)
            }
            guard access(folder, R_OK | W_OK | X_OK) == 0 else {
                throw InboxError.failed("write in", path: folder, errorNumber: errno)
            }
        }
    }

    /// The complete uploads in the inbox not yet claimed, oldest (by modification time) first.
    ///
    /// Skips subfolders, anything that is not a regular file (symbolic links included), marker
    /// files and in-progress names, whatever the rule. Under `.sizeStable` a file is reported only
    /// once two scans at least `period` apart saw it unchanged, so the daemon must keep scanning.
    ///
    /// - Important: A scan is the truth about the inbox; ``wait(timeout:)`` only says when one
    ///   is worth doing.
    public func scan() throws -> [ReadyFile] {
        var candidates: [String: FileStatus] = [:]
        var markers: [String: [String]] = [:]
        for name in try DirectoryListing.names(in: path) where !Self.subfolders.contains(name) {
            guard let status = try FileStatus.of(path + "/" + name), status.isRegularFile else { continue }
            if CompletionRule.isMarkerName(name) {
                let dataName = String(name[..<(name.lastIndex(of: ".") ?? name.endIndex)])
                markers[dataName, default: []].append(path + "/" + name)
            } else if !CompletionRule.isInProgressName(name) {
                candidates[name] = status
            }
        }
        let complete: Set<String>
        switch rule {
        case .renamedIntoPlace:
            complete = Set(candidates.keys)
        case .doneMarker:
            complete = Set(candidates.keys.filter { markers[$0] != nil })
        case .sizeStable:
            let observations = candidates.mapValues {
                SizeStability.Observation(size: $0.size, modifiedNanoseconds: $0.modifiedNanoseconds, inode: $0.inode)
            }
            // The time is read under the lock, so concurrent scans feed it in order.
            complete = stability.withLock { $0?.observe(observations, at: elapsed()) ?? [] }
        }
        return complete.compactMap { name -> ReadyFile? in
            guard let status = candidates[name] else { return nil }
            return ReadyFile(
                name: name, path: path + "/" + name, size: status.size,
                modifiedNanoseconds: status.modifiedNanoseconds, markers: (markers[name] ?? []).sorted())
        }
        .sorted { ($0.modifiedNanoseconds, $0.name) < ($1.modifiedNanoseconds, $1.name) }
    }

    /// Forgets what the `.sizeStable` rule saw of `name`, once it is claimed.
    func forgetStability(of name: String) {
        stability.withLock { $0?.forget(name) }
    }
}
