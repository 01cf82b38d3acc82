import Foundation

/// Turns Nagle's algorithm off for the connections a listening socket will accept.
///
/// FlyingFox writes a response's head and its body in two writes. With Nagle on, the body waits
/// for the client to acknowledge the head, and clients delay that acknowledgement by up to 40 ms:
/// every webhook answer took about 40 ms longer than its work. FlyingFox gives no hook on its
/// listening socket, so it is found among this process's descriptors by its port; Linux hands
/// `TCP_NODELAY` from a listening socket down to the sockets it accepts.
enum NoDelay {
    /// Sets `TCP_NODELAY` on this process's listening TCP socket bound to `port`; false if none is.
    @discardableResult
    static func setOnListener(port: UInt16) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return false }
        for descriptor in entries.compactMap(Int32.init) {
            var listening: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0, listening == 1 else { continue }
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) == 0 }
            }
            guard named else { continue }
            let bound: UInt16
            switch Int32(address.ss_family) {
            case AF_INET: bound = withUnsafeBytes(of: &address) { $0.load(as: sockaddr_in.self).sin_port }
            case AF_INET6: bound = withUnsafeBytes(of: &address) { $0.load(as: sockaddr_in6.self).sin6_port }
            default: continue
            }
            guard UInt16(bigEndian: bound) == port else { continue }
            var on: Int32 = 1
            return setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size)) == 0
        }
        return false
    }
}
