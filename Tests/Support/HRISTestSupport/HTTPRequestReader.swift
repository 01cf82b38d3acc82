import Foundation
import JournalTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Reads one HTTP/1.1 request from a socket: the request line, the headers, and a body of
/// `Content-Length` bytes.
enum HTTPRequestReader {
    /// The request, with its target as sent; nil when the peer sends nothing readable.
    static func read(_ connection: Int32) -> (request: RecordedRequest, method: String, target: String)? {
        var buffer: [UInt8] = []
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            guard let chunk = LoopbackSocket.receive(connection), !chunk.isEmpty else { return nil }
            buffer += chunk
            headEnd = buffer.firstRange(of: separator)?.lowerBound
            if buffer.count > 1 << 20 { return nil }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body = Array(buffer[(headEnd! + 4)...])
        let length = headers["content-length"].flatMap(Int.init) ?? 0
        while body.count < length {
            guard let chunk = LoopbackSocket.receive(connection), !chunk.isEmpty else { return nil }
            body += chunk
        }
        let method = String(requestLine[0])
        let target = String(requestLine[1])
        let (path, query) = RecordedRequest.split(target)
        return (RecordedRequest(method: method, path: path, query: query, headers: headers, body: body), method, target)
    }
}
