import Foundation
import SwitchyardJSON

/// Loads a project directory: the project file, then every workflow file it lists.
public enum ProjectLoader {
    /// The project file names looked for, in order.
    public static let projectFileNames = ["compozy.yaml", "switchyard.yaml", "compozy.yml", "switchyard.yml"]

    /// Loads and checks the project in `directory`.
    /// - Returns: the project, when it has no problem at all.
    /// - Throws: the first `ConfigError` (file, path, reason); `validate(directory:)` lists them all.
    public static func load(directory: String) throws(ConfigError) -> ProjectConfig {
        let (project, problems) = validate(directory: directory)
        if let first = problems.first { throw first }
        guard let project else { throw ConfigError(file: directory, path: "", reason: "no project") }
        return project
    }

    /// Loads the project in `directory` and reports every problem found: unreadable or malformed
    /// files, bad fields, unknown ids, cycles, duplicate ids, template and condition errors.
    /// - Returns: the project as far as it could be read (`nil` when there is no project file)
    ///   and every problem, in file order.
    public static func validate(directory: String) -> (project: ProjectConfig?, problems: [ConfigError]) {
        guard let file = projectFileNames.map({ join(directory, $0) })
            .first(where: { FileManager.default.fileExists(atPath: $0) })
        else {
            let names = projectFileNames.prefix(2).joined(separator: " or ")
            return (nil, [ConfigError(file: directory, path: "", reason: "no project file (\(names)) in this directory")])
        }
        let document: JSONValue
        do {
            let raw = try YAMLDocument.load(file: file)
            document = try ReferenceResolver.resolving(raw, file: file, global: raw)
        } catch {
            return (nil, [error])
        }
        var decoder = DocumentDecoder(file: file)
        var project = decoder.project(document, directory: directory)
        var problems = decoder.errors
        for (index, entry) in (document["workflows"]?.arrayValue ?? []).enumerated() {
            guard let source = entry["source"]?.stringValue ?? entry.stringValue else {
                problems.append(ConfigError(file: file, path: "workflows[\(index)].source", reason: "is required"))
                continue
            }
            let workflowFile = join(directory, source)
            do {
                let workflowDocument = try ReferenceResolver.resolving(try YAMLDocument.load(file: workflowFile),
                                                                       file: workflowFile, global: document,
                                                                       resources: project.resources)
                var workflowDecoder = DocumentDecoder(file: workflowFile)
                if let workflow = workflowDecoder.workflow(workflowDocument) {
                    if project.workflows.contains(where: { $0.id == workflow.id }) {
                        workflowDecoder.fail("id", "duplicate workflow id \"\(workflow.id)\"")
                    }
                    project.workflows.append(workflow)
                }
                problems += workflowDecoder.errors
            } catch {
                problems.append(error)
            }
        }
        problems += loadResources(into: &project, document: document)
        problems += DotEnvFile.apply(to: &project, projectFile: file)
        problems += adapterProblems(project.tools, project: project)
        for workflow in project.workflows {
            problems += adapterProblems(workflow.tools, project: project)
            problems += WorkflowValidator.problems(in: workflow, project: project)
        }
        problems += SignalTriggers.problems(in: project.workflows)
        return (project, problems)
    }

    /// A tool's `adapter:` must be `ffi` or an `adapters:` entry's id.
    static func adapterProblems(_ tools: [ToolConfig], project: ProjectConfig) -> [ConfigError] {
        let declared = Set(project.adapters.map(\.id))
        var problems: [ConfigError] = []
        for tool in tools {
            switch tool.adapter {
            case nil:
                continue
            case "ffi"?:
                continue  // the reader already requires its `ffi:` signature
            case let adapter?:
                if !declared.contains(adapter) {
                    let known = (["ffi"] + declared.sorted()).joined(separator: ", ")
                    problems.append(ConfigError(file: tool.file, path: FieldReader.join(tool.path, "adapter"),
                                                reason: "tool \"\(tool.id)\" names unknown adapter \"\(adapter)\" (declared: \(known))"))
                }
            }
        }
        return problems
    }

    static func join(_ directory: String, _ name: String) -> String {
        if name.hasPrefix("/") { return name }
        if directory.isEmpty || directory == "." { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
