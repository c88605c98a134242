import Foundation
import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// compozy's `/schedules` routes (`engine/workflow/schedule/router`): `GET /schedules` (every
/// scheduled workflow), `GET /schedules/{workflow_id}`, `PATCH /schedules/{workflow_id}`
/// (`{enabled?, cron?}`, at least one) and `DELETE /schedules/{workflow_id}` (204). A change is
/// an override kept in the store until the workflow file's `schedule:` changes (compozy keeps it
/// until the YAML is reloaded); every `serve` process on the store applies it by its next pass.
struct ScheduleRoutes {
    let scheduler: WorkflowScheduler

    func register(on routes: APIRouteTable) {
        routes.add(.get, "/api/v0/schedules", APIOperation(
            summary: "List the scheduled workflows with their cron, time zone, state, override and next and last run",
            answers: [200])) { _, _ in
            await APIRoutes.answer {
                let schedules = try await scheduler.schedules()
                return APIResponse.success(.ok, "schedules retrieved", [
                    "schedules": .array(schedules), "total": .int(Int64(schedules.count)),
                ])
            }
        }
        routes.add(.get, "/api/v0/schedules/:workflow_id", APIOperation(
            summary: "A scheduled workflow's schedule, with the file's schedule as yaml_config when overridden",
            answers: [200, 404])) { _, context in
            await APIRoutes.answer {
                let info = try await scheduler.schedule(try APIRoutes.parameter("workflow_id", context))
                return APIResponse.success(.ok, "schedule retrieved", info)
            }
        }
        routes.add(.patch, "/api/v0/schedules/:workflow_id", APIOperation(
            summary: "Enable, disable or re-time a schedule (at least one of enabled, cron); kept until the file's schedule changes",
            // null is absent, as compozy's `*bool`/`*string` read it.
            body: ["enabled": ["type": "boolean", "nullable": true], "cron": ["type": "string", "minLength": 1, "nullable": true]],
            bodyConstraints: ["anyOf": [["required": ["enabled"]], ["required": ["cron"]]]],
            answers: [200, 400, 404])) { request, context in
            await APIRoutes.answer {
                let workflowID = try APIRoutes.parameter("workflow_id", context)
                let body = try await APIRequestBody.read(request)
                let enabled = try body.bool("enabled"), cron = try body.string("cron")
                guard enabled != nil || cron != nil else {
                    throw APIError.badRequest("at least one of 'enabled' or 'cron' is required")
                }
                let info = try await scheduler.update(workflowID, enabled: enabled, cron: cron)
                return APIResponse.success(.ok, "schedule updated", info)
            }
        }
        routes.add(.delete, "/api/v0/schedules/:workflow_id", APIOperation(
            summary: "Remove a schedule until the workflow file's schedule changes",
            answers: [204, 404])) { _, context in
            await APIRoutes.answer {
                try await scheduler.delete(try APIRoutes.parameter("workflow_id", context))
                return Response(status: .noContent)
            }
        }
    }
}
