import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardJSON

/// compozy's `$merge` and inline merge (`evaluator_test.go` TestMergeDirective,
/// TestMergeDirectiveErrors, TestInlineMerge), and its earlier file-reference syntax on the
/// `recursive_resolution_test.go` fixtures (Fixtures/compozy-ref/recursive).
@Suite(.timeLimit(.minutes(1)))
struct ReferenceMergeTests {
    static let evaluate = ReferenceDirectiveTests.evaluate
    static let failure = ReferenceDirectiveTests.failure

    static let local: JSONValue = [
        "defaults": ["deploy": ["replicas": 1, "resources": ["cpu": "100m", "memory": "128Mi"]]],
        "base_tags": ["base", "common"],
        "prod": ["deploy": ["replicas": 3, "resources": ["cpu": "500m"]]],
        "extra_tags": ["extra", "additional"],
    ]
    static let global: JSONValue = ["envs": ["prod": ["deploy": ["resources": ["memory": "512Mi"], "autoscaling": true]]]]

    @Test func mergeShorthandDeepShallowAndKeyConflicts() throws {
        #expect(try Self.evaluate(#"{"deploy":{"$merge":[{"host":"localhost","port":80},{"port":8080,"proto":"https"}]}}"#, nil, nil)
            == ["deploy": ["host": "localhost", "port": 8080, "proto": "https"]])
        #expect(try Self.evaluate(#"{"tags":{"$merge":[["auth","logging"],["metrics","tracing"]]}}"#, nil, nil)
            == ["tags": ["auth", "logging", "metrics", "tracing"]])
        #expect(try Self.evaluate(#"{"deploy":{"$merge":[{"$ref":"local::defaults.deploy"},{"$ref":"local::prod.deploy"}]}}"#,
                                  Self.local, nil)
            == ["deploy": ["replicas": 3, "resources": ["cpu": "500m", "memory": "128Mi"]]])
        let explicit = #"{"deploy":{"$merge":{"strategy":"deep","sources":[{"$ref":"local::defaults.deploy"},"#
            + #"{"$ref":"global::envs.prod.deploy"},{"retries":5}]}}}"#
        #expect(try Self.evaluate(explicit, Self.local, Self.global) == ["deploy": [
            "replicas": 1, "resources": ["cpu": "100m", "memory": "512Mi"], "autoscaling": true, "retries": 5,
        ]])
        let shallow = #"{"deploy":{"$merge":{"strategy":"shallow","sources":[{"$ref":"local::defaults.deploy"},{"$ref":"local::prod.deploy"}]}}}"#
        #expect(try Self.evaluate(shallow, Self.local, nil) == ["deploy": ["replicas": 3, "resources": ["cpu": "500m"]]])
        let first = #"{"config":{"$merge":{"key_conflict":"first","sources":[{"port":8080},{"port":9090},{"host":"localhost"}]}}}"#
        #expect(try Self.evaluate(first, nil, nil) == ["config": ["port": 8080, "host": "localhost"]])
        #expect(Self.failure(#"{"config":{"$merge":{"key_conflict":"error","sources":[{"port":8080},{"port":9090}]}}}"#, nil, nil)
            .contains("key conflict: 'port' already exists"))
    }

    @Test func mergeArraysUniquePrependNilsAndDirectiveSources() throws {
        let unique = #"{"tags":{"$merge":{"strategy":"unique","sources":[{"$ref":"local::base_tags"},["build","docker","build"]]}}}"#
        #expect(try Self.evaluate(unique, Self.local, nil) == ["tags": ["base", "common", "build", "docker"]])
        let prepend = #"{"tags":{"$merge":{"strategy":"prepend","sources":[["first","second"],["third","fourth"]]}}}"#
        #expect(try Self.evaluate(prepend, nil, nil) == ["tags": ["third", "fourth", "first", "second"]])
        #expect(try Self.evaluate(#"{"config":{"$merge":[{"$ref":"local::nullable"},{"port":8080}]}}"#, ["nullable": nil], nil)
            == ["config": ["port": 8080]])
        let nested: JSONValue = [
            "configs": [["$ref": "local::base.config"], ["name": "override"]],
            "base": ["config": ["host": "localhost", "port": 3000]],
        ]
        #expect(try Self.evaluate(#"{"result":{"$merge":{"$ref":"local::configs"}}}"#, nested, nil)
            == ["result": ["host": "localhost", "port": 3000, "name": "override"]])
    }

    @Test func directivesWithInlineMergeInsideMergeSources() throws {
        let scope: JSONValue = [
            "base": ["server": ["host": "localhost", "port": 8080]], "config": ["timeout": 30],
            "overrides": ["port": 9090, "ssl": true],
        ]
        let refs = """
            result:
              $merge:
                - name: "test-service"
                - $ref: "local::base.server!merge:<deep>"
                  extra: "from-ref"
                - $ref: "local::overrides"
            """
        #expect(try Self.evaluate(refs, scope, nil)
            == ["result": ["name": "test-service", "host": "localhost", "port": 9090, "extra": "from-ref", "ssl": true]])
        let uses = """
            deployment:
              $merge:
                - metadata:
                    name: "my-deployment"
                - $use: "agent(local::components.worker)"
                  resources:
                    cpu: "100m"
                - scaling:
                    enabled: true
            """
        #expect(try Self.evaluate(uses, ["components": ["worker": ["type": "background", "replicas": 2]]], nil) == ["deployment": [
            "metadata": ["name": "my-deployment"], "agent": ["type": "background", "replicas": 2],
            "resources": ["cpu": "100m"], "scaling": ["enabled": true],
        ]])
        let complex = """
            config:
              $merge:
                - app:
                    name: "my-app"
                - database:
                    $ref: "local::defaults.database!merge:<deep>"
                    ssl: true
                    pool:
                      timeout: 30
                - database:
                    $ref: "local::environments.prod"
            """
        let complexScope: JSONValue = [
            "defaults": ["database": ["host": "localhost", "port": 5432, "pool": ["min": 5, "max": 20]]],
            "environments": ["prod": ["host": "prod-db.example.com", "pool": ["max": 50]]],
        ]
        #expect(try Self.evaluate(complex, complexScope, nil) == ["config": [
            "app": ["name": "my-app"],
            "database": ["host": "prod-db.example.com", "port": 5432, "ssl": true, "pool": ["min": 5, "max": 50, "timeout": 30]],
        ]])
    }

    @Test func mergeErrorsUseCompozysReasons() {
        let cases: [(String, String, JSONValue?)] = [
            (#"{"$merge":[]}"#, "sources cannot be empty", nil),
            (#"{"$merge":[{"key":"value"},["array","item"]]}"#, "must be all objects or all arrays", nil),
            (#"{"$merge":{"strategy":"invalid","sources":[{"a":1},{"b":2}]}}"#, "invalid object merge strategy", nil),
            (#"{"$merge":{"strategy":"invalid","sources":[["a"],["b"]]}}"#, "invalid array merge strategy", nil),
            (#"{"$merge":{"key_conflict":"invalid","sources":[{"a":1},{"b":2}]}}"#, "invalid key_conflict", nil),
            (#"{"$merge":{"unknown":"option","sources":[{"a":1}]}}"#, "unknown key in $merge", nil),
            (#"{"$merge":{"strategy":"deep"}}"#, "must contain 'sources' key", nil),
            (#"{"$merge":{"sources":"not-a-list"}}"#, "sources must be a sequence", nil),
            (#"{"$merge":["string",{"key":"value"}]}"#, "must be an object or array", nil),
            (#"{"$merge":[{"a":1}],"extra":"key"}"#, "$merge directive cannot have sibling keys", nil),
            (#"{"$merge":[{"$ref":"local::scalar"},{"key":"value"}]}"#, "must be an object or array", ["scalar": "string value"]),
        ]
        for (input, expected, scope) in cases {
            let reason = Self.failure(input, scope, nil)
            #expect(reason.contains(expected), "\(input): \(reason)")
        }
    }

    static let inlineScope: JSONValue = [
        "test": ["data": ["foo": "bar"]],
        "defaults": ["server": ["host": "localhost", "port": 8080]],
        "arrays": ["tags": ["dev", "test"]],
    ]

    @Test func siblingKeysMergeOverTheReferencedValue() throws {
        #expect(try Self.evaluate("foo:\n  $ref: \"local::test.data\"\n  bar: baz", Self.inlineScope, nil)
            == ["foo": ["foo": "bar", "bar": "baz"]])
        #expect(try Self.evaluate("myagent:\n  $use: \"agent(local::test.data)\"\n  extra: value", Self.inlineScope, nil)
            == ["myagent": ["agent": ["foo": "bar"], "extra": "value"]])
        #expect(try Self.evaluate("server:\n  $ref: \"local::defaults.server!merge:<deep>\"\n  port: 9090\n  ssl: true",
                                  Self.inlineScope, nil)
            == ["server": ["host": "localhost", "port": 9090, "ssl": true]])
        let shallow = "result:\n  $ref: \"local::base.config!merge:<shallow>\"\n  level1: \"override\"\n  nested:\n    other: \"new\""
        #expect(try Self.evaluate(shallow, ["base": ["config": ["nested": ["deep": "value"], "level1": "base"]]], nil)
            == ["result": ["level1": "override", "nested": ["other": "new"]]])
        #expect(try Self.evaluate("config:\n  $ref: \"local::defaults.server!merge:<deep,first>\"\n  host: \"0.0.0.0\"",
                                  Self.inlineScope, nil)
            == ["config": ["host": "localhost", "port": 8080]])
        #expect(Self.failure("config:\n  $ref: \"local::defaults.server!merge:<deep,error>\"\n  host: \"0.0.0.0\"", Self.inlineScope, nil)
            .contains("key conflict: 'host' already exists"))
        #expect(try Self.evaluate("config:\n  $ref: \"local::defaults.server!merge:<replace>\"\n  extra: \"ignored\"",
                                  Self.inlineScope, nil)
            == ["config": ["host": "localhost", "port": 8080]])
        #expect(Self.failure("result:\n  $ref: \"local::arrays.tags\"\n  extra: value", Self.inlineScope, nil)
            .contains("cannot merge array result with object siblings"))
        #expect(Self.failure("result:\n  $ref: \"local::value\"\n  extra: value", ["value": "scalar"], nil)
            .contains("cannot merge scalar result with siblings"))
        #expect(try Self.evaluate("result:\n  $ref: \"local::nothing\"\n  foo: bar", ["nothing": nil], nil) == ["result": ["foo": "bar"]])
    }
}
