import Foundation
import JournalTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway OpenSSH server on a free loopback port, with a chrooted drop account that may
/// only use `internal-sftp` and uploads into ``incomingPath``: the SFTP drop folder an HRIS
/// pushes its exports to, for real.
///
/// Every component of an sshd chroot must be root-owned and not group- or world-writable, so
/// the chroot lives under `/srv/roster-sftp-tests/<random>/`, not under `/tmp`; keys, the
/// configuration and the log live in a temporary directory. sshd runs in the foreground (`-D`)
/// as a child of the test process.
///
/// - Important: Needs root (a chroot and a system account) and the Debian packages
///   `openssh-server` and `openssh-client`. ``stop()``, or the last reference going, ends sshd
///   and removes the chroot and the temporary directory.
public final class SFTPDropServer: Sendable {
    /// Where chroots are made: root-owned, mode 0755, like every component above it.
    public static let chrootParent = "/srv/roster-sftp-tests"

    /// The loopback port sshd listens on.
    public let port: Int
    /// The account the uploads log in as.
    public let user: String
    /// The chroot directory: `/` for the sender.
    public let chrootPath: String
    /// The drop directory on this machine (`/incoming` for the sender): the inbox to watch.
    public let incomingPath: String
    /// Keys, sshd_config, sshd.log and batch files.
    let workPath: String
    /// The running sshd, nil once stopped.
    private let sshd: Mutex<SpawnedProcess?>

    /// Sets up the account, keys and chroot and starts sshd, returning once it listens.
    ///
    /// - Throws: ``DropServerError`` when OpenSSH is not installed, the process is not root, a
    ///   chroot component has unsafe ownership or modes, or sshd does not come up within
    ///   ten seconds (the error quotes its log).
    public init() throws {
        try Self.requireOpenSSH()
        guard geteuid() == 0 else {
            throw DropServerError(
                "SFTPDropServer needs root to create the drop account and the chroot sshd requires; run the tests as root"
            )
        }
        let dropUser = try DropUser.ensure()
        let work = try Self.makeWorkDirectory()
        let chroot = Self.chrootParent + "/" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        var started = false
        defer {
            if !started {
                try? FileManager.default.removeItem(atPath: chroot)
                try? FileManager.default.removeItem(atPath: work)
            }
        }
        try Self.makeKeys(in: work)
        try Self.makeChroot(chroot, owner: dropUser)
        let (process, port) = try Self.startSSHD(work: work, chroot: chroot, user: dropUser.name)
        self.port = port
        self.user = dropUser.name
        self.chrootPath = chroot
        self.incomingPath = chroot + "/incoming"
        self.workPath = work
        self.sshd = Mutex(process)
        started = true
    }

    deinit { stop() }

    /// Stops sshd (SIGTERM, then SIGKILL after five seconds) and removes the chroot and the
    /// temporary directory. Safe to call more than once.
    public func stop() {
        let process = sshd.withLock { current in
            defer { current = nil }
            return current
        }
        guard let process else { return }
        process.stop(SIGTERM, deadline: .seconds(5))
        try? FileManager.default.removeItem(atPath: chrootPath)
        try? FileManager.default.removeItem(atPath: workPath)
    }

    /// The last `lines` lines of sshd's log, for error messages.
    public func logTail(lines: Int = 30) -> String {
        Self.tail(of: workPath + "/sshd.log", lines: lines)
    }

    /// Throws the remedy when sshd, sftp or ssh-keygen is missing.
    private static func requireOpenSSH() throws {
        for tool in ["/usr/sbin/sshd", "/usr/bin/sftp", "/usr/bin/ssh-keygen"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw DropServerError(
                "\(tool) is missing: the SFTP drop tests need a real OpenSSH server and client; "
                    + "run `apt-get install -y openssh-server openssh-client`")
        }
    }

    /// A fresh temporary directory, mode 0755: sshd reads `authorized_keys` as the drop account.
    private static func makeWorkDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/roster-sftp-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw DropServerError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        let path = String(cString: made)
        chmod(path, 0o755)
        return path
    }

    /// Host and client ed25519 keys, and the client's public key as `authorized_keys`.
    private static func makeKeys(in work: String) throws {
        for key in ["host_ed25519", "client_ed25519"] {
            let result = try SpawnedProcess.run(
                "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", work + "/" + key])
            guard result.status == 0 else { throw DropServerError("ssh-keygen failed: \(result.output)") }
        }
        let publicKey = try String(contentsOfFile: work + "/client_ed25519.pub", encoding: .utf8)
        try publicKey.write(toFile: work + "/authorized_keys", atomically: true, encoding: .utf8)
        chmod(work + "/authorized_keys", 0o644)
        try Data().write(to: URL(fileURLWithPath: work + "/empty"))
    }

    /// The chroot (root, 0755) and its `incoming/` (the drop account, 0755), after checking that
    /// every component above it is root-owned and not group- or world-writable.
    private static func makeChroot(_ chroot: String, owner: DropUser) throws {
        let components = chroot.split(separator: "/").map(String.init)
        let prefixes = ["/"] + components.indices.map { "/" + components[...$0].joined(separator: "/") }
        for path in prefixes.dropFirst() {
            if mkdir(path, 0o755) == 0 {
                chmod(path, 0o755)  // mkdir's mode passes through the umask
            } else if errno != EEXIST {
                throw DropServerError("could not create \(path): \(String(cString: strerror(errno)))")
            }
        }
        for path in prefixes {
            var status = stat()
            guard stat(path, &status) == 0, status.st_uid == 0, status.st_mode & 0o022 == 0 else {
                throw DropServerError(
                    "sshd refuses the chroot \(chroot) because of \(path): every component must be owned by root "
                        + "and not group- or world-writable (chown root:root and chmod 755 it)")
            }
        }
        let incoming = chroot + "/incoming"
        guard mkdir(incoming, 0o755) == 0, chown(incoming, owner.uid, owner.gid) == 0 else {
            throw DropServerError("could not create \(incoming) for \(owner.name): \(String(cString: strerror(errno)))")
        }
    }

    /// The last `lines` lines of the file at `path`.
    static func tail(of path: String, lines: Int) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
