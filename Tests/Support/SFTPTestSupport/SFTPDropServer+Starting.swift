import Foundation
import JournalTestSupport

#if canImport(Glibc)
    import Glibc
#endif

extension SFTPDropServer {
    /// Writes sshd_config for `port`, checks it with `sshd -t`, starts `sshd -D` and waits until
    /// its log says it listens. A port taken between choosing and binding it is retried with
    /// another; any other failure throws with the log.
    static func startSSHD(work: String, chroot: String, user: String) throws -> (SpawnedProcess, Int) {
        try FileManager.default.createDirectory(
            atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        var attempts = 0
        while true {
            attempts += 1
            let port = try LoopbackPort.free()
            let configuration = work + "/sshd_config"
            try sshdConfiguration(port: port, work: work, chroot: chroot, user: user)
                .write(toFile: configuration, atomically: true, encoding: .utf8)
            let check = try SpawnedProcess.run("/usr/sbin/sshd", ["-t", "-f", configuration])
            guard check.status == 0 else {
                throw DropServerError("sshd -t rejected \(configuration): \(check.output)")
            }
            let log = work + "/sshd.log"
            unlink(log)
            // sshd must be started by its absolute path: it re-executes itself for each connection.
            let process = try SpawnedProcess(
                "/usr/sbin/sshd", ["-D", "-f", configuration, "-E", log], outputPath: work + "/sshd.out")
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if text.contains("Server listening on 127.0.0.1 port \(port).") { return (process, port) }
                if !process.isRunning {
                    if text.contains("Address already in use"), attempts < 5 { break }
                    throw DropServerError(
                        "sshd exited (status \(process.status ?? -1)) before listening on port \(port); log:\n"
                            + tail(of: log, lines: 30) + tail(of: work + "/sshd.out", lines: 10))
                }
                usleep(2_000)
            }
            if process.isRunning {
                process.stop(SIGKILL, deadline: .seconds(5))
                throw DropServerError(
                    "sshd did not listen on port \(port) within 10 seconds; log:\n" + tail(of: log, lines: 30))
            }
        }
    }

    /// The configuration of the reference recipe: keys only, no PAM, a chrooted account that may
    /// only use internal-sftp, starting in /incoming, unable to remove files or make links.
    /// `StrictModes no` because the keys sit under /tmp, whose modes sshd would refuse.
    private static func sshdConfiguration(port: Int, work: String, chroot: String, user: String) -> String {
        """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(work)/host_ed25519
        PidFile \(work)/sshd.pid
        AuthorizedKeysFile \(work)/authorized_keys
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PubkeyAuthentication yes
        PermitRootLogin no
        AllowUsers \(user)
        UsePAM no
        StrictModes no
        LogLevel VERBOSE
        Subsystem sftp internal-sftp
        Match User \(user)
            ChrootDirectory \(chroot)
            ForceCommand internal-sftp -d /incoming -u 0027 -P remove,rmdir,symlink,hardlink
            AllowTcpForwarding no
            X11Forwarding no
            PermitTTY no

        """
    }
}
