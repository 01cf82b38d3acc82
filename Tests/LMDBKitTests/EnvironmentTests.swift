import Foundation
import LMDBKit
import Testing

@Suite struct EnvironmentTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lmdbkit-\(UInt64.random(in: 0...UInt64.max))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func open(mapSize: Int = 1 << 20, readOnly: Bool = false) throws -> Environment {
        var configuration = Environment.Configuration(path: directory)
        configuration.databases = ["things", "others"]
        configuration.initialMapSize = mapSize
        configuration.readOnly = readOnly
        return try Environment(configuration)
    }

    @Test func committedWritesAreReadBackInKeyOrder() throws {
        let environment = try open()
        let things = environment.database("things")
        try environment.write { txn in
            for key in [3, 1, 2] as [UInt8] {
                try txn.put(things, key: [key], value: Array("value \(key)".utf8))
            }
        }
        let keys = try environment.read { txn in
            try txn.withCursor(things) { cursor in
                var keys: [UInt8] = []
                var entry = try cursor.first()
                while let current = entry {
                    keys.append(current.key[0])
                    entry = try cursor.next()
                }
                return keys
            }
        }
        #expect(keys == [1, 2, 3])
        #expect(try environment.read { try $0.value(things, key: [2]) } == Array("value 2".utf8))
        #expect(try environment.read { try $0.value(things, key: [9]) } == nil)
    }

    @Test func aThrowingWriteChangesNothing() throws {
        struct Refused: Error {}
        let environment = try open()
        let things = environment.database("things")
        #expect(throws: Refused.self) {
            try environment.write { txn in
                try txn.put(things, key: [1], value: [1])
                throw Refused()
            }
        }
        #expect(try environment.read { try $0.statistics(things).entries } == 0)
    }

    @Test func theMapGrowsWhenAWriteFillsIt() throws {
        let environment = try open(mapSize: 256 << 10)
        let things = environment.database("things")
        let before = environment.mapSize
        let value = [UInt8](repeating: 7, count: 1000)
        for batch in 0..<20 {
            try environment.write { txn in
                for index in 0..<200 {
                    let key = UInt64(batch * 200 + index).bigEndian
                    try withUnsafeBytes(of: key) { key in
                        try value.withUnsafeBytes { try txn.put(things, key: key, value: $0, flags: .append) }
                    }
                }
            }
        }
        #expect(environment.mapSize > before)
        #expect(try environment.read { try $0.statistics(things).entries } == 4000)
    }

    @Test func appendRefusesAKeyOutOfOrder() throws {
        let environment = try open()
        let things = environment.database("things")
        try environment.write { try $0.put(things, key: [5], value: [1], flags: .append) }
        let error = #expect(throws: LMDBError.self) {
            try environment.write { try $0.put(things, key: [4], value: [1], flags: .append) }
        }
        #expect(error?.isKeyExists == true)
    }

    @Test func aWriteCursorAppendsToTwoDatabasesAndRefusesAKeyOutOfOrder() throws {
        let environment = try open()
        let (things, others) = (environment.database("things"), environment.database("others"))
        try environment.write { txn in
            try txn.withWriteCursor(things) { things in
                try txn.withWriteCursor(others) { others in
                    for key in 1...300 as ClosedRange<UInt16> {
                        let bytes = key.bigEndianBytes
                        try things.put(key: bytes, value: Array("thing \(key)".utf8), flags: .append)
                        if key % 3 == 0 { try others.put(key: bytes, value: [], flags: .append) }
                    }
                }
            }
        }
        let counts = try environment.read { txn in
            (try txn.statistics(things).entries, try txn.statistics(others).entries, try txn.value(things, key: UInt16(150).bigEndianBytes))
        }
        #expect(counts.0 == 300 && counts.1 == 100)
        #expect(counts.2 == Array("thing 150".utf8))
        let error = #expect(throws: LMDBError.self) {
            try environment.write { txn in
                try txn.withWriteCursor(things) { try $0.put(key: UInt16(7).bigEndianBytes, value: [1], flags: .append) }
            }
        }
        #expect(error?.isKeyExists == true)
    }

    @Test func cursorsSeekAtOrBefore() throws {
        let environment = try open()
        let things = environment.database("things")
        try environment.write { txn in
            for key in [10, 20, 30] as [UInt8] { try txn.put(things, key: [key], value: [key]) }
        }
        let found = try environment.read { txn in
            try txn.withCursor(things) { cursor in
                [try cursor.seek(atOrBefore: [25])?.key.first, try cursor.seek(atOrBefore: [20])?.key.first,
                 try cursor.seek(atOrBefore: [5])?.key.first, try cursor.seek(atOrBefore: [99])?.key.first]
            }
        }
        #expect(found == [20, 20, nil, 30])
    }

    @Test func filesAreCreatedOwnerOnly() throws {
        _ = try open()
        for file in ["data.mdb", "lock.mdb"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(file)")
        }
    }

    @Test func aMissingDirectoryIsAnErrorNamingIt() throws {
        var configuration = Environment.Configuration(path: directory + "/missing")
        configuration.databases = ["things"]
        let error = #expect(throws: LMDBError.self) { try Environment(configuration) }
        #expect(error?.code == ENOENT)
        #expect(error?.description.contains(directory + "/missing") == true)
    }

    @Test func aReadOnlyEnvironmentSkipsMissingDatabasesWhenAsked() throws {
        _ = try open()
        var configuration = Environment.Configuration(path: directory)
        configuration.databases = ["things", "never-created"]
        configuration.readOnly = true
        configuration.createMissingDatabases = false
        let environment = try Environment(configuration)
        #expect(environment.database(named: "things") != nil)
        #expect(environment.database(named: "never-created") == nil)
    }
}

extension UInt16 {
    fileprivate var bigEndianBytes: [UInt8] { [UInt8(self >> 8), UInt8(self & 0xFF)] }
}
