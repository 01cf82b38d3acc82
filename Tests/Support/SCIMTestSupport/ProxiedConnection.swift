import Foundation
import JournalTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// One client connection to the fault proxy: reads one request, then fails it or forwards it to
/// the upstream and relays the answer, and closes.
struct ProxiedConnection {
    let client: Int32
    let upstreamPort: UInt16
    let state: FaultProxy.State

    /// A request as read from the client.
    private struct Received {
        let method: String
        let target: String
        let headerLines: [String]
        let body: [UInt8]

        /// The path without its query, as the proxy counts it.
        var path: String { String(target.prefix { $0 != "?" }) }
    }

    private static let headerEnd: [UInt8] = Array("\r\n\r\n".utf8)

    func serve() {
        defer { close(client) }
        LoopbackSocket.setReceiveTimeout(client, .seconds(30))
        guard let request = read() else { return }
        switch state.arrived(FaultProxy.Request(request.method, request.path)) {
        case nil:
            forward(request)
        case .delay(let duration)?:
            Thread.sleep(
                forTimeInterval: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
            forward(request)
        case .dropConnection?:
            return
        case .status(let status)?:
            answer(status, "Injected", extraHeaders: [], detail: "injected by the fault proxy: status \(status)")
        case .internalServerError?:
            answer(500, "Internal Server Error", extraHeaders: [], detail: "injected by the fault proxy: server error")
        case .tooManyRequests(let retryAfter)?:
            answer(
                429, "Too Many Requests", extraHeaders: ["Retry-After: \(retryAfter)"],
                detail: "injected by the fault proxy: too many requests")
        case .serviceUnavailable(let retryAfter)?:
            answer(
                503, "Service Unavailable", extraHeaders: ["Retry-After: \(retryAfter)"],
                detail: "injected by the fault proxy: unavailable")
        }
    }

    /// Reads the request head and a `Content-Length` body; nil when the client sent no complete request.
    private func read() -> Received? {
        var bytes: [UInt8] = []
        var headEnd: Int?
        repeat {
            guard let chunk = LoopbackSocket.receive(client), !chunk.isEmpty, bytes.count < 1 << 20 else { return nil }
            bytes += chunk
            headEnd = bytes.firstRange(of: Self.headerEnd)?.lowerBound
        } while headEnd == nil
        guard let headEnd else { return nil }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        var body = Array(bytes[(headEnd + Self.headerEnd.count)...])
        let length = lines.compactMap { Self.value(of: "Content-Length", in: $0) }.first.flatMap { Int($0) } ?? 0
        while body.count < length {
            guard let chunk = LoopbackSocket.receive(client), !chunk.isEmpty else { return nil }
            body += chunk
        }
        return Received(method: String(requestLine[0]), target: String(requestLine[1]), headerLines: lines, body: body)
    }

    /// Sends the request upstream with `Connection: close` and relays the answer until the upstream closes.
    private func forward(_ request: Received) {
        guard let upstream = LoopbackSocket.connect(port: upstreamPort) else {
            answer(
                502, "Bad Gateway", extraHeaders: [],
                detail: "the fault proxy could not reach 127.0.0.1:\(upstreamPort)")
            return
        }
        defer { close(upstream) }
        LoopbackSocket.setReceiveTimeout(upstream, .seconds(60))
        let hopByHop = ["Connection", "Keep-Alive", "Proxy-Connection"]
        let headers = request.headerLines.filter { line in !hopByHop.contains { Self.value(of: $0, in: line) != nil } }
        let head = (["\(request.method) \(request.target) HTTP/1.1"] + headers + ["Connection: close", "", ""])
            .joined(separator: "\r\n")
        guard LoopbackSocket.send(upstream, Array(head.utf8) + request.body) else { return }
        while let chunk = LoopbackSocket.receive(upstream), !chunk.isEmpty {
            guard LoopbackSocket.send(client, chunk) else { return }
        }
    }

    /// Answers the client directly with `status` and a SCIM error body.
    private func answer(_ status: Int, _ reason: String, extraHeaders: [String], detail: String) {
        let body =
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"\#(status)","detail":"\#(detail)"}"#
        let head =
            (["HTTP/1.1 \(status) \(reason)", "Content-Type: application/scim+json"] + extraHeaders + [
                "Content-Length: \(body.utf8.count)", "Connection: close", "", "",
            ]).joined(separator: "\r\n")
        LoopbackSocket.send(client, Array((head + body).utf8))
    }

    /// The value of header `name` if `line` is that header (names compare case-insensitively).
    private static func value(of name: String, in line: String) -> String? {
        guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name.lowercased() else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
