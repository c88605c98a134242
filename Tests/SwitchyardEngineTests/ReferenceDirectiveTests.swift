import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardJSON

/// compozy's `pkg/ref` directives (`$ref`, `$use`, `$merge`), ported from its
/// `evaluator_test.go` (TestUseDirective, TestRefDirective, TestRecursiveEvaluation,
/// TestDirectiveErrors, TestMergeDirective, TestMergeDirectiveErrors, TestInlineMerge) with their
/// inputs, scopes and expected outputs.
@Suite(.timeLimit(.minutes(1)))
struct ReferenceDirectiveTests {
    /// `text` (YAML or JSON) evaluated with the given scopes, as compozy's `MustEvalBytes`.
    static func evaluate(_ text: String, local: JSONValue? = nil, global: JSONValue? = nil) throws -> JSONValue {
        let document = try YAMLDocument.parse(text, file: "doc.yaml")
        var resolver = ReferenceResolver(global: global)
        return try resolver.resolve(document, file: "doc.yaml", local: local ?? .emptyObject)
    }

    /// The reason `text` is refused.
    static func failure(_ text: String, local: JSONValue? = nil, global: JSONValue? = nil) -> String {
        do {
            _ = try evaluate(text, local: local, global: global)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    // MARK: TestUseDirective

    static let useLocal: JSONValue = [
        "agents": ["foo": ["name": "Foo Agent", "type": "assistant"]],
        "env": ["db": ["host": "localhost", "port": 5432]],
    ]

    @Test func useResolvesLocalAgentGlobalTaskAndNestedObjects() throws {
        #expect(try Self.evaluate(#"{"$use":"agent(local::agents.foo)"}"#, local: Self.useLocal)
            == ["agent": ["name": "Foo Agent", "type": "assistant"]])
        let global: JSONValue = ["tasks": ["build": ["name": "Build Task", "cmd": "make build"]]]
        #expect(try Self.evaluate(#"{"$use":"task(global::tasks.build)"}"#, global: global)
            == ["task": ["name": "Build Task", "cmd": "make build"]])
        #expect(try Self.evaluate(#"{"env":{"$use":"agent(local::env.db)"}}"#, local: Self.useLocal)
            == ["env": ["agent": ["host": "localhost", "port": 5432]]])
    }

    // MARK: TestRefDirective

    static let refLocal: JSONValue = [
        "config": ["postgres": ["port": 5432]],
        "services": [["name": "api", "port": 8080], ["name": "worker", "metadata": ["url": "http://worker:9090"]]],
    ]

    @Test func refResolvesScalarsObjectsIndexesAndArrays() throws {
        #expect(try Self.evaluate(#"{"port":{"$ref":"local::config.postgres.port"}}"#, local: Self.refLocal) == ["port": 5432])
        let global: JSONValue = ["defaults": ["db": ["host": "localhost", "port": 5432, "user": "postgres"]]]
        #expect(try Self.evaluate(#"{"db":{"$ref":"global::defaults.db"}}"#, global: global)
            == ["db": ["host": "localhost", "port": 5432, "user": "postgres"]])
        #expect(try Self.evaluate(#"{"$ref":"local::services.1.metadata.url"}"#, local: Self.refLocal) == "http://worker:9090")
        #expect(try Self.evaluate(#"{"services":{"$ref":"local::services"}}"#, local: Self.refLocal)
            == ["services": Self.refLocal["services"]!])
    }

    // MARK: TestRecursiveEvaluation

    static let recursiveScope: JSONValue = [
        "base": ["config": ["host": "localhost", "port": 8080]],
        "server": ["$ref": "local::base.config"],
        "nested": ["deep": ["$ref": "local::server"]],
        "agents": ["api": ["name": "API Agent", "config": ["$ref": "local::base.config"]]],
    ]

    @Test func resolvedValuesAreEvaluatedAgain() throws {
        #expect(try Self.evaluate(#"{"result":{"$ref":"local::nested.deep"}}"#, local: Self.recursiveScope)
            == ["result": ["host": "localhost", "port": 8080]])
        #expect(try Self.evaluate(#"{"service":{"$use":"agent(local::agents.api)"}}"#, local: Self.recursiveScope)
            == ["service": ["agent": ["name": "API Agent", "config": ["host": "localhost", "port": 8080]]]])
        let levels: JSONValue = [
            "level1": ["$ref": "local::level2"], "level2": ["$ref": "local::level3"],
            "level3": ["$ref": "local::final"], "final": ["value": "success"],
        ]
        #expect(try Self.evaluate(#"{"$ref":"local::level1"}"#, local: levels) == ["value": "success"])
        let arrays: JSONValue = [
            "configs": [["$ref": "local::base.config"], ["name": "static"]],
            "base": ["config": ["host": "localhost", "port": 3000]],
        ]
        #expect(try Self.evaluate(#"{"services":{"$ref":"local::configs"}}"#, local: arrays)
            == ["services": [["host": "localhost", "port": 3000], ["name": "static"]]])
    }

    // MARK: TestDirectiveErrors, TestDeterministicDirectivePick

    @Test func malformedDirectivesAreRefusedWithCompozysReasons() {
        let scope: JSONValue = ["foo": "bar"]
        #expect(Self.failure(#"{"$ref":"planet::foo"}"#).contains("invalid $ref syntax"))
        #expect(Self.failure(#"{"$ref":"local::does.not.exist"}"#, local: scope).contains("not found"))
        #expect(Self.failure(#"{"$use":"agent(bad)"}"#).contains("invalid $use syntax"))
        #expect(Self.failure(#"{"$ref":123}"#).contains("$ref must be a string"))
        #expect(Self.failure(#"{"$use":""}"#).contains("invalid $use syntax"))
        #expect(Self.failure(#"{"$ref":"local::"}"#, local: scope).contains("invalid $ref syntax"))
        #expect(Self.failure(#"{"$ref":"global::foo"}"#).contains("global scope is not configured"))
        #expect(Self.failure(#"{"$ref":"local::x","$use":"agent(local::y)"}"#, local: ["x": "a", "y": "b"])
            .contains("multiple directives are not allowed"))
    }

    @Test func aCycleNamesTheChainThatClosedIt() {
        let reason = Self.failure(#"{"$ref":"local::a"}"#, local: ["a": ["$ref": "local::b"], "b": ["$ref": "local::a"]])
        #expect(reason.contains("cyclic reference detected at local::a"))
        #expect(reason.contains("(chain: local::a → local::b → local::a)"))
    }

    @Test func aDanglingReferenceNamesItsPlaceAndChain() {
        let local: JSONValue = ["agents": [["id": "writer", "model": ["$ref": #"local::models.#(id=="missing")"#]]]]
        let reason = Self.failure(#"{"tasks":[{"id":"t","agent":{"$ref":"local::agents.#(id==\"writer\")"}}]}"#, local: local)
        #expect(reason == #"doc.yaml: tasks[0].agent: $ref local::models.#(id=="missing"): path models.#(id=="missing") "#
            + #"not found in local scope (chain: local::agents.#(id=="writer") → local::models.#(id=="missing"))"#)
    }

    @Test func edgeCasesNullUnicodeAndDeepNesting() throws {
        #expect(try Self.evaluate(#"{"val":{"$ref":"local::nullable"}}"#, local: ["nullable": nil]) == ["val": nil])
        #expect(try Self.evaluate(#"{"$ref":"local::métricas.latência"}"#, local: ["métricas": ["latência": 99]]) == 99)
        var value: JSONValue = ["value": "end"]
        var path = "root"
        for _ in 0..<100 {
            value = ["next": value]
            path += ".next"
        }
        #expect(try Self.evaluate(#"{"$ref":"local::\#(path).value"}"#, local: ["root": value]) == "end")
    }
}
