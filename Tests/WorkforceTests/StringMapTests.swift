import Testing
import Workforce

/// The replay's string-keyed map, checked against a dictionary.
@Suite struct StringMapTests {
    @Test func findsWhatADictionaryFindsThroughGrowthAndReplacement() {
        var map = StringMap<Int>()
        var expected: [String: Int] = [:]
        // Short keys (held inline), long ones, non-ASCII ones, and keys sharing long prefixes.
        let keys = (0..<5_000).map { number in
            switch number % 4 {
            case 0: "E\(number)"
            case 1: "employee-with-a-long-identifier-\(number)"
            case 2: "Zoë-\(number)"
            default: String(repeating: "x", count: number % 40) + "\(number)"
            }
        }
        for (value, key) in keys.enumerated() {
            map.insert(value, for: key)
            expected[key] = value
        }
        for (value, key) in keys.enumerated() where value % 3 == 0 {
            map[key] = -value
            expected[key] = -value
        }
        #expect(map.count == expected.count)
        for key in keys { #expect(map[key] == expected[key], "\(key)") }
        #expect(map["E"] == nil)
        #expect(map[""] == nil)
        #expect(map["E5000"] == nil)
    }

    @Test func emptyKeysAndRemovalAndReservedRoom() {
        var map = StringMap<String>()
        map.reserveCapacity(100)
        map[""] = "empty"
        map["a"] = "one"
        #expect(map[""] == "empty")
        #expect(map["a"] == "one")
        #expect(map.count == 2)
        map.removeAll(keepingCapacity: true)
        #expect(map.count == 0)
        #expect(map[""] == nil)
        #expect(map["a"] == nil)
        map["a"] = "again"
        #expect(map["a"] == "again")
    }

    /// A hash worked out once (on the reading thread) finds and stores what the key does; the
    /// probable value by hash alone is the key's, and prefetching changes nothing.
    @Test func aHashWorkedOutAheadFindsWhatTheKeyFinds() {
        var map = StringMap<Int>()
        for number in 0..<2_000 {
            let key = number % 2 == 0 ? "E\(number)" : "employee-with-a-long-identifier-\(number)"
            let hash = StringMap<Int>.hash(key)
            map.prefetch(hash: hash)
            #expect(map[key, hash: hash] == nil)
            #expect(map.probableValue(hash: hash) == nil)
            map.insert(number, for: key, hash: hash)
        }
        for number in 0..<2_000 {
            let key = number % 2 == 0 ? "E\(number)" : "employee-with-a-long-identifier-\(number)"
            let hash = StringMap<Int>.hash(key)
            #expect(map[key, hash: hash] == number)
            #expect(map[key] == number)
            #expect(map.probableValue(hash: hash) == number)
        }
        #expect(map.count == 2_000)
    }
}
