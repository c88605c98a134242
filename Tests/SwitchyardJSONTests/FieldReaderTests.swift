import Testing
import SwitchyardJSON

@Suite("FieldReader")
struct FieldReaderTests {
    static let document: JSONValue = [
        "name": "demo", "version": 1.5, "debug": true, "workers": 4, "ratio": 0.5, "nothing": nil,
        "runtime": ["mode": "pooled", "permissions": ["--allow-read", 3]],
        "tools": [["id": "echo"], "bare", ["id": "crc", "ffi": ["symbol": 7]]],
    ]

    /// The problem a read throws, or nil when it succeeds.
    static func problem<Value>(_ read: () throws(FieldProblem) -> Value) -> FieldProblem? {
        do { _ = try read(); return nil } catch { return error }
    }

    @Test func typedAccessorsReadWhatIsWritten() throws {
        let fields = try FieldReader(Self.document)
        #expect(try fields.string("name") == "demo")
        #expect(try fields.int("workers") == 4)
        #expect(try fields.bool("debug") == true)
        #expect(try fields.number("ratio") == 0.5)
        #expect(try fields.number("workers") == 4)
        #expect(try fields.string("version", scalarsAsText: true) == "1.5")
        #expect(try fields.requiredString("name") == "demo")
        #expect(try fields.object("runtime")?.string("mode") == "pooled")
        #expect(try fields.array("tools").count == 3)
    }

    @Test func absentAndNullAreNotGiven() throws {
        let fields = try FieldReader(Self.document)
        for key in ["nothing", "absent"] {
            #expect(try fields.string(key) == nil)
            #expect(try fields.int(key) == nil)
            #expect(try fields.bool(key) == nil)
            #expect(try fields.object(key) == nil)
            #expect(try fields.array(key).isEmpty)
            #expect(fields[key] == nil)
        }
        #expect(fields.contains("nothing"))
        #expect(!fields.contains("absent"))
        #expect(Self.problem { () throws(FieldProblem) in try fields.requiredString("nothing") }
                == FieldProblem("nothing", .missing))
        let empty = FieldReader(members: ["id": ""], at: "tools[0]")
        #expect(Self.problem { () throws(FieldProblem) in try empty.requiredString("id") }
                == FieldProblem("tools[0].id", .empty))
    }

    @Test func typeMismatchesNameThePathAndBothTypes() throws {
        let fields = try FieldReader(Self.document)
        let wrongString = Self.problem { () throws(FieldProblem) in try fields.string("workers") }
        #expect(wrongString == FieldProblem("workers", .wrongType(expected: .string, found: 4)))
        #expect(wrongString?.description == "workers: expected a string, found integer")
        #expect(Self.problem { () throws(FieldProblem) in try fields.int("ratio") }?.description
                == "ratio: expected an integer, found number")
        #expect(Self.problem { () throws(FieldProblem) in try fields.bool("name") }?.description
                == "name: expected true or false, found string")
        #expect(Self.problem { () throws(FieldProblem) in try fields.object("name") }?.description
                == "name: expected a mapping, found string")
        #expect(Self.problem { () throws(FieldProblem) in try fields.array("runtime") }?.description
                == "runtime: expected a list, found object")
        #expect(Self.problem { () throws(FieldProblem) in try FieldReader("text", at: "agents[0]") }?.description
                == "agents[0]: expected a mapping, found string")
        #expect(FieldType.object.jsonPhrase == "an object" && FieldType.boolean.jsonPhrase == "a boolean")
    }

    @Test func nestedReadersCarryTheirPath() throws {
        let fields = try FieldReader(Self.document, at: "")
        let runtime = try #require(try fields.object("runtime"))
        #expect(runtime.path == "runtime")
        let permissions = try runtime.elements("permissions")
        #expect(permissions.map(\.path) == ["runtime.permissions[0]", "runtime.permissions[1]"])
        let tools = try fields.elements("tools")
        #expect(tools.map(\.path) == ["tools[0]", "tools[1]", "tools[2]"])
        #expect(Self.problem { () throws(FieldProblem) in try FieldReader(tools[1].value, at: tools[1].path) }
                == FieldProblem("tools[1]", .wrongType(expected: .object, found: "bare")))
        let crc = try FieldReader(tools[2].value, at: tools[2].path)
        let ffi = try #require(try crc.object("ffi"))
        #expect(Self.problem { () throws(FieldProblem) in try ffi.string("symbol") }?.path == "tools[2].ffi.symbol")
        #expect(FieldReader.join("", "name") == "name" && FieldReader.join("a.b", index: 3) == "a.b[3]")
    }

    @Test func closedSetsAndOwnFormats() throws {
        enum Mode: String, CaseIterable { case pooled, perCall = "per_call" }
        let fields = FieldReader(members: ["mode": "sometimes", "ok": "per_call", "timeout": "soon"], at: "runtime")
        #expect(try fields.oneOf("ok", as: Mode.self) == .perCall)
        let unknown = Self.problem { () throws(FieldProblem) in try fields.oneOf("mode", as: Mode.self) }
        #expect(unknown == FieldProblem("runtime.mode", .notOneOf(field: "mode", found: "sometimes", allowed: ["pooled", "per_call"])))
        #expect(unknown?.description == "runtime.mode: unknown mode \"sometimes\" (expected one of: pooled, per_call)")
        let parsed = Self.problem { () throws(FieldProblem) in
            try fields.parsed("timeout", { $0.stringValue == "30s" ? 30 : nil }, otherwise: { "bad duration \($0)" })
        }
        #expect(parsed?.description == "runtime.timeout: bad duration \"soon\"")
    }

    @Test func problemsCanBeCollectedInReadOrder() throws {
        let fields = try FieldReader(["a": 1, "b": "x", "c": [1], "d": true], at: "task")
        var problems = FieldProblems()
        let a = problems.read { () throws(FieldProblem) in try fields.string("a") }
        let b = problems.read { () throws(FieldProblem) in try fields.string("b") }
        let c = problems.read { () throws(FieldProblem) in try fields.object("c") }
        let d = problems.read { () throws(FieldProblem) in try fields.int("d") }
        problems.record("task.e", "is required for a router")
        #expect(a == nil && b == "x" && c == nil && d == nil)
        #expect(problems.all.map(\.description) == [
            "task.a: expected a string, found integer",
            "task.c: expected a mapping, found array",
            "task.d: expected an integer, found boolean",
            "task.e: is required for a router",
        ])
    }
}
