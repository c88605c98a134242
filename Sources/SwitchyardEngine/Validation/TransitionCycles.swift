/// Finds cycles in a workflow's `next`/`routes` graph without recursion, so a chain of any
/// length (100,000 sequential tasks) is walked in constant stack space.
enum TransitionCycles {
    /// Each cycle once, reported at the task where the depth-first walk closed it.
    /// - Parameters:
    ///   - edges: each top-level task id's transition targets, in declaration order.
    ///   - order: the top-level tasks; the walk starts from each in turn.
    static func find(edges: [String: [String]], order: [TaskConfig]) -> [(path: String, cycle: [String])] {
        var done: Set<String> = []
        // The current depth-first path: each node with how many of its edges have been followed,
        // plus where on the path each node sits (for the cycle's start).
        var stack: [(node: String, nextEdge: Int)] = []
        var position: [String: Int] = [:]
        var found: [(path: String, cycle: [String])] = []
        let paths = Dictionary(order.map { ($0.id, $0.path) }, uniquingKeysWith: { first, _ in first })
        for task in order where !done.contains(task.id) && position[task.id] == nil {
            position[task.id] = 0
            stack.append((task.id, 0))
            while let top = stack.last {
                let targets = edges[top.node] ?? []
                guard top.nextEdge < targets.count else {
                    stack.removeLast()
                    position[top.node] = nil
                    done.insert(top.node)
                    continue
                }
                stack[stack.count - 1].nextEdge += 1
                let next = targets[top.nextEdge]
                if let start = position[next] {
                    found.append((paths[top.node] ?? "", stack[start...].map(\.node) + [next]))
                } else if !done.contains(next) {
                    position[next] = stack.count
                    stack.append((next, 0))
                }
            }
        }
        return found
    }
}
