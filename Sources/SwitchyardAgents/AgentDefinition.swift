import SwitchyardJSON

/// An agent as declared in a workflow or project: compozy's `agents[]` entry, with its model
/// already resolved. The engine renders `with` and `env` itself; they are not part of this type.
public struct AgentDefinition: Sendable {
    /// The default for `max_iterations`.
    public static let defaultMaxIterations = 5

    /// The agent id.
    public var id: String
    /// The system message.
    public var instructions: String
    /// The model to call.
    public var model: ModelConfig
    /// The declared actions.
    public var actions: [AgentAction]
    /// The ids of the tools the agent may call, in declaration order.
    public var toolIDs: [String]
    /// How many model calls one run may make (tool rounds and re-asks included).
    public var maxIterations: Int

    /// Creates a definition.
    public init(id: String, instructions: String, model: ModelConfig, actions: [AgentAction] = [],
                toolIDs: [String] = [], maxIterations: Int = AgentDefinition.defaultMaxIterations) {
        self.id = id
        self.instructions = instructions
        self.model = model
        self.actions = actions
        self.toolIDs = toolIDs
        self.maxIterations = maxIterations
    }

    /// Reads an `agents[]` entry.
    ///
    /// `tools` (here and on each action) may hold tool id strings or tool objects; an object
    /// contributes its `id` (the engine resolves the tool itself, inline or declared). The model
    /// is `model` (an id, `provider:model`, or an inline object), else compozy's older
    /// `config:` object, else the project's default.
    /// - Parameters:
    ///   - json: The agent object.
    ///   - path: Where it sits (`agents[0]`), for error messages.
    ///   - models: The project's models, resolving `model`.
    /// - Throws: `AgentError` `.invalidConfig` naming the offending field.
    public init(json: JSONValue, at path: String, models: ModelCatalog) throws(AgentError) {
        let fields = try readingConfig { () throws(FieldProblem) in try FieldReader(json, at: path) }
        let id = try readingConfig { () throws(FieldProblem) in try fields.requiredString("id") }
        var actions: [AgentAction] = []
        for (actionPath, entry) in try readingConfig({ () throws(FieldProblem) in try fields.elements("actions") }) {
            let action = try AgentAction(json: entry, at: actionPath)
            if actions.contains(where: { $0.id == action.id }) {
                throw AgentError(.invalidConfig, "\(actionPath).id: duplicate action '\(action.id)'")
            }
            actions.append(action)
        }
        let toolIDs = try readingConfig { () throws(FieldProblem) in try declaredToolIDs(in: fields.elements("tools")) }
        let maxIterations = try readingConfig { () throws(FieldProblem) in try fields.int("max_iterations") }
            ?? Self.defaultMaxIterations
        guard maxIterations >= 1 else {
            throw AgentError(.invalidConfig, "\(fields.path("max_iterations")): must be at least 1, got \(maxIterations)")
        }
        let instructions = try readingConfig { () throws(FieldProblem) in try fields.string("instructions") }
        // compozy's older agent form puts the model object under `config:`; `model:` wins.
        let modelKey = fields.members["model"] == nil && fields.members["config"] != nil ? "config" : "model"
        self.init(id: id, instructions: instructions ?? "",
                  model: try models.resolve(fields.members[modelKey], at: fields.path(modelKey)),
                  actions: actions, toolIDs: toolIDs, maxIterations: maxIterations)
    }

    /// The tools a run of `actionID` may call: the agent's, then the action's own.
    public func toolIDs(for actionID: String?) -> [String] {
        let own = actionID.flatMap { id in actions.first { $0.id == id } }?.toolIDs ?? []
        return toolIDs + own.filter { !toolIDs.contains($0) }
    }

    /// The action with `id`.
    /// - Throws: `AgentError` `.unknownAction` listing the declared actions.
    public func action(_ id: String) throws(AgentError) -> AgentAction {
        if let found = actions.first(where: { $0.id == id }) { return found }
        let known = actions.map(\.id).joined(separator: ", ")
        throw AgentError(.unknownAction,
                         "unknown action '\(id)'; declared actions: \(known.isEmpty ? "(none)" : known)",
                         agentID: self.id, actionID: id, model: model.displayName)
    }
}
