import Foundation
import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// compozy's Events API (`POST /events`): an event starts each workflow whose `triggers:`
/// names it, with the payload as its input.
struct EventRoutes {
    let engine: WorkflowEngine

    func register(on routes: APIRouteTable) {
        routes.add(.post, "/api/v0/events", APIOperation(
            summary: "Send an event: starts the workflow whose triggers name it, with the payload as input (compozy's POST /events)",
            body: ["name": ["type": "string", "minLength": 1], "payload": ["type": "object", "nullable": true]],
            required: ["name"], answers: [202, 400])) { request, _ in
            await APIRoutes.answer {
                let body = try await APIRequestBody.read(request)
                guard let name = try body.string("name"), !name.isEmpty else {
                    throw APIError.badRequest("`name` is required: the event's name, as a workflow's `triggers` names it")
                }
                let eventID = UUID().uuidString.lowercased()
                let started = await engine.dispatchEvent(Signal(name: name, payload: try body.object("payload"),
                                                                id: eventID, source: "event"))
                return APIResponse.success(.accepted, "event received and queued for processing", [
                    "event_id": .string(eventID), "name": .string(name),
                    "executions": .array(started.map { .string($0) }),
                ])
            }
        }
    }
}
