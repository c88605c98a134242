import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardJSON

/// compozy's earlier `$ref` syntax (file references, bare paths into the same document, `!merge`
/// / `!replace`), on the fixtures of its `recursive_resolution_test.go`, and the GJSON path forms
/// compozy's references use.
@Suite(.timeLimit(.minutes(1)))
struct ReferenceFileTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/compozy-ref/recursive").path

    static func resolve(_ name: String) throws -> JSONValue {
        let file = "\(fixtures)/\(name)"
        var resolver = ReferenceResolver(global: nil)
        return try resolver.resolve(try YAMLDocument.load(file: file), file: file)
    }

    /// TestRecursiveResolution_BasicFileChain: each file's references are relative to it.
    @Test func nestedFileReferencesResolveRelativeToTheirOwnFile() throws {
        let config = try Self.resolve("tasks/task-1.yaml")["config"]
        #expect(config?["foo"] == "bar")
        #expect(config?["description"] == "Nested task configuration")
        #expect(config?["agent"]?["id"] == "agent")
        #expect(config?["agent"]?["name"] == "Test Agent")
        #expect(config?["agent"]?["tool"]?["id"] == "quote")
        #expect(config?["tools"]?.arrayValue?.count == 1)
        #expect(config?["tools"]?.arrayValue?.first?["name"] == "tool1")
        #expect(config?["tools"]?.arrayValue?.first?["ref"]?["name"] == "Quote Tool")
    }

    /// TestRecursiveResolution_CircularReferences, with the files of the chain named.
    @Test func aCycleAcrossFilesIsReportedWithItsChain() throws {
        do {
            _ = try Self.resolve("circular-test.yaml")
            Issue.record("expected a cycle")
        } catch let error as ConfigError {
            #expect(error.path == "circular_a")
            #expect(error.reason.contains("cyclic reference detected at file:\(Self.fixtures)/circular-b.yaml::data"))
            #expect(error.reason.contains("(chain: file:\(Self.fixtures)/circular-b.yaml::data → "
                + "file:\(Self.fixtures)/circular-test.yaml::circular_a → file:\(Self.fixtures)/circular-b.yaml::data)"))
        }
    }

    /// TestRecursiveResolution_PropertyReferences: bare paths, `!merge` (the reference wins).
    @Test func propertyReferencesWithinOneDocument() throws {
        let resolved = try Self.resolve("property-refs.yaml")
        let properties = resolved["schemas"]?["extended_user"]?["properties"]
        for key in ["id", "name", "email"] { #expect(properties?[key] != nil, "\(key)") }
        #expect(properties?["role"]?["name"] == "Administrator")
        #expect(resolved["configs"]?["user_config"]?["default_role"]?["name"] == "User")
        let users = resolved["users"]?.arrayValue ?? []
        #expect(users.count == 2)
        #expect(users.first?["id"] == "user1")
        #expect(users.first?["name"] == "John Doe")
        #expect(users.first?["email"] == "john@example.com")
        #expect(users.first?["type"] == "object")
    }

    @Test func legacyModesAndJSONPointers() throws {
        let directory = Self.fixtures + "/tools"
        let text = """
            replaced: {$ref: "./tool-1.yaml!replace", extra: ignored}
            merged: {$ref: "./tool-1.yaml!merge", extra: kept, name: inline}
            pointer: {$ref: "./tool-1.yaml#/name"}
            self: {$ref: "#/merged/extra"}
            """
        var resolver = ReferenceResolver(global: nil)
        let resolved = try resolver.resolve(try YAMLDocument.parse(text, file: "\(directory)/doc.yaml"), file: "\(directory)/doc.yaml")
        #expect(resolved["replaced"]?["extra"] == nil)
        #expect(resolved["merged"]?["extra"] == "kept")
        #expect(resolved["merged"]?["name"] == "Quote Tool")
        #expect(resolved["pointer"] == "Quote Tool")
        #expect(resolved["self"] == "kept")
    }

    /// The GJSON forms compozy's fixtures and examples use.
    @Test func gjsonPathForms() throws {
        let document: JSONValue = [
            "friends": [
                ["first": "Dale", "last": "Murphy", "age": 44, "nets": ["ig", "fb", "tw"]],
                ["first": "Roger", "last": "Craig", "age": 68, "nets": ["fb", "tw"]],
                ["first": "Jane", "last": "Murphy", "age": 47, "nets": ["ig", "tw"]],
            ],
            "fav.movie": "Deer Hunter",
            "agents": [["id": "writer", "config": ["model": "gpt-4o"]]],
        ]
        func value(_ path: String) throws -> JSONValue? { try GJSONPath(path).value(in: document) }
        #expect(try value("friends.#") == 3)
        #expect(try value("friends.1.first") == "Roger")
        #expect(try value("friends.#.first") == ["Dale", "Roger", "Jane"])
        #expect(try value(#"friends.#(last=="Murphy").first"#) == "Dale")
        #expect(try value(#"friends.#(last=="Murphy")#.first"#) == ["Dale", "Jane"])
        #expect(try value("friends.#(age>45)#.last") == ["Craig", "Murphy"])
        #expect(try value(#"friends.#(first%"D*").last"#) == "Murphy")
        #expect(try value(#"friends.#(first!%"D*").last"#) == "Craig")
        #expect(try value("fav\\.movie") == "Deer Hunter")
        #expect(try value("agents.#(id=='writer').config.model") == "gpt-4o")
        #expect(try value(#"agents.#(id=="nobody").config"#) == nil)
        #expect(throws: GJSONPath.SyntaxError.self) { try GJSONPath("friends.@reverse") }
    }
}
