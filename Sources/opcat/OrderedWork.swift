import Foundation

/// Runs `work` for the items `0..<count` on worker threads and hands each result to `consume` on
/// the calling thread, in item order: the work of many items in parallel, their effects (writes,
/// messages) one at a time and in order, as if done sequentially. At most `window` items are
/// begun ahead of the one being consumed, which bounds the results held in memory.
///
/// When `consume` throws, no further item is begun, the items in progress are finished and
/// dropped, and the error is rethrown once every worker has stopped.
enum OrderedWork {
    /// Workers run on threads with the main thread's stack size, so a deep graph that counts on
    /// the main thread counts on a worker too.
    static let stackSize = 8 << 20

    static func run<Result: Sendable>(
        count: Int, workers: Int, window: Int, work: @escaping @Sendable (Int) -> Result,
        consume: (Int, Result) throws -> Void
    ) throws {
        let state = State<Result>(window: max(window, 1))
        let group = DispatchGroup()
        for _ in 0..<max(1, min(workers, count)) {
            group.enter()
            let thread = Thread {
                while let index = state.begin(count: count) { state.finish(index, work(index)) }
                group.leave()
            }
            thread.stackSize = stackSize
            thread.start()
        }
        defer {
            state.cancel()
            group.wait()
        }
        for index in 0..<count {
            try consume(index, state.take(index))
        }
    }

    /// What the workers and the consumer share, under one lock.
    private final class State<Result: Sendable>: @unchecked Sendable {
        private let condition = NSCondition()
        private let window: Int
        private var next = 0
        private var consumed = 0
        private var cancelled = false
        private var results: [Int: Result] = [:]

        init(window: Int) { self.window = window }

        /// The next item to work on, once it is within the window; nil when there is none.
        func begin(count: Int) -> Int? {
            condition.lock()
            defer { condition.unlock() }
            while !cancelled && next < count && next - consumed >= window { condition.wait() }
            guard !cancelled && next < count else { return nil }
            next += 1
            return next - 1
        }

        func finish(_ index: Int, _ result: Result) {
            condition.lock()
            if !cancelled { results[index] = result }
            condition.broadcast()
            condition.unlock()
        }

        /// Waits for item `index`'s result and takes it, which lets the window move on.
        func take(_ index: Int) -> Result {
            condition.lock()
            defer { condition.unlock() }
            while results[index] == nil { condition.wait() }
            consumed = index + 1
            condition.broadcast()
            return results.removeValue(forKey: index)!
        }

        func cancel() {
            condition.lock()
            cancelled = true
            results.removeAll()
            condition.broadcast()
            condition.unlock()
        }
    }
}
