import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Issue 10 item 6: compozy's `POST /events` starts the workflows whose signal triggers name the
/// event (with its payload as input, checked against the trigger's schema), and a task or agent
/// run on its own is read back at `/executions/tasks/{id}` / `/executions/agents/{id}` in
/// compozy's `TaskExecutionStatusDTO` shape.
@Suite(.timeLimit(.minutes(1)))
struct APIEventsTests {
    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-events")
        try """
            name: events
            workflows:
              - source: orders.yaml
              - source: waiter.yaml
            """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try """
            id: orders
            triggers:
              - type: signal
                name: order.created
                schema:
                  type: object
                  properties: {orderId: {type: string}}
                  required: [orderId]
            tasks:
              - id: record
                type: aggregate
                outputs: {order: "{{ .workflow.input.orderId }}"}
            """.write(toFile: directory + "/orders.yaml", atomically: true, encoding: .utf8)
        try """
            id: waiter
            tasks:
              - id: hold
                type: wait
                wait_for: order.created
                timeout: 1s
                on_timeout: late
              - id: late
                type: aggregate
                outputs: {late: true}
            """.write(toFile: directory + "/waiter.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func anEventStartsTheTriggeredWorkflowOnly() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        defer { _ = server.stop() }
        let waiting = try await server.request(.POST, "/api/v0/workflows/waiter/executions", body: ["input": [:]])
        let waiterID = try #require(waiting.envelope["data"]?["exec_id"]?.stringValue)
        _ = try await server.waitForExecution(waiterID) { $0["status"] == "WAITING" }

        let sent = try await server.request(.POST, "/api/v0/events", body: ["name": "order.created", "payload": ["orderId": "o-7"]])
        #expect(sent.status == 202, "\(sent.envelope)")
        #expect(sent.envelope["data"]?["event_id"]?.stringValue?.count == 36)
        let started = try #require(sent.envelope["data"]?["executions"]?.arrayValue?.first?.stringValue, "\(sent.envelope)")
        let state = try await server.waitForExecution(started) { $0["status"] == "SUCCESS" }
        #expect(state["workflow_id"] == "orders")
        #expect(state["input"] == ["orderId": "o-7"])
        #expect(state["output"]?["record"]?["output"] == ["order": "o-7"])
        // A running execution's wait does not take an event: it times out as before.
        let waiter = try await server.waitForExecution(waiterID) { $0["status"] == "SUCCESS" }
        #expect(waiter["output"]?["late"]?["output"] == ["late": true], "\(waiter)")

        // A payload that fails the trigger's schema, or a name no trigger has, starts nothing.
        let invalid = try await server.request(.POST, "/api/v0/events", body: ["name": "order.created", "payload": ["id": 1]])
        #expect(invalid.status == 202 && invalid.envelope["data"]?["executions"] == [])
        let unknown = try await server.request(.POST, "/api/v0/events", body: ["name": "nobody.listens"])
        #expect(unknown.status == 202 && unknown.envelope["data"]?["executions"] == [])
        let nameless = try await server.request(.POST, "/api/v0/events", body: ["payload": [:]])
        #expect(nameless.status == 400)
        #expect(nameless.envelope["error"]?["message"]?.stringValue?.contains("`name` is required") == true)
    }

    @Test func aTaskRunOnItsOwnIsReadBackInCompozysShape() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        defer { _ = server.stop() }
        let run = try await server.request(.POST, "/api/v0/tasks/record/executions/sync", body: ["with": ["orderId": "solo"]])
        #expect(run.status == 200, "\(run.envelope)")
        let execID = try #require(run.envelope["data"]?["exec_id"]?.stringValue)
        let read = try await server.request(.GET, "/api/v0/executions/tasks/\(execID)")
        #expect(read.status == 200, "\(read.envelope)")
        let dto = read.envelope["data"] ?? .null
        #expect(dto["component"] == "task" && dto["task_id"] == "record" && dto["status"] == "SUCCESS", "\(dto)")
        #expect(dto["workflow_exec_id"] == .string(execID) && dto["workflow_id"] == "task:record")
        #expect(dto["output"] == ["order": "solo"])
        #expect(dto["created_at"]?.stringValue != nil && dto["updated_at"]?.stringValue != nil)
        // It is no agent execution, and a workflow execution is no task execution.
        #expect(try await server.request(.GET, "/api/v0/executions/agents/\(execID)").status == 404)
        let workflow = try await server.request(.POST, "/api/v0/workflows/orders/executions/sync", body: ["input": ["orderId": "x"]])
        let workflowID = try #require(workflow.envelope["data"]?["exec_id"]?.stringValue)
        #expect(try await server.request(.GET, "/api/v0/executions/tasks/\(workflowID)").status == 404)
    }
}
