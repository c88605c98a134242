import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// `switchyard validate` and `switchyard run` on a project whose workflow and schema are found by
/// `autoload:` (issue #9 items 1, 2, 7), with no `workflows:` list at all.
@Suite(.timeLimit(.minutes(1)))
struct AutoloadCommandTests {
    static func project(strict: Bool, files: [String: String]) throws -> String {
        let directory = TemporaryDirectory.make("switchyard-cli-autoload")
        let project = """
            name: auto
            autoload:
              enabled: true
              strict: \(strict)
              include: ["schemas/*.yaml", "workflows/**/*.yaml"]
            """
        for (name, text) in files.merging(["compozy.yaml": project], uniquingKeysWith: { $1 }) {
            let path = directory + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return directory
    }

    static let files = [
        "schemas/order.yaml": """
            resource: schema
            id: order
            type: object
            properties:
              item: {type: string}
              count: {type: integer, default: 1}
            required: [item]
            """,
        "workflows/orders/place.yaml": """
            resource: workflow
            id: place-order
            config:
              input: order
            tasks:
              - id: total
                type: aggregate
                outputs:
                  line: "{{ .workflow.input.count }} x {{ .workflow.input.item }}"
            outputs:
              line: "{{ .tasks.total.output.line }}"
            """,
    ]

    @Test func validateAndRunAnAutoloadedWorkflowWithASchemaByID() throws {
        let directory = try Self.project(strict: true, files: Self.files)
        let validated = try EngineCommandTests.run(["validate", "--project", directory])
        #expect(validated.status == 0, "\(validated.stderr)")
        #expect(validated.stdout.contains("1 workflow(s) (place-order)"))

        let ran = try EngineCommandTests.run(["run", "place-order", "--project", directory, "--json", "--input", #"{"item":"tea"}"#])
        #expect(ran.status == 0, "\(ran.stderr)")
        let result = try JSONValue(parsing: ran.stdout)
        #expect(result["status"] == "SUCCESS")
        #expect(result["output"] == ["line": "1 x tea"])  // the linked schema's default applied

        let refused = try EngineCommandTests.run(["run", "place-order", "--project", directory, "--input", #"{"count":2}"#])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("input") && refused.stderr.contains("item"), "\(refused.stderr)")
    }

    @Test func validateReportsEveryBrokenResourceFileAndWarnsOnSkippedOnes() throws {
        var broken = Self.files
        broken["workflows/bad-ref.yaml"] = "resource: workflow\nid: bad\nconfig: {input: ordr}\ntasks: [{id: a, type: aggregate, outputs: {}}]\n"
        broken["workflows/no-resource.yaml"] = "id: lost\ntasks: []\n"
        broken["schemas/dup.yaml"] = "resource: schema\nid: ORDER\ntype: object\n"
        let strict = try Self.project(strict: true, files: broken)
        let result = try EngineCommandTests.run(["validate", "--project", strict])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("error: \(strict)/schemas/order.yaml: id: duplicate schema id \"order\" (first in \(strict)/schemas/dup.yaml)"))
        #expect(lines.contains("error: \(strict)/workflows/no-resource.yaml: resource: configuration missing required resource field"))
        #expect(lines.contains { $0.hasPrefix("error: \(strict)/workflows/bad-ref.yaml: config.input: unknown schema \"ordr\"") })
        #expect(lines.count == 3, "\(lines)")

        let lenient = try Self.project(strict: false, files: broken)
        let skipped = try EngineCommandTests.run(["validate", "--project", lenient])
        let warnings = skipped.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        #expect(warnings.count == 2, "\(skipped.stderr)")
        #expect(skipped.status == 2)  // the unknown schema id is wrong inside a registered file: still an error
    }
}
