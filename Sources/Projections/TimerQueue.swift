import Journal

/// Workers, by their slot in the state, by the next moment something is due for them: a binary
/// min-heap. Entries are not removed when a worker's moment moves; a popped entry is checked
/// against the worker instead.
struct TimerQueue: Sendable, Equatable {
    private var heap: [(at: Timestamp, slot: Int)] = []

    static func == (lhs: TimerQueue, rhs: TimerQueue) -> Bool {
        lhs.heap.elementsEqual(rhs.heap) { $0.at == $1.at && $0.slot == $1.slot }
    }

    var earliest: Timestamp? { heap.first?.at }

    mutating func insert(_ at: Timestamp, _ slot: Int) {
        heap.append((at, slot))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].at < heap[parent].at else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popEarliest() -> (at: Timestamp, slot: Int)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = parent * 2 + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].at < heap[smallest].at { smallest = left }
            if right < heap.count, heap[right].at < heap[smallest].at { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
