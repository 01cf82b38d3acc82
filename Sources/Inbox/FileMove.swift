#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The renames behind claiming, archiving and rejecting. `rename(2)` silently replaces an
/// existing target, so every move here picks a name that is free; where a filesystem supports
/// hard links, `link` + `unlink` makes "free" certain rather than merely checked.
enum FileMove {
    /// Renames `source` into `directory` under a fresh stamped name. Returns nil when `source`
    /// is gone: another process claimed it first. The rename is the claim: atomic, so of two
    /// processes renaming the same file exactly one succeeds.
    static func claim(_ source: String, originalName: String, into directory: String) throws -> String? {
        var microseconds = StampedName.now()
        while true {
            let name = StampedName.make(originalName, microseconds: microseconds)
            let target = directory + "/" + name
            // The same name twice in one microsecond needs two uploads of one name between two
            // clock ticks; checking is enough, and link() cannot help: two claimers could both link.
            if try FileStatus.of(target) != nil {
                microseconds += 1
                continue
            }
            guard rename(source, target) == 0 else {
                let error = errno
                if error == ENOENT, try FileStatus.of(source) == nil { return nil }
                throw InboxError.failed("claim (rename into \(directory))", path: source, errorNumber: error)
            }
            return name
        }
    }

    /// Moves `source` into `directory` as `preferredName`, or under a fresh stamped name for
    /// `originalName` when that is taken, and returns the name used. `prepare` runs with the
    /// chosen name before the move (the reject reason is written first, so a crash never leaves
    /// a rejected file without its reason).
    static func place(
        _ source: String,
        into directory: String,
        preferredName: String,
        originalName: String,
        prepare: (String) throws -> Void = { _ in }
    ) throws -> String {
        var name = preferredName
        var microseconds = StampedName.now()
        while true {
            let target = directory + "/" + name
            if try FileStatus.of(target) == nil {
                try prepare(name)
                if try moveUnlessTaken(source, to: target) { return name }
            }
            name = StampedName.make(originalName, microseconds: microseconds)
            microseconds += 1
        }
    }

    /// Moves `source` to `target` unless something is there; false when something was.
    private static func moveUnlessTaken(_ source: String, to target: String) throws -> Bool {
        if link(source, target) == 0 {
            guard unlink(source) == 0 else {
                throw InboxError.failed("remove (after linking it to \(target))", path: source, errorNumber: errno)
            }
            return true
        }
        let error = errno
        switch error {
        case EEXIST:
            return false
        case EPERM, ENOTSUP, EOPNOTSUPP, EMLINK:
            // No hard links here: fall back to a checked rename.
            if try FileStatus.of(target) != nil { return false }
            guard rename(source, target) == 0 else {
                throw InboxError.failed("move (to \(target))", path: source, errorNumber: errno)
            }
            return true
        default:
            throw InboxError.failed("move (to \(target))", path: source, errorNumber: error)
        }
    }
}
