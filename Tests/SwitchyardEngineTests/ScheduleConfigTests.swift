import Foundation
import SwitchyardEngine
import SwitchyardJSON
import Testing

/// `schedule:` of a workflow file, checked as compozy's `ValidateSchedule` and `ScheduleValidator` do.
@Suite struct ScheduleConfigTests {
    static func workflow(_ schedule: String, input: String = "") -> String {
        """
        id: wf
        \(input)
        schedule:
        \(schedule)
        tasks:
          - id: a
            tool: echo
        """
    }

    @Test func readsEveryField() throws {
        let project = try TestProject(Self.workflow("""
              cron: "0 0 9 * * 1-5"
              timezone: America/New_York
              enabled: false
              jitter: 5m
              overlap_policy: buffer_one
              start_at: "2024-01-01T00:00:00Z"
              end_at: "2024-12-31T23:59:59Z"
              input: {mode: scheduled}
            """))
        let schedule = try #require(try project.load().workflow("wf")?.schedule)
        #expect(schedule.cron.expression == "0 0 9 * * 1-5")
        #expect(schedule.timeZoneName == "America/New_York" && !schedule.enabled && schedule.jitter == .seconds(300))
        #expect(schedule.overlapPolicy == .bufferOne && schedule.input == ["mode": "scheduled"])
        #expect(schedule.startAt == ScheduleTime.parse("2024-01-01T00:00:00Z") && schedule.endAt != nil)
        #expect(schedule.declaration["cron"] == "0 0 9 * * 1-5")
    }

    @Test func defaultsAreCompozys() throws {
        let project = try TestProject(Self.workflow("  cron: \"@every 10s\""))
        let schedule = try #require(try project.load().workflow("wf")?.schedule)
        #expect(schedule.enabled && schedule.overlapPolicy == .skip && schedule.timeZoneName == "UTC")
        #expect(schedule.cron.timing == .interval(seconds: 10) && schedule.input == .emptyObject)
    }

    /// A cron that does not parse is a validate error naming the file, the field and the expression.
    @Test func badFieldsAreValidateErrorsNamingFileFieldAndValue() throws {
        let project = try TestProject(Self.workflow("""
              cron: "0 61 * * * *"
              timezone: Mars/Olympus
              jitter: soon
              overlap_policy: queue_all
              start_at: "2025-01-01T00:00:00Z"
              end_at: "2024-01-01T00:00:00Z"
              retries: 3
            """))
        let (_, problems) = ProjectLoader.validate(directory: project.directory)
        let file = project.path("wf.yaml")
        let lines = problems.map(\.description)
        func has(_ path: String, _ fragment: String) -> Bool {
            lines.contains { $0.hasPrefix("\(file): \(path): ") && $0.contains(fragment) }
        }
        #expect(has("schedule.cron", "invalid cron expression '0 61 * * * *': end of range (61) above maximum (59)"), "\(lines)")
        #expect(has("schedule.timezone", "Mars/Olympus"))
        #expect(has("schedule.jitter", "soon"))
        #expect(has("schedule.overlap_policy", "unsupported overlap_policy: queue_all"))
        #expect(has("schedule.start_at", "start_at must be before end_at"))
        #expect(has("schedule.retries", "unknown key"))
        #expect(throws: ConfigError.self) { try project.load() }
    }

    @Test func fiveFieldsAreRefusedAsCompozyRefusesThem() throws {
        let project = try TestProject(Self.workflow("  cron: \"*/5 * * * *\""))
        let (_, problems) = ProjectLoader.validate(directory: project.directory)
        #expect(problems.map(\.description).contains {
            $0.contains("schedule.cron: invalid cron expression '*/5 * * * *': expected 6 or 7 fields")
        })
    }

    @Test func scheduleInputMeetsTheInputSchemaWithItsDefaults() throws {
        let schema = """
            config:
              input:
                type: object
                properties:
                  topic: {type: string}
                  depth: {type: integer, default: 2}
                required: [topic, depth]
            """
        let good = try TestProject(Self.workflow("  cron: \"@hourly\"\n  input: {topic: news}", input: schema))
        #expect(ProjectLoader.validate(directory: good.directory).1.isEmpty)
        let bad = try TestProject(Self.workflow("  cron: \"@hourly\"", input: schema))
        let lines = ProjectLoader.validate(directory: bad.directory).1.map(\.description)
        #expect(lines.contains { $0.contains("schedule.input: schedule input validation error") && $0.contains("topic") }, "\(lines)")
    }
}
