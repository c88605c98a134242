import SwitchyardJSON

/// One child to run under a parent.
struct ChildSpec: Sendable {
    let task: CompiledTask
    let id: String
    let path: String
    let scope: Scope
    /// Merged over the child's rendered `with`: the collection variables compozy injects.
    var injected: JSONValue?
}

extension ExecutionRun {
    /// `.parent` in a child, as compozy's `buildParentContextWithVisited` builds it: the parent's
    /// `id`, `type`, `action`, `env` and `with` (its input: compozy's normalized `with` is what its
    /// state records as input), its runtime `input`, `output` (none yet) and `status` (RUNNING),
    /// and its own parent under `parent`. Built once per parent run, not per child.
    static func parentValue(_ task: CompiledTask, input: JSONValue, outer scope: Scope) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(task.id), "type": .string(task.config.type.rawValue),
            "action": task.config.action.map(JSONValue.string) ?? .null,
            "env": .object(task.config.env.mapValues(JSONValue.string)),
            "with": input, "input": input, "output": .null, "status": .string(ExecutionStatus.running.rawValue),
        ]
        if let grandparent = scope.extra["parent"] { members["parent"] = grandparent }
        return .object(members)
    }

    /// parallel (concurrently, `max_workers`) and composite (in order).
    func runParallel(_ task: CompiledTask, path: String, parentExecID: String, input: JSONValue,
                     scope: Scope) async -> Attempt {
        var childScope = scope
        childScope.extra["parent"] = Self.parentValue(task, input: input, outer: scope)
        let specs = task.children.map { ChildSpec(task: $0, id: $0.id, path: "\(path)/\($0.id)", scope: childScope) }
        let workers = task.config.type == .composite ? 1 : (task.config.maxWorkers ?? 0)
        let outcomes = await runChildren(specs, strategy: task.config.strategy, workers: workers,
                                         parentExecID: parentExecID, input: input)
        return parentAttempt(task, outcomes: outcomes, total: specs.count, metadata: nil)
    }

    /// collection: one child per (filtered) item, cloned from `task`, in batches.
    func runCollection(_ task: CompiledTask, path: String, parentExecID: String, input: JSONValue,
                       scope: Scope) async throws -> Attempt {
        guard let template = task.childTemplate, let itemsValue = task.items else {
            return .failed("collection \"\(task.id)\" needs items and task")
        }
        let taskContext = context(scope, input: input)
        let items: [JSONValue]
        do { items = try CollectionItems.list(try itemsValue.render(taskContext)) } catch let failure as TaskFailure {
            return .failed("collection \"\(task.id)\": \(failure.message)")
        }
        let config = task.config
        var baseScope = scope
        baseScope.extra["parent"] = Self.parentValue(task, input: input, outer: scope)
        var specs: [ChildSpec] = []
        specs.reserveCapacity(items.count)
        var skipped = 0
        for (index, item) in items.enumerated() {
            var itemScope = baseScope
            Self.setItem(item, index: index, config: config, in: &itemScope)
            if let filter = task.filter {
                let keep: Bool
                do { keep = try filter.isTrue(context(itemScope, input: input)) } catch {
                    return .failed("collection \"\(task.id)\": filter on item \(index): \(error)")
                }
                if !keep { skipped += 1; continue }
                // compozy filters with the item's place in `items` but numbers the children by
                // their place among the kept ones (engine/task2/collection/expander.go).
                Self.setItem(item, index: specs.count, config: config, in: &itemScope)
            }
            var childID = template.config.id
            if let idTemplate = template.idTemplate {
                do { childID = try idTemplate.renderText(context(itemScope, input: input)) } catch {
                    return .failed("collection \"\(task.id)\": child id for item \(index): \(error)")
                }
            } else {
                childID = "\(childID)-\(specs.count)"
            }
            specs.append(ChildSpec(task: template, id: childID, path: "\(path)[\(index)]", scope: itemScope,
                                   injected: Self.injectedWith(item, index: specs.count, config: config)))
        }
        let workers = config.mode == .sequential ? 1 : (config.maxWorkers ?? engine.defaultCollectionWorkers)
        let batchSize = (config.batch ?? 0) > 0 ? config.batch! : max(specs.count, 1)
        var outcomes: [TaskOutcome?] = []
        outcomes.reserveCapacity(specs.count)
        var start = 0
        while start < specs.count {
            let batch = Array(specs[start..<min(start + batchSize, specs.count)])
            let batchOutcomes = await runChildren(batch, strategy: config.strategy, workers: workers,
                                                  parentExecID: parentExecID, input: input)
            outcomes += batchOutcomes
            start += batch.count
            if batchOutcomes.contains(where: { decides(config.strategy, $0) }) || Task.isCancelled { break }
        }
        outcomes += Array(repeating: nil, count: specs.count - outcomes.count)
        let metadata: JSONValue = ["item_count": .int(Int64(items.count)), "skipped_count": .int(Int64(skipped))]
        return parentAttempt(task, outcomes: outcomes, total: specs.count, metadata: metadata)
    }

    /// `.item`/`.index` and the `item_var`/`index_var` names beside them, as compozy's
    /// `createItemContext` sets them.
    private static func setItem(_ item: JSONValue, index: Int, config: TaskConfig, in scope: inout Scope) {
        let position = JSONValue.int(Int64(index))
        scope.extra["item"] = item
        scope.extra["index"] = position
        scope.extra[config.itemVar] = item
        scope.extra[config.indexVar] = position
    }

    /// What compozy merges over each child's rendered `with` (engine/task2/collection/
    /// config_builder.go `addCollectionContext`, expander.go `injectCollectionContext`): `item`,
    /// `index` and the `item_var`/`index_var` names. Left out: its `_collection_item`,
    /// `_collection_index`, `_collection_item_var`, `_collection_index_var` (the bookkeeping
    /// its variable builder reads back to set the custom names, which the scope here sets
    /// directly) and `workflow` (in every template context already): each would be encoded into
    /// every child's stored input and tool call, a cost per child in a 1,000-item collection.
    private static func injectedWith(_ item: JSONValue, index: Int, config: TaskConfig) -> JSONValue {
        let position = JSONValue.int(Int64(index))
        var members: [String: JSONValue] = ["item": item, "index": position]
        members[config.itemVar] = item
        members[config.indexVar] = position
        return .object(members)
    }

    /// Whether `outcome` settles the parent early: a failure under fail_fast, a success under race.
    private func decides(_ strategy: ParallelStrategy, _ outcome: TaskOutcome?) -> Bool {
        guard let outcome else { return false }
        switch strategy {
        case .failFast: return outcome.status != .success
        case .race: return outcome.status == .success
        case .waitAll, .bestEffort: return false
        }
    }

    /// Runs `specs` with at most `workers` at once (0: all at once), in order of the list.
    /// A deciding outcome cancels the rest; unstarted children come back `nil`.
    func runChildren(_ specs: [ChildSpec], strategy: ParallelStrategy, workers: Int, parentExecID: String,
                     input: JSONValue) async -> [TaskOutcome?] {
        let limit = workers > 0 ? min(workers, specs.count) : specs.count
        if limit <= 1 {
            // One at a time needs no child tasks: running inline saves a task and two thread
            // hops per child (sequential collections, composites).
            var outcomes = [TaskOutcome?](repeating: nil, count: specs.count)
            for (index, spec) in specs.enumerated() {
                if Task.isCancelled { break }
                let outcome = await execute(spec.task, id: spec.id, path: spec.path, parent: parentExecID,
                                            baseInput: input, overrideInput: spec.injected, scope: spec.scope)
                outcomes[index] = outcome
                if decides(strategy, outcome) { break }
            }
            return outcomes
        }
        return await withTaskGroup(of: (Int, TaskOutcome).self) { group in
            var outcomes = [TaskOutcome?](repeating: nil, count: specs.count)
            var nextIndex = 0
            func launch() {
                let index = nextIndex
                let spec = specs[index]
                nextIndex += 1
                group.addTask {
                    (index, await self.execute(spec.task, id: spec.id, path: spec.path, parent: parentExecID,
                                               baseInput: input, overrideInput: spec.injected, scope: spec.scope))
                }
            }
            while nextIndex < limit { launch() }
            var stopped = false
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if !stopped, decides(strategy, outcome) {
                    stopped = true
                    group.cancelAll()
                }
                if !stopped, !Task.isCancelled, nextIndex < specs.count { launch() }
            }
            return outcomes
        }
    }

    /// The parent output `{outputs, progress_info[, collection_metadata]}` and its status.
    private func parentAttempt(_ task: CompiledTask, outcomes: [TaskOutcome?], total: Int,
                               metadata: JSONValue?) -> Attempt {
        var outputs: [String: JSONValue] = [:]
        var children: [String: JSONValue] = [:]
        var adopted = Attempt(status: .success)
        var success = 0, failed = 0, canceled = 0, timedOut = 0
        var firstFailure: TaskOutcome?
        for outcome in outcomes {
            guard let outcome else { canceled += 1; continue }
            outputs[outcome.id] = outcome.output
            let value = outcome.templateValue
            children[outcome.id] = value
            adopted.adopt(outcome, value: value)
            switch outcome.status {
            case .success: success += 1
            case .timedOut: timedOut += 1
            case .canceled: canceled += 1
            default: failed += 1
            }
            if outcome.status != .success, outcome.status != .canceled, firstFailure == nil { firstFailure = outcome }
        }
        let strategy = task.config.strategy
        let succeeded: Bool
        switch strategy {
        case .waitAll, .failFast: succeeded = success == total
        case .bestEffort: succeeded = success > 0 || total == 0
        case .race: succeeded = success > 0
        }
        let status: ExecutionStatus = Task.isCancelled && !succeeded ? .canceled : (succeeded ? .success : .failed)
        let completed = success + failed + timedOut
        var progress: [String: JSONValue] = [
            "total_children": .int(Int64(total)), "success_count": .int(Int64(success)),
            "failed_count": .int(Int64(failed)), "canceled_count": .int(Int64(canceled)),
            "timed_out_count": .int(Int64(timedOut)),
            "completion_rate": .double(total == 0 ? 1 : Double(completed) / Double(total)),
        ]
        progress["overall_status"] = .string(status.rawValue)
        var output: [String: JSONValue] = ["outputs": .object(outputs), "progress_info": .object(progress)]
        if let metadata { output["collection_metadata"] = metadata }
        var attempt = Attempt(status: status, output: .object(output), childValues: adopted.childValues,
                              children: .object(children), descendants: adopted.descendants,
                              outputsSubject: .object(outputs))
        if !succeeded, status != .canceled {
            let reason = firstFailure.map { "\($0.id): \($0.error?.message ?? $0.status.rawValue)" } ?? "no child succeeded"
            attempt.error = TaskFailure("\(task.config.type.rawValue) task \"\(task.id)\" (\(strategy.rawValue)): "
                                        + "\(failed + timedOut) of \(total) children failed; first: \(reason)",
                                        kind: firstFailure?.error?.kind)
        }
        return attempt
    }
}
