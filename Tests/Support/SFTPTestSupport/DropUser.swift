import Foundation
import JournalTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The system account the sender logs in as. Created once, if missing, and left in place: an
/// account cannot be removed while another test's sshd still serves it.
struct DropUser: Sendable {
    /// The account name.
    let name: String
    /// Its user id.
    let uid: uid_t
    /// Its primary group id.
    let gid: gid_t

    /// The account every drop server in this process uses.
    static let name = "rosterdrop"
    /// Serialises account setup: parallel tests would otherwise race `useradd` and `usermod`
    /// for the lock on /etc/passwd.
    private static let setup = Mutex<DropUser?>(nil)

    /// The drop account, created with `useradd --system` and unlocked (`usermod -p '*'`) when
    /// needed. sshd refuses a locked account (`!` in /etc/shadow) when `UsePAM no`, even for key
    /// logins; `*` means "no password" without "locked".
    static func ensure() throws -> DropUser {
        try setup.withLock { cached in
            if let cached { return cached }
            if getpwnam(name) == nil {
                let created = try SpawnedProcess.run(
                    "/usr/sbin/useradd",
                    [
                        "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                        name,
                    ])
                // Another process may have created it meanwhile; only its absence is an error.
                guard created.status == 0 || getpwnam(name) != nil else {
                    throw DropServerError("useradd \(name) failed (exit \(created.status)): \(created.output)")
                }
            }
            if try isLocked() {
                let unlocked = try SpawnedProcess.run("/usr/sbin/usermod", ["-p", "*", name])
                guard unlocked.status == 0 else {
                    throw DropServerError("usermod -p '*' \(name) failed (exit \(unlocked.status)): \(unlocked.output)")
                }
            }
            guard let entry = getpwnam(name) else {
                throw DropServerError("the account \(name) does not exist after useradd")
            }
            let user = DropUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
            cached = user
            return user
        }
    }

    /// Whether /etc/shadow holds a locked password (`!...`) for the account.
    private static func isLocked() throws -> Bool {
        let shadow = try String(contentsOfFile: "/etc/shadow", encoding: .utf8)
        for line in shadow.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count > 1, fields[0] == name { return fields[1].hasPrefix("!") }
        }
        return true
    }
}
