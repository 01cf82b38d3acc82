import Foundation
import JournalTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 proxy on a loopback port in front of a test server, which forwards each request
/// unchanged unless told to fail it: the failures a SCIM client meets in production (5xx, 429 with
/// `Retry-After`, dropped connections, slow answers), on demand and repeatably.
///
/// Faults are taken first from the queue filled by ``inject(_:times:)``, then at random with the
/// probability and seed given to ``inject(_:probability:seed:)``, so a run can be replayed.
/// Every request is counted by method and path, faulted or not.
///
/// - Important: Each connection carries one request (the proxy answers `Connection: close`) and is
///   served on its own thread. Request bodies must come with `Content-Length`. Call ``stop()`` or
///   drop the last reference to close the listening socket.
public final class FaultProxy: @unchecked Sendable {
    /// A failure the proxy can put in place of the server's answer.
    public enum Fault: Sendable, Hashable {
        /// Answer 500 without forwarding.
        case internalServerError
        /// Answer 429 with this `Retry-After` value (delta-seconds or an HTTP-date) without forwarding.
        case tooManyRequests(retryAfter: String = "1")
        /// Answer 503 with this `Retry-After` value without forwarding.
        case serviceUnavailable(retryAfter: String = "1")
        /// Close the connection after reading the request, without answering or forwarding.
        case dropConnection
        /// Answer this status with a SCIM error body, without forwarding (412 for a version
        /// mismatch, 409 for a conflict).
        case status(Int)
        /// Wait this long, then forward as usual.
        case delay(Duration)
    }

    /// A request's method and path (without the query), the unit the proxy counts.
    public struct Request: Hashable, Sendable, CustomStringConvertible {
        public let method: String
        public let path: String

        public init(_ method: String, _ path: String) {
            self.method = method
            self.path = path
        }

        public var description: String { "\(method) \(path)" }
    }

    /// The upstream's base URL with the proxy's port in place of the upstream's.
    public let baseURL: URL
    /// The loopback port the proxy listens on.
    public let port: UInt16
    let upstreamPort: UInt16
    private let listener: Int32
    private let state = State()
    private let acceptorExited = DispatchSemaphore(value: 0)

    /// A proxy forwarding to the server at `upstream`, which must be on 127.0.0.1.
    public init(forwardingTo upstream: URL) throws {
        guard let upstreamPort = upstream.port, ["127.0.0.1", "localhost"].contains(upstream.host ?? "") else {
            throw HarnessError("the fault proxy forwards only to 127.0.0.1 with an explicit port, not to \(upstream)")
        }
        self.upstreamPort = UInt16(upstreamPort)
        (listener, port) = try LoopbackSocket.listen()
        var components = URLComponents(url: upstream, resolvingAgainstBaseURL: false)!
        components.host = "127.0.0.1"
        components.port = Int(port)
        baseURL = components.url!
        let thread = Thread { [listener, state, acceptorExited, upstreamPort = self.upstreamPort] in
            Self.accept(on: listener, state: state, upstreamPort: upstreamPort)
            acceptorExited.signal()
        }
        thread.name = "FaultProxy accept :\(port)"
        thread.start()
    }

    /// Fails the next `times` requests with `fault`, after any faults already queued.
    public func inject(_ fault: Fault, times: Int = 1) {
        state.withLock { $0.queued += Array(repeating: fault, count: times) }
    }

    /// Fails each request with `fault` with probability `probability`, drawn from a generator
    /// seeded with `seed`; queued faults still come first.
    public func inject(_ fault: Fault, probability: Double, seed: UInt64) {
        state.withLock {
            $0.random = RandomFault(fault: fault, probability: probability, generator: SplitMix(seed: seed))
        }
    }

    /// Forwards every request from now on.
    public func removeFaults() {
        state.withLock {
            $0.queued.removeAll()
            $0.random = nil
        }
    }

    /// How many requests with `method` and `path` arrived, faulted or not.
    public func count(_ method: String, _ path: String) -> Int {
        state.withLock { $0.counts[Request(method, path), default: 0] }
    }

    /// Every request counted so far.
    public var counts: [Request: Int] { state.withLock { $0.counts } }

    /// How many faults the proxy has injected so far.
    public var faultsInjected: Int { state.withLock { $0.faultsInjected } }

    /// Stops accepting connections; requests already accepted finish on their own threads.
    public func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        // shutdown wakes the thread blocked in accept; close only once it has left, so the
        // descriptor number cannot be reused under it.
        shutdown(listener, Int32(SHUT_RDWR))
        acceptorExited.wait()
        close(listener)
    }

    deinit { stop() }

    private static func accept(on listener: Int32, state: State, upstreamPort: UInt16) {
        while true {
            let connection = Glibc.accept(listener, nil, nil)
            if state.withLock({ $0.stopped }) {
                if connection >= 0 { close(connection) }
                return
            }
            guard connection >= 0 else { continue }
            let thread = Thread {
                ProxiedConnection(client: connection, upstreamPort: upstreamPort, state: state).serve()
            }
            thread.name = "FaultProxy connection"
            thread.start()
        }
    }
}

extension FaultProxy {
    /// The proxy's mutable state, shared with the connection threads under a lock.
    final class State: @unchecked Sendable {
        struct Values {
            var queued: [Fault] = []
            var random: RandomFault?
            var counts: [Request: Int] = [:]
            var faultsInjected = 0
            var stopped = false
        }

        private let lock = NSLock()
        private var values = Values()

        func withLock<Result>(_ body: (inout Values) -> Result) -> Result {
            lock.lock()
            defer { lock.unlock() }
            return body(&values)
        }

        /// Counts `request` and decides its fault, if any.
        func arrived(_ request: Request) -> Fault? {
            withLock { values in
                values.counts[request, default: 0] += 1
                var fault: Fault?
                if !values.queued.isEmpty {
                    fault = values.queued.removeFirst()
                } else if var random = values.random {
                    if random.generator.chance(random.probability) { fault = random.fault }
                    values.random = random
                }
                if fault != nil { values.faultsInjected += 1 }
                return fault
            }
        }
    }

    struct RandomFault {
        let fault: Fault
        let probability: Double
        var generator: SplitMix
    }

    /// SplitMix64: a small seedable generator, so a random fault pattern repeats run after run.
    struct SplitMix {
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// True with probability `probability`.
        mutating func chance(_ probability: Double) -> Bool {
            Double(next() >> 11) / Double(UInt64(1) << 53) < probability
        }
    }
}
