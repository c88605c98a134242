// `import SwitchyardHost` is all an embedding host writes: the types its API takes and returns
// (ProjectConfig, WorkflowResult, JSONValue, ToolError, ...) come with it, as NIO re-exports NIOCore.
@_exported import SwitchyardEngine
@_exported import SwitchyardJSON
@_exported import SwitchyardRuntime
