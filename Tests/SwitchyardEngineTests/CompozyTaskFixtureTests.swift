import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardJSON

/// compozy's task fixtures (`engine/task/fixtures/*.yaml` in compozy/compozy, copied to
/// `Fixtures/compozy/tasks`) read by the task decoder as compozy's `task.Load` reads them: no
/// problem, and the fields its `config_test.go` looks at.
@Suite(.timeLimit(.minutes(1)))
struct CompozyTaskFixtureTests {
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/compozy/tasks").path

    static func decode(_ name: String) throws -> (TaskConfig?, [ConfigError]) {
        let file = directory + "/" + name
        var decoder = DocumentDecoder(file: file)
        let task = decoder.task(try YAMLDocument.load(file: file), at: "")
        return (task, decoder.errors)
    }

    @Test func collectionTask() throws {
        let (decoded, problems) = try Self.decode("collection_task.yaml")
        #expect(problems.isEmpty, "\(problems)")
        let task = try #require(decoded)
        #expect(task.id == "process-user-data" && task.type == .collection)
        #expect(task.items == "{{ .workflow.input.users }}" && task.filter == "{{ ne .item.status 'inactive' }}")
        #expect(task.itemVar == "user" && task.indexVar == "idx" && task.mode == .sequential && task.batch == 5)
        #expect(task.strategy == .bestEffort && task.maxWorkers == 10 && task.timeout == .seconds(300))
        #expect(task.retryPolicy?.maximumAttempts == 3)
        let template = try #require(task.task)
        #expect(template.id == "process-user-{{ .idx }}" && template.agent == "user-processor" && template.action == "process_user_data")
        #expect(task.env["USER_SERVICE_URL"] == "https://api.example.com/users")
        #expect(task.inputSchema?["required"] == ["users"] && task.outputSchema?["required"]?.arrayValue?.count == 3)
        #expect(task.onSuccess?.next == "notify-completion" && task.onError?.next == "handle-batch-error")
    }

    @Test func routerTask() throws {
        let (decoded, problems) = try Self.decode("router_task.yaml")
        #expect(problems.isEmpty, "\(problems)")
        let task = try #require(decoded)
        #expect(task.type == .router && task.condition == "{{ .tasks.analyze.output.type }}")
        #expect(Set(task.routes.map(\.key)) == ["invoice", "contract", "receipt", "unknown"])
        #expect(task.with?["confidence_threshold"] == 0.8 && task.onError?.next == "retry-classification")
    }

    @Test func aggregateTask() throws {
        let (decoded, problems) = try Self.decode("aggregate_task.yaml")
        #expect(problems.isEmpty, "\(problems)")
        let task = try #require(decoded)
        #expect(task.type == .aggregate)
        #expect(task.outputs?["summary"]?["failed_items"] == "{{ .tasks.task2.output.failed_count }}")
        #expect(task.outputs?["all_results"]?.arrayValue?.count == 2)
    }

    @Test func signalTask() throws {
        let (decoded, problems) = try Self.decode("signal_task.yaml")
        #expect(problems.isEmpty, "\(problems)")
        let task = try #require(decoded)
        #expect(task.type == .signal && task.signal?.id == "workflow-ready")
        #expect(task.signal?.payload["workflow_id"] == "{{ .workflow.id }}")
    }
}
